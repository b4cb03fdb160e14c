"""Pooling: max, average, adaptive and power-average pooling.

Notation of the course, per spatial axis: input size I, kernel K, stride S, padding P, dilation D.
Window o starts at o·S − P and holds the elements o·S − P + k·D, k = 0 … K − 1, so

    O = ⌊(I + 2P − D(K − 1) − 1) / S⌋ + 1

(⌈·⌉ with ``ceil_mode``, dropping a last window that would start in the right padding).

* Max pooling, y_o = max_k x[o·S − P + k·D] over a −∞ padding. The gradient goes to the arg max
  alone, ∂L/∂x_i = Σ_{o : argmax o = i} ∂L/∂y_o; the arg max is the first maximum of the window
  in row-major order (a NaN wins), as in torch.
* Average pooling, y_o = (1/N_o) Σ_k x[o·S − P + k] over a zero padding, N_o = the window's size
  (clipped at the padded edge) with ``count_include_pad``, its number of input elements without,
  or ``divisor_override``. It is linear, y = A x, and its gradient is Aᵀ g: g_o / N_o spread back
  over window o.
* Adaptive pooling, bin o = [⌊o·I/O⌋, ⌈(o + 1)·I/O⌉): O bins that cover the I inputs.

Windows are strided slices of the padded input, one slice per kernel offset: the loops run over
the offsets of a kernel (or of a bin), never over batch, channels or pixels. Every primitive's
backward is again a primitive (gather ↔ scatter, A ↔ Aᵀ), so all derivative orders exist.
"""

import functools
import itertools
import math

import numpy as np

from ...autograd.function import Function
from ...autograd.ops.elementwise import where
from ...autograd.ops.indexing import gather
from ...autograd.tensor import _make_tensor

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "lp_pool1d",
    "lp_pool2d",
    "max_pool1d",
    "max_pool2d",
]


# ---- the window grid ---------------------------------------------------------------------------

def _lowest(dtype):
    """The padding value of max pooling: below every element of this dtype."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


class _Windows:
    """The windows of one pooling call over the last ``len(kernel)`` axes of its input.

    ``keys[n]`` is the strided slice of the padded input that holds element n (row-major over
    the kernel offsets) of every window at once.
    """

    def __init__(self, sizes, kernel, stride, padding, dilation, out):
        self.sizes, self.kernel, self.stride = sizes, kernel, stride
        self.padding, self.dilation, self.out = padding, dilation, out
        # Right padding: P, or more where a ceil-mode window hangs over the padded input.
        self.high = tuple(max(p, (o - 1) * s + d * (k - 1) + 1 - i - p) for i, k, s, p, d, o
                          in zip(sizes, kernel, stride, padding, dilation, out))
        self.padded = any(padding) or any(self.high)
        self.interior = (Ellipsis,) + tuple(slice(p, p + i) for p, i in zip(padding, sizes))
        self.keys = [(Ellipsis,) + tuple(slice(k * d, k * d + (o - 1) * s + 1, s)
                                         for k, d, o, s in zip(ks, dilation, out, stride))
                     for ks in itertools.product(*(range(k) for k in kernel))]
        # Windows that share no element let a scatter write instead of add.
        self.disjoint = all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))

    def padded_shape(self, lead):
        return lead + tuple(p + i + h for p, i, h in zip(self.padding, self.sizes, self.high))

    def pad(self, x, value):
        if not self.padded:
            return x
        out = np.full(self.padded_shape(x.shape[:-len(self.sizes)]), value, dtype=x.dtype)
        out[self.interior] = x
        return out

    def crop(self, x):
        return x[self.interior] if self.padded else x

    def _starts(self, axis):
        """Where the windows along ``axis`` start in the unpadded input (may be negative)."""
        o = np.arange(self.out[axis]).reshape((-1,) + (1,) * (len(self.out) - 1 - axis))
        return o * self.stride[axis] - self.padding[axis]

    def first_inside(self):
        """Per window, the offset number of its first element inside the input."""
        steps = [np.maximum(0, -(self._starts(a) // self.dilation[a]))
                 for a in range(len(self.out))]
        return functools.reduce(lambda n, a: n * self.kernel[a] + steps[a],
                                range(1, len(steps)), steps[0])

    def flat_indices(self, which):
        """The flat index into the input's last axes of element ``which`` of every window."""
        offsets = np.unravel_index(which, self.kernel)
        index = 0
        for a, k in enumerate(offsets):
            index = index * self.sizes[a] + self._starts(a) + k * self.dilation[a]
        return index.astype(np.int64)


