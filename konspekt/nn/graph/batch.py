"""Graph data: ``Graph`` (one graph) and ``Batch`` (several graphs joined into one).

A graph G = (V, E) is stored as
  x           V, node features, shape (N, F)
  edge_index  the edges (s_k, r_k), shape (2, E): row 0 the senders, row 1 the receivers
  edge_attr   E, edge features, shape (E, D) or (E,)          (optional)
  y           targets, per node (N, …) or per graph (1, …)     (optional)
and any further per-node, per-edge or per-graph tensors given by keyword.

A batch of graphs G_1 … G_B is one graph with B connected components: the nodes are stacked,
graph b's node indices are shifted by the offset o_b = N_1 + … + N_{b−1}, and every node carries its
graph's id in ``batch``. Message passing on the batch is message passing on each graph, since no
edge joins two graphs; ``to_graphs`` undoes the join.
"""

from ...autograd.backend import xp
from ...autograd.creation import as_tensor
from ...autograd.ops.shape import cat
from ...autograd.tensor import Tensor, _make_tensor
from .edges import check_edge_index

__all__ = ["Graph", "Batch"]


def _as_tensor(value, name):
    if isinstance(value, Tensor):
        return value
    try:
        return as_tensor(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"argument '{name}' must be a Tensor or an array, got "
                        f"{type(value).__name__}") from error


class Graph:
    """One graph: node features, edges, edge features, targets.

    Parameters
    ----------
    x : Tensor or array, shape (N, F), optional
        V, the node features (floating point).
    edge_index : Tensor or array of int, shape (2, E), optional
        The edges (s_k, r_k); no edges when omitted.
    edge_attr : Tensor or array, shape (E, D) or (E,), optional
        E, the edge features.
    y : Tensor or array, optional
        Targets: one row per node, or one per graph.
    num_nodes : int, optional
        N, required when there is no ``x``.
    **attributes : Tensor or array
        Further tensors (e.g. ``edge_label`` of shape (E,)); each is batched along dimension 0.

    Raises
    ------
    ValueError
        ``x`` not 2-D, or ``edge_attr`` without one row per edge; ``num_nodes`` disagreeing
        with ``x``.
    IndexError
        An edge refers to a node outside [0, N).

    Examples
    --------
    >>> g = Graph(x=kp.randn(3, 2), edge_index=[[0, 1], [1, 2]])
    >>> g.num_nodes, g.num_edges
    (3, 2)
    """

    def __init__(self, x=None, edge_index=None, edge_attr=None, y=None, num_nodes=None,
                 **attributes):
        if x is not None:
            x = _as_tensor(x, "x")
            if x.data.ndim != 2:
                raise ValueError(f"argument 'x' must have shape (N, F) (one row of features per "
                                 f"node), got shape {tuple(x.shape)}")
            if num_nodes is not None and num_nodes != x.shape[0]:
                raise ValueError(f"argument 'num_nodes' ({num_nodes}) disagrees with the rows of "
                                 f"'x' (shape {tuple(x.shape)})")
            num_nodes = x.shape[0]
        if num_nodes is None:
            raise ValueError("Graph: give the node features 'x' or the number of nodes "
                             "'num_nodes'")
        if edge_index is None:
            edge_index = xp.zeros((2, 0), dtype=xp.int64)
        edge_index = check_edge_index(edge_index, num_nodes)
        if edge_attr is not None:
            edge_attr = _as_tensor(edge_attr, "edge_attr")
            if edge_attr.data.ndim not in (1, 2) or edge_attr.shape[0] != edge_index.shape[1]:
                raise ValueError(f"argument 'edge_attr' must have shape (E, D) or (E,) with "
                                 f"E = {edge_index.shape[1]} (the columns of 'edge_index', shape "
                                 f"{tuple(edge_index.shape)}), got shape {tuple(edge_attr.shape)}")
        self.x = x
        self.edge_index = edge_index
        self.edge_attr = edge_attr
        self.y = None if y is None else _as_tensor(y, "y")
        self.num_nodes = int(num_nodes)
        self._extra = []
        for name, value in attributes.items():
            value = _as_tensor(value, name)
            if value.data.ndim == 0:
                raise ValueError(f"argument '{name}' must have at least 1 dimension (it is "
                                 f"batched along dimension 0), got a 0-D tensor")
            setattr(self, name, value)
            self._extra.append(name)

    @property
    def num_edges(self):
        """E, the number of (directed) edges."""
        return self.edge_index.shape[1]

    @property
    def num_node_features(self):
        """F, the number of features per node (0 without ``x``)."""
        return 0 if self.x is None else self.x.shape[1]

    def keys(self):
        """The names of the tensors the graph holds besides ``edge_index``."""
        return [k for k in ("x", "edge_attr", "y") if getattr(self, k) is not None] + self._extra

    def __repr__(self):
        parts = [f"{k}={list(getattr(self, k).shape)}" for k in ["edge_index"] + self.keys()]
        return f"{type(self).__name__}({', '.join(parts)}, num_nodes={self.num_nodes})"


