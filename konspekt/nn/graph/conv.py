"""Graph convolutions: ``GCNConv`` (Kipf & Welling, 2017), ``SAGEConv`` (Hamilton et al., 2017)
and ``GATConv`` (Veličković et al., 2018), with PyTorch Geometric's arguments and defaults.

Each is one round of message passing (``MessagePassing``) on the node states H (N, F_in) of a
graph with edges (s_k, r_k); each returns the new states H' (N, F_out).
"""

import math

from ...autograd.backend import xp
from ...autograd.creation import empty
from ...autograd.ops.elementwise import where
from ...autograd.tensor import Tensor, _make_tensor
from .. import functional as F
from .. import init
from ..modules.linear import Linear
from ..parameter import Parameter
from .edges import add_self_loops, check_edge_index, remove_self_loops
from .message_passing import MessagePassing
from .scatter import gather, scatter_softmax, scatter_sum

__all__ = ["GCNConv", "SAGEConv", "GATConv"]


def _check_nodes(layer, x, in_channels):
    if not isinstance(x, Tensor):
        raise TypeError(f"{type(layer).__name__}: argument 'x' must be a Tensor, got "
                        f"{type(x).__name__}")
    if x.data.ndim != 2 or x.shape[1] != in_channels:
        raise ValueError(f"{type(layer).__name__}: argument 'x' must have shape (N, "
                         f"{in_channels}) (in_channels = {in_channels}), got shape "
                         f"{tuple(x.shape)}")


def _one_line_repr(layer):
    """PyTorch Geometric's printing of a convolution: its arguments, on one line."""
    return f"{type(layer).__name__}({layer.extra_repr()})"


def _glorot_(tensor, fan_in, fan_out):
    """U(−a, a), a = √(6 / (fan_in + fan_out)): Glorot's uniform initialisation."""
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    init.uniform_(tensor, -bound, bound)


class GCNConv(MessagePassing):
    """The graph convolution H' = D̂^(−1/2) Â D̂^(−1/2) H W + b, with Â = A + I.

    A is the adjacency matrix, A_vu = 1 (or the edge's weight) for an edge u → v, and D̂ the
    diagonal matrix of the degrees d̂_v = Σ_u Â_vu (the receivers' in-degrees with the loop). Per
    node:

      h_v' = Σ_{u ∈ N(v) ∪ {v}} w_uv / √(d̂_u d̂_v) · W h_u + b

    Parameters
    ----------
    in_channels : int
        F_in.
    out_channels : int
        F_out.
    add_self_loops : bool, default True
        Add the loop (v, v) of weight 1 to every node (Â = A + I); loops already in the graph
        are replaced. Without it Â = A.
    normalize : bool, default True
        Scale by D̂^(−1/2) on both sides; without it H' = Â H W + b (a plain weighted sum). A
        node of degree 0 gets d̂^(−1/2) = 0.
    bias : bool, default True

    Attributes
    ----------
    lin : Linear
        W (no bias), Glorot-uniform.
    bias : Parameter or None
        b, shape (out_channels,), zeros.

    Examples
    --------
    >>> conv = GCNConv(3, 8)
    >>> conv(kp.randn(4, 3), [[0, 1, 2], [1, 2, 3]]).shape
    (4, 8)
    """

    def __init__(self, in_channels, out_channels, add_self_loops=True, normalize=True, bias=True):
        super().__init__(aggr="sum")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.add_self_loops = add_self_loops
        self.normalize = normalize
        self.lin = Linear(in_channels, out_channels, bias=False)
        if bias:
            self.bias = Parameter(empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        _glorot_(self.lin.weight, self.in_channels, self.out_channels)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x, edge_index, edge_weight=None):
        """H' for node states ``x`` (N, in_channels), edges (2, E) and optional weights (E,)."""
        _check_nodes(self, x, self.in_channels)
        n = x.shape[0]
        edge_index = check_edge_index(edge_index, n)
        if edge_weight is not None and tuple(edge_weight.shape) != (edge_index.shape[1],):
            raise ValueError(f"GCNConv: argument 'edge_weight' must have shape "
                             f"({edge_index.shape[1]},) (one weight per edge of 'edge_index', "
                             f"shape {tuple(edge_index.shape)}), got {tuple(edge_weight.shape)}")
        if edge_weight is None:
            edge_weight = _make_tensor(xp.ones(edge_index.shape[1], dtype=x.data.dtype))
        if self.add_self_loops:
            edge_index, edge_weight = remove_self_loops(edge_index, edge_weight)
            edge_index, edge_weight = add_self_loops(edge_index, edge_weight, num_nodes=n)
        if self.normalize:
            edge_weight = _symmetric_normalization(edge_index, edge_weight, n)
        out = self.propagate(edge_index, x=self.lin(x), edge_weight=edge_weight)
        return out if self.bias is None else out + self.bias

    def message(self, x_j, edge_weight):
        return x_j * edge_weight.unsqueeze(-1)

    def extra_repr(self):
        return f"{self.in_channels}, {self.out_channels}"

    __repr__ = _one_line_repr


