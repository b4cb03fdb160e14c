"""Reductions over dimensions (``dim``, ``keepdim`` as torch): sum, mean, prod, amax/amin,
max/min, var/std, logsumexp, norm, cumsum, argmax/argmin.

Backward rules:
  sum:   ∂L/∂x = g broadcast back over the reduced dimensions
  mean:  ∂L/∂x = g / n broadcast back
  prod:  ∂L/∂x_i = g · Π_{j≠i} x_j   (= g·y/x_i when no x is 0)
  amax:  ∂L/∂x_i = g · [x_i = y] / #{j : x_j = y}   (ties share evenly, as torch)
  normₚ: ∂L/∂x = g · sign(x) |x|^(p−1) / ‖x‖ₚ^(p−1)   (= g · x / ‖x‖ for p = 2; 0 where ‖x‖ = 0)
  logsumexp: ∂L/∂x = g · exp(x − y)   (the softmax of x)
  std:   ∂L/∂x = ∂var/∂x · g / (2 std)   (0 where std = 0, as torch)
  cumsum: ∂L/∂x = reverse-cumsum of g
var is a composition of these. logsumexp subtracts the maximum first:
log Σ eˣ = m + log Σ e^(x−m), m = max x, so that exp never overflows.
"""

import builtins
from collections import namedtuple

