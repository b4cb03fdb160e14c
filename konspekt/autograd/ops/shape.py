"""Shape operations: reshape, permute, expand, cat, flip, roll, repeat, tril/triu, pad, and the
shared broadcasting rule of every backward.

Each of these only moves elements, so its backward moves the gradient back: the inverse
permutation for ``permute`` (Pᵀ), the inverse reshape for ``reshape``, a sum over the copies for
``expand`` and ``repeat``, the slices of the gradient for ``cat``.
"""

import math

from ..backend import xp
from ..function import Function
from ..tensor import Tensor, _check_dim


def sum_to_shape(g, shape):
    """Reduce a broadcast gradient back to ``shape``: sum over the dimensions broadcasting added
    in front and over those where the input had size 1 (the one shared broadcasting rule)."""
    gshape = g.data.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if axes:
        g = g.sum(axes, keepdim=True)
    return Reshape.apply(g, shape) if g.data.shape != shape else g


def broadcast_view(a, shape):
    """A read-only view of ``a`` broadcast to ``shape`` (stride 0 along broadcast dimensions).

    Built directly on ``a``'s memory: ``numpy.broadcast_to`` costs about 2 µs, which shows in
    every backward pass through a reduction. Arrays that cannot lend their memory (not
    contiguous) take NumPy's route.
    """
    lead = len(shape) - a.ndim
    strides = (0,) * lead + tuple(0 if n != m else s for n, m, s in
                                  zip(a.shape, shape[lead:], a.strides))
    try:
        view = xp.ndarray(shape, a.dtype, a, 0, strides)
    except (TypeError, ValueError, BufferError):
        return xp.broadcast_to(a, shape)
    view.flags.writeable = False
    return view


