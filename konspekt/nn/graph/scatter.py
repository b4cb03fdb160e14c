"""Reductions over the edges of a graph: gather rows, scatter-sum, -mean, -max, and the softmax
over each receiver's incoming edges.

Message passing moves values between two index sets, nodes (N) and edges (E). With the receivers
r_k of the edges k = 1 … E:

  gather:   y_k = x_{i_k}                          (N, …) → (E, …)   ∂L/∂x_v = Σ_{k: i_k = v} g_k
  sum:      y_v = Σ_{k: r_k = v} m_k                (E, …) → (N, …)   ∂L/∂m_k = g_{r_k}
  mean:     y_v = (1/|N(v)|) Σ_{k: r_k = v} m_k     a sum divided by the count (0 for no edge)
  max:      y_v = max_{k: r_k = v} m_k              ∂L/∂m_k = g_{r_k} [m_k = y_{r_k}] / #ties
  softmax:  α_k = exp(s_k) / Σ_{j: r_j = r_k} exp(s_j)

gather and scatter-sum are each other's backward, so every derivative order comes from the pair;
the maximum's backward is a gather times a constant mask (it is piecewise linear), and the softmax
is a composition of the others. A node that no edge reaches gets 0 from sum, mean and max (the
convention of PyTorch Geometric's ``scatter``).
"""

import math

import scipy.sparse

from ...autograd.backend import xp
from ...autograd.function import Function
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["gather", "scatter", "scatter_sum", "scatter_mean", "scatter_max", "scatter_softmax"]


def _summing_matrix(index, dim_size, dtype):
    """The (dim_size, E) 0/1 matrix S with S[index_k, k] = 1, so that S m sums rows by index."""
    n = index.shape[0]
    return scipy.sparse.csr_matrix((xp.ones(n, dtype=dtype), (index, xp.arange(n))),
                                   shape=(dim_size, n))


def _as_matrix(array):
    """The array as (rows, features); explicit sizes, as -1 is ambiguous with 0 rows."""
    return array.reshape(array.shape[0], math.prod(array.shape[1:]))


class ScatterSum(Function):
    """y_v = Σ_{k: index_k = v} m_k; backward: the gather g_{index_k}."""

    @staticmethod
    def forward(ctx, src, index, dim_size):
        ctx.index = index
        out = _summing_matrix(index, dim_size, src.dtype) @ _as_matrix(src)
        return xp.asarray(out, dtype=src.dtype).reshape((dim_size,) + src.shape[1:])

    @staticmethod
    def backward(ctx, g):
        return Gather.apply(g, ctx.index), None, None


class Gather(Function):
    """y_k = x_{index_k} (rows); backward: the scatter-sum of g by index."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.rows = index, x.shape[0]
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return ScatterSum.apply(g, ctx.index, ctx.rows), None


class ScatterMax(Function):
    """y_v = max_{k: index_k = v} m_k (0 where no k); ties share the gradient evenly, as
    ``torch.Tensor.scatter_reduce(reduce="amax")``."""

    @staticmethod
    def forward(ctx, src, index, dim_size):
        out = _group_max(src, index, dim_size)
        winners = (src == out[index]).astype(src.dtype)
        ties = _summing_matrix(index, dim_size, src.dtype) @ _as_matrix(winners)
        ctx.index = index
        ctx.share = winners / xp.asarray(ties).reshape(out.shape)[index]
        return out

    @staticmethod
    def backward(ctx, g):
        return Gather.apply(g, ctx.index) * _make_tensor(ctx.share), None, None


def _group_max(src, index, dim_size):
    """The maximum of the rows of ``src`` that share an index (0 for an index with no row)."""
    out = xp.zeros((dim_size,) + src.shape[1:], dtype=src.dtype)
    if src.shape[0] == 0:
        return out
    order = xp.argsort(index, kind="stable")
    ordered = index[order]
    starts = xp.flatnonzero(xp.concatenate([[True], ordered[1:] != ordered[:-1]]))
    out[ordered[starts]] = xp.maximum.reduceat(src[order], starts, axis=0)
    return out


def _check(src, index, dim_size, name):
    """Validate the arguments of a scatter; return (src, index array, dim_size)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"{name}(): argument 'src' must be a Tensor, got {type(src).__name__}")
    if src.data.ndim == 0:
        raise ValueError(f"{name}(): argument 'src' must have at least 1 dimension (one row per "
                         f"edge), got a 0-D tensor")
    index = index.data if isinstance(index, Tensor) else xp.asarray(index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{name}(): argument 'index' must be an integer tensor, got dtype "
                        f"{index.dtype}")
    if index.ndim != 1 or index.shape[0] != src.shape[0]:
        raise ValueError(f"{name}(): argument 'index' must have shape ({src.shape[0]},), one entry "
                         f"per row of 'src' (shape {tuple(src.shape)}), got shape "
                         f"{tuple(index.shape)}")
    if dim_size is None:
        dim_size = int(index.max()) + 1 if index.size else 0
    if index.size and (index.min() < 0 or index.max() >= dim_size):
        raise IndexError(f"{name}(): argument 'index' must lie in [0, {dim_size}) (dim_size), "
                         f"got values in [{int(index.min())}, {int(index.max())}]")
    return src, index.astype(xp.int64, copy=False), int(dim_size)


