"""Edge lists: validation, self-loops and degrees.

A graph's edges are an integer array ``edge_index`` of shape (2, E): column k is the edge
(s_k, r_k) from sender s_k to receiver r_k. An undirected edge is stored as the two directed
edges (u, v) and (v, u).
"""

from ...autograd.backend import xp
from ...autograd.creation import ones
from ...autograd.ops.shape import cat
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["check_edge_index", "add_self_loops", "remove_self_loops", "degree"]


def check_edge_index(edge_index, num_nodes=None, name="edge_index"):
    """Validate an edge list and return it as an int64 Tensor of shape (2, E).

    Parameters
    ----------
    edge_index : Tensor or array-like of int, shape (2, E)
    num_nodes : int, optional
        N; when given, every index must lie in [0, N).
    name : str
        The argument's name, for the error messages.

    Raises
    ------
    TypeError
        Not an integer array.
    ValueError
        Not of shape (2, E).
    IndexError
        An index outside [0, N).
    """
    array = edge_index.data if isinstance(edge_index, Tensor) else xp.asarray(edge_index)
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype(xp.int64)  # [] and [[], []] arrive as float arrays
    if array.dtype.kind not in "iu":
        raise TypeError(f"argument '{name}' must be an integer tensor of shape (2, E), got dtype "
                        f"{array.dtype}")
    if array.ndim != 2 or array.shape[0] != 2:
        raise ValueError(f"argument '{name}' must have shape (2, E) (senders, receivers), got "
                         f"shape {tuple(array.shape)}")
    if array.size and array.min() < 0:
        raise IndexError(f"argument '{name}' holds a negative node index {int(array.min())}")
    if num_nodes is not None and array.size and array.max() >= num_nodes:
        raise IndexError(f"argument '{name}' refers to node {int(array.max())}, but the graph has "
                         f"{num_nodes} nodes (indices must lie in [0, {num_nodes}))")
    if isinstance(edge_index, Tensor) and array.dtype == xp.int64:
        return edge_index
    return _make_tensor(array.astype(xp.int64))


def remove_self_loops(edge_index, edge_weight=None):
    """The edges with s_k ≠ r_k (and their weights, if given).

    Returns
    -------
    edge_index : Tensor, shape (2, E')
    edge_weight : Tensor or None, shape (E', …)
    """
    edge_index = check_edge_index(edge_index)
    keep = edge_index.data[0] != edge_index.data[1]
    kept = _make_tensor(edge_index.data[:, keep])
    return kept, (None if edge_weight is None else edge_weight[_make_tensor(xp.flatnonzero(keep))])


def add_self_loops(edge_index, edge_weight=None, fill_value=1.0, num_nodes=None):
    """Append the loops (v, v), v = 0 … N−1, after the given edges: Â = A + I.

    Parameters
    ----------
    edge_index : Tensor, shape (2, E)
    edge_weight : Tensor, shape (E,), optional
        The weights of the given edges; the loops get ``fill_value``.
    fill_value : float, default 1.0
    num_nodes : int, optional
        N; ``edge_index.max() + 1`` when omitted.

    Returns
    -------
    edge_index : Tensor, shape (2, E + N)
    edge_weight : Tensor or None, shape (E + N,)

    Examples
    --------
    >>> add_self_loops(kp.tensor([[0], [1]]), num_nodes=2)[0].tolist()
    [[0, 0, 1], [1, 0, 1]]
    """
    edge_index = check_edge_index(edge_index, num_nodes)
    if num_nodes is None:
        num_nodes = int(edge_index.data.max()) + 1 if edge_index.data.size else 0
    loops = xp.arange(num_nodes, dtype=xp.int64)
    joined = _make_tensor(xp.concatenate([edge_index.data, xp.stack([loops, loops])], axis=1))
    if edge_weight is None:
        return joined, None
    fill = ones(num_nodes, dtype=edge_weight.dtype) * fill_value
    return joined, cat([edge_weight, fill])


def degree(index, num_nodes=None, dtype=None):
    """d_v = #{k : index_k = v}, e.g. the in-degrees when ``index`` holds the receivers.

    Parameters
    ----------
    index : Tensor or array of int, shape (E,)
    num_nodes : int, optional
    dtype : dtype, optional
        The result's dtype; int64 when omitted.

    Returns
    -------
    Tensor, shape (num_nodes,)
    """
    array = index.data if isinstance(index, Tensor) else xp.asarray(index)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise TypeError(f"degree(): argument 'index' must be a 1-D integer tensor, got dtype "
                        f"{array.dtype} and shape {tuple(array.shape)}")
    if num_nodes is None:
        num_nodes = int(array.max()) + 1 if array.size else 0
    if array.size and (array.min() < 0 or array.max() >= num_nodes):
        raise IndexError(f"degree(): argument 'index' must lie in [0, {num_nodes}) (num_nodes), "
                         f"got values in [{int(array.min())}, {int(array.max())}]")
    counts = xp.bincount(array.astype(xp.int64), minlength=num_nodes)
    result = _make_tensor(counts)
    return result if dtype is None else result.to(dtype)
