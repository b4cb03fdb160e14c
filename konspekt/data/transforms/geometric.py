"""Geometric transforms of (…, H, W) images: random flips, random and centre crops (with
padding), and resizing by bilinear or nearest interpolation, as torchvision's."""

import numbers

import numpy as np

from ...autograd.creation import _rng
from .base import Transform, bound, happens, pair, to_array, to_float

__all__ = ["RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop", "CenterCrop", "Resize"]

# torchvision's padding modes and NumPy's names for them
_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect",
              "symmetric": "symmetric"}


class RandomHorizontalFlip(Transform):
    """Mirror the image left–right (the last axis) with probability ``p``.

    Parameters
    ----------
    p : float, default 0.5
    generator : Generator, optional
        Source of the coin; konspekt's default generator when None.
    """

    def __init__(self, p=0.5, *, generator=None):
        self.p = p
        self.generator = generator

    def __call__(self, img):
        array, wrap = to_array(img, 2, type(self).__name__)
        if happens(self.p, self.generator):
            return wrap(np.ascontiguousarray(np.flip(array, -1)))
        return img


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror the image top–bottom (axis −2) with probability ``p``.

    Parameters
    ----------
    p : float, default 0.5
    generator : Generator, optional
    """

    def __call__(self, img):
        array, wrap = to_array(img, 2, type(self).__name__)
        if happens(self.p, self.generator):
            return wrap(np.ascontiguousarray(np.flip(array, -2)))
        return img


def _padding(padding):
    """(left, top, right, bottom) from torchvision's int, 2- or 4-sequence."""
    if isinstance(padding, numbers.Integral):
        return (int(padding),) * 4
    if isinstance(padding, (tuple, list)) and len(padding) in (1, 2, 4):
        if len(padding) == 1:
            return (int(padding[0]),) * 4
        if len(padding) == 2:
            return int(padding[0]), int(padding[1]), int(padding[0]), int(padding[1])
        return tuple(int(p) for p in padding)
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding) if isinstance(padding, (tuple, list)) else padding!r} "
                     f"element tuple")