def _symmetric_normalization(edge_index, edge_weight, num_nodes):
    """w_uv / √(d̂_u d̂_v), with d̂_v the weighted in-degree of v and 0^(−1/2) read as 0."""
    senders, receivers = edge_index.data
    degrees = scatter_sum(edge_weight, receivers, num_nodes)
    positive = degrees > 0
    # The safe base keeps the unused branch finite, so that its zero gradient stays zero.
    safe = where(positive, degrees, _make_tensor(xp.ones((), dtype=degrees.data.dtype)))
    inverse_root = where(positive, safe ** -0.5, _make_tensor(xp.zeros((), degrees.data.dtype)))
    return gather(inverse_root, senders) * edge_weight * gather(inverse_root, receivers)


class SAGEConv(MessagePassing):
    """GraphSAGE: h_v' = W₁ h_v + W₂ AGG_{u ∈ N(v)} h_u + b, AGG the mean by default.

    Parameters
    ----------
    in_channels : int
    out_channels : int
    aggr : {"mean", "sum", "max"}, default "mean"
    normalize : bool, default False
        Divide the output by its Euclidean norm: h_v' ← h_v' / ‖h_v'‖₂.
    root_weight : bool, default True
        Include W₁ h_v; without it h_v' = W₂ AGG h_u + b.
    bias : bool, default True

    Attributes
    ----------
    lin_neighbors : Linear
        W₂ and the bias b (torch's Linear initialisation).
    lin_root : Linear or None
        W₁ (no bias).

    Examples
    --------
    >>> conv = SAGEConv(3, 8)
    >>> conv(kp.randn(4, 3), [[0, 1, 2], [1, 2, 3]]).shape
    (4, 8)
    """

    def __init__(self, in_channels, out_channels, aggr="mean", normalize=False, root_weight=True,
                 bias=True):
        super().__init__(aggr=aggr)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.normalize = normalize
        self.root_weight = root_weight
        self.lin_neighbors = Linear(in_channels, out_channels, bias=bias)
        self.lin_root = Linear(in_channels, out_channels, bias=False) if root_weight else None

    def forward(self, x, edge_index):
        _check_nodes(self, x, self.in_channels)
        return self.propagate(edge_index, x=x)

    def message(self, x_j):
        return x_j

    def update(self, aggregated, x):
        out = self.lin_neighbors(aggregated)
        if self.lin_root is not None:
            out = out + self.lin_root(x)
        return F.normalize(out, p=2.0, dim=-1) if self.normalize else out

    def extra_repr(self):
        return f"{self.in_channels}, {self.out_channels}, aggr={self.aggr!r}"

    __repr__ = _one_line_repr


