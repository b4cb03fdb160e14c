"""Bin thresholds and binned data of histogram gradient boosting against scikit-learn's
``_BinMapper`` (below its 2·10⁵-row subsample, where the binning is deterministic)."""

import numpy as np
import pytest
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
from sklearn.utils.stats import _weighted_percentile

from konspekt.models.ensemble.hist_gradient_boosting.binning import (bin_data,
                                                                     find_bin_thresholds,
                                                                     fit_bin_thresholds)
from konspekt.models.ensemble.hist_gradient_boosting.losses import weighted_percentile


def _data(seed=0, n=2000):
    rng = np.random.RandomState(seed)
    X = np.column_stack([
        rng.normal(size=n),                                  # continuous: quantiles
        rng.randint(0, 7, size=n).astype(float),             # few distinct values: midpoints
        rng.exponential(size=n).round(2),                    # ties, more than 255 values
        rng.randint(0, 300, size=n).astype(float),           # just above 255 distinct
        np.full(n, 3.0),                                     # constant: no threshold
    ])
    X[rng.rand(n) < 0.1, 0] = np.nan
    X[rng.rand(n) < 0.05, 3] = np.nan
    X[:3, 2] = [np.inf, -np.inf, np.inf]
    return X


def _sklearn_mapper(X, max_bins, sample_weight=None):
    return _BinMapper(n_bins=max_bins + 1).fit(X, sample_weight=sample_weight)


@pytest.mark.parametrize("max_bins", [255, 16, 3])
def test_thresholds_equal_sklearn(max_bins):
    X = _data()
    thresholds, n_bins_non_missing = fit_bin_thresholds(X, max_bins)
    mapper = _sklearn_mapper(X, max_bins)
    for ours, theirs in zip(thresholds, mapper.bin_thresholds_):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(n_bins_non_missing, mapper.n_bins_non_missing_)


def test_weighted_thresholds_equal_sklearn():
    X = _data(seed=1)
    weights = np.random.RandomState(2).uniform(0.0, 3.0, size=X.shape[0])
    weights[::11] = 0.0
    thresholds, n_bins_non_missing = fit_bin_thresholds(X, 64, weights)
    mapper = _sklearn_mapper(X, 64, weights)
    for ours, theirs in zip(thresholds, mapper.bin_thresholds_):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=0)
    np.testing.assert_array_equal(n_bins_non_missing, mapper.n_bins_non_missing_)


@pytest.mark.parametrize("max_bins", [255, 10])
def test_binned_data_equals_sklearn(max_bins):
    X = _data(seed=3)
    thresholds, _ = fit_bin_thresholds(X, max_bins)
    binned = bin_data(X, thresholds, max_bins)
    expected = _sklearn_mapper(X, max_bins).transform(X)
    np.testing.assert_array_equal(binned, expected)
    assert binned.dtype == np.uint8 and binned.flags.f_contiguous


def test_bin_rule_and_missing_bin():
    # x falls in bin b when t_{b-1} < x <= t_b; NaN in the last bin; +inf in the last known one.
    thresholds = find_bin_thresholds(np.array([1.0, 2.0, 3.0, np.nan]), max_bins=255)
    np.testing.assert_array_equal(thresholds, [1.5, 2.5])
    binned = bin_data(np.array([[0.0], [1.5], [1.6], [2.5], [9.0], [np.inf], [np.nan]]),
                      [thresholds], missing_bin=255)
    np.testing.assert_array_equal(binned[:, 0], [0, 0, 1, 1, 2, 2, 255])


@pytest.mark.parametrize("average", [False, True])
@pytest.mark.parametrize("percentile", [0, 10, 37.5, 50, 100])
def test_weighted_percentile_equals_sklearn(percentile, average):
    rng = np.random.RandomState(4)
    values = rng.randint(0, 20, size=60).astype(float)
    weights = rng.randint(0, 4, size=60).astype(float)
    expected = _weighted_percentile(values, weights, percentile, average=average)
    assert weighted_percentile(values, weights, percentile, average=average) == expected
    ones = np.ones(60)
    assert weighted_percentile(values, ones, percentile, average=True) == \
        np.percentile(values, percentile, method="averaged_inverted_cdf")
