"""Photometric transforms of (…, C, H, W) images in [0, 1] (or uint8): ``ColorJitter`` with
torchvision's formulas, the course's ``RandomGamma``, and ``GaussianBlur``."""

import numbers

import numpy as np

from ...autograd.creation import _rng
from .base import Transform, bound, happens, to_array, to_float, uniform

__all__ = ["ColorJitter", "RandomGamma", "GaussianBlur"]


def grayscale(image):
    """Luma of RGB channels, L = 0.2989 R + 0.587 G + 0.114 B (ITU-R 601-2), keeping the channel
    axis (size 1)."""
    r, g, b = image[..., 0:1, :, :], image[..., 1:2, :, :], image[..., 2:3, :, :]
    return 0.2989 * r + 0.587 * g + 0.114 * b


def _blend(image, other, factor, top):
    """factor · image + (1 − factor) · other, clamped to [0, top]."""
    return np.clip(factor * image + (1 - factor) * other, 0, top)


def rgb_to_hsv(image):
    """Hue, saturation and value (each in [0, 1]) of (…, 3, H, W) RGB in [0, 1]."""
    r, g, b = image[..., 0, :, :], image[..., 1, :, :], image[..., 2, :, :]
    value = image.max(axis=-3)
    low = image.min(axis=-3)
    chroma = value - low
    safe = np.where(chroma == 0, 1, chroma)
    saturation = np.where(value == 0, 0, chroma / np.where(value == 0, 1, value))
    # hue by sextant: the channel that is the maximum decides the formula
    hue = np.where(value == r, ((g - b) / safe) % 6,
                   np.where(value == g, (b - r) / safe + 2, (r - g) / safe + 4)) / 6
    hue = np.where(chroma == 0, 0, hue)
    return np.stack([hue, saturation, value], axis=-3)


def hsv_to_rgb(image):
    """The inverse of ``rgb_to_hsv``."""
    h, s, v = image[..., 0, :, :], image[..., 1, :, :], image[..., 2, :, :]
    sextant = np.floor(h * 6)
    f = h * 6 - sextant
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    k = sextant.astype(np.int64) % 6
    choices = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    channels = [np.choose(k, [c[i] for c in choices]) for i in range(3)]
    return np.stack(channels, axis=-3)


def _range(value, name, centre=1.0, limits=(0, float("inf")), clip_first_on_zero=True):
    """torchvision's reading of a jitter argument: a number v is [centre − v, centre + v] (its
    lower end clipped at 0 for factors), a pair is taken as it is; None when it is the identity."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [centre - float(value), centre + float(value)]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
        if not limits[0] <= value[0] <= value[1] <= limits[1]:
            raise ValueError(f"{name} values should be between {tuple(limits)}, but got "
                             f"{value}.")
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2, but "
                        f"got {value}.")
    return None if value[0] == value[1] == centre else tuple(value)


class ColorJitter(Transform):
    """Random brightness, contrast, saturation and hue changes, in a random order.

    Each call draws a factor for each property uniformly from its range, and applies them in a
    random permutation (torchvision's formulas, values clamped to [0, 1], or [0, 255] for uint8):

    * brightness b: x ↦ b·x;
    * contrast c: x ↦ c·x + (1 − c)·mean(L(x)), the mean of the whole image's grayscale;
    * saturation s: x ↦ s·x + (1 − s)·L(x) (single-channel images are left as they are);
    * hue h: the hue channel of HSV shifted by h (mod 1) (RGB images only).

    with L(x) = 0.2989 R + 0.587 G + 0.114 B.

    Parameters
    ----------
    brightness, contrast, saturation : float or (float, float), default 0
        A number v means the factor range [max(0, 1 − v), 1 + v].
    hue : float or (float, float), default 0
        A number v in [0, 0.5] means the shift range [−v, v].
    generator : Generator, optional

    Examples
    --------
    >>> jitter = ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0, *, generator=None):
        self.brightness = _range(brightness, "brightness")
        self.contrast = _range(contrast, "contrast")
        self.saturation = _range(saturation, "saturation")
        self.hue = _range(hue, "hue", centre=0.0, limits=(-0.5, 0.5), clip_first_on_zero=False)
        self.generator = generator

    def __call__(self, img):
        array, wrap = to_array(img, 3, "ColorJitter")
        order = _rng(self.generator).permutation(4)
        factors = [None if r is None else uniform(self.generator, *r)
                   for r in (self.brightness, self.contrast, self.saturation, self.hue)]
        values, back = to_float(array)
        top = bound(array)
        for which in order:
            factor = factors[which]
            if factor is None:
                continue
            if which == 0:
                values = np.clip(factor * values, 0, top)
            elif which == 1:
                gray = grayscale(values) if values.shape[-3] == 3 else values
                mean = gray.mean(axis=(-3, -2, -1), keepdims=True)
                values = _blend(values, mean, factor, top)
            elif which == 2 and values.shape[-3] == 3:
                values = _blend(values, grayscale(values), factor, top)
            elif which == 3 and values.shape[-3] == 3:
                hsv = rgb_to_hsv(values / top)
                hsv[..., 0, :, :] = (hsv[..., 0, :, :] + factor) % 1.0
                values = hsv_to_rgb(hsv) * top
        return wrap(back(values))


