"""Indexing: ``x[key]``, ``index_put``, ``gather``, ``scatter_add``, ``index_select``,
``masked_fill``, ``take_along_dim``, ``nonzero``.

Reading y = x[key] copies some elements; its backward puts g back where they came from and adds
up elements read more than once: ∂L/∂x = zeros(x.shape) with g added at ``key``. Writing
y = index_put(x, key, v) is the mirror image: ∂L/∂x = g with the overwritten places set to zero
(or g itself when accumulating), ∂L/∂v = g[key]. The two backwards are each other's forwards, so
every derivative order is covered by these two operations.
"""

from ..backend import xp
from ..function import Function
from ..tensor import Tensor, _check_dim, _make_tensor


def _index_array(t):
    if t.data.dtype.kind not in "biu":
        raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors, "
                         f"got {t.dtype}")
    return t.data


def _index_list(items):
    array = xp.asarray([k.item() if isinstance(k, Tensor) else k for k in items])
    # NumPy reads [] as a float array and refuses it; torch selects nothing.
    return array if array.size else array.astype(xp.int64)


def _normalize_item(k):
    if isinstance(k, Tensor):
        return _index_array(k)
    if isinstance(k, list):
        return _index_list(k)
    return k


def _normalize_key(key):
    """Turn the index tensors and lists in ``key`` into arrays; ints, slices, None, ... pass."""
    if isinstance(key, tuple):
        return tuple(_normalize_item(k) for k in key)
    return _normalize_item(key)


def _is_basic(key):
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice, xp.integer))
               for k in items)


def _is_integer(k):
    """A Python or NumPy integer, or a 0-d integer array (a 0-d index tensor); bools are masks."""
    if isinstance(k, (bool, xp.bool_)):
        return False
    if isinstance(k, xp.ndarray):
        return k.ndim == 0 and k.dtype.kind in "iu"
    return isinstance(k, (int, xp.integer))


def _split_integers(key):
    """(selection, rest) with x[selection][rest] read as torch reads x[key], or None.

    torch takes the integers in a key as selections first and then applies the index arrays;
    NumPy counts an integer as one more index array, so the two disagree where a slice separates
    an integer from an array: x[1, :, [4, 0]] is 4×2 in torch and 2×4 in NumPy.
    """
    if not isinstance(key, tuple):
        return None
    arrays = [k for k in key if isinstance(k, xp.ndarray) and not _is_integer(k)]
    if not arrays or not any(_is_integer(k) for k in key):
        return None
    selection, rest = [], []
    for k in key:
        if _is_integer(k):
            selection.append(int(k))
        elif k is None:
            selection.append(None)
            rest.append(slice(None))
        elif isinstance(k, xp.ndarray):
            # A boolean mask spans as many dimensions as it has.
            span = k.ndim if k.dtype.kind == "b" else 1
            selection.extend([slice(None)] * span)
            rest.append(k)
        else:
            selection.append(k)
            rest.append(k if k is Ellipsis else slice(None))
    return tuple(selection), tuple(rest)


class BasicIndex(Function):
    """Slices, integers, None and ``...``: the result is a view of the input."""

    is_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, g):
        return IndexGradient.apply(g, ctx.key, ctx.shape, False), None


class AdvancedIndex(Function):
    """Integer-array and boolean-mask indices: the result is a copy; repeats add up in backward."""

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, g):
        return IndexGradient.apply(g, ctx.key, ctx.shape, True), None


class IndexGradient(Function):
    """zeros(shape) with g put (or added, for repeated indices) at ``key``."""

    @staticmethod
    def forward(ctx, g, key, shape, accumulate):
        ctx.key = key
        out = xp.zeros(shape, dtype=g.dtype)
        if accumulate:
            xp.add.at(out, key, g)
        else:
            out[key] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return gg[ctx.key], None, None, None


