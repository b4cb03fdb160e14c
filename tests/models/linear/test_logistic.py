"""LogisticRegression against scikit-learn's: the same optimum (coefficients to 1e-5) for
every penalty, solver, class weighting and sample weighting, and the same errors."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk_linear
from sklearn.datasets import make_classification
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.base import ConvergenceWarning
from konspekt.models.linear.logistic import LogisticRegression


def data(n_classes, seed=0):
    X, y = make_classification(150, 5, n_informative=4, n_redundant=0, n_classes=n_classes,
                               random_state=seed)
    return X, y


def fit_both(X, y, sample_weight=None, **params):
    # Tight tolerances in both libraries, so that the optimum itself is compared.
    theirs = sk_linear.LogisticRegression(tol=1e-12, max_iter=100_000, **params)
    ours = LogisticRegression(tol=1e-10, max_iter=10_000, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs.fit(X, y, sample_weight=sample_weight)
        ours.fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def assert_same(ours, theirs, X):
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X),
                               atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                               atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky"])
@pytest.mark.parametrize("C", [0.01, 1.0, 100.0, np.inf])
def test_l2_and_no_penalty_match_sklearn(n_classes, solver, C):
    X, y = data(n_classes)
    assert_same(*fit_both(X, y, C=C, solver=solver), X)


# With K ≥ 4 classes the L1 optimum of the multinomial model is not unique (adding the same
# number to a feature's weights in every class keeps the loss, and Σ_k |w_kj| is flat between
# the two middle weights), so 3 classes are compared.
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_l1_and_elasticnet_match_sklearn_saga(n_classes, l1_ratio):
    X, y = data(n_classes, seed=1)
    ours, theirs = fit_both(X, y, C=0.2, l1_ratio=l1_ratio, solver="saga")
    assert_same(ours, theirs, X)
    assert np.sum(ours.coef_ == 0) == np.sum(np.abs(theirs.coef_) < 1e-8)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_without_intercept(n_classes, solver):
    X, y = data(n_classes, seed=2)
    ours, theirs = fit_both(X, y, fit_intercept=False, solver=solver)
    assert_same(ours, theirs, X)
    np.testing.assert_array_equal(ours.intercept_, 0.0)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("class_weight", ["balanced", "dict"])
def test_class_and_sample_weight(n_classes, class_weight):
    X, y = data(n_classes, seed=3)
    if class_weight == "dict":
        class_weight = {0: 3.0, 1: 0.5}
    sample_weight = np.random.default_rng(0).uniform(0.2, 2.0, len(y))
    for solver in ("lbfgs", "newton-cg"):
        assert_same(*fit_both(X, y, sample_weight, class_weight=class_weight, solver=solver), X)


def test_sample_weight_equals_repetition():
    X, y = data(2, seed=4)
    counts = np.random.default_rng(1).integers(0, 3, len(y))
    weighted = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=counts)
    repeated = LogisticRegression(tol=1e-10).fit(np.repeat(X, counts, axis=0),
                                                  np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)


def test_string_labels_and_attributes():
    X, y = data(3, seed=5)
    labels = np.array(["cat", "dog", "emu"])[y]
    model = LogisticRegression().fit(X, labels)
    assert model.coef_.shape == (3, 5) and model.intercept_.shape == (3,)
    assert model.n_iter_.shape == (1,) and model.n_iter_.dtype == np.int32
    assert set(model.predict(X)) <= set(labels)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    binary = LogisticRegression().fit(X, y == 1)
    assert binary.coef_.shape == (1, 5) and binary.decision_function(X).shape == (150,)


def test_warm_start_continues():
    X, y = data(2, seed=6)
    model = LogisticRegression(warm_start=True, tol=1e-10).fit(X, y)
    model.fit(X, y)
    assert model.n_iter_[0] <= 1


def test_not_converged_warns():
    X, y = data(3)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        LogisticRegression(max_iter=2).fit(X, y)


def test_single_class_error():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="This solver needs samples of at least 2 classes in "
                       "the data, but the data contains only one class: np.int64\\(0\\)"):
        LogisticRegression().fit(X, [0, 0, 0, 0])
    with pytest.raises(ValueError) as theirs:
        sk_linear.LogisticRegression().fit(X, [0, 0, 0, 0])
    with pytest.raises(ValueError) as ours:
        LogisticRegression().fit(X, [0, 0, 0, 0])
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("params", [dict(penalty="l1"), dict(penalty="elasticnet", l1_ratio=0.5),
                                    dict(l1_ratio=1.0), dict(l1_ratio=0.5),
                                    dict(dual=True)])
def test_solver_penalty_errors_as_sklearn(params):
    X, y = data(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(ValueError) as theirs:
            sk_linear.LogisticRegression(solver="lbfgs", **params).fit(X, y)
        with pytest.raises(ValueError) as ours:
            LogisticRegression(solver="lbfgs", **params).fit(X, y)
    assert str(ours.value) == str(theirs.value)


def test_deprecated_penalty_warns():
    X, y = data(2)
    with pytest.warns(FutureWarning, match="'penalty' was deprecated in version 1.8"):
        LogisticRegression(penalty="l2").fit(X, y)


@pytest.mark.parametrize("params, message", [
    (dict(solver="sag"), "'solver' parameter"), (dict(C=-1.0), "'C' parameter"),
    (dict(l1_ratio=2.0), "'l1_ratio' parameter"), (dict(max_iter=-1), "'max_iter' parameter")])
def test_bad_parameters(params, message):
    X, y = data(2)
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**params).fit(X, y)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([LogisticRegression(),
                                      LogisticRegression(solver="newton-cg"),
                                      LogisticRegression(l1_ratio=0.5, solver="saga")])


@checks
@pytest.mark.filterwarnings("ignore::konspekt.base.ConvergenceWarning")
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def sparse_data(n_classes, seed=5):
    X, y = make_classification(120, 8, n_informative=5, n_redundant=0, n_classes=n_classes,
                               random_state=seed)
    X[np.abs(X) < 0.9] = 0.0
    return sp.csr_matrix(X), y


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver, params", [
    ("lbfgs", {}), ("newton-cg", {}), ("newton-cholesky", {}), ("lbfgs", {"C": np.inf}),
    ("lbfgs", {"fit_intercept": False}), ("saga", {"C": 0.2, "l1_ratio": 1.0}),
    ("lbfgs", {"class_weight": "balanced"})], ids=str)
def test_sparse_input_matches_sklearn(n_classes, solver, params):
    # The loss, its gradient and Hessian are computed by products with the CSR matrix.
    X, y = sparse_data(n_classes)
    weights = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    ours, theirs = fit_both(X, y, sample_weight=weights, solver=solver, **params)
    assert_same(ours, theirs, X)
    np.testing.assert_allclose(ours.coef_, fit_both(X.toarray(), y, sample_weight=weights,
                                                    solver=solver, **params)[0].coef_,
                               atol=1e-6)
