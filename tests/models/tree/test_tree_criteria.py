"""The tree kernels on their own: the impurities G against their formulas, the split chosen
against a brute-force search of the information gain, the sort and the random generator
against their definitions, and the pure-Python path (``py_func``, what runs without numba)
against the compiled one."""

import numpy as np
import pytest
from sklearn.utils._sorting import _py_simultaneous_sort

from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor
from konspekt.models.tree import _absolute_error, _sort, _splitter, builder, criteria
from konspekt.models.tree.builder import grow
from konspekt.models.tree.criteria import CLASSIFICATION_CRITERIA, REGRESSION_CRITERIA


def weighted_median(y, w):
    order = np.argsort(y)
    cumulative = np.cumsum(w[order])
    half = cumulative[-1] / 2
    k = np.searchsorted(cumulative, half)
    if np.isclose(cumulative[k], half):
        return (y[order][k] + y[order][k + 1]) / 2
    return y[order][k]


def root_impurity(criterion, y, w):
    """G of the whole training set, from the formulas of ``criteria``'s docstring."""
    if criterion in ("gini", "entropy"):
        p = np.bincount(y, weights=w) / w.sum()
        p = p[p > 0]
        return 1 - np.sum(p ** 2) if criterion == "gini" else -np.sum(p * np.log2(p))
    mean = np.average(y, weights=w)
    if criterion == "squared_error":
        return np.average((y - mean) ** 2, weights=w)
    if criterion == "poisson":
        return np.average(np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mean), 0), weights=w)
    return np.average(np.abs(y - weighted_median(y, w)), weights=w)


@pytest.mark.parametrize("criterion", ["gini", "entropy", "squared_error", "poisson",
                                       "absolute_error"])
def test_root_impurity_is_the_formula(criterion):
    rng = np.random.RandomState(0)
    X = rng.rand(60, 3)
    w = rng.randint(1, 4, 60).astype(float)
    if criterion in ("gini", "entropy"):
        y = rng.randint(0, 3, 60)
        tree = DecisionTreeClassifier(criterion=criterion, max_depth=1).fit(X, y, w)
    else:
        y = rng.poisson(3.0, 60).astype(float)
        tree = DecisionTreeRegressor(criterion=criterion, max_depth=1).fit(X, y, w)
    np.testing.assert_allclose(tree.tree_.impurity[0], root_impurity(criterion, y, w),
                               rtol=1e-12)


@pytest.mark.parametrize("criterion", ["gini", "entropy", "squared_error"])
def test_root_split_maximises_the_information_gain(criterion):
    # IG = (N_t/N_X)·[G(X) − (N_tR/N_t)·G(X_R) − (N_tL/N_t)·G(X_L)], searched over every
    # feature and every midpoint between distinct values.
    rng = np.random.RandomState(1)
    X = rng.rand(40, 4).astype(np.float32).astype(np.float64)
    w = np.ones(40)
    if criterion == "squared_error":
        y = X[:, 2] * 3 + rng.rand(40)
        tree = DecisionTreeRegressor(max_depth=1).fit(X, y)
    else:
        y = (X[:, 1] + 0.3 * rng.rand(40) > 0.6).astype(int) + (X[:, 3] > 0.8)
        tree = DecisionTreeClassifier(criterion=criterion, max_depth=1).fit(X, y)
    parent = root_impurity(criterion, y, w)
    best = -np.inf
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        for threshold in (values[:-1] + values[1:]) / 2:
            left = X[:, j] <= threshold
            gain = parent - (left.mean() * root_impurity(criterion, y[left], w[left])
                             + (~left).mean() * root_impurity(criterion, y[~left], w[~left]))
            best = max(best, gain)
    t = tree.tree_
    found = t.impurity[0] - (t.weighted_n_node_samples[1] * t.impurity[1]
                             + t.weighted_n_node_samples[2] * t.impurity[2]) / 40
    np.testing.assert_allclose(found, best, rtol=1e-10)


