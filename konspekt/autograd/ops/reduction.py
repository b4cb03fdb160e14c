"""Reductions over dimensions (``dim``, ``keepdim`` as torch): sum, mean, prod, amax/amin,
max/min, var/std, logsumexp, norm, cumsum, argmax/argmin.

Backward rules:
  sum:   ∂L/∂x = g broadcast back over the reduced dimensions
  mean:  ∂L/∂x = g / n broadcast back
  prod:  ∂L/∂x_i = g · Π_{j≠i} x_j   (= g·y/x_i when no x is 0)
  amax:  ∂L/∂x_i = g · [x_i = y] / #{j : x_j = y}   (ties share evenly, as torch)
  norm₂: ∂L/∂x = g · x / ‖x‖ (0 at x = 0)
  cumsum: ∂L/∂x = reverse-cumsum of g
var, std and logsumexp are compositions of these (logsumexp subtracts the maximum first:
log Σ eˣ = m + log Σ e^(x−m), m = max x, so that exp never overflows).
"""

from collections import namedtuple

from ..backend import xp
from ..dtype import get_default_dtype
from ..function import Function
from ..tensor import Tensor, _check_dim, _make_tensor
from .shape import Expand

values_indices = namedtuple("values_indices", ["values", "indices"])


def _axes(dim, ndim):
    """Normalise ``dim`` (None, int or sequence) to a tuple of axes, or None for all of them."""
    if dim is None:
        return None
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if ndim == 0:
        for d in dims:
            _check_dim(d, 0)
        return None
    axes = tuple(sorted({_check_dim(d, ndim) for d in dims}))
    if len(axes) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return axes or None


def _kept_shape(shape, axes):
    """The shape of a reduction with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _count(shape, axes):
    n = 1
    for i, s in enumerate(shape):
        if axes is None or i in axes:
            n *= s
    return n


class Sum(Function):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes = x.shape, axes
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return Expand.apply(g, ctx.shape, _kept_shape(ctx.shape, ctx.axes))


class Mean(Function):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes = x.shape, axes
        return x.mean(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        n = _count(ctx.shape, ctx.axes)
        return Expand.apply(g * (1.0 / n), ctx.shape, _kept_shape(ctx.shape, ctx.axes))


class Prod(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdim):
        y = xp.prod(x, axis=axis, keepdims=keepdim)
        ctx.save_for_backward(x, y)
        ctx.axis, ctx.keepdim = axis, keepdim
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        axis = ctx.axis
        kept = _kept_shape(x.shape, None if axis is None else (axis,))
        g = g.reshape(kept)
        if not (x.data == 0).any():
            return g * y.reshape(kept) / x
        # With zeros, form Π_{j≠i} x_j directly: put 1 in place of x_i, one row per i.
        if axis is None:
            flat = x.reshape(1, -1)
            others = _products_of_others(flat, 1).reshape(x.shape)
        else:
            others = _products_of_others(x, axis)
        return g * others


def _products_of_others(x, axis):
    """Π_{j≠i} x_j along ``axis`` for every i (n² work; used only when a factor is 0)."""
    n = x.shape[axis]
    moved = x.movedim(axis, -1)
    rows = moved.unsqueeze(-2).expand(moved.shape[:-1] + (n, n))
    eye = xp.eye(n, dtype=bool)
    rows = rows.masked_fill(eye, 1.0)
    return rows.prod(-1).movedim(-1, axis)


class Extreme(Function):
    """amax (largest=True) or amin over axes; ties share the gradient evenly."""

    @staticmethod
    def forward(ctx, x, axes, keepdim, largest):
        y = x.max(axis=axes, keepdims=keepdim) if largest else x.min(axis=axes, keepdims=keepdim)
        ctx.save_for_backward(x, y)
        ctx.axes = axes
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        kept = _kept_shape(x.shape, ctx.axes)
        hit = x.data == y.data.reshape(kept)
        share = hit / hit.sum(axis=ctx.axes, keepdims=True)
        return g.reshape(kept) * share.astype(g.data.dtype), None, None, None


class Norm2(Function):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        y = xp.sqrt(xp.sum(x * x, axis=axes, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        ctx.axes = axes
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        kept = _kept_shape(x.shape, ctx.axes)
        y = y.reshape(kept)
        zero = y.data == 0
        if zero.any():  # the subgradient 0 at x = 0, as torch
            return (g.reshape(kept) * x / y.masked_fill(zero, 1.0)).masked_fill(zero, 0.0)
        return g.reshape(kept) * x / y


class Cumsum(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return xp.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.axis).cumsum(ctx.axis).flip(ctx.axis)


def _require_float(input, name):
    if input.data.dtype.kind != "f":
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either "
                           f"a floating point or complex dtype. Got: {input.dtype.name.title()}")


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Σ over ``dim`` (all dimensions when None). Integer and bool inputs sum to int64."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.data.dtype.kind in "biu":
        input = input.to("int64")
    return Sum.apply(input, None if dim is None else _axes(dim, input.data.ndim), keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """(1/n) Σ over ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    _require_float(input, "mean")
    return Mean.apply(input, _axes(dim, input.data.ndim), keepdim)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Π over one dimension (or all)."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.data.dtype.kind in "biu":
        input = input.to("int64")
    axis = None if dim is None or input.data.ndim == 0 else _check_dim(dim, input.data.ndim)
    return Prod.apply(input, axis, keepdim)


