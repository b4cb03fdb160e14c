"""Comparisons, logical and bitwise operations. Their outputs are boolean (or integer, for the
bitwise operations on integers), so they carry no gradient."""

from ..backend import xp
from ..tensor import Tensor, _make_tensor
from .arithmetic import broadcast_error, promote, scalar_type_name


def _compare(function, name=None, integers_only=False):
    def compare(input, other):
        a, b = promote(input, other)
        a = a.data if isinstance(a, Tensor) else a
        b = b.data if isinstance(b, Tensor) else b
        if integers_only:
            _check_integers(xp.result_type(a, b), name)
        try:
            return _make_tensor(xp.asarray(function(a, b)))
        except ValueError:
            raise broadcast_error(a, b) from None
    compare.__name__ = name or function.__name__
    return compare


def _check_integers(dtype, name):
    if dtype.kind not in "biu":
        raise NotImplementedError(
            f'"{name}_cpu" not implemented for \'{scalar_type_name(dtype)}\'')


eq = _compare(xp.equal)
ne = _compare(xp.not_equal)
lt = less = _compare(xp.less)
le = less_equal = _compare(xp.less_equal)
gt = greater = _compare(xp.greater)
ge = greater_equal = _compare(xp.greater_equal)
logical_and = _compare(xp.logical_and)
logical_or = _compare(xp.logical_or)
logical_xor = _compare(xp.logical_xor)


def logical_not(input):
    return _make_tensor(xp.logical_not(input.data))


def bitwise_not(input):
    """~x: logical not of a bool tensor, two's-complement not of an integer tensor."""
    _check_integers(input.data.dtype, "bitwise_not")
    return _make_tensor(xp.invert(input.data))


bitwise_and = _compare(xp.bitwise_and, "bitwise_and", integers_only=True)
bitwise_or = _compare(xp.bitwise_or, "bitwise_or", integers_only=True)
bitwise_xor = _compare(xp.bitwise_xor, "bitwise_xor", integers_only=True)


def isnan(input):
    return _make_tensor(xp.isnan(input.data))


def isinf(input):
    return _make_tensor(xp.isinf(input.data))


def isfinite(input):
    return _make_tensor(xp.isfinite(input.data))


def equal(input, other):
    """True when both tensors have the same shape and the same elements."""
    return input.shape == other.shape and bool(xp.array_equal(input.data, other.data))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _make_tensor(xp.isclose(input.data, other.data, rtol=rtol, atol=atol,
                                   equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a − b| ≤ atol + rtol·|b| everywhere."""
    return bool(xp.allclose(input.data, other.data, rtol=rtol, atol=atol, equal_nan=equal_nan))