@pytest.mark.parametrize("n", [0, 1, 10, 15, 16, 100, 3000])
@pytest.mark.parametrize("distinct", [True, False])
def test_sort_is_scikit_learns_introsort(n, distinct):
    rng = np.random.RandomState(n)
    values = (rng.rand(n) if distinct else rng.randint(0, 5, n)).astype(np.float32)
    ours_values, ours_indices = values.copy(), np.arange(n)
    _sort.sort(ours_values, ours_indices, 0, n)
    np.testing.assert_array_equal(ours_values, np.sort(values))
    np.testing.assert_array_equal(values[ours_indices], ours_values)
    theirs_values, theirs_indices = values.copy(), np.arange(n, dtype=np.intp)
    if n:
        _py_simultaneous_sort(theirs_values, theirs_indices, n, use_three_way_partition=True)
    np.testing.assert_array_equal(ours_indices, theirs_indices)


def test_sort_of_a_slice_leaves_the_rest():
    values = np.arange(40, 0, -1).astype(np.float32)
    indices = np.arange(40)
    _sort.sort(values, indices, 5, 30)
    np.testing.assert_array_equal(values[:5], np.arange(40, 35, -1))
    np.testing.assert_array_equal(values[5:35], np.arange(6, 36))
    np.testing.assert_array_equal(values[35:], np.arange(5, 0, -1))


def test_random_integers_follow_xorshift():
    # x ← x ⊕ (x ≪ 13), x ← x ⊕ (x ≫ 17), x ← x ⊕ (x ≪ 5) on 32 bits, returned modulo 2³¹.
    state = np.array([12345], dtype=np.int64)
    x = 12345
    for _ in range(50):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        assert _splitter.rand_r(state) == x % 2 ** 31
    zero = np.array([0], dtype=np.int64)
    assert _splitter.rand_r(zero) == _splitter.rand_r(np.array([1], dtype=np.int64))
    draws = [_splitter.rand_int(3, 7, state) for _ in range(200)]
    assert set(draws) == {3, 4, 5, 6}
    uniform = [_splitter.rand_uniform(-1.0, 2.0, state) for _ in range(200)]
    assert -1.0 <= min(uniform) and max(uniform) < 2.0


@pytest.fixture
def interpreted(monkeypatch):
    """Replace every compiled kernel by its Python original, as when numba is missing."""
    for module in (criteria, _absolute_error, _sort, _splitter, builder):
        for name in dir(module):
            function = getattr(module, name)
            if hasattr(function, "py_func"):
                monkeypatch.setattr(module, name, function.py_func)


SETTINGS = [("gini", False, -1, 2), ("entropy", True, -1, 3), ("squared_error", False, 4, 2),
            ("poisson", True, -1, 3), ("absolute_error", False, 3, 3)]


@pytest.mark.parametrize("criterion, random_splits, max_leaf_nodes, max_features", SETTINGS)
def test_interpreted_path_grows_the_compiled_tree(interpreted, criterion, random_splits,
                                                  max_leaf_nodes, max_features):
    rng = np.random.RandomState(2)
    X = np.asfortranarray(rng.rand(30, 3).astype(np.float32))
    classification = criterion in CLASSIFICATION_CRITERIA
    y = (rng.randint(0, 3, (30, 1)) if classification else rng.poisson(2.0, (30, 1)))
    y = y.astype(np.float64)
    code = (CLASSIFICATION_CRITERIA if classification else REGRESSION_CRITERIA)[criterion]
    n_classes = np.array([3 if classification else 1])
    arguments = (X, y, rng.randint(0, 3, 30).astype(float), code, n_classes, int(n_classes[0]),
                 random_splits, max_features, 1, 0.0, 2 ** 31 - 1, 2, 0.0, max_leaf_nodes, 7)
    compiled = grow(*arguments)
    python = grow.py_func(*arguments)
    for ours, expected in zip(python[:3], compiled[:3]):
        np.testing.assert_array_equal(ours, expected)
    assert python[3] == compiled[3]
