"""``konspekt.nn``: neural-network building blocks with torch.nn's API.

``Module`` and ``Parameter``, the containers, the layers (``konspekt.nn.modules``, one family per
file), their functional forms (``konspekt.nn.functional``), initialisation (``konspekt.nn.init``),
``konspekt.nn.utils`` (clipping, parameter vectors, penalties, pruning, padded sequences) and
``konspekt.nn.graph`` (message passing, GCN, GraphSAGE, GAT, edge classification).
"""

from .parameter import Parameter
from .modules import *  # noqa: F401,F403
from . import functional, graph, init, modules, utils

__all__ = ["Parameter", "functional", "graph", "init", "utils"] + modules.__all__