class GATConv(MessagePassing):
    """Graph attention: each node averages its neighbours' states with learned weights.

    For each head, with W h the projected states and a = [a_s ‖ a_r]:

      e_uv = LeakyReLU(aᵀ [W h_u ‖ W h_v]) = LeakyReLU(a_sᵀ W h_u + a_rᵀ W h_v)
      α_uv = exp(e_uv) / Σ_{w ∈ N(v) ∪ {v}} exp(e_wv)       (softmax over v's incoming edges)
      h_v' = Σ_{u ∈ N(v) ∪ {v}} α_uv W h_u

    The K heads' outputs are concatenated (K·F_out features) or averaged (F_out), then b added.

    Parameters
    ----------
    in_channels : int
    out_channels : int
        F_out, per head.
    heads : int, default 1
        K.
    concat : bool, default True
        Concatenate the heads (else average them).
    negative_slope : float, default 0.2
        The LeakyReLU's slope for negative scores.
    dropout : float, default 0.0
        Dropout on the coefficients α in training: each node attends to a random subset.
    add_self_loops : bool, default True
        Let every node attend to itself (the u = v term); loops already there are replaced.
    bias : bool, default True

    Attributes
    ----------
    lin : Linear
        W for all heads at once, shape (K·F_out, F_in), no bias, Glorot-uniform.
    att_src, att_dst : Parameter, shape (1, K, F_out)
        a_s and a_r, Glorot-uniform.
    bias : Parameter or None
        Shape (K·F_out,) when concatenating, else (F_out,); zeros.

    Examples
    --------
    >>> conv = GATConv(3, 8, heads=2)
    >>> out, (edges, alpha) = conv(kp.randn(4, 3), [[0, 1, 2], [1, 2, 3]],
    ...                            return_attention_weights=True)
    >>> out.shape, edges.shape, alpha.shape
    ((4, 16), (2, 7), (7, 2))
    """

    def __init__(self, in_channels, out_channels, heads=1, concat=True, negative_slope=0.2,
                 dropout=0.0, add_self_loops=True, bias=True):
        super().__init__(aggr="sum")
        if heads < 1:
            raise ValueError(f"GATConv: argument 'heads' must be at least 1, got {heads}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"GATConv: argument 'dropout' must lie in [0, 1), got {dropout}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.heads = heads
        self.concat = concat
        self.negative_slope = negative_slope
        self.dropout = dropout
        self.add_self_loops = add_self_loops
        self.lin = Linear(in_channels, heads * out_channels, bias=False)
        self.att_src = Parameter(empty(1, heads, out_channels))
        self.att_dst = Parameter(empty(1, heads, out_channels))
        if bias:
            self.bias = Parameter(empty(heads * out_channels if concat else out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        _glorot_(self.lin.weight, self.in_channels, self.heads * self.out_channels)
        _glorot_(self.att_src, self.heads, self.out_channels)
        _glorot_(self.att_dst, self.heads, self.out_channels)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x, edge_index, return_attention_weights=False):
        """H', or (H', (edge_index, α)) with the edges used (loops appended) and α (E', K)."""
        _check_nodes(self, x, self.in_channels)
        n = x.shape[0]
        edge_index = check_edge_index(edge_index, n)
        if self.add_self_loops:
            edge_index, _ = remove_self_loops(edge_index)
            edge_index, _ = add_self_loops(edge_index, num_nodes=n)
        senders, receivers = edge_index.data
        projected = self.lin(x).reshape(n, self.heads, self.out_channels)
        score_src = (projected * self.att_src).sum(-1)
        score_dst = (projected * self.att_dst).sum(-1)
        scores = F.leaky_relu(gather(score_src, senders) + gather(score_dst, receivers),
                              self.negative_slope)
        alpha = scatter_softmax(scores, receivers, n)
        weights = F.dropout(alpha, p=self.dropout, training=self.training)
        out = self.propagate(edge_index, x=projected, alpha=weights)
        out = out.reshape(n, -1) if self.concat else out.mean(1)
        if self.bias is not None:
            out = out + self.bias
        return (out, (edge_index, alpha)) if return_attention_weights else out

    def message(self, x_j, alpha):
        return x_j * alpha.unsqueeze(-1)

    def extra_repr(self):
        return f"{self.in_channels}, {self.out_channels}, heads={self.heads}"

    __repr__ = _one_line_repr