# ---- primitives ---------------------------------------------------------------------------------

def _winners(x, windows):
    """The maximum of every window and the offset number of the element that holds it."""
    padded = windows.pad(x, _lowest(x.dtype))
    floating = x.dtype.kind == "f"
    best = padded[windows.keys[0]].copy()
    which = np.zeros(best.shape, np.min_scalar_type(len(windows.keys)))
    for n, key in enumerate(windows.keys[1:], 1):
        value = padded[key]
        # torch's rule: a strictly larger element, or any NaN, takes over.
        better = value > best
        if floating:
            better |= np.isnan(value)
        np.copyto(best, value, where=better)
        np.copyto(which, n, where=better)
    if windows.padded:
        # A window of −∞ (or of the dtype's lowest) keeps its first element inside the input.
        stuck = best == _lowest(x.dtype)
        if stuck.any():
            np.copyto(which, np.broadcast_to(windows.first_inside(), which.shape),
                      where=stuck, casting="unsafe")
    return best, which


def _winner_masks(padded, best, windows):
    """Per kernel offset n, where element n of a window is its winner (one True per window).

    The winner is the first element equal to the maximum; windows holding a NaN, or nothing
    above the padding value, take the exact rule of ``_winners`` instead.
    """
    lowest = _lowest(padded.dtype)
    if (padded.dtype.kind == "f" and np.isnan(best).any()) or (
            windows.padded and (best == lowest).any()):
        which = _winners(padded[windows.interior], windows)[1]
        return [which == n for n in range(len(windows.keys))]
    masks, claimed = [], None
    for key in windows.keys:
        hit = padded[key] == best
        if claimed is None:
            claimed = hit.copy()
        else:
            hit &= ~claimed
            claimed |= hit
        masks.append(hit)
    return masks


class _MaxPool(Function):
    """y_o = max over window o; backward finds each window's winner and scatters g there."""

    @staticmethod
    def forward(ctx, x, windows):
        padded = windows.pad(x, _lowest(x.dtype))
        best = np.maximum(padded[windows.keys[0]], padded[windows.keys[1]]) if len(
            windows.keys) > 1 else padded[windows.keys[0]].copy()
        for key in windows.keys[2:]:
            np.maximum(best, padded[key], out=best)
        ctx.save_for_backward(x)
        # A copy, not the output: as in torch, the output may be changed in place (an in-place
        # ReLU after the pooling) without spoiling the backward pass.
        ctx.best, ctx.windows = best.copy(), windows
        ctx.padded = padded if windows.padded else None
        return best

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        padded = x.data if ctx.padded is None else ctx.padded
        masks = _winner_masks(padded, ctx.best, ctx.windows)
        return _WindowScatter.apply(g, masks, ctx.windows)


class _WindowGather(Function):
    """y_o = the element of window o of x that ``masks`` mark: linear in x, the adjoint of
    _WindowScatter."""

    @staticmethod
    def forward(ctx, x, masks, windows):
        ctx.masks, ctx.windows = masks, windows
        padded = windows.pad(x, 0)
        out = np.zeros(masks[0].shape, dtype=x.dtype)
        for hit, key in zip(masks, windows.keys):
            out += np.where(hit, padded[key], 0)
        return out

    @staticmethod
    def backward(ctx, g):
        return _WindowScatter.apply(g, ctx.masks, ctx.windows)


class _WindowScatter(Function):
    """g_o added at the element of window o that ``masks`` mark, in a zero input: the adjoint
    of _WindowGather (and the gradient of max pooling)."""

    @staticmethod
    def forward(ctx, g, masks, windows):
        ctx.masks, ctx.windows = masks, windows
        out = np.zeros(windows.padded_shape(g.shape[:-len(windows.sizes)]), dtype=g.dtype)
        # g·[hit] is the fast form; a non-finite g needs the select (0·∞ would be NaN).
        finite = g.dtype.kind != "f" or np.isfinite(g).all()
        for hit, key in zip(masks, windows.keys):
            if windows.disjoint and finite:
                np.multiply(g, hit, out=out[key])
            else:
                out[key] += np.where(hit, g, 0)
        return windows.crop(out)

    @staticmethod
    def backward(ctx, gg):
        return _WindowGather.apply(gg, ctx.masks, ctx.windows)


