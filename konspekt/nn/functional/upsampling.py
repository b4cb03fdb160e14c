"""Resampling: ``interpolate`` and its deprecated ``upsample`` aliases.

Each output o reads source position s(o) per axis, input size I, output size O:
nearest x[⌊o·I/O⌋]; linear (1 − λ)·x[⌊s⌋] + λ·x[⌊s⌋ + 1], s = (o + ½)·I/O − ½ clamped at 0
(``align_corners=False``) or s = o·(I − 1)/(O − 1) (``True``), λ = s − ⌊s⌋; bicubic Keys' cubic
convolution (a = −0.75) of the four neighbours. Each is a sum of gathers along one axis times fixed
weights, applied axis after axis, so its gradient is the matching scatter and all derivative orders
exist. ``'area'`` is adaptive average pooling.
"""

import math
import warnings

import numpy as np

from ...autograd.tensor import _make_tensor
from .pooling import _adaptive_avg, _along, _AxisGather

__all__ = ["interpolate", "upsample", "upsample_bilinear", "upsample_nearest"]

_NEAREST_MODES = ("nearest", "nearest-exact", "area")
_INTERPOLATING_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_CUBIC_A = -0.75  # Keys' cubic convolution parameter, torch's choice


def _nearest_source(size, out, scale, exact):
    """torch's nearest source index, in its single-precision arithmetic (ties fall alike)."""
    dst = np.arange(out)
    step = np.float32(1.0 / scale) if scale else np.float32(size) / np.float32(out)
    if exact:
        source = np.floor(((dst + 0.5) * np.float64(step)).astype(np.float32))
    else:
        source = np.floor(dst.astype(np.float32) * step)
    return np.minimum(source.astype(np.intp), size - 1)


def _source_positions(size, out, scale, align_corners, dtype, cubic):
    """s(o) = o·(I − 1)/(O − 1) (align_corners), else (o + ½)/scale − ½, clamped at 0 except
    for cubic; then ⌊s⌋ (at most I − 1) and λ = s − ⌊s⌋ in [0, 1], in the input's precision."""
    real = dtype.type
    dst = np.arange(out, dtype=dtype)
    if align_corners:
        source = dst * (real(size - 1) / real(out - 1) if out > 1 else real(0))
    else:
        step = real(1.0 / scale) if scale else real(size) / real(out)
        source = step * (dst + real(0.5)) - real(0.5)
        if not cubic:
            source = np.maximum(source, real(0))
    base = np.minimum(np.floor(source).astype(np.intp), size - 1)
    return base, np.clip(source - base, 0, 1).astype(dtype)


def _linear_taps(size, out, scale, align_corners, dtype):
    base, weight = _source_positions(size, out, scale, align_corners, dtype, False)
    return [(base, 1 - weight), (np.minimum(base + 1, size - 1), weight)]


def _cubic_taps(size, out, scale, align_corners, dtype):
    base, t = _source_positions(size, out, scale, align_corners, dtype, True)
    a = _CUBIC_A

    def near(d):  # |d| ≤ 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d):  # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    return [(np.clip(base - 1 + j, 0, size - 1), w.astype(dtype)) for j, w in enumerate(weights)]


def _blend(x, axis, taps):
    """Σ_taps x[…, index, …]·weight along ``axis``."""
    ndim = x.data.ndim
    total = None
    for index, weight in taps:
        part = _AxisGather.apply(x, index, axis) * _make_tensor(_along(weight, axis, ndim))
        total = part if total is None else total + part
    return total


