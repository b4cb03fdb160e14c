"""The compiled kernels of histogram gradient boosting — histograms, split search, tree
traversal — against direct NumPy computations, through numba and through ``py_func`` (the
path taken without numba)."""

import numpy as np
import pytest

from konspekt.models.ensemble.hist_gradient_boosting.binning import bin_data, fit_bin_thresholds
from konspekt.models.ensemble.hist_gradient_boosting.grower import TreeGrower
from konspekt.models.ensemble.hist_gradient_boosting.histogram import (build_histogram,
                                                                       subtract_histogram)
from konspekt.models.ensemble.hist_gradient_boosting.predictor import (predict_binned,
                                                                       predict_raw)
from konspekt.models.ensemble.hist_gradient_boosting.splitting import find_best_split

MISSING = 7  # the missing-values bin of these small examples (max_bins = 7)
N_BINS = 6   # 5 non-missing bins used, then the column of the missing values
NUMERIC = np.zeros(3, dtype=np.uint8)
FREE = np.zeros(3, dtype=np.int8)           # no monotonic constraint


def _histogram(X_binned, rows, gradients, hessians, constant_hessian=False,
               function=build_histogram):
    return function(X_binned, rows, gradients, hessians, constant_hessian, N_BINS, MISSING)


def _problem(seed, n=80, n_features=3):
    rng = np.random.RandomState(seed)
    X_binned = np.asfortranarray(rng.randint(0, 5, size=(n, n_features)).astype(np.uint8))
    X_binned[rng.rand(n) < 0.2, 1] = MISSING
    gradients = rng.normal(size=n).astype(np.float32)
    hessians = rng.uniform(0.1, 1.0, size=n).astype(np.float32)
    return X_binned, gradients, hessians


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "python"])
@pytest.mark.parametrize("constant_hessian", [False, True])
def test_histogram_is_per_bin_sums(compiled, constant_hessian):
    X_binned, gradients, hessians = _problem(0)
    rows = np.arange(0, 80, 3)
    function = build_histogram if compiled else build_histogram.py_func
    histogram = _histogram(X_binned, rows, gradients, hessians, constant_hessian, function)
    h = np.ones_like(hessians) if constant_hessian else hessians
    for j in range(3):
        bins = np.where(X_binned[rows, j] == MISSING, N_BINS - 1, X_binned[rows, j])
        np.testing.assert_allclose(histogram[j, :, 0], np.bincount(
            bins, gradients[rows].astype(float), minlength=N_BINS), atol=1e-12)
        np.testing.assert_allclose(histogram[j, :, 1], np.bincount(
            bins, h[rows].astype(float), minlength=N_BINS), atol=1e-12)
        np.testing.assert_array_equal(histogram[j, :, 2], np.bincount(bins, minlength=N_BINS))


def test_subtraction_trick_gives_the_sibling():
    X_binned, gradients, hessians = _problem(1)
    left = np.flatnonzero(X_binned[:, 0] <= 2)
    right = np.flatnonzero(X_binned[:, 0] > 2)
    parent = _histogram(X_binned, np.arange(80), gradients, hessians)
    sibling = _histogram(X_binned, left, gradients, hessians)
    direct = _histogram(X_binned, right, gradients, hessians)
    np.testing.assert_allclose(subtract_histogram(parent, sibling), direct, atol=1e-12)