class _AvgPool(Function):
    """y = A x: y_o = (Σ over window o) / N_o."""

    @staticmethod
    def forward(ctx, x, windows, divisor):
        ctx.windows, ctx.divisor = windows, divisor
        padded = windows.pad(x, 0)
        total = padded[windows.keys[0]].copy()
        for key in windows.keys[1:]:
            total += padded[key]
        return (total / divisor).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return _AvgPoolAdjoint.apply(g, ctx.windows, ctx.divisor)


class _AvgPoolAdjoint(Function):
    """Aᵀ g: g_o / N_o added to every element of window o."""

    @staticmethod
    def forward(ctx, g, windows, divisor):
        ctx.windows, ctx.divisor = windows, divisor
        share = g / divisor
        out = np.zeros(windows.padded_shape(g.shape[:-len(windows.sizes)]), dtype=g.dtype)
        for key in windows.keys:
            out[key] += share
        return windows.crop(out)

    @staticmethod
    def backward(ctx, gg):
        return _AvgPool.apply(gg, ctx.windows, ctx.divisor)


class _AxisGather(Function):
    """y = x[…, index, …] along ``axis``, ``index`` non-decreasing."""

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.index, ctx.axis, ctx.size = index, axis, x.shape[axis]
        return np.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return _AxisScatter.apply(g, ctx.index, ctx.axis, ctx.size)


class _AxisScatter(Function):
    """The adjoint of _AxisGather: the slices of g that read the same source are summed (one
    ``reduceat`` over runs, as ``index`` is sorted) and put at that source."""

    @staticmethod
    def forward(ctx, g, index, axis, size):
        ctx.index, ctx.axis = index, axis
        shape = list(g.shape)
        shape[axis] = size
        out = np.zeros(shape, dtype=g.dtype)
        if index.size:
            sources, first = np.unique(index, return_index=True)
            out[(slice(None),) * axis + (sources,)] = np.add.reduceat(g, first, axis=axis)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _AxisGather.apply(gg, ctx.index, ctx.axis)


# ---- arguments ----------------------------------------------------------------------------------

def _ints(value, n, message):
    """An int or a sequence of 1 or n ints as an n-tuple; ``message`` otherwise."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(value)
    if len(value) == 1:
        return (int(value[0]),) * n
    if len(value) != n:
        raise RuntimeError(message)
    return tuple(int(v) for v in value)


def _shape_text(shape):
    return "x".join(str(s) for s in shape)


def _pooled_size(size, kernel, stride, padding, dilation, ceil_mode):
    """O = ⌊(I + 2P − D(K − 1) − 1)/S⌋ + 1, or ⌈·⌉ without a window starting in the padding."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _check_windows(sizes, kernel, stride, padding, dilation, ceil_mode):
    """torch's checks of a 2-d style pooling; the output sizes."""
    out = []
    for i, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
        out.append(_pooled_size(i, k, s, p, d, ceil_mode))
    if min(kernel) <= 0:
        raise RuntimeError("kernel size should be greater than zero, but got " + " ".join(
            f"k{a}: {k}" for a, k in zip("HW"[-len(kernel):], kernel)))
    if min(stride) < 0:
        raise RuntimeError("stride should be greater than zero, but got " + " ".join(
            f"d{a}: {s}" for a, s in zip("HW"[-len(stride):], stride)))
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero, but got " + " ".join(
            f"dilation{a}: {d}" for a, d in zip("HW"[-len(dilation):], dilation)))
    if any(p > k // 2 for k, p in zip(kernel, padding)):
        # Stricter than the effective-kernel rule above when D > 1; torch checks both.
        (ph, pw), (kh, kw) = (((0,) * (2 - len(v)) + tuple(v)) for v in (padding, kernel))
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}")
    return tuple(out)


def _check_output(channels, sizes, out):
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({_shape_text((channels,) + sizes)}). Calculated "
                           f"output size: ({_shape_text((channels,) + out)}). Output size is too "
                           f"small")