class IndexPut(Function):
    @staticmethod
    def forward(ctx, x, values, key, accumulate):
        ctx.key, ctx.accumulate = key, accumulate
        ctx.values_shape = xp.shape(values)
        out = x.copy()
        if accumulate:
            xp.add.at(out, key, values)
        else:
            out[key] = values
        return out

    @staticmethod
    def backward(ctx, g):
        from .shape import sum_to_shape
        need_x, need_v = ctx.needs_input_grad[:2]
        gx = gv = None
        if need_x:
            gx = g if ctx.accumulate else IndexPut.apply(g, 0.0, ctx.key, False)
        if need_v:
            gv = sum_to_shape(g[ctx.key], ctx.values_shape)
        return gx, gv, None, None


def getitem(input, key):
    """``input[key]`` with torch's indexing rules: NumPy's, except that integers select first."""
    key = _normalize_key(key)
    if _is_basic(key):
        return BasicIndex.apply(input, key)
    split = _split_integers(key)
    if split is not None:
        selection, rest = split
        return AdvancedIndex.apply(BasicIndex.apply(input, selection), rest)
    return AdvancedIndex.apply(input, key)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` written (or added, if ``accumulate``) at ``indices``."""
    key = _normalize_key(indices)
    if isinstance(values, Tensor) and values.data.dtype != input.data.dtype:
        values = values.to(input.dtype)
    split = _split_integers(key)
    try:
        if split is None:
            return IndexPut.apply(input, values, key, accumulate)
        # Write into the selected part, then put that part back: torch's order of dimensions.
        selection, rest = split
        part = IndexPut.apply(BasicIndex.apply(input, selection), values, rest, accumulate)
        return IndexPut.apply(input, part, selection, False)
    except ValueError as error:
        shape = list(xp.shape(getattr(values, "data", values)))
        raise RuntimeError(f"index_put: values of shape {shape} cannot be written at the indexed "
                           f"positions: {error}") from None


def _gather_key(index, dim, ndim):
    """The advanced-index tuple that reads x[i₀, …, index[i], …] along ``dim``."""
    key = []
    for d in range(ndim):
        if d == dim:
            key.append(index)
        else:
            shape = [1] * ndim
            shape[d] = index.shape[d]
            key.append(xp.arange(index.shape[d]).reshape(shape))
    return tuple(key)


def _check_index(index, input, dim, name):
    if not isinstance(index, Tensor) or index.data.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.data.ndim != input.data.ndim:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as input "
                           f"tensor ({index.data.ndim} vs {input.data.ndim})")
    for d in range(input.data.ndim):
        if d != dim and index.data.shape[d] > input.data.shape[d]:
            raise RuntimeError(f"Size does not match at dimension {d} expected index "
                               f"{list(index.shape)} to be no larger than self "
                               f"{list(input.shape)} apart from dimension {dim}")
    # As in torch, gather and scatter take no negative indices (index_select and x[i] do).
    n = input.data.shape[dim] if input.data.ndim else 1
    outside = (index.data < 0) | (index.data >= n)
    if outside.any():
        raise RuntimeError(f"index {int(index.data[outside][0])} is out of bounds for dimension "
                           f"{dim} with size {n}")


def gather(input, dim, index):
    """out[i][j][k] = input[index[i][j][k]][j][k] for dim = 0 (and likewise for other dims)."""
    dim = _check_dim(dim, input.data.ndim)
    _check_index(index, input, dim, "gather")
    if input.data.ndim == 0:
        return getitem(input.reshape(1), index.data.reshape(1)).reshape(())
    return AdvancedIndex.apply(input, _gather_key(index.data, dim, input.data.ndim))


def take_along_dim(input, indices, dim=None):
    """Pick values at ``indices`` along ``dim``, broadcasting the other dimensions (flattened
    input when ``dim`` is None)."""
    if not isinstance(indices, Tensor) or indices.data.dtype.kind not in "iu":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{getattr(indices, 'dtype', type(indices).__name__)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    dim = _check_dim(dim, input.data.ndim)
    if indices.data.ndim != input.data.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.data.ndim} dimensions for input,"
                           f" and {indices.data.ndim} dimensions for indices")
    a_shape = list(input.shape)
    i_shape = list(indices.shape)
    a_shape[dim] = i_shape[dim] = 1
    common = list(xp.broadcast_shapes(tuple(a_shape), tuple(i_shape)))
    target_a, target_i = list(common), list(common)
    target_a[dim] = input.shape[dim]
    target_i[dim] = indices.shape[dim]
    # Along ``dim`` torch counts negative indices from the end, which gather itself refuses.
    n = input.data.shape[dim]
    wrapped = _make_tensor(xp.where(indices.data < 0, indices.data + n, indices.data))
    return gather(input.expand(target_a), dim, wrapped.expand(target_i))


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with src[i][j][k] added at [index[i][j][k]][j][k] (dim = 0)."""
    return _scatter(input, dim, index, src, True)


def scatter(input, dim, index, src=None, *, value=None):
    """A copy of ``input`` with src (or ``value``) written at the positions ``index`` names."""
    return _scatter(input, dim, index, src if src is not None else value, False)


def _scatter(input, dim, index, src, accumulate):
    dim = _check_dim(dim, input.data.ndim)
    _check_index(index, input, dim, "scatter_add" if accumulate else "scatter")
    if isinstance(src, Tensor):
        if src.data.ndim != index.data.ndim:
            raise RuntimeError(f"Index tensor must have the same number of dimensions as src "
                               f"tensor ({index.data.ndim} vs {src.data.ndim})")
        if any(i > s for i, s in zip(index.shape, src.shape)):
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self "
                               f"{list(input.shape)} apart from dimension {dim} and to be no "
                               f"larger size than src {list(src.shape)}")
        if src.shape != index.shape:
            src = src[tuple(slice(0, s) for s in index.shape)]
        if src.data.dtype != input.data.dtype:
            src = src.to(input.dtype)
    key = _gather_key(index.data, dim, input.data.ndim)
    return IndexPut.apply(input, src, key, accumulate)


def index_select(input, dim, index):
    """The slices ``index`` (1-D) along ``dim``."""
    dim = _check_dim(dim, input.data.ndim)
    if not isinstance(index, Tensor):
        index = _make_tensor(xp.asarray(index, dtype=xp.int64))
    if index.data.dtype.kind not in "iu":
        raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index, got "
                           f"{index.dtype}")
    if index.data.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got a "
                         f"{index.data.ndim}-D index")
    n = input.data.shape[dim] if input.data.ndim else 1
    if index.data.size and (index.data.min() < 0 or index.data.max() >= n):
        raise IndexError(f"index out of range in self: index_select() takes indices in "
                         f"[0, {n}) along dimension {dim}, got {index.data.reshape(-1).tolist()}")
    if input.data.ndim == 0:
        return AdvancedIndex.apply(input.reshape(1), index.data.reshape(-1)).reshape(())
    return AdvancedIndex.apply(input, (slice(None),) * dim + (index.data.reshape(-1),))


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True, ``input`` elsewhere (mask broadcasts)."""
    from .elementwise import where
    mask_array = mask.data if isinstance(mask, Tensor) else xp.asarray(mask)
    if mask_array.dtype != bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask_array.dtype}")
    if isinstance(value, Tensor):
        if value.data.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.data.ndim} dimension(s).")
        value = value.to(input.dtype)
    else:
        value = _make_tensor(xp.asarray(value, dtype=input.data.dtype))
    return where(_make_tensor(mask_array), value, input)


def masked_select(input, mask):
    mask_array = mask.data if isinstance(mask, Tensor) else xp.asarray(mask)
    shape = xp.broadcast_shapes(input.shape, mask_array.shape)
    return getitem(input.expand(shape), xp.broadcast_to(mask_array, shape))


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one tensor per dim."""
    if input.data.ndim == 0:
        # NumPy refuses a 0-d array; torch reads it as one element with no dimension to index.
        count = int(bool(input.data))
        if as_tuple:
            return (_make_tensor(xp.zeros(count, xp.int64)),)
        return _make_tensor(xp.zeros((count, 0), xp.int64))
    found = xp.nonzero(input.data)
    if as_tuple:
        return tuple(_make_tensor(i.astype(xp.int64)) for i in found)
    return _make_tensor(xp.stack(found, axis=1).astype(xp.int64))