def _check_not_empty(input, axes, name):
    shape = input.data.shape
    if input.data.size == 0 and (axes is None or any(shape[a] == 0 for a in axes)):
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == "
                         "0. Specify the reduction dim with the 'dim' argument.")


def amax(input, dim=(), keepdim=False):
    """The maximum over ``dim`` (all when empty); ties share the gradient."""
    axes = _axes(dim if dim != () else None, input.data.ndim)
    _check_not_empty(input, axes, "amax")
    return Extreme.apply(input, axes, keepdim, True)


def amin(input, dim=(), keepdim=False):
    """The minimum over ``dim`` (all when empty); ties share the gradient."""
    axes = _axes(dim if dim != () else None, input.data.ndim)
    _check_not_empty(input, axes, "amin")
    return Extreme.apply(input, axes, keepdim, False)


def argmax(input, dim=None, keepdim=False):
    """Index of the maximum (of the flattened tensor when ``dim`` is None); first on ties."""
    return _arg(input, dim, keepdim, xp.argmax)


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, xp.argmin)


def _arg(input, dim, keepdim, function):
    x = input.data
    if dim is None:
        out = xp.asarray(function(x))
        if keepdim:
            out = out.reshape((1,) * x.ndim)
        return _make_tensor(out.astype(xp.int64))
    axis = _check_dim(dim, x.ndim)
    if x.ndim == 0:
        return _make_tensor(xp.zeros((), xp.int64))
    out = function(x, axis=axis, keepdims=keepdim)
    return _make_tensor(xp.asarray(out, dtype=xp.int64))


def max(input, dim=None, keepdim=False, *, other=None):
    """``max(x)``: the largest element; ``max(x, dim)``: (values, indices);
    ``max(x, other)``: the elementwise maximum."""
    if isinstance(dim, Tensor) or other is not None:
        from .elementwise import maximum
        return maximum(input, dim if other is None else other)
    if dim is None:
        return amax(input)
    return _extreme_along(input, dim, keepdim, argmax)


def min(input, dim=None, keepdim=False, *, other=None):
    """``min(x)``, ``min(x, dim)`` → (values, indices), or the elementwise minimum."""
    if isinstance(dim, Tensor) or other is not None:
        from .elementwise import minimum
        return minimum(input, dim if other is None else other)
    if dim is None:
        return amin(input)
    return _extreme_along(input, dim, keepdim, argmin)