from ..backend import xp
from ..dtype import get_default_dtype
from ..function import Function
from ..tensor import Tensor, _check_dim, _make_tensor
from .arithmetic import scalar_type_name
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
    axes = []
    for d in dims:
        axis = _check_dim(d, ndim)
        if axis in axes:
            raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
        axes.append(axis)
    return tuple(sorted(axes)) or None


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
        if x.size == 0:
            # The mean of nothing is NaN, silently as in torch (NumPy warns).
            shape = (_kept_shape(x.shape, axes) if keepdim else
                     tuple(s for i, s in enumerate(x.shape) if axes is not None and i not in axes))
            return xp.full(shape, xp.nan, x.dtype)
        return x.mean(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        n = _count(ctx.shape, ctx.axes)
        # n = 0 only for an empty input, whose gradient is empty whatever the scale.
        return Expand.apply(g * (1.0 / builtins.max(n, 1)), ctx.shape,
                            _kept_shape(ctx.shape, ctx.axes))


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


class Norm(Function):
    """The vector p-norm (Σ|x|^p)^(1/p) over axes, for a finite p other than 0 and 1."""

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        if p == 2:
            y = xp.sqrt(xp.sum(x * x, axis=axes, keepdims=keepdim))
        else:
            y = xp.sum(xp.abs(x) ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        ctx.save_for_backward(x, y)
        ctx.p, ctx.axes = p, axes
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        p = ctx.p
        kept = _kept_shape(x.shape, ctx.axes)
        g, y = g.reshape(kept), y.reshape(kept)
        zero = y.data == 0
        has_zero = zero.any()
        if has_zero:  # the subgradient 0 where the norm is 0, as torch
            y = y.masked_fill(zero, 1.0)
        if p == 2:
            grad = g * x / y
        else:
            slope = x.sign() * x.abs() ** (p - 1)
            if p < 1:  # |x|^(p−1) is infinite at x = 0, where torch takes the slope as 0
                slope = slope.masked_fill(x.data == 0, 0.0)
            grad = g * slope * y ** (1 - p)
        return (grad.masked_fill(zero, 0.0) if has_zero else grad), None, None, None


class LogSumExp(Function):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        kept = _kept_shape(x.shape, axes)
        m = xp.amax(x, axis=axes, keepdims=True) if x.size else xp.zeros(kept, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        # A row of −∞ (or an empty one) gives −∞, silently as in torch: no NumPy warning.
        with xp.errstate(divide="ignore", invalid="ignore"):
            y = xp.log(xp.sum(xp.exp(x - m), axis=axes, keepdims=True)) + m
        y = y if keepdim else y.reshape(tuple(s for i, s in enumerate(x.shape)
                                              if axes is not None and i not in axes))
        ctx.save_for_backward(x, y)
        ctx.kept = kept
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g.reshape(ctx.kept) * (x - y.reshape(ctx.kept)).exp(), None, None


class RootOfVariance(Function):
    """std = √var, with the slope 1/(2 std) taken as 0 where std = 0 (a constant slice)."""

    @staticmethod
    def forward(ctx, v):
        y = xp.sqrt(v)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        zero = y.data == 0
        if zero.any():
            return (g / (2 * y.masked_fill(zero, 1.0))).masked_fill(zero, 0.0)
        return g / (2 * y)


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
                           f"a floating point or complex dtype. Got: "
                           f"{scalar_type_name(input.data.dtype)}")


def _require_float_for_variance(input, name):
    if input.data.dtype.kind != "f":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


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
    """An extreme of no elements does not exist: torch's errors."""
    if input.data.size:
        return
    if axes is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")
    for axis in axes:
        if input.data.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


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
    return _arg(input, dim, keepdim, xp.argmax, "argmax")


def argmin(input, dim=None, keepdim=False):
    """Index of the minimum (of the flattened tensor when ``dim`` is None); first on ties."""
    return _arg(input, dim, keepdim, xp.argmin, "argmin")


def _arg(input, dim, keepdim, function, name):
    x = input.data
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        out = xp.asarray(function(x))
        if keepdim:
            out = out.reshape((1,) * x.ndim)
        return _make_tensor(out.astype(xp.int64))
    axis = _check_dim(dim, x.ndim)
    if x.ndim == 0:
        return _make_tensor(xp.zeros((), xp.int64))
    _check_not_empty(input, (axis,), name)
    out = function(x, axis=axis, keepdims=keepdim)
    return _make_tensor(xp.asarray(out, dtype=xp.int64))


def max(input, dim=None, keepdim=False, *, other=None):
    """``max(x)``: the largest element; ``max(x, dim)``: (values, indices);
    ``max(x, other)``: the elementwise maximum."""
    if isinstance(dim, Tensor) or other is not None:
        from .elementwise import maximum
        return maximum(input, dim if other is None else other)
    if dim is None:
        _check_not_empty(input, None, "max")
        return amax(input)
    return _extreme_along(input, dim, keepdim, argmax, "max")


def min(input, dim=None, keepdim=False, *, other=None):
    """``min(x)``, ``min(x, dim)`` → (values, indices), or the elementwise minimum."""
    if isinstance(dim, Tensor) or other is not None:
        from .elementwise import minimum
        return minimum(input, dim if other is None else other)
    if dim is None:
        _check_not_empty(input, None, "min")
        return amin(input)
    return _extreme_along(input, dim, keepdim, argmin, "min")


def _extreme_along(input, dim, keepdim, arg, name):
    # The values are a gather at the arg-extreme indices, so the gradient reaches exactly the
    # chosen element, as torch's max(dim) does.
    dim = _check_dim(dim, input.data.ndim)
    _check_not_empty(input, (dim,) if input.data.ndim else None, name)
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
    _require_float_for_variance(input, "std and var")
    c = _correction(unbiased, correction)
    axes = _axes(dim, input.data.ndim)
    n = _count(input.data.shape, axes)
    centred = input - input.mean(dim=axes, keepdim=True)
    # n − correction ≤ 0 divides by zero and gives nan or inf, as torch does.
    return (centred * centred).sum(dim=axes, keepdim=keepdim) / (n - c if n > c else 0)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """√var."""
    return RootOfVariance.apply(var(input, dim, unbiased, keepdim, correction=correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over the same dimensions."""
    _require_float_for_variance(input, "var_mean")
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over the same dimensions."""
    _require_float_for_variance(input, "std_mean")
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def logsumexp(input, dim, keepdim=False):
    """log Σ exp(x) over ``dim``, computed as m + log Σ exp(x − m) with m the maximum."""
    if input.data.dtype.kind != "f":
        input = input.to(get_default_dtype())
    return LogSumExp.apply(input, _axes(dim, input.data.ndim), keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector p-norm over ``dim`` (all elements when None): p = 1, 2 / 'fro', inf, −inf,
    or any other number (Σ|x|^p)^(1/p)."""
    if dtype is not None:
        input = input.to(dtype)
    _require_float(input, "norm")
    axes = _axes(dim, input.data.ndim)
    if p in ("fro", 2, 2.0):
        return Norm.apply(input, 2, axes, keepdim)
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
    return Norm.apply(input, p, axes, keepdim)


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


def _logical(function, input, dim, keepdim):
    axes = _axes(dim, input.data.ndim)
    out = xp.asarray(function(input.data, axis=axes, keepdims=keepdim))
    # torch keeps uint8 for uint8 inputs (the old mask type); every other input gives bool.
    return _make_tensor(out.astype(xp.uint8) if input.data.dtype == xp.uint8 else out)


def all(input, dim=None, keepdim=False):
    """Whether every element (along ``dim``) is non-zero."""
    return _logical(xp.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    """Whether some element (along ``dim``) is non-zero."""
    return _logical(xp.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    axes = _axes(dim, input.data.ndim)
    return _make_tensor(xp.asarray(xp.count_nonzero(input.data, axis=axes), dtype=xp.int64))
