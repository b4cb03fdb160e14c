"""Edge classification with an interaction network, as in charged-track reconstruction.

The hits of a particle detector are the nodes; candidate segments between hits on neighbouring
layers are the edges; an edge is true when its two hits come from one particle. The network
(Battaglia et al., 2016; DeZoort et al., 2021) scores each edge:

  encode:  h_v = φ_V(x_v),   e_k = φ_E(a_k)  (or φ_E([h_{s_k} ‖ h_{r_k}]) without edge features)
  repeat L times (interaction layer, with residual connections):
           e_k ← e_k + φ_R([h_{s_k} ‖ h_{r_k} ‖ e_k])                  (edge update)
           h_v ← h_v + φ_O([h_v ‖ Σ_{k: r_k = v} e_k ‖ Σ_{k: s_k = v} e_k])  (node update)
  decode:  logit_k = φ_C([h_{s_k} ‖ h_{r_k} ‖ e_k])

with every φ a small MLP. An edge is kept when σ(logit_k) > t. The course scores the kept edges
with two numbers:

  efficiency = |true edges kept| / |true edges|   (recall)
  purity     = |true edges kept| / |edges kept|   (precision)
"""

import warnings

import numpy as np

from ...autograd.ops.shape import cat
from ...autograd.tensor import Tensor
from ...base.exceptions import UndefinedMetricWarning
from ..modules.activation import ReLU
from ..modules.container import ModuleList, Sequential
from ..modules.linear import Linear
from ..modules.module import Module
from .edges import check_edge_index
from .message_passing import MessagePassing
from .scatter import gather, scatter

__all__ = ["InteractionLayer", "EdgeClassifier", "efficiency_score", "purity_score"]


def _mlp(in_features, hidden, out_features, layers=2):
    """Linear → ReLU → … → Linear, ``layers`` linear maps."""
    sizes = [in_features] + [hidden] * (layers - 1) + [out_features]
    modules = []
    for i in range(layers):
        modules.append(Linear(sizes[i], sizes[i + 1]))
        if i < layers - 1:
            modules.append(ReLU())
    return Sequential(*modules)


class InteractionLayer(MessagePassing):
    """One interaction-network round on node states h and edge states e:

      e_k' = e_k + φ_R([h_{s_k} ‖ h_{r_k} ‖ e_k])
      h_v' = h_v + φ_O([h_v ‖ AGG_{k: r_k = v} e_k' ‖ AGG_{k: s_k = v} e_k'])

    A node hears both its incoming and its outgoing edges: on a detector's directed graph (inner
    layer → outer layer) a hit can then compare the segments before and after it.

    Parameters
    ----------
    node_channels : int
        The size of h.
    edge_channels : int
        The size of e.
    hidden_channels : int
        The width of φ_R's and φ_O's hidden layer.
    aggr : {"sum", "mean", "max"}, default "sum"

    Attributes
    ----------
    edge_model : Sequential
        φ_R (the relational model), [h_s ‖ h_r ‖ e] → Δe.
    node_model : Sequential
        φ_O (the object model), [h ‖ a_in ‖ a_out] → Δh.

    Examples
    --------
    >>> layer = InteractionLayer(4, 3, 16)
    >>> h, e = layer(kp.randn(5, 4), [[0, 1, 2], [1, 2, 3]], kp.randn(3, 3))
    >>> h.shape, e.shape
    ((5, 4), (3, 3))
    """

    def __init__(self, node_channels, edge_channels, hidden_channels, aggr="sum"):
        super().__init__(aggr=aggr)
        self.edge_model = _mlp(2 * node_channels + edge_channels, hidden_channels, edge_channels)
        self.node_model = _mlp(node_channels + 2 * edge_channels, hidden_channels, node_channels)

    def forward(self, x, edge_index, edge_attr):
        """(h', e') for node states ``x`` (N, node_channels) and edge states (E, edge_channels)."""
        edge_index = check_edge_index(edge_index, x.shape[0])
        senders, receivers = edge_index.data
        edges = edge_attr + self.edge_model(cat([gather(x, senders), gather(x, receivers),
                                                 edge_attr], dim=1))
        outgoing = scatter(edges, senders, x.shape[0], reduce=self.aggr)
        return self.propagate(edge_index, x=x, edges=edges, outgoing=outgoing), edges

    def message(self, edges):
        return edges

    def update(self, aggregated, x, outgoing):
        return x + self.node_model(cat([x, aggregated, outgoing], dim=1))


