"""Binning of continuous features for histogram gradient boosting.

Each feature is cut into at most ``max_bins`` bins by thresholds t₀ < t₁ < … ; a value x falls
in bin b when t_{b−1} < x ≤ t_b. Missing values (NaN) get the extra bin ``max_bins`` (the last).

The thresholds of a feature, computed on its non-missing values (of non-zero weight):

- with at most ``max_bins`` distinct values v₍₁₎ < … < v₍ₘ₎: the midpoints (v₍ⱼ₎ + v₍ⱼ₊₁₎)/2,
  one bin per distinct value;
- otherwise the quantiles at the levels 100·k/max_bins, k = 1 … max_bins − 1, by the averaged
  inverted empirical distribution function (weighted when sample weights are given), with
  duplicates removed.

A categorical feature, given by its codes 0, 1, …, k − 1, has one bin per category: its
"thresholds" are the codes themselves (k non-missing bins).

Thresholds are capped at 1e300 so that +inf stays in the last non-missing bin. Above
``subsample`` (2·10⁵) rows, the thresholds are computed on that many rows drawn with
replacement (with probabilities proportional to the weights), as scikit-learn's ``_BinMapper``.
"""

import numpy as np

from .losses import weighted_percentile

__all__ = ["find_bin_thresholds", "fit_bin_thresholds", "bin_data"]

_ALMOST_INF = 1e300


def find_bin_thresholds(column, max_bins, sample_weight=None):
    """The bin thresholds of one feature (see the module docstring).

    Parameters
    ----------
    column : ndarray of shape (n_samples,)
    max_bins : int
        The largest number of bins for the non-missing values.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    thresholds : ndarray of shape (n_bins_non_missing − 1,)

    Examples
    --------
    >>> find_bin_thresholds(np.array([1.0, 2.0, 2.0, 4.0, np.nan]), max_bins=255)
    array([1.5, 3. ])
    """
    present = ~np.isnan(column)
    column = column[present]
    if sample_weight is not None:
        sample_weight = sample_weight[present]
        positive = sample_weight != 0
        column, sample_weight = column[positive], sample_weight[positive]
    distinct = np.unique(column)
    if distinct.size <= 1:
        return np.zeros(0)
    if distinct.size <= max_bins:
        thresholds = 0.5 * (distinct[:-1] + distinct[1:])
    else:
        levels = np.linspace(0, 100, num=max_bins + 1)[1:-1]
        if sample_weight is None:
            thresholds = np.percentile(column, levels, method="averaged_inverted_cdf")
        else:
            thresholds = np.array([weighted_percentile(column, sample_weight, level,
                                                       average=True) for level in levels])
        thresholds = np.unique(thresholds)
    return np.minimum(thresholds, _ALMOST_INF)


def fit_bin_thresholds(X, max_bins, sample_weight=None, subsample=200_000, random_state=None,
                       n_categories=None):
    """The thresholds of every feature of X (list of arrays), and the number of non-missing
    bins of each feature (``len(thresholds) + 1``; k for a categorical feature, whose number
    of categories k is given by ``n_categories`` — 0 for the continuous features)."""
    if subsample is not None and X.shape[0] > subsample:
        probabilities = None if sample_weight is None else sample_weight / sample_weight.sum()
        rows = random_state.choice(X.shape[0], subsample, p=probabilities, replace=True)
        X, sample_weight = X[rows], None
    if n_categories is None:
        n_categories = np.zeros(X.shape[1], dtype=np.int64)
    thresholds = [np.arange(float(n_categories[j])) if n_categories[j] > 0
                  else find_bin_thresholds(X[:, j], max_bins, sample_weight)
                  for j in range(X.shape[1])]
    n_bins_non_missing = np.array([len(t) + (n_categories[j] == 0)
                                   for j, t in enumerate(thresholds)], dtype=np.int64)
    return thresholds, n_bins_non_missing


def bin_data(X, thresholds, missing_bin):
    """Map X to bin indices (uint8, Fortran order): the number of thresholds below x, and
    ``missing_bin`` for NaN."""
    binned = np.empty(X.shape, dtype=np.uint8, order="F")
    for j, feature_thresholds in enumerate(thresholds):
        column = X[:, j]
        bins = np.searchsorted(feature_thresholds, column, side="left")
        bins[np.isnan(column)] = missing_bin
        binned[:, j] = bins
    return binned