def _sizes(args, name="size"):
    """Shape arguments given either as ints or as one sequence, as torch accepts them."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    out = []
    for s in args:
        if isinstance(s, Tensor):
            s = int(s.item())
        if not isinstance(s, (int, xp.integer)):
            raise TypeError(f"{name} must be a sequence of ints, got an element of type "
                            f"{type(s).__name__}")
        out.append(int(s))
    return tuple(out)


class Reshape(Function):
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.input_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.input_shape)


class Permute(Function):
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        inverse = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inverse[d] = i
        return g.permute(inverse)


class Expand(Function):
    """Broadcast to ``shape``; with ``kept`` the input is first given that shape (the keepdim
    shape of a reduction, so the backward of ``sum`` is one operation)."""

    is_view = True

    @staticmethod
    def forward(ctx, a, shape, kept=None):
        ctx.input_shape, ctx.kept = a.shape, kept
        return broadcast_view(a if kept is None else a.reshape(kept), shape)

    @staticmethod
    def backward(ctx, g):
        if ctx.kept is None:
            return sum_to_shape(g, ctx.input_shape)
        return sum_to_shape(g, ctx.kept).reshape(ctx.input_shape)


class Cat(Function):
    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        ctx.sizes = [a.shape[dim] for a in arrays]
        return xp.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        out, start = [], 0
        for need, size in zip(ctx.needs_input_grad, ctx.sizes):
            out.append(g.narrow(ctx.dim, start, size) if need else None)
            start += size
        return tuple(out)


class Flip(Function):
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return xp.flip(a, dims)

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims)


class Roll(Function):
    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return xp.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        return g.roll(tuple(-s for s in ctx.shifts), ctx.dims)


class Repeat(Function):
    @staticmethod
    def forward(ctx, a, repeats):
        ctx.input_shape = a.shape
        ctx.repeats = repeats
        return xp.tile(a.reshape((1,) * (len(repeats) - a.ndim) + a.shape), repeats)

    @staticmethod
    def backward(ctx, g):
        # Output dim i holds repeats[i] copies of the input's dim i: view it as (copies, size)
        # pairs and sum over the copies.
        shape = (1,) * (len(ctx.repeats) - len(ctx.input_shape)) + ctx.input_shape
        split = []
        for r, s in zip(ctx.repeats, shape):
            split += [r, s]
        g = g.reshape(split).sum(tuple(range(0, len(split), 2)))
        return g.reshape(ctx.input_shape)


class Triangle(Function):
    @staticmethod
    def forward(ctx, a, diagonal, upper):
        ctx.diagonal, ctx.upper = diagonal, upper
        return xp.triu(a, diagonal) if upper else xp.tril(a, diagonal)

    @staticmethod
    def backward(ctx, g):
        return g.triu(ctx.diagonal) if ctx.upper else g.tril(ctx.diagonal)


class ConstantPad(Function):
    @staticmethod
    def forward(ctx, a, widths, value):
        ctx.slices = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a.shape))
        return xp.pad(a, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, g):
        return g[ctx.slices]


def reshape(input, *shape):
    """The same elements in a new shape; one size may be −1 (inferred)."""
    shape = _sizes(shape, "shape")
    known = 1
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
        if s != -1:
            known *= s
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    n = input.data.size
    if -1 in shape and known == 0:
        # 0 · k = 0 for every k: nothing determines the inferred size.
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because "
                           f"the unspecified dimension size -1 can be any value and is ambiguous")
    if (-1 in shape and n % known) or (-1 not in shape and known != n):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
    return Reshape.apply(input, shape)


def _alias(t):
    return Reshape.apply(t, t.data.shape)


def view(input, *shape):
    """Same as ``reshape`` (NumPy copies when a view is impossible; torch would refuse)."""
    return reshape(input, *shape)


def view_as(input, other):
    return reshape(input, other.shape)


reshape_as = view_as


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions start_dim … end_dim into one."""
    nd = input.data.ndim
    s, e = _check_dim(start_dim, nd), _check_dim(end_dim, nd)
    if nd == 0:
        return reshape(input, 1)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.data.shape
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes`` (one may be −1); their product must be its size."""
    dim = _check_dim(dim, input.data.ndim)
    shape = input.data.shape
    sizes = _sizes((sizes,), "sizes")
    known = math.prod(s for s in sizes if s != -1)
    fits = known != 0 and shape[dim] % known == 0 if -1 in sizes else known == shape[dim]
    if not fits:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[dim]}) in the input tensor")
    return reshape(input, shape[:dim] + sizes + shape[dim + 1:])


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all, or those in ``dim`` that have size 1)."""
    shape = input.data.shape
    if dim is None:
        dims = range(len(shape))
    else:
        dims = [_check_dim(d, len(shape)) for d in (dim if isinstance(dim, (tuple, list))
                                                    else (dim,))]
    drop = {d for d in dims if len(shape) and shape[d] == 1}
    return reshape(input, tuple(s for i, s in enumerate(shape) if i not in drop))


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at ``dim`` (in [−ndim−1, ndim])."""
    nd = input.data.ndim
    dim = _check_dim(dim, nd + 1)
    shape = input.data.shape
    return reshape(input, shape[:dim] + (1,) + shape[dim:])


def permute(input, *dims):
    """Reorder the dimensions: output dim i is input dim dims[i]."""
    dims = _sizes(dims, "dims")
    nd = input.data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(): number of dimensions in the tensor input does not match "
                           f"the length of the desired ordering of dimensions i.e. input.dim() "
                           f"= {nd} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_check_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError(f"permute(): duplicate dims are not allowed, got {list(dims)}")
    return Permute.apply(input, dims)


def transpose(input, dim0, dim1):
    """Swap two dimensions."""
    nd = input.data.ndim
    a, b = _check_dim(dim0, nd), _check_dim(dim1, nd)
    if nd == 0:
        return _alias(input)
    dims = list(range(nd))
    dims[a], dims[b] = dims[b], dims[a]
    return Permute.apply(input, tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Transpose of a tensor of at most 2 dimensions."""
    if input.data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.data.ndim}D")
    return transpose(input, 0, -1) if input.data.ndim == 2 else _alias(input)


