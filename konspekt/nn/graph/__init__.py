"""``konspekt.nn.graph``: graph neural networks.

Graph data (``Graph``, ``Batch``), the reductions over edges that message passing needs
(``scatter_sum``, ``scatter_mean``, ``scatter_max``, ``scatter_softmax``, ``gather``), the
``MessagePassing`` base class, the convolutions ``GCNConv``, ``SAGEConv`` and ``GATConv``, and edge
classification with an interaction network (``EdgeClassifier``) scored by efficiency and purity.
"""

from .batch import Batch, Graph
from .conv import GATConv, GCNConv, SAGEConv
from .edge_classification import (EdgeClassifier, InteractionLayer, efficiency_score,
                                  purity_score)
from .edges import add_self_loops, check_edge_index, degree, remove_self_loops
from .message_passing import MessagePassing
from .scatter import (gather, scatter, scatter_max, scatter_mean, scatter_softmax,
                      scatter_sum)

__all__ = ["Graph", "Batch", "MessagePassing", "GCNConv", "SAGEConv", "GATConv",
           "InteractionLayer", "EdgeClassifier", "efficiency_score", "purity_score",
           "add_self_loops", "remove_self_loops", "check_edge_index", "degree", "gather",
           "scatter", "scatter_sum", "scatter_mean", "scatter_max", "scatter_softmax"]
