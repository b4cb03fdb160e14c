"""Lookup tables: ``embedding`` (row i of a weight matrix for each index i) and ``one_hot``.

An embedding is the product of a one-hot matrix with the table, y = onehot(i) W, computed as a
row lookup. Its gradient is the transposed product ∂L/∂W = onehot(i)ᵀ G: each index's output
gradient added into its row. That scatter-add is done as one sparse matrix product (a CSR matrix
with a single entry per index), many times faster than ``numpy.add.at`` on large tables; the
lookup and the scatter-add are each other's adjoints, so every derivative order is covered.
torch's conventions hold: the padding row receives no gradient, and with ``scale_grad_by_freq``
each row's gradient is divided by how often its index occurs in the batch.
"""

import scipy.sparse

from ...autograd.backend import xp
from ...autograd.function import Function
from ...autograd.ops.arithmetic import scalar_type_name
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["embedding", "one_hot"]


def _occurrence_weights(indices, num_embeddings, padding_idx, scale_grad_by_freq, dtype):
    """The factor c_n each index occurrence n carries into its row's gradient, or None for all 1:
    0 at the padding index, 1/count(i_n) when scaling by frequency."""
    if padding_idx is None and not scale_grad_by_freq:
        return None
    if scale_grad_by_freq:
        counts = xp.bincount(indices, minlength=num_embeddings)
        weights = (1.0 / counts[indices]).astype(dtype)
    else:
        weights = xp.ones(indices.shape, dtype)
    if padding_idx is not None:
        weights[indices == padding_idx] = 0
    return weights


class EmbeddingLookup(Function):
    """Y[n] = W[i_n]; backward is the scatter-add of G into the rows (``EmbeddingScatter``)."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.options = indices, weight.shape[0], padding_idx, scale_grad_by_freq
        return weight.take(indices, axis=0)

    @staticmethod
    def backward(ctx, g):
        return EmbeddingScatter.apply(g, *ctx.options), None, None, None


class EmbeddingScatter(Function):
    """∂L/∂W[r] = Σ_{n: i_n = r} c_n G[n], as the sparse product Sᵀ G with S[n, i_n] = c_n."""

    @staticmethod
    def forward(ctx, g, indices, num_embeddings, padding_idx, scale_grad_by_freq):
        ctx.options = indices, num_embeddings, padding_idx, scale_grad_by_freq
        flat = indices.reshape(-1)
        rows = xp.ascontiguousarray(g.reshape(flat.size, g.shape[-1]))
        weights = _occurrence_weights(flat, num_embeddings, padding_idx, scale_grad_by_freq,
                                      g.dtype)
        # CSR of Sᵀ built directly: row r lists the occurrences n with i_n = r, in index order.
        order = xp.argsort(flat, kind="stable")
        row_starts = xp.zeros(num_embeddings + 1, dtype=xp.int64)
        xp.cumsum(xp.bincount(flat, minlength=num_embeddings), out=row_starts[1:])
        data = xp.ones(flat.size, g.dtype) if weights is None else weights[order]
        scatter = scipy.sparse.csr_matrix((data, order, row_starts),
                                          shape=(num_embeddings, flat.size))
        return (scatter @ rows).astype(g.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        return EmbeddingGather.apply(gg, *ctx.options), None, None, None, None


class EmbeddingGather(Function):
    """Y[n] = c_n W[i_n], the adjoint of ``EmbeddingScatter`` (its second derivative)."""

    @staticmethod
    def forward(ctx, w, indices, num_embeddings, padding_idx, scale_grad_by_freq):
        ctx.options = indices, num_embeddings, padding_idx, scale_grad_by_freq
        out = w.take(indices, axis=0)
        weights = _occurrence_weights(indices.reshape(-1), num_embeddings, padding_idx,
                                      scale_grad_by_freq, w.dtype)
        if weights is not None:
            out *= weights.reshape(indices.shape + (1,))
        return out

    @staticmethod
    def backward(ctx, g):
        return EmbeddingScatter.apply(g, *ctx.options), None, None, None, None


def _renormalize_rows(weight, indices, max_norm, norm_type):
    """torch's ``embedding_renorm_``: rows used by ``indices`` whose norm exceeds ``max_norm``
    are scaled in place to max_norm / (norm + 1e-7), outside the graph."""
    rows = xp.unique(indices)
    table = weight.data
    norms = xp.linalg.norm(table[rows].astype(xp.float64), ord=norm_type, axis=1)
    too_long = norms > max_norm
    if too_long.any():
        chosen = rows[too_long]
        table[chosen] *= (max_norm / (norms[too_long] + 1e-7)).astype(table.dtype)[:, None]
        weight._bump_version()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Look up rows of ``weight``: y[…] = W[input[…]].

    Parameters
    ----------
    input : Tensor
        Integer indices (int64 or int32) in [0, num_embeddings), any shape.
    weight : Tensor
        The table W, shape (num_embeddings, embedding_dim).
    padding_idx : int, optional
        An index whose row gets no gradient (it stays as it is, e.g. zero, during training).
        Negative values count from the end.
    max_norm : float, optional
        Rows looked up whose ``norm_type``-norm exceeds this are first rescaled to it, in place.
    norm_type : float, default 2.0
    scale_grad_by_freq : bool, default False
        Divide each row's gradient by how often its index occurs in ``input``.
    sparse : bool, default False
        Accepted for torch compatibility; the gradient is always a dense tensor.

    Returns
    -------
    Tensor
        Shape (*input.shape, embedding_dim).

    Examples
    --------
    >>> F.embedding(kp.tensor([[0, 2]]), kp.eye(3)).shape
    (1, 2, 3)
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"embedding(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    indices = input.data
    if indices.dtype not in (xp.int64, xp.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got konspekt."
                           f"{scalar_type_name(indices.dtype)}Tensor instead (while checking "
                           f"arguments for embedding)")
    if weight.data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    num_embeddings = weight.shape[0]
    if padding_idx is not None:
        if not -num_embeddings <= padding_idx < num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= num_embeddings
    if indices.size and (indices.min() < 0 or indices.max() >= num_embeddings):
        bad = indices[(indices < 0) | (indices >= num_embeddings)].reshape(-1)[0]
        raise IndexError(f"index out of range in self: embedding indices must lie in "
                         f"[0, {num_embeddings}), got {bad}")
    if max_norm is not None:
        _renormalize_rows(weight, indices, max_norm, norm_type)
    return EmbeddingLookup.apply(weight, indices, padding_idx, scale_grad_by_freq)


def one_hot(tensor, num_classes=-1):
    """e_{tensor[…]}: a trailing dimension of length ``num_classes`` with a 1 at each index.

    Parameters
    ----------
    tensor : Tensor
        int64 class indices, any shape.
    num_classes : int, default -1
        The length of the new dimension; −1 takes max(tensor) + 1.

    Returns
    -------
    Tensor
        int64, shape (*tensor.shape, num_classes).

    Examples
    --------
    >>> F.one_hot(kp.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    labels = tensor.data
    if labels.dtype != xp.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if labels.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if labels.size and labels.max() >= num_classes or num_classes < -1:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _make_tensor((labels[..., None] == xp.arange(num_classes)).astype(xp.int64))
