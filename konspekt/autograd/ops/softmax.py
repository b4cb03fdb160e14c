"""``softmax`` and ``log_softmax`` along a dimension, computed stably.

  softmax:      y_i = exp(x_i − m) / Σ_j exp(x_j − m),  m = max_j x_j  (the shift cancels)
                ∂L/∂x = y ∘ (g − Σ_j g_j y_j)
  log_softmax:  y_i = x_i − m − log Σ_j exp(x_j − m)
                ∂L/∂x = g − exp(y) Σ_j g_j
Both backwards use the saved output, so their own derivatives come from the same rules.
"""

from ..backend import xp
from ..dtype import as_dtype, get_default_dtype
from ..function import Function
from ..tensor import _check_dim


def _shifted(x, dim):
    """x − max along ``dim``; an empty ``dim`` has no maximum and nothing to normalise."""
    return x - xp.max(x, axis=dim, keepdims=True) if x.shape[dim] else x


class Softmax(Function):
    @staticmethod
    def forward(ctx, x, dim):
        e = xp.exp(_shifted(x, dim))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - (g * y).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    @staticmethod
    def forward(ctx, x, dim):
        shifted = _shifted(x, dim)
        with xp.errstate(divide="ignore"):  # an empty or all −∞ row: −∞, silently as in torch
            y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - y.exp() * g.sum(ctx.dim, keepdim=True), None


def _prepare(input, dim, dtype, name):
    if dim is None:
        raise TypeError(f"{name}(): argument 'dim' must be given (an int)")
    if dtype is not None:
        input = input.to(as_dtype(dtype))
    elif input.data.dtype.kind != "f":
        input = input.to(get_default_dtype())
    if input.data.ndim == 0:
        _check_dim(dim, 0)
        return input.reshape(1), 0, True
    return input, _check_dim(dim, input.data.ndim), False


def softmax(input, dim=None, dtype=None):
    """exp(x_i) / Σ_j exp(x_j) along ``dim``."""
    x, dim, scalar = _prepare(input, dim, dtype, "softmax")
    y = Softmax.apply(x, dim)
    return y.reshape(()) if scalar else y


def log_softmax(input, dim=None, dtype=None):
    """x_i − log Σ_j exp(x_j) along ``dim``."""
    x, dim, scalar = _prepare(input, dim, dtype, "log_softmax")
    y = LogSoftmax.apply(x, dim)
    return y.reshape(()) if scalar else y
