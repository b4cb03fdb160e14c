"""Bind the operations to ``Tensor`` as methods and operators, as torch exposes them.

Operator dunders go through these functions too, so ``a + b`` and ``kp.add(a, b)`` are one path.
"""

from .backend import xp
from .grad_mode import _state
from .ops import (arithmetic, comparison, conversion, elementwise, indexing, linalg, reduction,
                  shape, softmax, sorting)
from .tensor import Tensor, _make_tensor

_METHODS = {
    arithmetic: ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "pow",
                 "neg", "abs", "sign", "reciprocal", "square"],
    elementwise: ["exp", "log", "log1p", "expm1", "log2", "log10", "sqrt", "rsqrt", "sin", "cos",
                  "tan", "atan", "arctan", "tanh", "sigmoid", "relu", "erf", "clamp", "clip",
                  "maximum", "minimum", "floor", "ceil", "round", "trunc"],
    reduction: ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "var",
                "std", "logsumexp", "norm", "cumsum", "all", "any", "count_nonzero"],
    shape: ["reshape", "view", "view_as", "reshape_as", "flatten", "unflatten", "squeeze",
            "unsqueeze", "permute", "transpose", "swapaxes", "swapdims", "t", "movedim",
            "expand", "expand_as", "broadcast_to", "repeat", "narrow", "select", "split",
            "chunk", "unbind", "flip", "fliplr", "flipud", "roll", "tril", "triu"],
    indexing: ["gather", "take_along_dim", "scatter_add", "scatter", "index_select",
               "masked_fill", "masked_select", "nonzero", "index_put"],
    linalg: ["matmul", "mm", "bmm", "dot", "inner", "outer", "diagonal", "diag", "diag_embed",
             "trace"],
    sorting: ["sort", "argsort", "topk", "msort", "kthvalue"],
    softmax: ["softmax", "log_softmax"],
    comparison: ["eq", "ne", "lt", "le", "gt", "ge", "less", "less_equal", "greater",
                 "greater_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
                 "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor", "isnan", "isinf",
                 "isfinite", "equal", "isclose", "allclose"],
    conversion: ["clone", "to", "type_as", "float", "double", "half", "long", "int", "bool"],
}

for _module, _names in _METHODS.items():
    for _name in _names:
        setattr(Tensor, _name, getattr(_module, _name))


def _reflected(function):
    def reflected(self, other):
        return function(other, self)
    return reflected


def _inplace(function):
    """An in-place method: in place on the array when nothing is recorded, else recorded on a
    copy of the old value that the tensor then takes over (see ``Tensor._assign_result``)."""
    def method(self, *args, **kwargs):
        self._check_inplace()
        other_requires = any(isinstance(a, Tensor) and a._requires_grad for a in args)
        if _state.enabled and (self._requires_grad or other_requires):
            return self._assign_result(function(self._old_value(), *args, **kwargs))
        result = function(self.detach(), *args, **kwargs)
        if result.data.dtype != self.data.dtype and not xp.can_cast(
                result.data.dtype, self.data.dtype, "same_kind"):
            raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output "
                               f"type {self.dtype}")
        if result.data.shape != self.data.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)}")
        self._writable_data()[...] = result.data
        self._bump_version()
        return self
    method.__name__ = function.__name__ + "_"
    method.__doc__ = f"In-place ``{function.__name__}``."
    return method


