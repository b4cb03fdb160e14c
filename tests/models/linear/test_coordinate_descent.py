"""Lasso and ElasticNet against scikit-learn: same coefficients, intercepts, iteration counts and
duality gaps on the same data and settings."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.base import ConvergenceWarning, NotFittedError
from konspekt.models.linear import ElasticNet, Lasso
from konspekt.models.linear.coordinate_descent import duality_gap


def make_data(n_samples=50, n_features=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) + rng.normal(size=n_features)
    X[:, 2] *= 4.0
    true_coef = rng.normal(size=n_features) * (rng.uniform(size=n_features) > 0.4)
    y = X @ true_coef + 2.0 + rng.normal(size=n_samples)
    Y = np.column_stack([y, rng.normal(size=n_samples) + X[:, 1]])
    weights = rng.uniform(0.1, 3.0, size=n_samples)
    return X, y, Y, weights


def fit_both(ours, theirs, X, y, sample_weight=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours.fit(X, y, sample_weight=sample_weight)
        theirs.fit(X, y, sample_weight=sample_weight)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-5, rtol=1e-5)
    assert np.shape(ours.coef_) == np.shape(theirs.coef_)
    return ours, theirs


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([Lasso(), ElasticNet(),
                                      ElasticNet(selection="random", random_state=0)])


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 0.7, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_elastic_net_matches_sklearn(alpha, l1_ratio, fit_intercept, positive, weighted):
    X, y, _, weights = make_data()
    settings = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                    positive=positive)
    ours, theirs = fit_both(ElasticNet(**settings), sk.ElasticNet(**settings), X, y,
                            weights if weighted else None)
    # Same algorithm and stopping rule: same number of epochs and the same final gap.
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.dual_gap_, theirs.dual_gap_, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.001, 0.05, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_matches_sklearn_multi_output(alpha, fit_intercept, weighted):
    X, _, Y, weights = make_data()
    ours, theirs = fit_both(Lasso(alpha=alpha, fit_intercept=fit_intercept),
                            sk.Lasso(alpha=alpha, fit_intercept=fit_intercept), X, Y,
                            weights if weighted else None)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.dual_gap_, theirs.dual_gap_, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.01, 0.2])
@pytest.mark.parametrize("precompute", [False, True])
def test_lasso_wide_data_matches_sklearn(alpha, precompute):
    # p > n: the residual form unless the Gram form is asked for.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 60))
    y = X[:, :4] @ np.array([3.0, -2.0, 1.5, 1.0]) + 0.1 * rng.normal(size=20)
    settings = dict(alpha=alpha, max_iter=5000, precompute=precompute)
    ours, theirs = fit_both(Lasso(**settings), sk.Lasso(**settings), X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert np.count_nonzero(ours.coef_) < X.shape[0]


def test_random_selection_precompute_and_warm_start():
    X, y, _, _ = make_data()
    settings = dict(alpha=0.05, selection="random", random_state=0, tol=1e-10)
    fit_both(ElasticNet(**settings), sk.ElasticNet(**settings), X, y)
    Xc = X - X.mean(axis=0)
    fit_both(Lasso(alpha=0.1, precompute=Xc.T @ Xc, fit_intercept=False),
             sk.Lasso(alpha=0.1, precompute=Xc.T @ Xc, fit_intercept=False), Xc, y)
    warm = Lasso(alpha=0.1, warm_start=True).fit(X, y)
    first = warm.n_iter_
    warm.fit(X, y)
    assert warm.n_iter_ < first


def test_duality_gap_is_zero_at_the_optimum_and_bounds_the_objective():
    X, y, _, _ = make_data()
    X, y = X - X.mean(axis=0), y - y.mean()
    l1, l2 = 3.0, 2.0
    optimum = sk.ElasticNet(alpha=(l1 + l2) / len(y), l1_ratio=l1 / (l1 + l2),
                            fit_intercept=False, tol=1e-14, max_iter=100000).fit(X, y).coef_

    def objective(w):
        return 0.5 * np.sum((y - X @ w) ** 2) + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w

    def gap(w):
        residual = y - X @ w
        return duality_gap(w, l1, l2, X.T @ residual, residual @ residual, residual @ y,
                           False)[0]

    assert abs(gap(optimum)) < 1e-8 * (y @ y)
    start = np.zeros(X.shape[1])
    gap_at_zero = gap(start)
    assert gap_at_zero >= objective(start) - objective(optimum) - 1e-9


def test_convergence_warning_and_alpha_zero_warning():
    X, y, _, _ = make_data()
    with pytest.warns(ConvergenceWarning, match="Objective did not converge"):
        Lasso(alpha=1e-4, max_iter=1, tol=1e-12).fit(X, y)
    with pytest.warns(UserWarning) as record:
        Lasso(alpha=0.0, max_iter=2).fit(X, y)
    messages = [str(warning.message) for warning in record]
    assert any(message.startswith("With alpha=0, this algorithm does not converge")
               for message in messages)
    assert any("zero l1 penalization" in message for message in messages)


@pytest.mark.parametrize("name, params, message", [
    ("Lasso", {"alpha": -1}, "The 'alpha' parameter of Lasso must be a float in the range "
                             "[0.0, inf). Got -1 instead."),
    ("ElasticNet", {"l1_ratio": 2}, "The 'l1_ratio' parameter of ElasticNet must be a float "
                                    "in the range [0.0, 1.0]. Got 2 instead."),
    ("Lasso", {"selection": "foo"}, "The 'selection' parameter of Lasso must be a str among"),
    ("ElasticNet", {"max_iter": 0}, "The 'max_iter' parameter of ElasticNet must be an int "
                                    "in the range [1, inf) or None. Got 0 instead."),
])
def test_parameter_errors_match_sklearn(name, params, message):
    X, y, _, _ = make_data()
    ours_class = {"Lasso": Lasso, "ElasticNet": ElasticNet}[name]
    for estimator in (ours_class(**params), getattr(sk, name)(**params)):
        with pytest.raises(ValueError) as error:
            estimator.fit(X, y)
        assert str(error.value).startswith(message)


@pytest.mark.parametrize("estimator", [Lasso(), ElasticNet()],
                         ids=lambda estimator: type(estimator).__name__)
def test_nan_and_not_fitted_errors(estimator):
    X, y, _, _ = make_data()
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        estimator.predict(X)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        estimator.fit(X, y)


@pytest.mark.parametrize("shape", [(50, 8), (15, 30)], ids=["tall", "wide"])
@pytest.mark.parametrize("l1_ratio", [0.3, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_input_matches_sklearn(shape, l1_ratio, fit_intercept, positive, weighted):
    # Coordinate descent on the CSC columns, centred implicitly: the same epochs, gap and
    # coefficients as scikit-learn's sparse solver, and as the dense fit.
    rng = np.random.default_rng(4)
    dense = rng.normal(size=shape) * (rng.uniform(size=shape) < 0.3)
    dense[:, 0] += 2.0
    y = dense @ rng.normal(size=shape[1]) + 1.0 + rng.normal(size=shape[0])
    Y = np.column_stack([y, rng.normal(size=shape[0])])
    weights = rng.uniform(0.1, 3.0, size=shape[0]) if weighted else None
    settings = dict(alpha=0.05, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                    positive=positive)
    for target in (y, Y):
        X = sp.csr_matrix(dense)
        ours, theirs = fit_both(ElasticNet(**settings), sk.ElasticNet(**settings), X, target,
                                weights)
        assert ours.n_iter_ == theirs.n_iter_
        np.testing.assert_allclose(ours.dual_gap_, theirs.dual_gap_, rtol=1e-6, atol=1e-12)
        dense_fit = ElasticNet(**settings).fit(dense, target, sample_weight=weights)
        np.testing.assert_allclose(ours.coef_, dense_fit.coef_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-6, atol=1e-8)
