"""Elementwise functions y = f(x), whose backward is the lecture's rule ∂L/∂x = f′(x) ∘ g.

  exp: f′ = y            log: 1/x            log1p: 1/(1 + x)      expm1: y + 1
  log2: 1/(x ln 2)       log10: 1/(x ln 10)  sqrt: 1/(2y)          rsqrt: −y³/2
  sin: cos x             cos: −sin x         tan: 1 + y²           atan: 1/(1 + x²)
  tanh: 1 − y²           sigmoid: y(1 − y)   relu: [x > 0]         erf: 2/√π·e^(−x²)
  clamp: [lo ≤ x ≤ hi]
Where the derivative is written with the output y, backward reuses the saved output.
``maximum``/``minimum`` send the gradient to the larger/smaller input and split it evenly on a
tie, as torch does; ``where`` routes it by the condition. With tensor bounds, ``clamp`` follows
torch's routing: the gradient goes to x where lo ≤ x ≤ hi, to lo where x < lo < hi, and to hi
where x > hi or hi < lo.
"""

import math

import scipy.special

from ..backend import xp
from ..dtype import get_default_dtype
from ..function import Function
from ..tensor import Tensor, _make_tensor
from .arithmetic import Mul, broadcast_error, promote, scalar_type_name
from .shape import sum_to_shape


def _floating(t):
    """Integer and bool inputs to a floating function are first cast to the default dtype."""
    return t if t.data.dtype.kind == "f" else t.to(get_default_dtype())


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return Mul.apply(g, y)


