"""LinearSVR against scikit-learn's (liblinear): the same coefficients for each loss and
solver, sample weighting and intercept settings; its dual coordinate descent compiled and
interpreted; the same errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import svm as sk_svm
from sklearn.datasets import load_diabetes, make_regression
from sklearn.preprocessing import StandardScaler

from konspekt.models.svm import LinearSVR
from konspekt.models.svm.coordinate_descent import solve_dual_coordinate_descent_regression
from konspekt.models.svm.linear import _csr_arrays


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def wide():
    X, y = make_regression(30, 50, noise=1.0, random_state=0)
    return X, y / y.std()


DATASETS = {"diabetes": diabetes, "wide": wide}


def assert_close(ours, theirs, rtol=1e-3):
    scale = np.abs(theirs.coef_).max()
    assert ours.coef_.shape == theirs.coef_.shape
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=rtol * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=rtol * scale)


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("loss, dual", [("epsilon_insensitive", "auto"),
                                        ("squared_epsilon_insensitive", True),
                                        ("squared_epsilon_insensitive", False)])
def test_same_optimum_as_liblinear(dataset, loss, dual):
    X, y = DATASETS[dataset]()
    params = {"loss": loss, "dual": dual, "epsilon": 0.1, "tol": 1e-8, "max_iter": 100_000}
    ours = LinearSVR(**params).fit(X, y)
    theirs = sk_svm.LinearSVR(**params).fit(X, y)
    assert_close(ours, theirs)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X),
                               atol=1e-3 * np.abs(y).max())


def test_sample_weight_and_intercept_settings():
    X, y = diabetes()
    weight = np.random.RandomState(0).uniform(0, 2, len(y))
    weight[::6] = 0.0
    for params in [{}, {"fit_intercept": False}, {"intercept_scaling": 5.0}]:
        settings = {"loss": "squared_epsilon_insensitive", "tol": 1e-9, "max_iter": 100_000,
                    **params}
        ours = LinearSVR(**settings).fit(X, y, sample_weight=weight)
        theirs = sk_svm.LinearSVR(**settings).fit(X, y, sample_weight=weight)
        assert_close(ours, theirs)


@pytest.mark.parametrize("squared", [False, True])
def test_coordinate_descent_interpreted_path(squared):
    rng = np.random.RandomState(1)
    X = np.hstack([rng.normal(size=(25, 3)), np.ones((25, 1))])
    z = X @ [1.0, -1.0, 0.5, 0.2] + 0.1 * rng.normal(size=25)
    C = np.full(25, 2.0)
    upper, diagonal = (np.full(25, np.inf), 0.5 / C) if squared else (C, np.zeros(25))
    arguments = (*_csr_arrays(X), z, upper, diagonal, 0.05, 1e-10, 10_000, 3)
    w, n_iter = solve_dual_coordinate_descent_regression(*arguments)
    w_py, n_iter_py = solve_dual_coordinate_descent_regression.py_func(*arguments)
    np.testing.assert_allclose(w, w_py, atol=1e-12)
    assert n_iter == n_iter_py
    if squared:
        # The primal gradient w + 2 Σ Cᵢ max(0, |rᵢ| − ε) sign(rᵢ) xᵢ vanishes at the optimum.
        residual = X @ w - z
        excess = np.maximum(np.abs(residual) - 0.05, 0.0)
        np.testing.assert_allclose(w + 2 * X.T @ (C * excess * np.sign(residual)), 0.0,
                                   atol=1e-6)


def test_sparse_input_gives_the_dense_solution():
    rng = np.random.RandomState(0)
    X = sp.random(100, 20, density=0.2, random_state=rng, format="csr")
    y = X @ rng.normal(size=20) + 0.1 * rng.normal(size=100)
    for loss in ["epsilon_insensitive", "squared_epsilon_insensitive"]:
        params = {"loss": loss, "epsilon": 0.05, "tol": 1e-9, "max_iter": 100_000}
        ours = LinearSVR(**params).fit(X, y)
        dense = LinearSVR(**params).fit(X.toarray(), y)
        theirs = sk_svm.LinearSVR(**params).fit(X, y)
        np.testing.assert_allclose(ours.coef_, dense.coef_, atol=1e-8)
        assert_close(ours, theirs)
        np.testing.assert_allclose(ours.predict(X), dense.predict(X.toarray()), atol=1e-7)


def test_errors():
    X, y = diabetes()
    with pytest.raises(ValueError, match="Unsupported set of arguments: The combination of "
                                         "penalty='l2' and loss='epsilon_insensitive' are not "
                                         "supported when dual=False"):
        LinearSVR(dual=False).fit(X, y)
    with pytest.raises(ValueError, match="The 'loss' parameter of LinearSVR must be a str"):
        LinearSVR(loss="huber").fit(X, y)
    with pytest.raises(ValueError, match=r"The 'C' parameter of LinearSVR must be a float in "
                                         r"the range \(0.0, inf\)"):
        LinearSVR(C=0).fit(X, y)