Tensor.__add__ = arithmetic.add
Tensor.__radd__ = _reflected(arithmetic.add)
Tensor.__sub__ = arithmetic.sub
Tensor.__rsub__ = _reflected(arithmetic.sub)
Tensor.__mul__ = arithmetic.mul
Tensor.__rmul__ = _reflected(arithmetic.mul)
Tensor.__truediv__ = arithmetic.div
Tensor.__rtruediv__ = _reflected(arithmetic.div)
Tensor.__floordiv__ = arithmetic.floor_divide
Tensor.__rfloordiv__ = _reflected(arithmetic.floor_divide)
Tensor.__mod__ = arithmetic.remainder
Tensor.__rmod__ = _reflected(arithmetic.remainder)
Tensor.__pow__ = arithmetic.pow
Tensor.__rpow__ = _reflected(arithmetic.pow)
Tensor.__matmul__ = linalg.matmul
Tensor.__rmatmul__ = _reflected(linalg.matmul)
Tensor.__neg__ = arithmetic.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = arithmetic.abs
Tensor.__eq__ = comparison.eq
Tensor.__ne__ = comparison.ne
Tensor.__lt__ = comparison.lt
Tensor.__le__ = comparison.le
Tensor.__gt__ = comparison.gt
Tensor.__ge__ = comparison.ge
Tensor.__and__ = comparison.bitwise_and
Tensor.__or__ = comparison.bitwise_or
Tensor.__xor__ = comparison.bitwise_xor
Tensor.__invert__ = comparison.bitwise_not
Tensor.__getitem__ = indexing.getitem

for _name, _function in (("add", arithmetic.add), ("sub", arithmetic.sub),
                         ("mul", arithmetic.mul), ("div", arithmetic.div),
                         ("pow", arithmetic.pow), ("neg", arithmetic.neg),
                         ("abs", arithmetic.abs), ("exp", elementwise.exp),
                         ("log", elementwise.log), ("sqrt", elementwise.sqrt),
                         ("tanh", elementwise.tanh), ("sigmoid", elementwise.sigmoid),
                         ("relu", elementwise.relu), ("clamp", elementwise.clamp),
                         ("masked_fill", indexing.masked_fill), ("tril", shape.tril),
                         ("triu", shape.triu), ("scatter_add", indexing.scatter_add),
                         ("scatter", indexing.scatter), ("index_put", indexing.index_put)):
    setattr(Tensor, _name + "_", _inplace(_function))

Tensor.__iadd__ = Tensor.add_
Tensor.__isub__ = Tensor.sub_
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = Tensor.div_
Tensor.clamp_min = lambda self, min: elementwise.clamp(self, min=min)
Tensor.clamp_max = lambda self, max: elementwise.clamp(self, max=max)
Tensor.T = property(lambda self: self.permute(*reversed(range(self.data.ndim))),
                    doc="All dimensions reversed (the transpose of a matrix).")
Tensor.mT = property(lambda self: self.transpose(-2, -1),
                     doc="The transpose of the last two dimensions (batches of matrices).")


def _new(function):
    def new(self, *args, dtype=None, requires_grad=False, **kwargs):
        return function(*args, dtype=self.dtype if dtype is None else dtype,
                        requires_grad=requires_grad, **kwargs)
    return new


def _bind_creation():
    from . import creation
    Tensor.new_zeros = _new(creation.zeros)
    Tensor.new_ones = _new(creation.ones)
    Tensor.new_empty = _new(creation.empty)
    Tensor.new_full = _new(creation.full)
    Tensor.new_tensor = lambda self, data, dtype=None, requires_grad=False: creation.tensor(
        data, dtype=self.dtype if dtype is None else dtype, requires_grad=requires_grad)

    def check_floating(tensor, method):
        # an integer tensor would keep only the truncated samples, silently
        if not tensor.is_floating_point():
            raise TypeError(f"{method}: expected a floating point tensor, got {tensor.dtype.name}")

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        """Fill in place with samples of U[a, b)."""
        check_floating(self, "uniform_")
        return self.copy_(_make_tensor(creation._rng(generator).uniform(a, b, self.shape)))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill in place with samples of N(mean, std²)."""
        check_floating(self, "normal_")
        return self.copy_(_make_tensor(creation._rng(generator).normal(mean, std, self.shape)))

    Tensor.uniform_ = uniform_
    Tensor.normal_ = normal_


_bind_creation()