def movedim(input, source, destination):
    """Move dimensions ``source`` to positions ``destination`` (an int or a sequence each); the
    other dimensions keep their order."""
    nd = input.data.ndim
    source = [_check_dim(d, nd) for d in ((source,) if isinstance(source, int) else source)]
    destination = [_check_dim(d, nd)
                   for d in ((destination,) if isinstance(destination, int) else destination)]
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} dims) "
                           f"should contain the same number of dims as destination "
                           f"({destination} dims)")
    for name, dims in (("source", source), ("destination", destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    order = [None] * nd
    for s, d in zip(source, destination):
        order[d] = s
    rest = iter(d for d in range(nd) if d not in source)
    return Permute.apply(input, tuple(next(rest) if o is None else o for o in order))


def expand(input, *sizes):
    """A broadcast view with the given sizes (−1 keeps a size); no copy is made."""
    sizes = _sizes(sizes)
    shape = input.data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater "
                           f"or equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand: the expanded size {s} is not allowed in a leading, "
                                   "non-existing dimension")
            target.append(s)
            continue
        own = shape[i - lead]
        if s == -1:
            s = own
        if own != s and own != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({own}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
        target.append(s)
    target = tuple(target)
    if target == shape:
        return _alias(input)
    return Expand.apply(input, target)


def broadcast_to(input, shape):
    return expand(input, *_sizes((shape,)))


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_tensors(*tensors):
    """Expand every tensor to the one shape they all broadcast to."""
    from .arithmetic import broadcast_error
    shape = ()
    for t in tensors:
        try:
            shape = xp.broadcast_shapes(shape, t.shape)
        except ValueError:
            raise broadcast_error(xp.broadcast_to(xp.empty(()), shape), t) from None
    return tuple(expand(t, shape) for t in tensors)


def repeat(input, *sizes):
    """Tile the tensor ``sizes[i]`` times along dimension i."""
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    sizes = _sizes(sizes)
    if len(sizes) < input.data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    shape = (1,) * (len(sizes) - input.data.ndim) + input.data.shape
    out = [r * n for r, n in zip(sizes, shape)]
    for r, n in zip(sizes, out):
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {out}")
    return Repeat.apply(input, sizes)


def cat(tensors, dim=0):
    """Concatenate along an existing dimension; every other size must agree."""
    from .arithmetic import result_dtype
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat(): tensors[{i}] must be a Tensor, got {type(t).__name__}")
        if t.data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # Like torch, ignore legacy empty 1-D tensors.
    kept = [t for t in tensors if not (t.data.ndim == 1 and t.data.size == 0)] or tensors[:1]
    ref = kept[0].data
    dim = _check_dim(dim, ref.ndim)
    target = ref.dtype
    for t in kept[1:]:
        target = result_dtype(xp.empty((1,), target), t.data)
    for i, t in enumerate(kept):
        if t.data.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} "
                               f"and {t.data.ndim}")
        for d in range(ref.ndim):
            if d != dim and t.data.shape[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. "
                                   f"Expected size {ref.shape[d]} but got size "
                                   f"{t.data.shape[d]} for tensor number {i} in the list.")
    kept = [t if t.data.dtype == target else t.to(target) for t in kept]
    return Cat.apply(*kept, dim=dim)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join tensors of one shape along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t.shape)} at entry {i}")
    dim = _check_dim(dim, len(shape) + 1)
    return cat([unsqueeze(t, dim) for t in tensors], dim)


def hstack(tensors):
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t.ndim > 1 else unsqueeze(t, 0) for t in tensors], 0)


def narrow(input, dim, start, length):
    """Elements start … start+length−1 along ``dim`` (a view)."""
    dim = _check_dim(dim, input.data.ndim)
    n = input.data.shape[dim]
    if start < 0:
        start += n
    if not 0 <= start <= n or length < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    key = (slice(None),) * dim + (slice(start, start + length),)
    return input[key]