def _check_rank_2d(input, message):
    shape = input.shape
    if input.data.ndim not in (3, 4) or 0 in shape[-3:]:
        raise RuntimeError(message + f", but got:{list(shape)}")


# ---- max pooling --------------------------------------------------------------------------------

def _max_pool(input, windows, return_indices):
    out = _MaxPool.apply(input, windows)
    if not return_indices:
        return out
    which = _winners(input.data, windows)[1]
    return out, _make_tensor(windows.flat_indices(which))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-d max pooling over the last two axes of an (N, C, H, W) or (C, H, W) input.

    y[n, c, i, j] = max_{k₁, k₂} x[n, c, i·S₁ − P₁ + k₁·D₁, j·S₂ − P₂ + k₂·D₂], −∞ padding;
    O = ⌊(I + 2P − D(K − 1) − 1)/S⌋ + 1 per axis (⌈·⌉ with ``ceil_mode``).

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W).
    kernel_size, stride, padding, dilation : int or (int, int)
        K, S (default K), P (at most half the effective kernel D(K − 1) + 1), D.
    ceil_mode : bool, default False
        Round the output size up, keeping partial windows at the right edge.
    return_indices : bool, default False
        Also return, for each output, the flat index i·W + j of its arg max in the input.

    Returns
    -------
    Tensor, or (Tensor, Tensor of int64) with ``return_indices``.

    Examples
    --------
    >>> F.max_pool2d(kp.arange(16.0).reshape(1, 4, 4), 2)
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """
    kernel = _ints(kernel_size, 2, "max_pool2d: kernel_size must either be a single int, or a "
                                   "tuple of two ints")
    stride = kernel if stride is None or stride == [] or stride == () else _ints(
        stride, 2, "max_pool2d: stride must either be omitted, a single int, or a tuple of two "
                   "ints")
    padding = _ints(padding, 2, "max_pool2d: padding must either be a single int, or a tuple of "
                                "two ints")
    dilation = _ints(dilation, 2, "max_pool2d: dilation must be either a single int, or a tuple "
                                  "of two ints")
    if input.data.ndim not in (3, 4):
        raise RuntimeError(f"max_pool2d: non-empty 3D or 4D (batch mode) tensor expected for "
                           f"input, but got:{list(input.shape)}")
    _check_rank_2d(input, "max_pool2d: Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                          "batch size for input")
    sizes = input.shape[-2:]
    out = _check_windows(sizes, kernel, stride, padding, dilation, ceil_mode)
    _check_output(input.shape[-3], sizes, out)
    windows = _Windows(sizes, kernel, stride, padding, dilation, out)
    return _max_pool(input, windows, return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-d max pooling over the last axis of an (N, C, L) or (C, L) input.

    y[n, c, i] = max_k x[n, c, i·S − P + k·D], −∞ padding; O = ⌊(L + 2P − D(K − 1) − 1)/S⌋ + 1.
    The arguments are those of ``max_pool2d`` for one axis (P at most K/2).

    Examples
    --------
    >>> F.max_pool1d(kp.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    tensor([[3., 2.]])
    """
    if input.data.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(input.shape)}")
    kernel, = _ints(kernel_size, 1, f"max_pool1d() kernel_size must be an int, list of ints or "
                                    f"tuple of ints of size 1 but got size {_length(kernel_size)}")
    stride, = (kernel,) if stride is None or stride == [] or stride == () else _ints(
        stride, 1, f"max_pool1d() stride must be None, an int, list of ints, or tuple of ints of "
                   f"size 1 but got size {_length(stride)}")
    padding, = _ints(padding, 1, f"max_pool1d() padding must be an int, list of ints, or tuple "
                                 f"of ints of size 1 but got size {_length(padding)}")
    dilation, = _ints(dilation, 1, f"max_pool1d() dilation must be an int, list of ints or tuple "
                                   f"of ints of size 1 but got size {_length(dilation)}")
    for name, value, low in (("kernel_size", kernel, 1), ("stride", stride, 1),
                             ("padding", padding, 0)):
        if value < low:
            rule = "greater than zero" if low else "non-negative"
            raise RuntimeError(f"max_pool1d() {name} must be {rule}, but got {value}")
    if padding > kernel // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got "
                           f"padding={padding} and kernel_size={kernel}")
    if dilation < 1:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {dilation}")
    size = input.shape[-1]
    out = _pooled_size(size, kernel, stride, padding, dilation, ceil_mode)
    if out < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    windows = _Windows((size,), (kernel,), (stride,), (padding,), (dilation,), (out,))
    return _max_pool(input, windows, return_indices)