def _extreme_along(input, dim, keepdim, arg):
    # The values are a gather at the arg-extreme indices, so the gradient reaches exactly the
    # chosen element, as torch's max(dim) does.
    dim = _check_dim(dim, input.data.ndim)
    _check_not_empty(input, (dim,) if input.data.ndim else None, "max")
    indices = arg(input, dim, keepdim=True)
    if input.data.ndim == 0:
        return values_indices(input.clone(), indices)
    values = input.gather(dim, indices)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values_indices(values, indices)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Σ (x − x̄)² / (n − correction); ``correction=1`` (default) is the unbiased estimate."""
    if isinstance(dim, bool):  # the legacy form var(x, unbiased)
        dim, unbiased = None, dim
    _require_float(input, "var")
    c = _correction(unbiased, correction)
    axes = _axes(dim, input.data.ndim)
    n = _count(input.data.shape, axes)
    centred = input - input.mean(dim=axes, keepdim=True)
    # n − correction ≤ 0 divides by zero and gives nan or inf, as torch does.
    return (centred * centred).sum(dim=axes, keepdim=keepdim) / (n - c if n > c else 0)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """√var."""
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def logsumexp(input, dim, keepdim=False):
    """log Σ exp(x) over ``dim``, computed as m + log Σ exp(x − m) with m the maximum."""
    if input.data.dtype.kind != "f":
        input = input.to(get_default_dtype())
    axes = _axes(dim, input.data.ndim)
    m = xp.amax(input.data, axis=axes, keepdims=True) if input.data.size else xp.zeros(
        _kept_shape(input.shape, axes), input.data.dtype)
    m = xp.where(xp.isfinite(m), m, 0)
    shifted = (input - m).exp().sum(dim=axes, keepdim=True).log() + m
    return shifted if keepdim else shifted.reshape(
        tuple(s for i, s in enumerate(shifted.shape) if axes is not None and i not in axes))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector p-norm over ``dim`` (all elements when None): p = 1, 2 / 'fro', inf, −inf,
    or any other number (Σ|x|^p)^(1/p)."""
    if dtype is not None:
        input = input.to(dtype)
    _require_float(input, "norm")
    axes = _axes(dim, input.data.ndim)
    if p in ("fro", 2, 2.0):
        return Norm2.apply(input, axes, keepdim)
    if p == "nuc":
        raise NotImplementedError("norm: the nuclear norm is not implemented")
    if p == float("inf"):
        return input.abs().amax(dim=axes if axes is not None else (), keepdim=keepdim)
    if p == float("-inf"):
        return input.abs().amin(dim=axes if axes is not None else (), keepdim=keepdim)
    if p == 0:
        return (input != 0).to(input.dtype).sum(dim=axes, keepdim=keepdim)
    if p == 1:
        return input.abs().sum(dim=axes, keepdim=keepdim)
    if not isinstance(p, (int, float)):
        raise ValueError(f"norm: p must be a number, 'fro' or 'nuc', got {p!r}")
    return (input.abs() ** p).sum(dim=axes, keepdim=keepdim) ** (1.0 / p)


def cumsum(input, dim, *, dtype=None):
    """Running sum y_i = Σ_{j≤i} x_j along ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.data.dtype.kind in "biu":
        input = input.to("int64")
    if input.data.ndim == 0:
        _check_dim(dim, 0)
        return input.clone()
    return Cumsum.apply(input, _check_dim(dim, input.data.ndim))


def all(input, dim=None, keepdim=False):
    axes = _axes(dim, input.data.ndim)
    return _make_tensor(xp.asarray(xp.all(input.data, axis=axes, keepdims=keepdim)))


def any(input, dim=None, keepdim=False):
    axes = _axes(dim, input.data.ndim)
    return _make_tensor(xp.asarray(xp.any(input.data, axis=axes, keepdims=keepdim)))


def count_nonzero(input, dim=None):
    axes = _axes(dim, input.data.ndim)
    return _make_tensor(xp.asarray(xp.count_nonzero(input.data, axis=axes), dtype=xp.int64))