def _brute_force_split(X_binned, gradients, hessians, rows, n_bins_non_missing,
                       has_missing, l2, min_samples_leaf, value):
    """Every (feature, bin, missing side) candidate, its gain by the XGBoost formula."""
    g, h = gradients[rows].astype(float), hessians[rows].astype(float)
    G, H = g.sum(), h.sum()
    best = (-1.0, -1, 0, False)
    for j in range(X_binned.shape[1]):
        column = X_binned[rows, j]
        missing = column == MISSING
        sides = [False, True] if has_missing[j] else [False]
        for missing_left in sides:
            last = n_bins_non_missing[j] - (1 if missing_left or not has_missing[j] else 0)
            for b in range(last):
                left = (column <= b) & ~missing
                if missing_left:
                    left |= missing
                GL, HL, nL = g[left].sum(), h[left].sum(), left.sum()
                GR, HR, nR = G - GL, H - HL, len(rows) - nL
                if min(nL, nR) < min_samples_leaf or min(HL, HR) < 1e-3:
                    continue
                gain = 0.5 * (GL ** 2 / (HL + l2) + GR ** 2 / (HR + l2) + G * value)
                if gain > best[0] + 1e-9:
                    best = (gain, j, b, missing_left)
    return best


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "python"])
@pytest.mark.parametrize("seed, l2, min_samples_leaf", [(0, 0.0, 1), (1, 1.0, 5), (2, 0.3, 20)])
def test_best_split_equals_brute_force(compiled, seed, l2, min_samples_leaf):
    X_binned, gradients, hessians = _problem(seed)
    rows = np.arange(80)
    n_bins_non_missing = np.array([5, 5, 5], dtype=np.int64)
    has_missing = np.array([0, 1, 0], dtype=np.uint8)
    histogram = _histogram(X_binned, rows, gradients, hessians)
    G, H = histogram[0, :, 0].sum(), histogram[0, :, 1].sum()
    value = -G / (H + l2)
    function = find_best_split if compiled else find_best_split.py_func
    gain, feature, bin_index, missing_left, GL, HL, nL = function(
        histogram, n_bins_non_missing, has_missing, NUMERIC, FREE, np.ones(3, dtype=np.uint8), G,
        H, value, -np.inf, np.inf, 80.0, l2, min_samples_leaf, 1e-3,
        np.zeros(N_BINS, dtype=np.uint8))
    expected = _brute_force_split(X_binned, gradients, hessians, rows, n_bins_non_missing,
                                  has_missing, l2, min_samples_leaf, value)
    assert (feature, bin_index, bool(missing_left)) == expected[1:]
    assert gain == pytest.approx(expected[0], rel=1e-9)
    assert HL == pytest.approx(hessians[_goes_left(X_binned, feature, bin_index,
                                                   missing_left)].astype(float).sum())


def _goes_left(X_binned, feature, bin_index, missing_left):
    column = X_binned[:, feature]
    return (column <= bin_index) & (column != MISSING) | (missing_left & (column == MISSING))


def test_no_valid_split_and_masked_features():
    X_binned, gradients, hessians = _problem(3)
    histogram = _histogram(X_binned, np.arange(80), gradients, hessians)
    args = (np.array([5, 5, 5], dtype=np.int64), np.zeros(3, dtype=np.uint8), NUMERIC, FREE)
    left_set = np.zeros(N_BINS, dtype=np.uint8)
    G, H = histogram[0, :, 0].sum(), histogram[0, :, 1].sum()
    # min_samples_leaf above half the samples: nothing is valid.
    result = find_best_split(histogram, *args, np.ones(3, dtype=np.uint8), G, H, 0.0, -np.inf,
                             np.inf, 80.0, 0.0, 41, 1e-3, left_set)
    assert result[0] == -1.0 and result[1] == -1
    # Only feature 2 allowed.
    result = find_best_split(histogram, *args, np.array([0, 0, 1], dtype=np.uint8), G, H, 0.0,
                             -np.inf, np.inf, 80.0, 0.0, 1, 1e-3, left_set)
    assert result[1] == 2


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "python"])
def test_predictor_follows_the_splits_and_missing_direction(compiled):
    # A stump-of-stumps by hand: root on feature 0 (bin ≤ 1 / x ≤ 0.5, NaN right), its left
    # child on feature 1 (x ≤ 2.0, NaN left).
    arrays = dict(feature=np.array([0, 1, 0, 0, 0]), threshold=np.array([0.5, 2.0, 0, 0, 0]),
                  bin_threshold=np.array([1, 3, 0, 0, 0], dtype=np.uint8),
                  missing_go_to_left=np.array([False, True, False, False, False]),
                  left=np.array([1, 2, 0, 0, 0]), right=np.array([4, 3, 0, 0, 0]),
                  value=np.array([0.0, 0.0, -1.0, 2.0, 5.0]),
                  is_leaf=np.array([False, False, True, True, True]),
                  category_row=np.full(5, -1), category_left=np.zeros((0, 256), dtype=bool))
    X = np.array([[0.0, 1.0], [0.0, 3.0], [0.0, np.nan], [1.0, 1.0], [np.nan, 1.0]])
    raw = predict_raw if compiled else predict_raw.py_func
    out = raw(arrays["feature"], arrays["threshold"], arrays["missing_go_to_left"],
              arrays["left"], arrays["right"], arrays["value"], arrays["is_leaf"],
              arrays["category_row"], arrays["category_left"], X)
    np.testing.assert_array_equal(out, [-1.0, 2.0, -1.0, 5.0, 5.0])
    X_binned = np.asfortranarray(np.array([[0, 2], [1, 4], [0, 255], [2, 0], [255, 0]],
                                          dtype=np.uint8))
    binned = predict_binned if compiled else predict_binned.py_func
    out = binned(arrays["feature"], arrays["bin_threshold"], arrays["missing_go_to_left"],
                 arrays["left"], arrays["right"], arrays["value"], arrays["is_leaf"],
                 arrays["category_row"], arrays["category_left"], X_binned, 255)
    np.testing.assert_array_equal(out, [-1.0, 2.0, -1.0, 5.0, 5.0])