def _named_sizes(values):
    return ", ".join(f"{name}: {v}" for name, v in zip("DHW"[-len(values):], values))


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial axes of an (N, C, L), (N, C, H, W) or (N, C, D, H, W) input.

    Per axis with input size I and output size O (``size``, or ⌊I·scale_factor⌋), output o
    reads source position s(o):

    * ``'nearest'``: x[min(⌊o·r⌋, I − 1)], r = 1/scale_factor if given, else I/O;
      ``'nearest-exact'``: x[min(⌊(o + ½)·r⌋, I − 1)];
    * ``'linear'`` (3-D), ``'bilinear'`` (4-D), ``'trilinear'`` (5-D), one axis after another:
      (1 − λ)·x[⌊s⌋] + λ·x[⌊s⌋ + 1], λ = s − ⌊s⌋, with s = max(0, (o + ½)·r − ½), or
      s = o·(I − 1)/(O − 1) when ``align_corners`` (corner pixels' centres aligned);
    * ``'bicubic'`` (4-D): Keys' cubic convolution (a = −0.75) of x[⌊s⌋ − 1 … ⌊s⌋ + 2],
      indices clamped to the edge, s not clamped;
    * ``'area'``: ``adaptive_avg_pool`` to O.

    Parameters
    ----------
    input : Tensor
    size : int or tuple of int, optional
        The output's spatial size; exactly one of ``size`` and ``scale_factor``.
    scale_factor : float or tuple of float, optional
        Multiplier of the spatial size.
    mode : str, default 'nearest'
    align_corners : bool, optional
        Only for the interpolating modes; None means False.
    recompute_scale_factor : bool, optional
        With ``scale_factor``: use r = I/O instead of 1/scale_factor.
    antialias : bool, default False
        Not implemented (raises for True).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> F.interpolate(kp.tensor([[[1.0, 2.0]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    if mode in _NEAREST_MODES:
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    else:
        align_corners = bool(align_corners)
    ndim = input.data.ndim
    if mode == "lanczos":
        raise NotImplementedError("interpolate: mode 'lanczos' is not implemented in konspekt; "
                                  "'bicubic' is the nearest choice")
    if ndim not in (3, 4, 5) or (mode not in _NEAREST_MODES and mode not in _INTERPOLATING_RANK):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the modes:"
            f" nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact "
            f"(got {mode})")
    rank = _INTERPOLATING_RANK.get(mode, ndim)
    if ndim != rank:
        raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs {rank}D input")
    sizes = input.shape[2:]
    n = len(sizes)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != n:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(sizes)} and output size of {size}. "
                    f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output "
                    f"size in (o1, o2, ...,oK) format.")
            out = tuple(size)
        else:
            out = (size,) * n
        if not all(isinstance(o, (int, np.integer)) for o in out):
            raise TypeError(f"interpolate: size must be an int or a tuple of ints, got {size!r}")
        out = tuple(int(o) for o in out)
        scales = (None,) * n
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != n:
                raise ValueError(
                    f"Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(sizes)} and scale_factor of "
                    f"shape {scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
                    f"format and scale_factor in (s1, s2, ...,sK) format.")
            scales = tuple(float(s) for s in scale_factor)
        else:
            scales = (float(scale_factor),) * n
        out = tuple(math.floor(float(i) * s) for i, s in zip(sizes, scales))
        if recompute_scale_factor:
            scales = (None,) * n
    else:
        raise ValueError("either size or scale_factor should be defined")
    if antialias:
        if mode not in ("bilinear", "bicubic") or ndim != 4:
            raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                             "modes and requires a 4-D tensor as input")
        raise NotImplementedError("interpolate: antialias=True is not implemented in konspekt")
    if mode == "area":
        return _adaptive_avg(input, out)
    if min(out) <= 0 or min(sizes) <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({_named_sizes(sizes)}) output ({_named_sizes(out)})")
    interpolating = mode in _INTERPOLATING_RANK
    if interpolating and input.data.dtype.kind != "f":
        raise NotImplementedError(f"interpolate: mode '{mode}' needs a floating-point input, got "
                                  f"{input.dtype}")
    x = input
    for axis, i, o, s in zip(range(2, ndim), sizes, out, scales):
        if not interpolating:
            x = _AxisGather.apply(x, _nearest_source(i, o, s, mode == "nearest-exact"), axis)
        else:
            taps = _cubic_taps if mode == "bicubic" else _linear_taps
            x = _blend(x, axis, taps(i, o, s, align_corners, input.data.dtype))
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of ``interpolate``, as in torch."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode='bilinear',
    align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