def _length(value):
    return 1 if isinstance(value, (int, np.integer)) else len(value)


# ---- average pooling ----------------------------------------------------------------------------

def _divisors(windows, count_include_pad, dtype):
    """N_o per window: its size clipped at the padded edge, or its number of input elements."""
    per_axis = []
    for a, (i, k, p) in enumerate(zip(windows.sizes, windows.kernel, windows.padding)):
        start = windows._starts(a).ravel()
        end = np.minimum(start + k, i + p)
        per_axis.append(end - start if count_include_pad
                        else np.minimum(end, i) - np.maximum(start, 0))
    return functools.reduce(np.multiply.outer, per_axis).astype(dtype)


def _avg_pool(input, windows, count_include_pad, divisor_override):
    dtype = input.data.dtype if input.data.dtype.kind == "f" else np.dtype(np.float64)
    divisor = (np.asarray(divisor_override, dtype=dtype) if divisor_override is not None
               else _divisors(windows, count_include_pad, dtype))
    return _AvgPool.apply(input, windows, divisor)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-d average pooling over the last two axes of an (N, C, H, W) or (C, H, W) input.

    y[n, c, i, j] = (1/N) Σ_{k₁, k₂} x[n, c, i·S₁ − P₁ + k₁, j·S₂ − P₂ + k₂], zero padding, with
    N = the window's size (clipped at the padded edge) if ``count_include_pad``, else its
    number of input elements, or ``divisor_override``; O = ⌊(I + 2P − K)/S⌋ + 1 per axis.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W).
    kernel_size, stride, padding : int or (int, int)
        K, S (default K), P (at most K/2).
    ceil_mode : bool, default False
        Round the output size up, keeping partial windows at the right edge.
    count_include_pad : bool, default True
        Count the zero padding in N.
    divisor_override : int, optional
        N for every window.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> F.avg_pool2d(kp.arange(16.0).reshape(1, 4, 4), 2)
    tensor([[[ 2.5,  4.5],
             [10.5, 12.5]]])
    """
    kernel = _ints(kernel_size, 2, "avg_pool2d: kernel_size must either be a single int, or a "
                                   "tuple of two ints")
    stride = kernel if stride is None or stride == [] or stride == () else _ints(
        stride, 2, "avg_pool2d: stride must either be omitted, a single int, or a tuple of two "
                   "ints")
    padding = _ints(padding, 2, "avg_pool2d: padding must either be a single int, or a tuple of "
                                "two ints")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_rank_2d(input, "avg_pool2d: Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                          "batch size for input")
    sizes = input.shape[-2:]
    out = _check_windows(sizes, kernel, stride, padding, (1, 1), ceil_mode)
    _check_output(input.shape[-3], sizes, out)
    windows = _Windows(sizes, kernel, stride, padding, (1, 1), out)
    return _avg_pool(input, windows, count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-d average pooling over the last axis of an (N, C, L) or (C, L) input.

    y[n, c, i] = (1/N) Σ_k x[n, c, i·S − P + k], zero padding, N as in ``avg_pool2d``;
    O = ⌊(L + 2P − K)/S⌋ + 1.

    Examples
    --------
    >>> F.avg_pool1d(kp.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    tensor([[2., 1.]])
    """
    if input.data.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.data.ndim}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for "
                           f"avg_pool1d)")
    values = []
    for name, value in (("kernel_size", kernel_size), ("stride", stride),
                        ("padding", padding)):
        if value is not None and _length(value) != 1:
            raise RuntimeError(f"avg_pool1d() argument '{name}' should contain one int (got "
                               f"{_length(value)})")
        values.append(value if value is None or isinstance(value, (int, np.integer))
                      else value[0])
    kernel, stride, padding = values
    stride = kernel if stride is None else stride
    if 0 in input.shape[-2:]:
        raise RuntimeError(f"avg_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(input.shape)}")
    size = input.shape[-1]
    # torch pools one axis as a 1 × L image, and reports sizes that way.
    out, = _check_windows((size,), (kernel,), (stride,), (padding,), (1,), ceil_mode)
    _check_output(input.shape[-2], (1, size), (1, out))
    windows = _Windows((size,), (kernel,), (stride,), (padding,), (1,), (out,))
    return _avg_pool(input, windows, count_include_pad, None)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: y = (Σ_window x^p)^(1/p) over K₁ × K₂ windows (no padding).

    p = ∞ is max pooling, p = 1 sum pooling. Computed as (K₁K₂ · avg_pool2d(x^p))^(1/p).

    Examples
    --------
    >>> F.lp_pool2d(kp.ones(1, 2, 2), 2, 2)
    tensor([[[2.]]])
    """
    kh, kw = _ints(kernel_size, 2, "lp_pool2d: kernel_size must either be a single int, or a "
                                   "tuple of two ints")
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_root(out, kh * kw, norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: y = (Σ_window x^p)^(1/p) over windows of K (no padding).

    Examples
    --------
    >>> F.lp_pool1d(kp.ones(1, 4), 2, 4)
    tensor([[2.]])
    """
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    kernel = kernel_size if isinstance(kernel_size, (int, np.integer)) else kernel_size[0]
    return _lp_root(out, kernel, norm_type)


