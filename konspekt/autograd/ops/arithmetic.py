"""Arithmetic: + − × ÷ and powers, negation, absolute value, sign; torch's type promotion.

Backward rules (the lecture's elementwise rules, then reduced back over broadcast dimensions):
  y = a + b:  ∂L/∂a = g,          ∂L/∂b = g
  y = a − b:  ∂L/∂a = g,          ∂L/∂b = −g
  y = a ∘ b:  ∂L/∂a = g ∘ b,      ∂L/∂b = g ∘ a                      (Hadamard product)
  y = a / b:  ∂L/∂a = g / b,      ∂L/∂b = −g ∘ y / b
  y = a^b:    ∂L/∂a = g ∘ b a^(b−1)  (0 where b = 0),  ∂L/∂b = g ∘ y ∘ ln a  (0 where a = 0,
              b ≥ 0), the values torch takes where the formula reads 0 · ∞
  y = |a|:    ∂L/∂a = g ∘ sign(a)
  y = a mod b = a − b⌊a/b⌋:  ∂L/∂a = g,  ∂L/∂b = −g ∘ ⌊a/b⌋
  ⌊a/b⌋ and trunc(a/b) are piecewise constant: their derivative is 0.
"""

import math

from ..backend import ndarray, xp
from ..dtype import get_default_dtype
from ..function import Function
from ..tensor import Tensor, _make_tensor
from .shape import sum_to_shape

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def result_dtype(a, b):
    """The dtype of a ∘ b for two arrays, by torch's rule.

    The higher category (bool < integer < floating) wins; within a category a tensor with
    dimensions beats a 0-d one; otherwise the wider type.
    """
    da, db = a.dtype, b.dtype
    if da == db:
        return da
    ka, kb = _CATEGORY[da.kind], _CATEGORY[db.kind]
    if ka != kb:
        return da if ka > kb else db
    if (a.ndim == 0) != (b.ndim == 0):
        return db if a.ndim == 0 else da
    return xp.promote_types(da, db)


_SCALAR_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte",
                      "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
                      "bool": "Bool"}


def scalar_type_name(dtype):
    """The name torch's error messages give a dtype ("Float", "Long" …)."""
    return _SCALAR_TYPE_NAMES.get(dtype.name, dtype.name)


def _scalar_for(scalar, tensor):
    """A Python number as an operand of ``tensor``, and ``tensor`` cast if the number needs it."""
    if isinstance(scalar, xp.generic):
        scalar = scalar.item()
    kind = tensor.data.dtype.kind
    if isinstance(scalar, float) and kind != "f":
        tensor = tensor.to(get_default_dtype())
    elif isinstance(scalar, int) and not isinstance(scalar, bool) and kind == "b":
        tensor = tensor.to("int64")
    elif isinstance(scalar, int) and kind in "iu":
        info = xp.iinfo(tensor.data.dtype)
        if not info.min <= scalar <= info.max:  # torch casts it to the tensor's type: it wraps
            scalar = int(xp.asarray(scalar).astype(tensor.data.dtype))
    elif not isinstance(scalar, (int, float)):
        raise TypeError(f"unsupported operand type: expected a Tensor or a number, got "
                        f"{type(scalar).__name__}")
    return scalar, tensor


def promote(a, b):
    """Bring two operands (Tensors, arrays or numbers) to torch's common dtype."""
    if isinstance(a, ndarray):
        a = _make_tensor(a)
    if isinstance(b, ndarray):
        b = _make_tensor(b)
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a.data.dtype != b.data.dtype:
                target = result_dtype(a.data, b.data)
                if a.data.dtype != target:
                    a = a.to(target)
                if b.data.dtype != target:
                    b = b.to(target)
            return a, b
        b, a = _scalar_for(b, a)
        return a, b
    if isinstance(b, Tensor):
        return _scalar_for(a, b)
    raise TypeError(f"expected at least one Tensor operand, got {type(a).__name__} and "
                    f"{type(b).__name__}")