def test_grower_respects_limits_and_predicts_raw_like_binned():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(300, 4))
    X[rng.rand(300) < 0.1, 2] = np.nan
    thresholds, n_bins_non_missing = fit_bin_thresholds(X, 255)
    X_binned = bin_data(X, thresholds, 255)
    has_missing = (X_binned == 255).any(axis=0).astype(np.uint8)
    gradients = (X[:, 0] + rng.normal(size=300)).astype(np.float32)
    hessians = np.ones(300, dtype=np.float32)
    for max_leaf_nodes, max_depth in [(8, None), (None, 3)]:
        grower = TreeGrower(X_binned, gradients, hessians, n_bins_non_missing, has_missing,
                            255, constant_hessian=True, max_leaf_nodes=max_leaf_nodes,
                            max_depth=max_depth, min_samples_leaf=10, shrinkage=0.5).grow()
        tree = grower.make_predictor(thresholds)
        if max_leaf_nodes is not None:
            assert tree.get_n_leaf_nodes() == max_leaf_nodes
        else:
            assert tree.get_max_depth() <= max_depth
        assert tree.count[tree.is_leaf].min() >= 10
        # Leaf values are −η G / (H + λ) of their samples; the leaves partition the samples.
        raw = np.zeros(300)
        grower.update_raw_predictions(raw)
        for leaf in grower.finalized_leaves:
            g = gradients[leaf.sample_indices].astype(float)
            assert leaf.value == pytest.approx(-0.5 * g.sum() / len(g))
        np.testing.assert_allclose(tree.predict(X), raw)
        np.testing.assert_allclose(tree.predict_binned(X_binned, 255), raw)


def _brute_force_category_split(histogram, j, n_categories, n_samples, l2, min_samples_leaf):
    """Fisher's ordering by G_c / (H_c + 10), then every prefix from either end up to half."""
    G, H = histogram[j, :, 0].sum(), histogram[j, :, 1].sum()
    columns = [c for c in list(range(n_categories)) + [N_BINS - 1]
               if histogram[j, c, 1] * n_samples / H >= 10.0]
    columns.sort(key=lambda c: histogram[j, c, 0] / (histogram[j, c, 1] + 10.0))
    best = (-1.0, None)
    half = (len(columns) + 1) // 2
    for left in [columns[:k] for k in range(1, half + 1)] + \
            [columns[-k:] for k in range(1, half)]:
        GL, HL, nL = (histogram[j, left, i].sum() for i in range(3))
        if min(nL, n_samples - nL) < min_samples_leaf:
            continue
        gain = 0.5 * (GL ** 2 / (HL + l2) + (G - GL) ** 2 / (H - HL + l2) - G ** 2 / (H + l2))
        if gain > best[0] + 1e-12:
            best = (gain, sorted(left))
    return best


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "python"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_categorical_split_equals_brute_force(compiled, seed):
    rng = np.random.RandomState(seed)
    n = 300
    X_binned = np.asfortranarray(rng.randint(0, 5, size=(n, 1)).astype(np.uint8))
    X_binned[rng.rand(n) < 0.1, 0] = MISSING
    effect = rng.normal(size=8)
    gradients = (effect[X_binned[:, 0] % 8] + rng.normal(size=n)).astype(np.float32)
    hessians = rng.uniform(0.5, 1.5, size=n).astype(np.float32)
    histogram = _histogram(X_binned, np.arange(n), gradients, hessians)
    G, H = histogram[0, :, 0].sum(), histogram[0, :, 1].sum()
    left_set = np.zeros(N_BINS, dtype=np.uint8)
    function = find_best_split if compiled else find_best_split.py_func
    gain, feature, _, missing_left, *_ = function(
        histogram, np.array([5], dtype=np.int64), np.array([1], dtype=np.uint8),
        np.array([1], dtype=np.uint8), np.zeros(1, dtype=np.int8), np.ones(1, dtype=np.uint8), G,
        H, -G / H, -np.inf, np.inf, float(n), 0.0, 10, 1e-3, left_set)
    expected_gain, expected_left = _brute_force_category_split(histogram, 0, 5, n, 0.0, 10)
    assert feature == 0
    assert gain == pytest.approx(expected_gain, rel=1e-9)
    assert sorted(np.flatnonzero(left_set)) == expected_left
    assert bool(missing_left) == (N_BINS - 1 in expected_left)


