"""Making tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``), filled (``zeros``,
``ones``, ``full``, ``empty``, ``eye``, ``arange``, ``linspace``), random (``rand``, ``randn``,
``randint``, ``randperm``, with ``manual_seed`` and ``Generator``), and the ``*_like`` forms.
"""

import functools
import math
import numbers

from . import dtype as _dtypes
from .backend import ndarray, xp
from .tensor import Tensor, _make_tensor


class Generator:
    """A source of random numbers (PCG64), seeded for reproducible results.

    Parameters
    ----------
    device : str, default "cpu"
        Accepted for torch compatibility.

    Examples
    --------
    >>> g = kp.Generator().manual_seed(0)
    >>> kp.rand(3, generator=g)
    """

    def __init__(self, device="cpu"):
        self._seed = int(xp.random.SeedSequence().entropy % (2 ** 63))
        self.rng = xp.random.default_rng(self._seed)

    def manual_seed(self, seed):
        """Reset the generator to the state of ``seed``; returns the generator."""
        if not isinstance(seed, numbers.Integral):
            raise TypeError(f"manual_seed expected an int, got {type(seed).__name__}")
        # torch keeps the seed as an unsigned 64-bit number: manual_seed(-1) reports 2⁶⁴ − 1
        self._seed = int(seed) % (2 ** 64)
        self.rng = xp.random.default_rng(self._seed)
        return self

    def seed(self):
        """Reseed from fresh entropy and return the new seed."""
        self._seed = int(xp.random.SeedSequence().entropy % (2 ** 63))
        self.rng = xp.random.default_rng(self._seed)
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return _make_tensor(xp.frombuffer(repr(self.rng.bit_generator.state).encode(),
                                          dtype=xp.uint8).copy())

    def set_state(self, state):
        import ast
        self.rng.bit_generator.state = ast.literal_eval(bytes(state.data).decode())
        return self


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (``rand``, ``randn``, … and shuffling); returns it."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def _rng(generator):
    return (generator or default_generator).rng


# Kinds in torch's order of promotion: a sequence mixing them takes the highest.
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


def _infer_dtype(value):
    """torch's rule: Python bools → bool, ints → int64, floats → the default dtype; NumPy scalars
    and arrays keep their dtype; a sequence takes the highest kind among its elements
    (bool < int < float), its dtypes of that kind promoted together."""
    array_dtype = getattr(value, "dtype", None)
    if isinstance(array_dtype, xp.dtype):  # checked first: np.float64 is also a Python float
        return array_dtype
    if isinstance(value, bool):
        return xp.dtype(bool)
    if isinstance(value, numbers.Integral):
        return xp.dtype("int64")
    if isinstance(value, numbers.Real):
        return _dtypes.get_default_dtype().numpy
    if isinstance(value, (list, tuple)):
        if not value:
            return _dtypes.get_default_dtype().numpy
        dtypes = [_infer_dtype(v) for v in value]
        # an unsupported kind (complex) ranks above all, so that the caller rejects it by name
        top = max(_KIND_RANK.get(d.kind, 3) for d in dtypes)
        return functools.reduce(xp.promote_types,
                                [d for d in dtypes if _KIND_RANK.get(d.kind, 3) == top])
    if isinstance(value, Tensor):
        return value.data.dtype
    raise TypeError(f"tensor(): could not infer a dtype from an element of type "
                    f"{type(value).__name__}")


def _scalar(value):
    """A Python number from a number, a NumPy scalar or a one-element tensor: torch reads the
    arguments of ``arange`` and ``full`` as Scalars, so their own dtype does not count."""
    return value.item() if hasattr(value, "item") else value


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, ndarray):
        array = data
    elif isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in data):
        array = xp.stack([_to_array(d, None) for d in data])
    else:
        array = xp.asarray(data, dtype=_infer_dtype(data) if dtype is None else None)
    if dtype is not None:
        array = array.astype(_dtypes.as_dtype(dtype).numpy, copy=False)
    if array.dtype.kind in "OUSV":
        raise TypeError(f"tensor(): expected numbers, got elements of type {array.dtype}")
    _dtypes.from_numpy_dtype(array.dtype)
    return array


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new leaf tensor holding a copy of ``data`` (a number, nested lists or an array)."""
    t = _make_tensor(_to_array(data, dtype).copy())
    if requires_grad:
        t.requires_grad = True
    return t


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with an array or tensor when no conversion is needed."""
    if isinstance(data, Tensor):
        # a conversion of a tensor stays in the graph, as torch's does
        return data if dtype is None else data.to(dtype)
    return _make_tensor(_to_array(data, dtype))


