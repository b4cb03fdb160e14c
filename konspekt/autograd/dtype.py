"""Data types: konspekt's names for the array library's dtypes, and the default floating type."""

import builtins

from .backend import xp


class dtype:
    """A tensor element type, named as in torch (``konspekt.float32`` …).

    Attributes
    ----------
    name : str
        The torch name, e.g. ``"float32"``.
    numpy : numpy.dtype
        The array dtype that stores it.
    is_floating_point : bool
        Whether tensors of this type can require gradients.
    """

    __slots__ = ("name", "numpy", "is_floating_point", "itemsize")

    def __init__(self, name, numpy_dtype):
        self.name = name
        self.numpy = xp.dtype(numpy_dtype)
        self.is_floating_point = self.numpy.kind == "f"
        self.itemsize = self.numpy.itemsize

    def __repr__(self):
        return f"konspekt.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = dtype("float16", "float16")
float32 = dtype("float32", "float32")
float64 = dtype("float64", "float64")
uint8 = dtype("uint8", "uint8")
int8 = dtype("int8", "int8")
int16 = dtype("int16", "int16")
int32 = dtype("int32", "int32")
int64 = dtype("int64", "int64")
bool_ = dtype("bool", "bool")

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
_FROM_NUMPY = {d.numpy: d for d in _ALL}
_NAMES = {d.name: d for d in _ALL}
_NAMES.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)


def _by_name(name):
    return _NAMES[name]


class _DefaultDtype:
    value = float32


_default = _DefaultDtype()


def get_default_dtype():
    """The floating type that new tensors get from Python floats (float32 unless changed)."""
    return _default.value


def set_default_dtype(d):
    """Set the floating type of new tensors built from Python floats; float32 or float64."""
    d = as_dtype(d)
    if d not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 and float64 can be the default, got {d}")
    _default.value = d


def as_dtype(d):
    """Turn a konspekt dtype, a NumPy dtype, a name or a Python type into a konspekt dtype."""
    if isinstance(d, dtype):
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if isinstance(d, str) and d in _NAMES:
        return _NAMES[d]
    try:
        return _FROM_NUMPY[xp.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(
            f"dtype: expected one of {', '.join(x.name for x in _ALL)}, got {d!r}") from None


def from_numpy_dtype(np_dtype):
    """The konspekt dtype of an array dtype; TypeError for types konspekt does not hold."""
    try:
        return _FROM_NUMPY[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert an array of type {np_dtype}: the supported types are "
            f"{', '.join(x.name for x in _ALL)}") from None


# torch's alternative names
half = float16
float = float32
double = float64
short = int16
int = int32
long = int64
