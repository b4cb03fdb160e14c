"""What the transforms share: images as arrays or tensors, random draws from konspekt's
generator, ``Compose``."""

import numbers

import numpy as np

from ...autograd.creation import _rng
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["Compose"]


def to_array(img, min_ndim, what):
    """The array of ``img`` (a Tensor or ndarray) and a function that wraps an array of the
    result back in the input's kind."""
    if isinstance(img, Tensor):
        array, wrap = img.data, _make_tensor
    elif isinstance(img, np.ndarray):
        array, wrap = img, (lambda result: result)
    else:
        raise TypeError(f"{what}: img should be a konspekt Tensor or a NumPy array. Got "
                        f"{type(img).__name__}")
    if array.ndim < min_ndim:
        layout = "(..., C, H, W)" if min_ndim == 3 else "(..., H, W)"
        raise ValueError(f"{what}: expected an image of size {layout}, got shape "
                         f"{tuple(array.shape)}")
    return array, wrap


def uniform(generator, low, high):
    """One number drawn uniformly from [low, high)."""
    return float(low + (high - low) * _rng(generator).random())


def happens(p, generator):
    """True with probability ``p``: the coin of the random flips, as torch.rand(1) < p."""
    return _rng(generator).random() < p


def pair(value, name):
    """(h, w) from an int, a one-element or a two-element sequence."""
    if isinstance(value, numbers.Integral):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) in (1, 2):
        return (int(value[0]), int(value[0])) if len(value) == 1 else (int(value[0]),
                                                                        int(value[1]))
    raise ValueError(f"{name} should be an int or a sequence of one or two ints, got {value!r}")


def to_float(array):
    """Float values to compute with, and a function back to the input's dtype: integer images
    (uint8, 0 … 255) are clamped and truncated back, as torch's ``.to(uint8)``."""
    if array.dtype.kind == "f":
        return array, (lambda result: result.astype(array.dtype, copy=False))
    return array.astype(np.float32), (lambda result: result.astype(array.dtype))


def bound(array):
    """The largest value of an image of this dtype: 1 for floats, 255 for uint8."""
    return 1.0 if array.dtype.kind == "f" else float(np.iinfo(array.dtype).max)


class Transform:
    """Base class: a callable with its parameters in its repr."""

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                              if not k.startswith("_") and k != "generator")
        return f"{type(self).__name__}({arguments})"


class Compose(Transform):
    """Transforms applied one after the other: t_k(… t_2(t_1(img))).

    Parameters
    ----------
    transforms : list of callable

    Examples
    --------
    >>> augment = Compose([RandomCrop(28, padding=2), RandomHorizontalFlip(), Normalize([0.5],
    ...                    [0.5])])
    """

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for transform in self.transforms:
            img = transform(img)
        return img

    def __repr__(self):
        inner = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"Compose({inner}\n)"
