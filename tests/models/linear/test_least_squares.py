"""LinearRegression and Ridge against scikit-learn on the same data and settings."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.base import ConvergenceWarning, NotFittedError
from konspekt.models.linear import LinearRegression, Ridge


def make_data(n_samples=40, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) + rng.normal(size=n_features)
    y = X @ rng.normal(size=n_features) + 3.0 + rng.normal(size=n_samples)
    Y = np.column_stack([y, rng.normal(size=n_samples) - X[:, 0]])
    weights = rng.uniform(0.1, 3.0, size=n_samples)
    return X, y, Y, weights


def assert_same_fit(ours, theirs):
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-5, rtol=1e-5)
    assert np.shape(ours.coef_) == np.shape(theirs.coef_)
    assert np.shape(ours.intercept_) == np.shape(theirs.intercept_)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks(
        [LinearRegression(), Ridge(), LinearRegression(solver="gd")],
        expected_failed_checks=lambda estimator: {} if estimator.get_params().get(
            "solver") == "gd" else {"check_non_transformer_estimators_n_iter": (
                "Direct solvers iterate nothing: scikit-learn's Ridge leaves n_iter_ = None "
                "then (and is exempted from this check in its own suite); LinearRegression has "
                "max_iter only for solver='gd', the one case with an n_iter_.")})


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("multi_output", [False, True])
def test_linear_regression_matches_sklearn(fit_intercept, positive, weighted, multi_output):
    X, y, Y, weights = make_data()
    target = Y if multi_output else y
    sample_weight = weights if weighted else None
    settings = dict(fit_intercept=fit_intercept, positive=positive)
    ours = LinearRegression(**settings).fit(X, target, sample_weight=sample_weight)
    theirs = sk.LinearRegression(**settings).fit(X, target, sample_weight=sample_weight)
    assert_same_fit(ours, theirs)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-8)
    if not positive:
        assert ours.rank_ == theirs.rank_
        np.testing.assert_allclose(ours.singular_, theirs.singular_, rtol=1e-10)


def test_linear_regression_rank_deficient_matches_sklearn():
    X, y, _, _ = make_data()
    X = np.column_stack([X, X[:, 0] + X[:, 1]])
    ours, theirs = LinearRegression().fit(X, y), sk.LinearRegression().fit(X, y)
    assert ours.rank_ == theirs.rank_ == X.shape[1] - 1
    assert_same_fit(ours, theirs)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_descent_reaches_least_squares(positive, weighted):
    X, _, Y, weights = make_data()
    sample_weight = weights if weighted else None
    descent = LinearRegression(solver="gd", positive=positive, tol=1e-12, max_iter=20000)
    descent.fit(X, Y, sample_weight=sample_weight)
    exact = sk.LinearRegression(positive=positive).fit(X, Y, sample_weight=sample_weight)
    assert_same_fit(descent, exact)
    assert 1 < descent.n_iter_ < 20000


def test_gradient_descent_with_learning_rate_and_warning():
    X, y, _, _ = make_data()
    with pytest.warns(ConvergenceWarning, match="did not converge in max_iter=3"):
        LinearRegression(solver="gd", learning_rate=1e-3, max_iter=3).fit(X, y)
    with pytest.raises(ValueError, match="diverged"):
        LinearRegression(solver="gd", learning_rate=10.0, max_iter=5000).fit(X, y)


@pytest.mark.parametrize("alpha", [0.0, 0.1, 1.0, 30.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "lsqr"])
def test_ridge_matches_sklearn(alpha, fit_intercept, weighted, solver):
    X, y, Y, weights = make_data()
    sample_weight = weights if weighted else None
    settings = dict(alpha=alpha, fit_intercept=fit_intercept, solver=solver, tol=1e-10)
    for target in (y, Y):
        ours = Ridge(**settings).fit(X, target, sample_weight=sample_weight)
        theirs = sk.Ridge(**settings).fit(X, target, sample_weight=sample_weight)
        assert_same_fit(ours, theirs)


def test_ridge_alpha_per_target_and_wide_data():
    X, _, Y, weights = make_data(n_samples=8, n_features=20)
    ours = Ridge(alpha=[0.5, 4.0]).fit(X, Y, sample_weight=weights)
    theirs = sk.Ridge(alpha=[0.5, 4.0]).fit(X, Y, sample_weight=weights)
    assert_same_fit(ours, theirs)


@pytest.mark.parametrize("solver", ["auto", "lbfgs"])
@pytest.mark.parametrize("alpha", [0.1, 5.0])
def test_ridge_positive_matches_sklearn(solver, alpha):
    X, y, _, _ = make_data()
    y = y - 4.0 * X[:, 1]
    ours = Ridge(alpha=alpha, positive=True, solver=solver, tol=1e-12).fit(X, y)
    theirs = sk.Ridge(alpha=alpha, positive=True, solver="lbfgs", tol=1e-12).fit(X, y)
    assert_same_fit(ours, theirs)
    assert np.all(ours.coef_ >= 0) and np.any(ours.coef_ == 0)


@pytest.mark.parametrize("name, params, message", [
    ("Ridge", {"alpha": -1}, "The 'alpha' parameter of Ridge must be a float in the range "
                             "[0.0, inf) or an array-like. Got -1 instead."),
    ("Ridge", {"solver": "foo"}, "The 'solver' parameter of Ridge must be a str among"),
    ("Ridge", {"alpha": [1.0, 2.0, 3.0]}, "Number of targets and number of penalties do not "
                                          "correspond: 3 != 1"),
    ("Ridge", {"positive": True, "solver": "cholesky"},
     "solver='cholesky' does not support positive fitting."),
    ("Ridge", {"max_iter": 0}, "The 'max_iter' parameter of Ridge must be an int in the "
                               "range [1, inf) or None. Got 0 instead."),
    ("LinearRegression", {"tol": -1}, "The 'tol' parameter of LinearRegression must be a "
                                      "float in the range [0.0, inf). Got -1 instead."),
])
def test_parameter_errors_match_sklearn(name, params, message):
    X, y, _, _ = make_data()
    ours_class = {"Ridge": Ridge, "LinearRegression": LinearRegression}[name]
    for estimator in (ours_class(**params), getattr(sk, name)(**params)):
        with pytest.raises(ValueError) as error:
            estimator.fit(X, y)
        assert str(error.value).startswith(message)


@pytest.mark.parametrize("estimator", [LinearRegression(), Ridge()],
                         ids=lambda estimator: type(estimator).__name__)
def test_nan_and_not_fitted_errors(estimator):
    X, y, _, _ = make_data()
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        estimator.predict(X)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        estimator.fit(X, y)


def make_sparse(n_samples=50, n_features=8, seed=3):
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n_samples, n_features)) * (rng.random((n_samples, n_features)) < 0.3)
    dense[:, 0] += 2.0  # a column far from centred: the implicit centring matters
    y = dense @ rng.normal(size=n_features) + 3.0 + rng.normal(size=n_samples)
    Y = np.column_stack([y, rng.normal(size=n_samples)])
    return dense, y, Y, rng.uniform(0.1, 3.0, size=n_samples)


@pytest.mark.parametrize("shape", [(50, 8), (15, 30)], ids=["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("model", [
    "LinearRegression", "Ridge", "Ridge-sparse_cg", "Ridge-lsqr", "Ridge-cholesky",
    "Ridge-positive"])
def test_sparse_input_matches_sklearn(model, fit_intercept, weighted, shape):
    # scikit-learn's solvers on CSR X, centred implicitly (X is never made dense).
    name, _, solver = model.partition("-")
    if solver == "cholesky" and fit_intercept:
        pytest.skip("cholesky refuses an intercept on sparse X (tested below)")
    dense, y, Y, sample_weight = make_sparse(*shape)
    params = {"fit_intercept": fit_intercept}
    if solver == "positive":
        params.update(positive=True, tol=1e-12)
    elif solver:
        params["solver"] = solver
    ours_cls = {"LinearRegression": LinearRegression, "Ridge": Ridge}[name]
    for target in (y, Y):
        weights = sample_weight if weighted else None
        X = sp.csr_matrix(dense)
        ours = ours_cls(**params).fit(X, target, sample_weight=weights)
        theirs = getattr(sk, name)(**params).fit(X, target, sample_weight=weights)
        assert_same_fit(ours, theirs)
        np.testing.assert_allclose(ours.predict(sp.csc_matrix(dense)), theirs.predict(X),
                                   rtol=1e-6, atol=1e-6)
        if name == "Ridge":
            assert ours.solver_ == theirs.solver_


def test_sparse_gradient_descent_and_errors():
    dense, y, _, sample_weight = make_sparse()
    X = sp.csr_matrix(dense)
    descent = LinearRegression(solver="gd", tol=1e-12, max_iter=50000).fit(
        X, y, sample_weight=sample_weight)
    exact = sk.LinearRegression().fit(dense, y, sample_weight=sample_weight)
    assert_same_fit(descent, exact)
    with pytest.raises(TypeError, match="Sparse data was passed for X, but dense data is"):
        LinearRegression(positive=True).fit(X, y)
    with pytest.raises(ValueError, match="solver='cholesky' does not support fitting the "
                                         "intercept on sparse data"):
        Ridge(solver="cholesky").fit(X, y)
    with pytest.raises(TypeError, match="SVD solver does not support sparse inputs"):
        Ridge(solver="svd", fit_intercept=False).fit(X, y)


@pytest.mark.parametrize("shape", [(50, 8), (15, 30)], ids=["tall", "wide"])
def test_ridge_sparse_cg_on_dense_matches_sklearn(shape):
    X, y, Y, _ = make_sparse(*shape)
    for target in (y, Y):
        assert_same_fit(Ridge(solver="sparse_cg").fit(X, target),
                        sk.Ridge(solver="sparse_cg").fit(X, target))
