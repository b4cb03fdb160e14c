"""Copies and type conversions: ``clone``, ``to(dtype)``, ``float()``, ``double()``, ``long()`` …

A cast between floating types is differentiable (the gradient is cast back); a cast to an integer
or bool type ends the graph, as in torch.
"""

from ..dtype import as_dtype
from ..function import Function
from ..tensor import Tensor, _make_tensor


class Clone(Function):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class Cast(Function):
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return Cast.apply(g, ctx.input_dtype), None


def clone(input):
    """A copy with its own memory; the gradient passes through unchanged."""
    return Clone.apply(input)


def to(input, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """Convert to another dtype: ``t.to(konspekt.float64)``, ``t.to(other_tensor)``; a device
    argument is accepted and must be the CPU."""
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and a.split(":")[0] in ("cpu",):
            device = a
        elif a is not None:
            dtype = a
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"to(): konspekt computes on the CPU only, got device {device!r}")
    if dtype is None:
        return clone(input) if copy else input
    target = as_dtype(dtype).numpy
    if target == input.data.dtype:
        return clone(input) if copy else input
    if target.kind != "f":
        return _make_tensor(input.data.astype(target))
    return Cast.apply(input, target)


def type_as(input, other):
    return to(input, other.dtype)


def _caster(name):
    def cast(input):
        return to(input, name)
    cast.__name__ = name
    cast.__doc__ = f"``to({name})``."
    return cast


float = _caster("float32")
double = _caster("float64")
half = _caster("float16")
long = _caster("int64")
int = _caster("int32")
bool = _caster("bool")