class RandomGamma(Transform):
    """Gamma correction with a random exponent: x ↦ gain · x^γ, γ uniform in ``gamma``, clamped
    to [0, 1] (values of a uint8 image are scaled to [0, 1] and back).

    γ < 1 brightens the dark tones, γ > 1 darkens them: an augmentation for lighting changes.

    Parameters
    ----------
    gamma : float or (float, float), default (0.7, 1.5)
        The range of γ (> 0), or a fixed γ.
    gain : float, default 1.0
    p : float, default 1.0
        Probability of applying the transform.
    generator : Generator, optional
    """

    def __init__(self, gamma=(0.7, 1.5), gain=1.0, p=1.0, *, generator=None):
        low, high = (gamma, gamma) if isinstance(gamma, numbers.Number) else gamma
        if not 0 < low <= high:
            raise ValueError(f"gamma should be a positive number or a range (min, max) with "
                             f"0 < min <= max, got {gamma!r}")
        self.gamma = (float(low), float(high))
        self.gain = gain
        self.p = p
        self.generator = generator

    def __call__(self, img):
        array, wrap = to_array(img, 2, "RandomGamma")
        if not happens(self.p, self.generator):
            return img
        gamma = uniform(self.generator, *self.gamma)
        values, back = to_float(array)
        top = bound(array)
        result = np.clip(self.gain * (values / top) ** gamma, 0, 1) * top
        if array.dtype.kind != "f":
            result = np.round(result)
        return wrap(back(result))


def gaussian_kernel(size, sigma):
    """The normalised 1-D Gaussian g_k ∝ exp(−k² / 2σ²), k = −(size − 1)/2 … (size − 1)/2."""
    k = np.linspace(-(size - 1) / 2, (size - 1) / 2, size)
    g = np.exp(-0.5 * (k / sigma) ** 2)
    return g / g.sum()


def _correlate(values, kernel, axis):
    """Σ_k g_k x[i + k − r] along ``axis`` with reflect padding (the edge pixel not repeated)."""
    r = len(kernel) // 2
    widths = [(0, 0)] * values.ndim
    widths[axis] = (r, r)
    padded = np.pad(values, widths, mode="reflect")
    n = values.shape[axis]
    out = np.zeros_like(values)
    for k, g in enumerate(kernel):
        out += g * np.take(padded, np.arange(k, k + n), axis=axis)
    return out


class GaussianBlur(Transform):
    """Blur by a Gaussian kernel of random width: σ uniform in ``sigma``, then the separable
    filter g ⊗ g (kernel sizes kx along the width, ky along the height), reflect padding.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Odd, positive: (kx, ky) as torchvision orders them (width first).
    sigma : float or (float, float), default (0.1, 2.0)
        A fixed σ, or its range (min, max).
    generator : Generator, optional

    Examples
    --------
    >>> GaussianBlur(5, sigma=(0.5, 1.5))(kp.rand(3, 16, 16)).shape
    (3, 16, 16)
    """

    def __init__(self, kernel_size, sigma=(0.1, 2.0), *, generator=None):
        sizes = (kernel_size, kernel_size) if isinstance(kernel_size, numbers.Integral) \
            else tuple(kernel_size)
        if len(sizes) != 2:
            raise ValueError("Kernel size should be a tuple/list of two integers")
        if any(not isinstance(k, numbers.Integral) or k <= 0 or k % 2 == 0 for k in sizes):
            raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (float(sigma), float(sigma))
        elif isinstance(sigma, (tuple, list)) and len(sigma) == 2:
            if not 0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
            sigma = (float(sigma[0]), float(sigma[1]))
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.kernel_size = tuple(int(k) for k in sizes)
        self.sigma = sigma
        self.generator = generator

    def __call__(self, img):
        array, wrap = to_array(img, 2, "GaussianBlur")
        sigma = uniform(self.generator, *self.sigma)
        values, back = to_float(array)
        kx, ky = self.kernel_size
        result = _correlate(values, gaussian_kernel(kx, sigma).astype(values.dtype), -1)
        result = _correlate(result, gaussian_kernel(ky, sigma).astype(values.dtype), -2)
        if array.dtype.kind != "f":
            result = np.round(result)
        return wrap(back(result))
