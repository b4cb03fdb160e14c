"""The course's kernel-weighted kNN, a(x′) = argmax_c Σ [y = c] · w(x) · κ(ρ(x′, x) / h) over the
k nearest x, against a direct double loop over queries and training points written here."""

import math

import numpy as np
import pytest

from konspekt.models.neighbors import KERNELS, KNeighborsClassifier, KNeighborsRegressor
from konspekt.models.neighbors.kernels import get_kernel

KERNEL_FORMULAS = {
    "uniform": lambda r: 0.5 if abs(r) <= 1 else 0.0,
    "triangular": lambda r: 1 - abs(r) if abs(r) <= 1 else 0.0,
    "epanechnikov": lambda r: 0.75 * (1 - r * r) if abs(r) <= 1 else 0.0,
    "quartic": lambda r: 15 / 16 * (1 - r * r) ** 2 if abs(r) <= 1 else 0.0,
    "gaussian": lambda r: math.exp(-r * r / 2) / math.sqrt(2 * math.pi),
}


def make_data(n_fit=60, n_query=25, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_fit, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=n_fit) > 0).astype(int) + (X[:, 1] > 0.8)
    return X, y, rng.normal(size=(n_query, 2)), rng.uniform(0.2, 3.0, size=n_fit)


def loop_scores(X, y, Q, k, kernel, bandwidth, prior, p=2.0):
    """For each query: the k nearest by sorting all distances, then the class sums (classifier)
    and the weighted mean of y (regressor), one term at a time."""
    classes = sorted(set(y.tolist()))
    votes, means = [], []
    for query in Q:
        distances = [sum(abs(query[j] - point[j]) ** p for j in range(len(query))) ** (1 / p)
                     for point in X]
        order = sorted(range(len(X)), key=lambda i: distances[i])
        h = distances[order[k]] if bandwidth == "adaptive" else bandwidth
        totals = {c: 0.0 for c in classes}
        numerator = denominator = 0.0
        for i in order[:k]:
            weight = prior[i] * KERNEL_FORMULAS[kernel](distances[i] / h)
            totals[y[i]] += weight
            numerator += weight * y[i]
            denominator += weight
        votes.append([totals[c] for c in classes])
        means.append(numerator / denominator)
    votes = np.array(votes)
    return votes / votes.sum(axis=1, keepdims=True), np.array(means)


@pytest.mark.parametrize("kernel", sorted(KERNEL_FORMULAS))
@pytest.mark.parametrize("bandwidth", ["adaptive", 2.5])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_kernel_weighted_knn_equals_the_double_loop(kernel, bandwidth, weighted, algorithm):
    X, y, Q, prior = make_data()
    prior = prior if weighted else np.ones_like(prior)
    sample_weight = prior if weighted else None
    settings = dict(n_neighbors=7, kernel=kernel, bandwidth=bandwidth, algorithm=algorithm)
    expected_proba, expected_mean = loop_scores(X, y, Q, 7, kernel, bandwidth, prior)
    classifier = KNeighborsClassifier(**settings).fit(X, y, sample_weight=sample_weight)
    np.testing.assert_allclose(classifier.predict_proba(Q), expected_proba, rtol=1e-10)
    np.testing.assert_array_equal(classifier.predict(Q), np.argmax(expected_proba, axis=1))
    regressor = KNeighborsRegressor(**settings).fit(X, y, sample_weight=sample_weight)
    np.testing.assert_allclose(regressor.predict(Q), expected_mean, rtol=1e-10)


def test_kernel_with_manhattan_metric_and_default_adaptive_bandwidth():
    X, y, Q, prior = make_data()
    expected_proba, _ = loop_scores(X, y, Q, 5, "triangular", "adaptive", np.ones(len(X)), p=1)
    model = KNeighborsClassifier(5, kernel="triangular", p=1).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(Q), expected_proba, rtol=1e-10)


def test_callable_kernel_and_distance_weights_multiply():
    X, y, Q, _ = make_data()
    cubic = lambda r: np.clip(1 - np.abs(r) ** 3, 0, None) ** 3  # noqa: E731 (tricube)
    model = KNeighborsRegressor(6, kernel=cubic, bandwidth=3.0, weights="distance").fit(X, y)
    distances, indices = model.kneighbors(Q)
    weights = cubic(distances / 3.0) / distances
    np.testing.assert_allclose(model.predict(Q), (weights * y[indices]).sum(1) / weights.sum(1))


def test_kernels_are_densities_with_the_formulas_of_the_docstring():
    grid = np.linspace(-6, 6, 120001)
    for name, kernel in KERNELS.items():
        values = kernel(grid)
        # The trapezoid rule errs by half a step at the jumps of the uniform kernel.
        assert abs(np.trapezoid(values, grid) - 1.0) < 1e-4, name
        expected = np.array([KERNEL_FORMULAS[name](r) for r in grid[::1000]])
        np.testing.assert_allclose(values[::1000], expected, atol=1e-15)


def test_bad_kernel_settings_are_refused():
    X, y, Q, _ = make_data()
    with pytest.raises(ValueError, match="The 'kernel' parameter of KNeighborsClassifier must "
                                         "be a str among"):
        KNeighborsClassifier(kernel="box").fit(X, y)
    with pytest.raises(ValueError, match="bandwidth=1.0 needs a kernel"):
        KNeighborsRegressor(bandwidth=1.0).fit(X, y)
    with pytest.raises(ValueError, match="The 'bandwidth' parameter of KNeighborsRegressor"):
        KNeighborsRegressor(kernel="gaussian", bandwidth=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors < 60"):
        KNeighborsClassifier(60, kernel="gaussian").fit(X, y).predict(Q)
    with pytest.raises(ValueError, match="All neighbors of some sample is getting zero"):
        KNeighborsClassifier(3, kernel="uniform", bandwidth=1e-6).fit(X, y).predict(Q)
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        KNeighborsClassifier(3).fit(X, y, sample_weight=-np.ones(len(X)))
    assert get_kernel("gaussian") is KERNELS["gaussian"]