def gather(input, index):
    """The rows ``input[index]``: y_k = x_{index_k}, e.g. the sender's features on each edge.

    Parameters
    ----------
    input : Tensor, shape (N, …)
    index : Tensor or array of int, shape (E,), values in [0, N)

    Returns
    -------
    Tensor, shape (E, …)

    Examples
    --------
    >>> gather(kp.tensor([10.0, 20.0, 30.0]), kp.tensor([2, 0, 2])).tolist()
    [30.0, 10.0, 30.0]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"gather(): argument 'input' must be a Tensor, got "
                        f"{type(input).__name__}")
    if input.data.ndim == 0:
        raise ValueError("gather(): argument 'input' must have at least 1 dimension (one row per "
                         "node), got a 0-D tensor")
    index = index.data if isinstance(index, Tensor) else xp.asarray(index)
    if index.dtype.kind not in "iu" or index.ndim != 1:
        raise TypeError(f"gather(): argument 'index' must be a 1-D integer tensor, got dtype "
                        f"{index.dtype} and shape {tuple(index.shape)}")
    n = input.data.shape[0]
    if index.size and (index.min() < 0 or index.max() >= n):
        raise IndexError(f"gather(): argument 'index' must lie in [0, {n}) (the rows of 'input', "
                         f"shape {tuple(input.shape)}), got values in [{int(index.min())}, "
                         f"{int(index.max())}]")
    return Gather.apply(input, index.astype(xp.int64, copy=False))


def scatter_sum(src, index, dim_size=None):
    """y_v = Σ_{k: index_k = v} src_k: the rows of ``src`` added up by ``index``.

    Parameters
    ----------
    src : Tensor, shape (E, …)
        One row per edge (the messages).
    index : Tensor or array of int, shape (E,)
        The row of the output each row of ``src`` goes to (the receivers).
    dim_size : int, optional
        N, the number of output rows; ``index.max() + 1`` when omitted.

    Returns
    -------
    Tensor, shape (dim_size, …)

    Examples
    --------
    >>> scatter_sum(kp.tensor([1.0, 2.0, 4.0]), kp.tensor([0, 0, 2]), dim_size=4).tolist()
    [3.0, 0.0, 4.0, 0.0]
    """
    src, index, dim_size = _check(src, index, dim_size, "scatter_sum")
    return ScatterSum.apply(src, index, dim_size)


def _count(index, dim_size, like):
    """|N(v)|, the number of rows each output row receives, clamped to 1 (an empty mean is 0),
    shaped to broadcast against rows of ``like``."""
    counts = xp.maximum(xp.bincount(index, minlength=dim_size), 1).astype(like.data.dtype)
    return _make_tensor(counts.reshape((dim_size,) + (1,) * (like.data.ndim - 1)))


def scatter_mean(src, index, dim_size=None):
    """y_v = (1/|N(v)|) Σ_{k: index_k = v} src_k, 0 where no row arrives.

    Parameters and returns as ``scatter_sum``.

    Examples
    --------
    >>> scatter_mean(kp.tensor([1.0, 2.0, 4.0]), kp.tensor([0, 0, 2]), dim_size=4).tolist()
    [1.5, 0.0, 4.0, 0.0]
    """
    src, index, dim_size = _check(src, index, dim_size, "scatter_mean")
    return ScatterSum.apply(src, index, dim_size) / _count(index, dim_size, src)


def scatter_max(src, index, dim_size=None):
    """y_v = max_{k: index_k = v} src_k (per feature), 0 where no row arrives.

    The gradient goes to the rows that attain the maximum, shared evenly among ties.
    Parameters and returns as ``scatter_sum``.

    Examples
    --------
    >>> scatter_max(kp.tensor([1.0, 2.0, -4.0]), kp.tensor([0, 0, 2]), dim_size=4).tolist()
    [2.0, 0.0, -4.0, 0.0]
    """
    src, index, dim_size = _check(src, index, dim_size, "scatter_max")
    return ScatterMax.apply(src, index, dim_size)


def scatter(src, index, dim_size=None, reduce="sum"):
    """Reduce the rows of ``src`` by ``index``: ``reduce`` is "sum", "mean" or "max".

    Parameters
    ----------
    src : Tensor, shape (E, …)
    index : Tensor or array of int, shape (E,)
    dim_size : int, optional
    reduce : {"sum", "mean", "max"}, default "sum"

    Returns
    -------
    Tensor, shape (dim_size, …)
    """
    reductions = {"sum": scatter_sum, "mean": scatter_mean, "max": scatter_max}
    if reduce not in reductions:
        raise ValueError(f"scatter(): argument 'reduce' must be one of {list(reductions)}, got "
                         f"{reduce!r}")
    return reductions[reduce](src, index, dim_size)


def scatter_softmax(src, index, dim_size=None):
    """The softmax of ``src`` over the rows that share an index (each receiver's incoming edges):

      α_k = exp(s_k − m_{r_k}) / Σ_{j: r_j = r_k} exp(s_j − m_{r_k}),  m_v = max_{j: r_j = v} s_j

    The shift m cancels in the ratio, so it is taken as a constant; it keeps exp from overflowing.

    Parameters
    ----------
    src : Tensor, shape (E, …)
        The scores s_k (one column per attention head, say).
    index : Tensor or array of int, shape (E,)
        r_k, the group of each row.
    dim_size : int, optional
        The number of groups; ``index.max() + 1`` when omitted.

    Returns
    -------
    Tensor, shape (E, …)
        α, summing to 1 over each group (per column).

    Examples
    --------
    >>> a = scatter_softmax(kp.tensor([0.0, 0.0, 5.0]), kp.tensor([1, 1, 0]))
    >>> a.tolist()
    [0.5, 0.5, 1.0]
    """
    src, index, dim_size = _check(src, index, dim_size, "scatter_softmax")
    shift = _make_tensor(_group_max(src.data, index, dim_size)[index])
    exponentials = (src - shift).exp()
    totals = ScatterSum.apply(exponentials, index, dim_size)
    return exponentials / Gather.apply(totals, index)