class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.log(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / x


class Log1p(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.log1p(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x + 1)


class LogBase(Function):
    """log_b x = ln x / ln b for b = 2 or 10, computed by the exact library function."""

    @staticmethod
    def forward(ctx, x, base):
        ctx.save_for_backward(x)
        ctx.log_base = math.log(base)
        return xp.log2(x) if base == 2 else xp.log10(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * ctx.log_base), None


class Expm1(Function):
    @staticmethod
    def forward(ctx, x):
        y = xp.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (y + 1)


class Sqrt(Function):
    @staticmethod
    def forward(ctx, x):
        y = xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g / (2 * y)


class Rsqrt(Function):
    @staticmethod
    def forward(ctx, x):
        y = 1 / xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (-0.5 * y ** 3)


class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.sin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x.cos()


class Cos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.cos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * x.sin()


class Tan(Function):
    @staticmethod
    def forward(ctx, x):
        y = xp.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (1 + y * y)


class Atan(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.arctan(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x * x)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return TanhDerivative.apply(g, y)


class TanhDerivative(Function):
    """g ∘ (1 − y²) as one operation (fewer steps in every backward pass than three); its own
    backward gives the second derivative: ∂/∂g = 1 − y², ∂/∂y = −2 g y."""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (1 - y * y)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        need_g, need_y = ctx.needs_input_grad
        return (gg * (1 - y * y) if need_g else None,
                gg * g * (-2 * y) if need_y else None)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        y = scipy.special.expit(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return SigmoidDerivative.apply(g, y)


class SigmoidDerivative(Function):
    """g ∘ y(1 − y) as one operation; ∂/∂g = y(1 − y), ∂/∂y = g(1 − 2y)."""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (y * (1 - y))

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        need_g, need_y = ctx.needs_input_grad
        return (gg * (y * (1 - y)) if need_g else None,
                gg * g * (1 - 2 * y) if need_y else None)


class Relu(Function):
    @staticmethod
    def forward(ctx, x):
        y = xp.maximum(x, x.dtype.type(0))  # a zero of x's type spares NumPy a type search
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        # y = max(x, 0) is 0 exactly where x ≤ 0, and NaN (which passes the gradient on, as in
        # torch) where x is NaN; the boolean mask multiplies without a cast.
        return Mul.apply(g, _make_tensor(y.data != 0))


class Erf(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return scipy.special.erf(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (2 / math.sqrt(math.pi)) * (-x * x).exp()


class ZeroGradient(Function):
    """Piecewise-constant functions (floor, ceil, round, trunc): the derivative is 0 a.e."""

    @staticmethod
    def forward(ctx, x, function):
        return function(x)

    @staticmethod
    def backward(ctx, g):
        return g * 0, None


class Clamp(Function):
    """min(max(x, lo), hi); either bound may be None, a number or an array."""

    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x, low, high)
        ctx.shapes = x.shape, xp.shape(low), xp.shape(high)
        return xp.clip(x, low, high)

    @staticmethod
    def backward(ctx, g):
        x, low, high = (v.data if isinstance(v, Tensor) else v for v in ctx.saved_tensors)
        if low is None:
            to_x, to_low, to_high = x <= high, None, x > high
        elif high is None:
            to_x, to_low, to_high = x >= low, x < low, None
        else:
            to_x = (x >= low) & (x <= high)
            to_low = (x < low) & (low < high)
            to_high = (x > high) | (high < low)
        zero = _make_tensor(xp.zeros((), dtype=g.data.dtype))
        return tuple(sum_to_shape(Where.apply(mask, g, zero), shape) if need else None
                     for mask, shape, need in zip((to_x, to_low, to_high), ctx.shapes,
                                                  ctx.needs_input_grad))


class Extremum(Function):
    """maximum (larger=True) or minimum of two tensors."""

    @staticmethod
    def forward(ctx, a, b, larger):
        ctx.save_for_backward(a, b)
        ctx.larger = larger
        ctx.shapes = a.shape, b.shape
        return xp.maximum(a, b) if larger else xp.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a, b = a.data, b.data
        a_loses, b_loses = (a < b, a > b) if ctx.larger else (a > b, a < b)
        # Each input keeps the gradient unless it lost; a NaN loses to nothing, as in torch.
        half = 1 - 0.5 * (a == b)
        share_a = (~a_loses * half).astype(g.data.dtype)
        share_b = (~b_loses * half).astype(g.data.dtype)
        sa, sb = ctx.shapes
        return sum_to_shape(g * share_a, sa), sum_to_shape(g * share_b, sb), None


class Where(Function):
    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.condition = condition
        ctx.shapes = xp.shape(a), xp.shape(b)
        return xp.where(condition, a, b)

    @staticmethod
    def backward(ctx, g):
        c = ctx.condition
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[1:]
        zero = _make_tensor(xp.zeros((), dtype=g.data.dtype))
        return (None,
                sum_to_shape(Where.apply(c, g, zero), sa) if need_a else None,
                sum_to_shape(Where.apply(c, zero, g), sb) if need_b else None)


def _unary(function):
    def apply(input):
        return function.apply(_floating(input))
    return apply


exp = _unary(Exp)
log = _unary(Log)
log1p = _unary(Log1p)
expm1 = _unary(Expm1)
sqrt = _unary(Sqrt)
rsqrt = _unary(Rsqrt)
sin = _unary(Sin)
cos = _unary(Cos)
tan = _unary(Tan)
atan = arctan = _unary(Atan)
tanh = _unary(Tanh)
sigmoid = _unary(Sigmoid)
erf = _unary(Erf)
for _f, _name in ((exp, "exp"), (log, "log"), (log1p, "log1p"), (expm1, "expm1"),
                  (sqrt, "sqrt"), (rsqrt, "rsqrt"), (sin, "sin"), (cos, "cos"), (tan, "tan"),
                  (atan, "atan"), (tanh, "tanh"), (sigmoid, "sigmoid"), (erf, "erf")):
    _f.__name__ = _f.__qualname__ = _name
    _f.__doc__ = f"Elementwise {_name}; see the module docstring for its derivative."


def log2(input):
    """Elementwise base-2 logarithm; see the module docstring for its derivative."""
    return LogBase.apply(_floating(input), 2)


def log10(input):
    """Elementwise base-10 logarithm; see the module docstring for its derivative."""
    return LogBase.apply(_floating(input), 10)


def relu(input):
    """max(0, x) elementwise."""
    return Relu.apply(input)


def floor(input):
    return ZeroGradient.apply(input, xp.floor)


def ceil(input):
    return ZeroGradient.apply(input, xp.ceil)


def round(input, decimals=0):
    return ZeroGradient.apply(input, lambda x: xp.round(x, decimals))


def trunc(input):
    return ZeroGradient.apply(input, xp.trunc)


def clamp(input, min=None, max=None):
    """Limit values to [min, max] (numbers or tensors that broadcast with ``input``); where
    min > max the result is max, as in torch."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    for bound in (min, max):
        if bound is not None:
            input, _ = promote(input, bound)
    low, high = (b.to(input.dtype) if isinstance(b, Tensor) else b for b in (min, max))
    try:
        return Clamp.apply(input, low, high)
    except ValueError:
        failing = low if isinstance(low, Tensor) and not _broadcastable(input, low) else high
        raise broadcast_error(input, failing) from None


def _broadcastable(a, b):
    try:
        xp.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        return False
    return True


clip = clamp


def _extremum(a, b, larger):
    if not isinstance(b, Tensor):
        raise TypeError(f"{'maximum' if larger else 'minimum'}(): argument 'other' must be "
                        f"Tensor, not {type(b).__name__}")
    a, b = promote(a, b)
    try:
        return Extremum.apply(a, b, larger)
    except ValueError:
        raise broadcast_error(a, b) from None


def maximum(input, other):
    """The elementwise larger of two tensors (gradient split evenly on ties)."""
    return _extremum(input, other, True)


def minimum(input, other):
    """The elementwise smaller of two tensors (gradient split evenly on ties)."""
    return _extremum(input, other, False)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``; with one argument, ``nonzero``."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    c = condition.data if isinstance(condition, Tensor) else xp.asarray(condition)
    if c.dtype != bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {scalar_type_name(c.dtype)}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = _make_tensor(xp.asarray(input, dtype=get_default_dtype().numpy
                                        if isinstance(input, float) else None))
    a, b = promote(input, other)
    try:
        return Where.apply(c, a, b)
    except ValueError:
        sa, sb = (xp.shape(x.data if isinstance(x, Tensor) else x) for x in (a, b))
        try:
            both = xp.broadcast_shapes(sa, sb)
        except ValueError:
            raise broadcast_error(a, b) from None
        raise broadcast_error(c, xp.empty(both)) from None