class Batch(Graph):
    """Several graphs joined into one disconnected graph, with the graph id of every node.

    Build it with ``Batch.from_graphs``; ``to_graphs`` gives the graphs back.

    Attributes
    ----------
    batch : Tensor of int64, shape (N,)
        The graph id b of each node.
    ptr : Tensor of int64, shape (B + 1,)
        The node offsets: graph b owns the nodes ptr[b] … ptr[b+1] − 1.
    num_graphs : int
        B.

    Examples
    --------
    >>> g1 = Graph(x=kp.randn(2, 3), edge_index=[[0], [1]])
    >>> g2 = Graph(x=kp.randn(3, 3), edge_index=[[0, 2], [1, 1]])
    >>> batch = Batch.from_graphs([g1, g2])
    >>> batch.edge_index.tolist(), batch.batch.tolist()
    ([[0, 2, 4], [1, 3, 3]], [0, 0, 1, 1, 1])
    >>> [g.num_edges for g in batch.to_graphs()]
    [1, 2]
    """

    @classmethod
    def from_graphs(cls, graphs):
        """Join graphs: stack their tensors along dimension 0, shift the edge indices.

        Graph b's edges (s, r) become (s + o_b, r + o_b) with o_b = N_1 + … + N_{b−1}.

        Parameters
        ----------
        graphs : sequence of Graph
            All with the same attributes (the same keys, feature sizes and dtypes).

        Returns
        -------
        Batch
        """
        graphs = list(graphs)
        if not graphs:
            raise ValueError("Batch.from_graphs(): argument 'graphs' must hold at least one graph")
        for b, g in enumerate(graphs):
            if not isinstance(g, Graph):
                raise TypeError(f"Batch.from_graphs(): graphs[{b}] must be a Graph, got "
                                f"{type(g).__name__}")
            if g.keys() != graphs[0].keys():
                raise ValueError(f"Batch.from_graphs(): graphs[{b}] holds {g.keys()}, but "
                                 f"graphs[0] holds {graphs[0].keys()}")
        sizes = [g.num_nodes for g in graphs]
        offsets = xp.concatenate([[0], xp.cumsum(sizes)]).astype(xp.int64)
        edge_index = xp.concatenate([g.edge_index.data + offsets[b]
                                     for b, g in enumerate(graphs)], axis=1)
        joined = {}
        lengths = {}
        for key in graphs[0].keys():
            parts = [getattr(g, key) for g in graphs]
            shapes = {tuple(p.shape[1:]) for p in parts}
            if len(shapes) > 1:
                raise ValueError(f"Batch.from_graphs(): the graphs' '{key}' differ in shape "
                                 f"beyond dimension 0: {[tuple(p.shape) for p in parts]}")
            joined[key] = cat(parts)
            lengths[key] = [p.shape[0] for p in parts]
        batch = cls(edge_index=edge_index, num_nodes=int(offsets[-1]), **joined)
        batch.batch = _make_tensor(xp.repeat(xp.arange(len(graphs), dtype=xp.int64), sizes))
        batch.ptr = _make_tensor(offsets)
        batch.num_graphs = len(graphs)
        batch._edge_counts = [g.num_edges for g in graphs]
        batch._lengths = lengths
        return batch

    def to_graphs(self):
        """The graphs the batch was made of: each tensor split back, the edge indices shifted
        back to start at 0 in every graph.

        Returns
        -------
        list of Graph
        """
        node_offsets = self.ptr.data
        edge_offsets = xp.concatenate([[0], xp.cumsum(self._edge_counts)]).astype(xp.int64)
        starts = {key: xp.concatenate([[0], xp.cumsum(n)]).astype(xp.int64)
                  for key, n in self._lengths.items()}
        graphs = []
        for b in range(self.num_graphs):
            edges = self.edge_index.data[:, edge_offsets[b]:edge_offsets[b + 1]] - node_offsets[b]
            parts = {key: getattr(self, key)[int(s[b]):int(s[b + 1])]
                     for key, s in starts.items()}
            graphs.append(Graph(edge_index=edges,
                                num_nodes=int(node_offsets[b + 1] - node_offsets[b]), **parts))
        return graphs

    def __getitem__(self, b):
        """Graph b of the batch."""
        return self.to_graphs()[b]