def _lp_root(mean, count, norm_type):
    # sign(m)·relu(|m|) is m itself; written so, as in torch, its derivative is 0 at m = 0.
    return (mean.sign() * mean.abs().relu()).mul(count).pow(1.0 / norm_type)


# ---- adaptive pooling ---------------------------------------------------------------------------

def _bins(size, out):
    """Bin o = [⌊o·I/O⌋, ⌈(o + 1)·I/O⌉): its start and end."""
    o = np.arange(out)
    return o * size // out, -(-(o + 1) * size // out)


def _along(values, axis, ndim):
    """``values`` shaped to broadcast along ``axis`` of an ``ndim``-dimensional array."""
    return values.reshape((-1,) + (1,) * (ndim - 1 - axis))


def _adaptive_mean(x, axis, out):
    """Adaptive average along one axis: the mean of each bin."""
    size, ndim = x.shape[axis], x.data.ndim
    if out and size % out == 0:
        # Equal bins that tile the axis: a reshape, then a mean.
        return x.reshape(x.shape[:axis] + (out, size // out) + x.shape[axis + 1:]).mean(axis + 1)
    start, end = _bins(size, out)
    total = _AxisGather.apply(x, start, axis)  # the first element of each bin, never empty
    for k in range(1, int((end - start).max(initial=0))):
        inside = start + k < end
        part = _AxisGather.apply(x, np.minimum(start + k, end - 1), axis)
        total = total + where(_along(inside, axis, ndim), part, 0.0)
    return total / _make_tensor(_along((end - start).astype(x.data.dtype), axis, ndim))


def _output_size(output_size, sizes, name):
    n = len(sizes)
    if output_size is None or isinstance(output_size, (int, np.integer)):
        values = (output_size,) * n
    else:
        values = tuple(output_size)
        if len(values) != n:
            message = (f"{name}() argument 'output_size' should contain one int (got "
                       f"{len(values)})" if n == 1 else f"{name}: output_size must be {n}")
            raise RuntimeError(message)
    values = tuple(s if v is None else int(v) for v, s in zip(values, sizes))
    if min(values) < 0:
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(str(v) for v in values)}}}")
    return values


def _check_adaptive_input(input, n, name):
    ndim, shape = input.data.ndim, list(input.shape)
    if n == 1 and ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {name})")
    if n == 2 and ndim not in (3, 4):
        separator = ": " if name.startswith("adaptive_max") else " "
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got{separator}{shape}")
    for d in range(ndim - n - 1, ndim):
        if shape[d] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {shape} with dimension {d} being "
                               f"empty")


def _adaptive_avg(input, out):
    ndim = input.data.ndim
    for j, o in enumerate(out):
        input = _adaptive_mean(input, ndim - len(out) + j, o)
    return input


