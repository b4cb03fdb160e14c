"""Smoothing kernels κ(r) of the course's kernel-weighted nearest-neighbour rule.

A neighbour x at distance ρ(x′, x) from the query x′ votes with weight κ(ρ(x′, x) / h), h the
bandwidth (window width). The kernels, each non-negative and non-increasing in |r|:

========================  ======================================
``"uniform"``             κ(r) = ½ · [|r| ≤ 1]          (rectangular window)
``"triangular"``          κ(r) = (1 − |r|) · [|r| ≤ 1]
``"epanechnikov"``        κ(r) = ¾ · (1 − r²) · [|r| ≤ 1]
``"quartic"``             κ(r) = 15/16 · (1 − r²)² · [|r| ≤ 1]   (biweight)
``"gaussian"``            κ(r) = (2π)^(−1/2) · exp(−r² / 2)
========================  ======================================

The constant factors make each kernel integrate to 1; they cancel in a vote's argmax and in a
Nadaraya–Watson average, so they change no prediction.
"""

import math

import numpy as np

__all__ = ["KERNELS", "uniform_kernel", "triangular_kernel", "epanechnikov_kernel",
           "quartic_kernel", "gaussian_kernel", "get_kernel"]


def uniform_kernel(r):
    """κ(r) = ½ · [|r| ≤ 1], elementwise.

    Examples
    --------
    >>> uniform_kernel(np.array([0.0, 1.0, 1.5]))
    array([0.5, 0.5, 0. ])
    """
    r = np.asarray(r, dtype=np.float64)
    return np.where(np.abs(r) <= 1.0, 0.5, 0.0)


def triangular_kernel(r):
    """κ(r) = (1 − |r|) · [|r| ≤ 1], elementwise."""
    r = np.asarray(r, dtype=np.float64)
    return np.clip(1.0 - np.abs(r), 0.0, None)


def epanechnikov_kernel(r):
    """κ(r) = ¾ · (1 − r²) · [|r| ≤ 1], elementwise."""
    r = np.asarray(r, dtype=np.float64)
    return 0.75 * np.clip(1.0 - r * r, 0.0, None)


def quartic_kernel(r):
    """κ(r) = 15/16 · (1 − r²)² · [|r| ≤ 1], elementwise."""
    r = np.asarray(r, dtype=np.float64)
    return 0.9375 * np.clip(1.0 - r * r, 0.0, None) ** 2


def gaussian_kernel(r):
    """κ(r) = (2π)^(−1/2) · exp(−r² / 2), elementwise."""
    r = np.asarray(r, dtype=np.float64)
    return np.exp(-0.5 * r * r) / math.sqrt(2.0 * math.pi)


KERNELS = {"uniform": uniform_kernel, "triangular": triangular_kernel,
           "epanechnikov": epanechnikov_kernel, "quartic": quartic_kernel,
           "gaussian": gaussian_kernel}


def get_kernel(kernel, estimator_name="estimator"):
    """The kernel function named ``kernel`` (a key of ``KERNELS``), or ``kernel`` itself when it
    is callable.

    Raises
    ------
    ValueError
        For an unknown name, in scikit-learn's parameter-validation wording.
    """
    if callable(kernel):
        return kernel
    if isinstance(kernel, str) and kernel in KERNELS:
        return KERNELS[kernel]
    raise ValueError(f"The 'kernel' parameter of {estimator_name} must be a str among "
                     f"{set(KERNELS)}, a callable or None. Got {kernel!r} instead.")