def broadcast_error(a, b):
    """The RuntimeError torch raises for shapes that do not broadcast."""
    sa, sb = xp.shape(a.data if isinstance(a, Tensor) else a), xp.shape(
        b.data if isinstance(b, Tensor) else b)
    for i in range(1, max(len(sa), len(sb)) + 1):
        da = sa[-i] if i <= len(sa) else 1
        db = sb[-i] if i <= len(sb) else 1
        if da != db and da != 1 and db != 1:
            dim = max(len(sa), len(sb)) - i
            return RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                                f"({db}) at non-singleton dimension {dim}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast together")


def _binary(function, a, b):
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a.data.dtype != b.data.dtype:
                a, b = promote(a, b)
        elif not (type(b) is float and a.data.dtype.kind == "f"):
            a, b = promote(a, b)
    else:
        a, b = promote(a, b)
    try:
        return function.apply(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None


def _shape(x):
    return x.shape if type(x) is ndarray else ()


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = _shape(a), _shape(b)
        return a + b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to_shape(g, sa) if need_a else None,
                sum_to_shape(g, sb) if need_b else None)


class Sub(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = _shape(a), _shape(b)
        return a - b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to_shape(g, sa) if need_a else None,
                sum_to_shape(Neg.apply(g), sb) if need_b else None)


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.shapes = _shape(a), _shape(b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        # Mul.apply directly: the operands were promoted in forward, and this runs per backward.
        return (sum_to_shape(Mul.apply(g, b), sa) if need_a else None,
                sum_to_shape(Mul.apply(g, a), sb) if need_b else None)


class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        out = a / b
        ctx.save_for_backward(b, out)
        ctx.shapes = _shape(a), _shape(b)
        return out

    @staticmethod
    def backward(ctx, g):
        b, out = ctx.saved_tensors
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        ga = g / b
        return (sum_to_shape(ga, sa) if need_a else None,
                sum_to_shape(-ga * out, sb) if need_b else None)


class RoundedDiv(Function):
    """a / b rounded down (mode "floor") or toward zero ("trunc")."""

    @staticmethod
    def forward(ctx, a, b, mode):
        ctx.shapes = _shape(a), _shape(b)
        if mode == "floor":
            # floor_divide works from fmod, so 1 // 0.1 is 9 as in torch, not ⌊10.0⌋.
            return xp.floor_divide(a, b)
        if xp.result_type(a, b).kind == "f":
            return xp.trunc(a / b)
        return xp.sign(a) * xp.sign(b) * (xp.abs(a) // xp.abs(b))

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        zero = g * 0
        return (sum_to_shape(zero, sa) if need_a else None,
                sum_to_shape(zero, sb) if need_b else None, None)


class Remainder(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.shapes = _shape(a), _shape(b)
        return xp.remainder(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to_shape(g, sa) if need_a else None,
                sum_to_shape(-g * floor_divide(a, b), sb) if need_b else None)


class Neg(Function):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


def _integer_power(a, b):
    """a^b for integer arrays with some b < 0: 1/a^|b| truncates to 0 unless |a| = 1 (torch)."""
    negative = b < 0
    out = a ** xp.where(negative, 0, b)
    sign = xp.where(xp.abs(b) % 2 == 1, a, 1)  # 1 for a = 1; (−1)^|b| for a = −1
    return xp.where(negative, xp.where(xp.abs(a) == 1, sign, 0), out).astype(out.dtype)


class Pow(Function):
    @staticmethod
    def forward(ctx, a, b):
        # After promotion an integer exponent array means an integer base too.
        if type(b) is ndarray and b.dtype.kind == "i" and (b < 0).any():
            out = _integer_power(a, b)
        else:
            out = a ** b
        ctx.save_for_backward(a, b, out)
        ctx.shapes = _shape(a), _shape(b)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        if need_a:
            if isinstance(b, Tensor):
                ga = sum_to_shape((g * b * a ** (b - 1)).masked_fill(b.data == 0, 0.0), sa)
            elif b == 0:
                ga = g * 0
            elif b == 2:
                ga = g * (2 * a)
            else:
                ga = g * (b * a ** (b - 1))
        if need_b:
            if isinstance(a, Tensor):
                # ln 0 = −inf, but a^b has slope 0 in b there (0^b = 0 for b > 0): torch's mask.
                zero = (a.data == 0) & (b.data >= 0) if isinstance(b, Tensor) else a.data == 0
                safe_a = a.masked_fill(zero, 1.0)
                gb = sum_to_shape((g * out * safe_a.log()).masked_fill(zero, 0.0), sb)
            elif a == 0:
                gb = (g * out * -math.inf).masked_fill(b.data >= 0, 0.0)
            else:
                gb = g * out * (math.log(a) if a > 0 else math.nan)
        return ga, gb


class Abs(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return xp.abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * xp.sign(a.data)


class Sign(Function):
    @staticmethod
    def forward(ctx, a):
        return a.copy() if a.dtype.kind == "b" else xp.sign(a)

    @staticmethod
    def backward(ctx, g):
        return g * 0


def add(input, other, *, alpha=1):
    """input + alpha · other, broadcast."""
    if alpha != 1:
        other = other * alpha
    return _binary(Add, input, other)


def _refuse_bool(operand, message):
    if isinstance(operand, Tensor) and operand.data.dtype.kind == "b":
        raise RuntimeError(message + " If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def sub(input, other, *, alpha=1):
    """input − alpha · other, broadcast."""
    a_bool = isinstance(input, Tensor) and input.data.dtype.kind == "b"
    b_bool = isinstance(other, Tensor) and other.data.dtype.kind == "b"
    if a_bool or b_bool:
        if a_bool and b_bool:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                               "supported. Use the `^` or `logical_xor()` operator instead.")
        _refuse_bool(input if a_bool else other,
                     "Subtraction, the `-` operator, with a bool tensor is not supported.")
    if alpha != 1:
        other = other * alpha
    return _binary(Sub, input, other)


def mul(input, other):
    """The elementwise (Hadamard) product, broadcast."""
    return _binary(Mul, input, other)


def div(input, other, *, rounding_mode=None):
    """input / other, true division (integers give the default float dtype), broadcast.

    ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient, whose derivative is 0.
    """
    a, b = promote(input, other)
    if rounding_mode is not None:
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or "
                               f"'floor' but found '{rounding_mode}'")
        _check_integer_divisor(a, b)
        try:
            return RoundedDiv.apply(a, b, rounding_mode)
        except ValueError:
            raise broadcast_error(a, b) from None
    for side in (a, b):
        if isinstance(side, Tensor) and side.data.dtype.kind != "f":
            # A number comes as given (promote may have wrapped it into the integer type).
            a = a.to(get_default_dtype()) if isinstance(a, Tensor) else float(input)
            b = b.to(get_default_dtype()) if isinstance(b, Tensor) else float(other)
            break
    return _binary(Div, a, b)


def _check_integer_divisor(a, b):
    """Integer division by zero has no value to give (floats give ±inf or NaN), as in torch."""
    a, b = (xp.asarray(x.data if isinstance(x, Tensor) else x) for x in (a, b))
    if xp.result_type(a, b).kind in "iu" and (b == 0).any():
        raise RuntimeError("ZeroDivisionError")


def true_divide(input, other):
    return div(input, other)


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    """input − floor(input / other) · other (Python's sign convention, as torch)."""
    a, b = promote(input, other)
    _check_integer_divisor(a, b)
    return _binary(Remainder, a, b)


def pow(input, exponent):
    """input ** exponent, broadcast; either side may be a number."""
    a, b = promote(input, exponent)
    if isinstance(a, Tensor) and a.data.dtype.kind != "f" and isinstance(b, float):
        a = a.to(get_default_dtype())
    if isinstance(b, int) and isinstance(a, Tensor) and a.data.dtype.kind in "iu" and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    try:
        return Pow.apply(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None


def neg(input):
    _refuse_bool(input, "Negation, the `-` operator, on a bool tensor is not supported.")
    return Neg.apply(input)


def abs(input):
    return Abs.apply(input)


def sign(input):
    return Sign.apply(input)


def reciprocal(input):
    """1 / input."""
    return div(1.0, input)


def square(input):
    return pow(input, 2)


def rsub(input, other, *, alpha=1):
    """other − alpha · input."""
    return sub(other, input, alpha=alpha) if alpha == 1 else sub(other, input * alpha)