def from_numpy(ndarray_):
    """A tensor that shares memory with the array."""
    if not isinstance(ndarray_, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")
    _dtypes.from_numpy_dtype(ndarray_.dtype)
    return _make_tensor(ndarray_)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, numbers.Integral):
            raise TypeError(f"size must be a tuple of ints, but got an element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
    return tuple(int(s) for s in size)


def _dtype_or_default(dtype):
    return (_dtypes.get_default_dtype() if dtype is None else _dtypes.as_dtype(dtype)).numpy


def _finish(array, requires_grad):
    t = _make_tensor(array)
    if requires_grad:
        t.requires_grad = True
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _finish(xp.zeros(_size(size), _dtype_or_default(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _finish(xp.ones(_size(size), _dtype_or_default(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _finish(xp.empty(_size(size), _dtype_or_default(dtype)), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value`` (its dtype inferred from the value)."""
    if dtype is None:
        dtype = _infer_dtype(_scalar(fill_value))
    else:
        dtype = _dtypes.as_dtype(dtype).numpy
    return _finish(xp.full(_size((size,)), fill_value, dtype), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n × m matrix (n × n unless ``m`` is given) with ones on the diagonal."""
    for name, value in (("n", n), ("m", m)):
        if value is not None and value < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {value}")
    return _finish(xp.eye(n, n if m is None else m, dtype=_dtype_or_default(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values start, start + step, … below ``end``; int64 unless an argument is a float.

    With an integer ``dtype`` the arguments are truncated to integers first, as in torch:
    ``arange(0.5, 3.7, dtype=int64)`` is [0, 1, 2].
    """
    if end is None:
        start, end = 0, start
    values = [_scalar(v) for v in (start, end, step)]
    dtype = _infer_dtype(values) if dtype is None else _dtypes.as_dtype(dtype).numpy
    if not all(math.isfinite(v) for v in values):
        raise RuntimeError(f"arange: unsupported range: {values[0]} -> {values[1]} "
                           f"(step {values[2]})")
    if dtype.kind in "iub":
        values = [int(v) for v in values]
    start, end, step = values
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign: "
                           f"{start} -> {end} with step {step}")
    return _finish(xp.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    return _finish(xp.linspace(start, end, steps).astype(_dtype_or_default(dtype)), requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    return _finish(xp.logspace(start, end, steps, base=base).astype(_dtype_or_default(dtype)),
                   requires_grad)


def _floating_dtype(dtype, function):
    """The requested dtype or the default; an integer one would silently round every sample."""
    d = _dtype_or_default(dtype)
    if d.kind != "f":
        raise TypeError(f"{function}: expected a floating point dtype, got "
                        f"{_dtypes.from_numpy_dtype(d).name}")
    return d


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1)."""
    array = _rng(generator).random(_size(size)).astype(_floating_dtype(dtype, "rand"))
    return _finish(array, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    array = _rng(generator).standard_normal(_size(size)).astype(_floating_dtype(dtype, "randn"))
    return _finish(array, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Uniform integers in [low, high); ``randint(high, size)`` starts at 0."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=size)
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing the required argument 'size'")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    dtype = xp.dtype("int64") if dtype is None else _dtypes.as_dtype(dtype).numpy
    array = _rng(generator).integers(low, high, _size((size,))).astype(dtype)
    return _finish(array, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0 … n − 1."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    dtype = xp.dtype("int64") if dtype is None else _dtypes.as_dtype(dtype).numpy
    return _finish(_rng(generator).permutation(n).astype(dtype), requires_grad)


def normal(mean, std, size=None, *, generator=None):
    """Samples of N(mean, std²); mean and std may be tensors (broadcast) or numbers."""
    m = mean.data if isinstance(mean, Tensor) else mean
    s = std.data if isinstance(std, Tensor) else std
    shape = size if size is not None else xp.broadcast_shapes(xp.shape(m), xp.shape(s))
    dtype = next((t.data.dtype for t in (mean, std) if isinstance(t, Tensor)),
                 _dtypes.get_default_dtype().numpy)
    return _make_tensor((m + s * _rng(generator).standard_normal(shape)).astype(dtype))


def bernoulli(input, p=None, *, generator=None):
    """1 with probability ``input`` (or ``p``), else 0, elementwise."""
    probs = input.data if p is None else xp.full(input.shape, p)
    return _make_tensor((_rng(generator).random(input.shape) < probs).astype(input.data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Draw category indices from the rows of non-negative weights ``input``."""
    weights = input.data.reshape(-1, input.shape[-1]).astype(xp.float64)
    rng = _rng(generator)
    rows = []
    for w in weights:
        if (w < 0).any() or not xp.isfinite(w).all() or w.sum() <= 0:
            raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or "
                               "element < 0, or sums to 0")
        if not replacement and num_samples > (w > 0).sum():
            raise RuntimeError("multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                               "without replacement")
        rows.append(rng.choice(len(w), num_samples, replace=replacement, p=w / w.sum()))
    out = xp.asarray(rows, dtype=xp.int64)
    return _make_tensor(out.reshape(input.shape[:-1] + (num_samples,)))


def _like(function):
    def like(input, *, dtype=None, requires_grad=False, **kwargs):
        d = input.dtype if dtype is None else dtype
        return function(*input.shape, dtype=d, requires_grad=requires_grad, **kwargs)
    like.__name__ = function.__name__ + "_like"
    like.__doc__ = f"``{function.__name__}`` with the shape (and dtype) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(input, fill_value, *, dtype=None, requires_grad=False):
    return full(input.shape, fill_value, dtype=input.dtype if dtype is None else dtype,
                requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, generator=None):
    return randint(low, high, input.shape, dtype=input.dtype if dtype is None else dtype,
                   generator=generator)