def pad(array, padding, fill=0, padding_mode="constant"):
    """Pad the last two axes by (left, top, right, bottom)."""
    left, top, right, bottom = _padding(padding)
    widths = [(0, 0)] * (array.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        return np.pad(array, widths, mode="constant", constant_values=fill)
    return np.pad(array, widths, mode=_PAD_MODES[padding_mode])


class RandomCrop(Transform):
    """A crop of ``size`` at a random place, from the image padded first if asked.

    The top-left corner (i, j) is uniform over the 0 … H − h, 0 … W − w positions of the (padded)
    image.

    Parameters
    ----------
    size : int or (int, int)
        (h, w) of the crop.
    padding : int or sequence, optional
        Padding of every side (int), of left/right and top/bottom (2), or of left, top, right,
        bottom (4).
    pad_if_needed : bool, default False
        Pad an image smaller than the crop: both sides of a short axis by the shortfall.
    fill : number, default 0
        Value of the ``"constant"`` padding.
    padding_mode : {"constant", "edge", "reflect", "symmetric"}, default "constant"
    generator : Generator, optional

    Examples
    --------
    >>> RandomCrop(32, padding=4)(kp.zeros(3, 32, 32)).shape   # the CIFAR augmentation
    (3, 32, 32)
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant", *, generator=None):
        self.size = pair(size, "size")
        if padding is not None:
            _padding(padding)
        if padding_mode not in _PAD_MODES:
            raise ValueError("Padding mode should be either constant, edge, reflect or "
                             "symmetric")
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode
        self.generator = generator

    def __call__(self, img):
        array, wrap = to_array(img, 2, "RandomCrop")
        if self.padding is not None:
            array = pad(array, self.padding, self.fill, self.padding_mode)
        th, tw = self.size
        if self.pad_if_needed and array.shape[-1] < tw:
            array = pad(array, (tw - array.shape[-1], 0), self.fill, self.padding_mode)
        if self.pad_if_needed and array.shape[-2] < th:
            array = pad(array, (0, th - array.shape[-2]), self.fill, self.padding_mode)
        h, w = array.shape[-2:]
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size "
                             f"{(h, w)}")
        rng = _rng(self.generator)
        i = int(rng.integers(0, h - th + 1))
        j = int(rng.integers(0, w - tw + 1))
        return wrap(np.ascontiguousarray(array[..., i:i + th, j:j + tw]))


class CenterCrop(Transform):
    """The central (h, w) crop: top = round((H − h) / 2), left = round((W − w) / 2); an image
    smaller than the crop is first padded with zeros on both sides.

    Parameters
    ----------
    size : int or (int, int)
    """

    def __init__(self, size):
        self.size = pair(size, "size")

    def __call__(self, img):
        array, wrap = to_array(img, 2, "CenterCrop")
        th, tw = self.size
        h, w = array.shape[-2:]
        if th > h or tw > w:
            dh, dw = max(th - h, 0), max(tw - w, 0)
            array = pad(array, (dw // 2, dh // 2, (dw + 1) // 2, (dh + 1) // 2))
            h, w = array.shape[-2:]
        top = int(round((h - th) / 2.0))
        left = int(round((w - tw) / 2.0))
        return wrap(np.ascontiguousarray(array[..., top:top + th, left:left + tw]))


def _bilinear_weights(size_in, size_out, antialias):
    """The (size_out, size_in) matrix of linear interpolation along one axis.

    Output i sits at centre c = (i + ½)·s in input coordinates, s = size_in / size_out; input j
    (centre j + ½) gets weight Λ((j + ½ − c) / σ), Λ(x) = max(0, 1 − |x|), normalised to sum 1
    over the pixels inside the image. σ = 1 is ordinary bilinear interpolation (align_corners
    False, edges clamped); when shrinking with ``antialias``, σ = s widens the triangle so that
    every input pixel counts (the filter of torch's ``antialias=True`` and of PIL).
    """
    scale = size_in / size_out
    support = scale if antialias and scale > 1 else 1.0
    centres = (np.arange(size_out) + 0.5) * scale
    positions = np.arange(size_in) + 0.5
    weights = np.maximum(0.0, 1.0 - np.abs(positions[None, :] - centres[:, None]) / support)
    return weights / weights.sum(axis=1, keepdims=True)


def _nearest_indices(size_in, size_out, exact):
    scale = size_in / size_out
    offset = 0.5 if exact else 0.0
    return np.minimum(np.floor((np.arange(size_out) + offset) * scale).astype(np.int64),
                      size_in - 1)


def output_size(h, w, size, max_size):
    """torchvision's rule: an int matches the shorter side and keeps the aspect ratio (the
    longer side ⌊size · long / short⌋, capped at ``max_size``); a pair is (h, w)."""
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return int(size[0]), int(size[1])
    requested = int(size[0] if isinstance(size, (tuple, list)) else size)
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                             f"size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if w <= h else (new_short, new_long)


class Resize(Transform):
    """Resample the image to a new (h, w).

    Bilinear: out = A_h · x · A_wᵀ with the interpolation matrices of each axis (see
    ``_bilinear_weights``), as torch's ``interpolate(mode="bilinear", align_corners=False,
    antialias=antialias)``; nearest: out[i, j] = x[⌊i·H/h⌋, ⌊j·W/w⌋] (``"nearest-exact"``:
    ⌊(i + ½)·H/h⌋).

    Parameters
    ----------
    size : int or (int, int)
        (h, w), or the length of the shorter side (the aspect ratio kept).
    interpolation : {"bilinear", "nearest", "nearest-exact"}, default "bilinear"
    max_size : int, optional
        Cap on the longer side when ``size`` is an int.
    antialias : bool, default True
        Low-pass filter when shrinking (bilinear only).

    Examples
    --------
    >>> Resize(16)(kp.zeros(1, 8, 12)).shape
    (1, 16, 24)
    """

    def __init__(self, size, interpolation="bilinear", max_size=None, antialias=True):
        if interpolation not in ("bilinear", "nearest", "nearest-exact"):
            raise ValueError(f"interpolation should be 'bilinear', 'nearest' or "
                             f"'nearest-exact', got {interpolation!r}")
        if max_size is not None and isinstance(size, (tuple, list)) and len(size) == 2:
            raise ValueError("max_size should only be passed if size specifies the length of "
                             "the smaller edge, i.e. size should be an int or a sequence of "
                             "length 1 in torchscript mode.")
        if not isinstance(size, (numbers.Integral, tuple, list)) or (
                isinstance(size, (tuple, list)) and len(size) not in (1, 2)):
            raise TypeError(f"Size should be int or sequence of one or two ints. Got {size!r}")
        self.size = size
        self.interpolation = interpolation
        self.max_size = max_size
        self.antialias = antialias

    def __call__(self, img):
        array, wrap = to_array(img, 2, "Resize")
        h, w = array.shape[-2:]
        new_h, new_w = output_size(h, w, self.size, self.max_size)
        if (new_h, new_w) == (h, w):
            return img
        if self.interpolation != "bilinear":
            exact = self.interpolation == "nearest-exact"
            rows = _nearest_indices(h, new_h, exact)
            columns = _nearest_indices(w, new_w, exact)
            return wrap(np.ascontiguousarray(array[..., rows[:, None], columns[None, :]]))
        values, back = to_float(array)
        along_h = _bilinear_weights(h, new_h, self.antialias).astype(values.dtype)
        along_w = _bilinear_weights(w, new_w, self.antialias).astype(values.dtype)
        result = along_h @ values @ along_w.T
        if array.dtype.kind != "f":
            result = np.clip(np.round(result), 0, bound(array))
        return wrap(back(result))