def adaptive_avg_pool2d(input, output_size):
    """Adaptive 2-d average pooling to an H_out × W_out grid whatever the input's size.

    y[n, c, i, j] = mean of x[n, c, ⌊i·H/H_out⌋ : ⌈(i+1)·H/H_out⌉, ⌊j·W/W_out⌋ : ⌈(j+1)·W/W_out⌉].

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W).
    output_size : int or (int or None, int or None)
        (H_out, W_out); None keeps the input's size along that axis.

    Examples
    --------
    >>> F.adaptive_avg_pool2d(kp.arange(4.0).reshape(1, 2, 2), 1)
    tensor([[[1.5]]])
    """
    _check_adaptive_input(input, 2, "adaptive_avg_pool2d")
    return _adaptive_avg(input, _output_size(output_size, input.shape[-2:],
                                             "adaptive_avg_pool2d"))


def adaptive_avg_pool1d(input, output_size):
    """Adaptive 1-d average pooling: y[n, c, i] = mean of x[n, c, ⌊i·L/O⌋ : ⌈(i+1)·L/O⌉].

    Examples
    --------
    >>> F.adaptive_avg_pool1d(kp.tensor([[1.0, 2.0, 3.0]]), 2)
    tensor([[1.5, 2.5]])
    """
    _check_adaptive_input(input, 1, "adaptive_avg_pool1d")
    return _adaptive_avg(input, _output_size(output_size, input.shape[-1:],
                                             "adaptive_avg_pool1d"))


def _adaptive_max(input, out, return_indices):
    x = input.data
    n = len(out)
    sizes, lead, axes = x.shape[-n:], x.shape[:-n], range(x.ndim - n, x.ndim)
    bins = [_bins(i, o) for i, o in zip(sizes, out)]
    # As in torch: the running maximum starts at −∞ on the bin's first element.
    best = np.full(lead + out, _lowest(x.dtype), dtype=x.dtype)
    flat = 0
    for a, (start, _) in zip(axes, bins):
        flat = flat * x.shape[a] + _along(start, a, x.ndim)
    flat = np.broadcast_to(flat, best.shape).astype(np.int64)
    lengths = [int((end - start).max(initial=0)) for start, end in bins]
    for offsets in itertools.product(*(range(k) for k in lengths)):
        value, inside, index = x, True, 0
        for a, k, (start, end) in zip(axes, offsets, bins):
            source = np.minimum(start + k, end - 1)
            value = np.take(value, source, axis=a)
            inside = inside & _along(start + k < end, a, x.ndim)
            index = index * x.shape[a] + _along(source, a, x.ndim)
        better = value > best
        if x.dtype.kind == "f":
            better |= np.isnan(value)
        better &= inside
        np.copyto(best, value, where=better)
        np.copyto(flat, index, where=better)
    flat_input = input.reshape(lead + (math.prod(sizes),))
    result = gather(flat_input, -1, _make_tensor(flat.reshape(lead + (-1,)))).reshape(lead + out)
    return (result, _make_tensor(flat)) if return_indices else result


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Adaptive 2-d max pooling to an H_out × W_out grid: the maximum of each bin
    [⌊i·H/H_out⌋, ⌈(i+1)·H/H_out⌉) × [⌊j·W/W_out⌋, ⌈(j+1)·W/W_out⌉).

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W).
    output_size : int or (int or None, int or None)
        (H_out, W_out); None keeps the input's size along that axis.
    return_indices : bool, default False
        Also return the flat index i·W + j of each maximum.

    Examples
    --------
    >>> F.adaptive_max_pool2d(kp.arange(4.0).reshape(1, 2, 2), 1)
    tensor([[[3.]]])
    """
    _check_adaptive_input(input, 2, "adaptive_max_pool2d")
    out = _output_size(output_size, input.shape[-2:], "adaptive_max_pool2d")
    return _adaptive_max(input, out, return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Adaptive 1-d max pooling: y[n, c, i] = max of x[n, c, ⌊i·L/O⌋ : ⌈(i+1)·L/O⌉].

    Examples
    --------
    >>> F.adaptive_max_pool1d(kp.tensor([[1.0, 3.0, 2.0]]), 2)
    tensor([[3., 3.]])
    """
    _check_adaptive_input(input, 1, "adaptive_max_pool1d")
    out = _output_size(output_size, input.shape[-1:], "adaptive_max_pool1d")
    return _adaptive_max(input, out, return_indices)