class EdgeClassifier(Module):
    """An interaction network that gives one logit per edge: encode, L interaction layers,
    decode [h_s ‖ h_r ‖ e] (see the module's docstring for the formulas).

    Parameters
    ----------
    node_features : int
        The size of x_v.
    edge_features : int
        The size of the edge features a_k; 0 when the graph has none (then e_k is encoded from
        the two hits' states).
    hidden_channels : int, default 32
        The size of h and e and of every MLP's hidden layer.
    num_layers : int, default 3
        L.
    aggr : {"sum", "mean", "max"}, default "sum"

    Attributes
    ----------
    node_encoder, edge_encoder, decoder : Sequential
        φ_V, φ_E and φ_C.
    layers : ModuleList of InteractionLayer

    Examples
    --------
    >>> model = EdgeClassifier(node_features=3, edge_features=2, hidden_channels=8)
    >>> model(kp.randn(5, 3), [[0, 1, 2], [1, 2, 3]], kp.randn(3, 2)).shape
    (3,)
    """

    def __init__(self, node_features, edge_features, hidden_channels=32, num_layers=3,
                 aggr="sum"):
        super().__init__()
        self.node_features = node_features
        self.edge_features = edge_features
        self.node_encoder = _mlp(node_features, hidden_channels, hidden_channels)
        edge_inputs = edge_features if edge_features else 2 * hidden_channels
        self.edge_encoder = _mlp(edge_inputs, hidden_channels, hidden_channels)
        self.layers = ModuleList([InteractionLayer(hidden_channels, hidden_channels,
                                                   hidden_channels, aggr)
                                  for _ in range(num_layers)])
        self.decoder = _mlp(3 * hidden_channels, hidden_channels, 1)

    def forward(self, x, edge_index, edge_attr=None):
        """The logits (E,) of the edges; σ(logit) is the probability that an edge is true."""
        if x.data.ndim != 2 or x.shape[1] != self.node_features:
            raise ValueError(f"EdgeClassifier: argument 'x' must have shape (N, "
                             f"{self.node_features}), got shape {tuple(x.shape)}")
        edge_index = check_edge_index(edge_index, x.shape[0])
        senders, receivers = edge_index.data
        nodes = self.node_encoder(x)
        if self.edge_features:
            if edge_attr is None or tuple(edge_attr.shape) != (edge_index.shape[1],
                                                               self.edge_features):
                shape = None if edge_attr is None else tuple(edge_attr.shape)
                raise ValueError(f"EdgeClassifier: argument 'edge_attr' must have shape "
                                 f"({edge_index.shape[1]}, {self.edge_features}) (one row per "
                                 f"edge of 'edge_index', shape {tuple(edge_index.shape)}), got "
                                 f"{shape}")
            edges = self.edge_encoder(edge_attr)
        else:
            edges = self.edge_encoder(cat([gather(nodes, senders), gather(nodes, receivers)],
                                          dim=1))
        for layer in self.layers:
            nodes, edges = layer(nodes, edge_index, edges)
        pairs = cat([gather(nodes, senders), gather(nodes, receivers), edges], dim=1)
        return self.decoder(pairs).reshape(-1)


def _kept_and_true(y_true, y_score, threshold):
    y_true = np.asarray(y_true.detach().data if isinstance(y_true, Tensor) else y_true)
    y_score = np.asarray(y_score.detach().data if isinstance(y_score, Tensor) else y_score)
    if y_true.shape != y_score.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_score must be 1-D arrays of the same length (one entry "
                         f"per edge), got shapes {y_true.shape} and {y_score.shape}")
    if not np.isin(y_true, (0, 1)).all():
        raise ValueError("y_true must hold 0 (false edge) and 1 (true edge) only, got values "
                         f"{np.unique(y_true)[:5].tolist()}")
    return y_score > threshold, y_true.astype(bool)


def _ratio(numerator, denominator, name, empty):
    if denominator == 0:
        warnings.warn(f"{name} is ill-defined and set to 0.0: there are no {empty}.",
                      UndefinedMetricWarning, stacklevel=3)
        return 0.0
    return numerator / denominator


def efficiency_score(y_true, y_score, threshold=0.5):
    """efficiency = |true edges kept| / |true edges|: the recall of the true edges.

    An edge is kept when its score exceeds the threshold, y_score_k > t.

    Parameters
    ----------
    y_true : array-like of {0, 1}, shape (E,)
        1 for a true edge (both hits of one particle).
    y_score : array-like, shape (E,)
        The edge scores, e.g. σ(logit).
    threshold : float, default 0.5
        t.

    Returns
    -------
    float
        0.0 (with an ``UndefinedMetricWarning``) when there is no true edge.

    Examples
    --------
    >>> efficiency_score([1, 1, 0, 1], [0.9, 0.2, 0.8, 0.7])
    0.6666666666666666
    """
    kept, true = _kept_and_true(y_true, y_score, threshold)
    return _ratio(float((kept & true).sum()), float(true.sum()), "Efficiency", "true edges")


def purity_score(y_true, y_score, threshold=0.5):
    """purity = |true edges kept| / |edges kept|: the precision of the kept edges.

    Parameters and the kept edges as ``efficiency_score``.

    Returns
    -------
    float
        0.0 (with an ``UndefinedMetricWarning``) when no edge is kept.

    Examples
    --------
    >>> purity_score([1, 1, 0, 1], [0.9, 0.2, 0.8, 0.7])
    0.6666666666666666
    """
    kept, true = _kept_and_true(y_true, y_score, threshold)
    return _ratio(float((kept & true).sum()), float(kept.sum()), "Purity", "kept edges")