def select(input, dim, index):
    dim = _check_dim(dim, input.data.ndim)
    return input[(slice(None),) * dim + (index,)]


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of size ``split_size`` (the last may be smaller), or of the listed sizes."""
    given, dim = dim, _check_dim(dim, tensor.data.ndim)
    n = tensor.data.shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        if step == 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={sizes}")
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {given}), but got "
                               f"split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(narrow(tensor, dim, start, s))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """At most ``chunks`` pieces of size ⌈n / chunks⌉ (torch's rule)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.data.shape[_check_dim(dim, input.data.ndim)]
    if n == 0:
        # torch gives ``chunks`` empty pieces here, not one.
        return split(input, [0] * chunks, dim)
    return split(input, -(-n // chunks), dim)


def unbind(input, dim=0):
    dim = _check_dim(dim, input.data.ndim)
    return tuple(select(input, dim, i) for i in range(input.data.shape[dim]))


def flip(input, *dims):
    """Reverse the order of elements along the given dimensions."""
    nd = input.data.ndim
    dims = tuple(_check_dim(d, nd) for d in _sizes(dims, "dims"))
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if nd == 0:
        return _alias(input)
    return Flip.apply(input, dims)


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


def roll(input, shifts, dims=None):
    """Shift elements cyclically; with ``dims=None`` the flattened tensor is rolled."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return reshape(roll(flatten(input), shifts, 0), input.shape)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{len(dims)}")
    nd = input.data.ndim
    return Roll.apply(input, shifts, tuple(_check_dim(d, nd) for d in dims))


def tril(input, diagonal=0):
    """The lower triangle (j ≤ i + diagonal) of the last two dimensions; the rest zero."""
    if input.data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Triangle.apply(input, diagonal, False)


def triu(input, diagonal=0):
    """The upper triangle (j ≥ i + diagonal) of the last two dimensions; the rest zero."""
    if input.data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triangle.apply(input, diagonal, True)


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dimensions: pad = (left_last, right_last, left_prev, …).

    The four paddings of the course, for an edge element x_0 … x_{n−1} and a pad of width p:
      constant  — p copies of ``value`` (0 by default);
      replicate — p copies of the edge element x_0;
      reflect   — the mirror image without the edge: x_p, …, x_1 (needs p < n);
      circular  — the other end wraps round: x_{n−p}, …, x_{n−1} (needs p ≤ n).
    A negative width crops, as in torch: constant, replicate and reflect crop the padded result
    (output position j reads input position j − lo), circular crops first and wraps the part kept.
    Non-constant modes are index gathers, so their backward sums the gradient of every copy back
    into the element it came from.
    """
    pad = tuple(int(p) for p in pad)
    nd = input.data.ndim
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got {len(pad)}")
    if len(pad) // 2 > nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{nd}")
    widths = [(0, 0)] * nd
    for i in range(len(pad) // 2):
        widths[nd - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    shape = input.data.shape
    if mode == "constant":
        for d, ((lo, hi), n) in enumerate(zip(widths, shape)):
            if n - max(-lo, 0) - max(-hi, 0) < 0:
                raise RuntimeError(f"pad: negative padding ({lo}, {hi}) crops more than the size "
                                   f"{n} of dimension {d} of input {list(shape)}")
        if any(lo < 0 or hi < 0 for lo, hi in widths):
            crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, shape))
            input = input[crop]
            widths = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
        return ConstantPad.apply(input, widths, 0 if value is None else value)
    if mode not in ("replicate", "reflect", "circular"):
        raise NotImplementedError(f"pad: mode must be 'constant', 'reflect', 'replicate' or "
                                  f"'circular', got {mode!r}")
    if value not in (None, 0, 0.0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    out = input
    for d, ((lo, hi), n) in enumerate(zip(widths, shape)):
        if lo == hi == 0:
            continue
        if mode == "circular":
            start, kept = max(-lo, 0), n - max(-lo, 0) - max(-hi, 0)
            if kept < 0:
                raise RuntimeError(f"pad: negative padding ({lo}, {hi}) crops more than the size "
                                   f"{n} of dimension {d} of input {list(shape)}")
            if max(lo, hi) > kept:
                raise RuntimeError(f"Padding value causes wrapping around more than once: "
                                   f"padding ({lo}, {hi}) at dimension {d} of size {kept}")
            positions = xp.arange(-max(lo, 0), kept + max(hi, 0))
            index = start + (positions % kept if kept else positions)
        else:
            if n + lo + hi < 1:
                raise RuntimeError(f"pad: input of size {n} at dimension {d} is too small for "
                                   f"padding ({lo}, {hi}): the output size would be "
                                   f"{n + lo + hi}")
            positions = xp.arange(-lo, n + hi)
            if mode == "replicate":
                if n == 0:
                    raise RuntimeError(f"pad: cannot replicate the edge of dimension {d}, which "
                                       f"is empty in input {list(shape)}")
                index = xp.clip(positions, 0, n - 1)
            else:
                if lo >= n or hi >= n:
                    raise RuntimeError(f"Argument #4: Padding size should be less than the "
                                       f"corresponding input dimension, but got: padding ({lo}, "
                                       f"{hi}) at dimension {d} of input {list(shape)}")
                index = xp.abs(positions)
                index = xp.where(index > n - 1, 2 * (n - 1) - index, index)
        out = out[(slice(None),) * d + (index,)]
    return out