def test_predictor_categorical_split():
    # Root: categories {1, 3} left; NaN right.
    category_left = np.zeros((1, 256), dtype=bool)
    category_left[0, [1, 3]] = True
    arrays = (np.array([0, 0, 0]), np.zeros(3), np.zeros(3, dtype=bool), np.array([1, 0, 0]),
              np.array([2, 0, 0]), np.array([0.0, -1.0, 1.0]), np.array([False, True, True]),
              np.array([0, -1, -1]), category_left)
    X = np.array([[0.0], [1.0], [2.0], [3.0], [np.nan]])
    for function in (predict_raw, predict_raw.py_func):
        np.testing.assert_array_equal(function(*arrays, X), [1.0, -1.0, 1.0, -1.0, 1.0])
    X_binned = np.asfortranarray(np.array([[0], [1], [2], [3], [255]], dtype=np.uint8))
    binned = arrays[:1] + (np.zeros(3, dtype=np.uint8),) + arrays[2:]
    for function in (predict_binned, predict_binned.py_func):
        np.testing.assert_array_equal(function(*binned, X_binned, 255),
                                      [1.0, -1.0, 1.0, -1.0, 1.0])


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "python"])
def test_monotonic_constraint_and_bounds_in_split_search(compiled):
    # Gradients decreasing in the bin, so leaf values −G/H increasing: every split has
    # w_L < w_R, which a −1 constraint must refuse and a +1 constraint allows.
    bins = np.repeat(np.arange(5), 20).astype(np.uint8)
    X_binned = np.asfortranarray(np.column_stack([bins, bins, bins]))
    gradients = (2.0 - bins).astype(np.float32)
    hessians = np.ones(100, dtype=np.float32)
    histogram = _histogram(X_binned, np.arange(100), gradients, hessians)
    G, H = histogram[0, :, 0].sum(), histogram[0, :, 1].sum()
    function = find_best_split if compiled else find_best_split.py_func
    common = (np.array([5, 5, 5], dtype=np.int64), np.zeros(3, dtype=np.uint8), NUMERIC)

    def search(monotonic, lower=-np.inf, upper=np.inf):
        return function(histogram, *common, np.array(monotonic, dtype=np.int8),
                        np.ones(3, dtype=np.uint8), G, H, 0.0, lower, upper, 100.0, 0.0, 1,
                        1e-3, np.zeros(N_BINS, dtype=np.uint8))
    free = search([0, 0, 0])
    assert free[1] == 0                        # first feature wins the tie
    assert search([-1, -1, -1])[0] == -1.0     # every split goes against −1
    assert search([-1, 1, 0])[1] == 1          # +1 agrees with the data
    # Children's values clipped to [−0.5, 0.5]: the gain uses the clipped values.
    gain, _, b, _, GL, HL, _ = search([0, 0, 0], -0.5, 0.5)
    GR, HR = G - GL, H - HL
    value_left = np.clip(-GL / HL, -0.5, 0.5)
    value_right = np.clip(-GR / HR, -0.5, 0.5)
    assert gain == pytest.approx(0.5 * (-GL * value_left - GR * value_right))
