"""Bagging against scikit-learn's: the same random_state draws the same rows and columns for
each member (konspekt estimators inside both), so the ensembles coincide; the out-of-bag
estimate equals its direct computation."""

import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.base import ConvergenceWarning
from konspekt.data import load_breast_cancer, load_digits, load_iris, load_wine
from konspekt.models.ensemble.bagging import (BaggingClassifier, BaggingRegressor,
                                              sample_without_replacement)
from konspekt.models.linear import LogisticRegression, Perceptron, Ridge
from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor


def classification(n_classes=3, seed=0):
    return make_classification(150, 6, n_informative=4, n_redundant=0, n_classes=n_classes,
                               random_state=seed)


def fit_both(cls, estimator, X, y, sample_weight=None, **params):
    reference_cls = getattr(sk_ensemble, cls.__name__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Some inputs do not have OOB scores")
        warnings.filterwarnings("ignore", message="When fitting .* with sample_weight")
        warnings.filterwarnings("ignore", message="invalid value encountered")
        ours = cls(estimator, random_state=4, **params).fit(X, y, sample_weight=sample_weight)
        reference = reference_cls(estimator, random_state=4, **params).fit(
            X, y, sample_weight=sample_weight)
    for drawn, reference_drawn in zip(ours.estimators_samples_, reference.estimators_samples_):
        np.testing.assert_array_equal(drawn, reference_drawn)
    for columns, reference_columns in zip(ours.estimators_features_,
                                          reference.estimators_features_):
        np.testing.assert_array_equal(columns, reference_columns)
    return ours, reference


DRAWS = [dict(), dict(max_samples=0.5, max_features=0.5),
         dict(bootstrap=False, max_samples=0.7, bootstrap_features=True),
         dict(max_samples=40, max_features=4), dict(bootstrap=False, max_features=5),
         dict(oob_score=True, n_estimators=12)]


@pytest.mark.parametrize("params", DRAWS, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
def test_classifier_equals_sklearn(params, weighted):
    X, y = classification()
    weights = np.random.RandomState(1).rand(len(y)) if weighted else None
    ours, reference = fit_both(BaggingClassifier, LogisticRegression(C=0.5), X, y, weights,
                               **{"n_estimators": 5, **params})
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ours.predict_log_proba(X), reference.predict_log_proba(X),
                               atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), reference.decision_function(X),
                               atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    if params.get("oob_score"):
        assert ours.oob_score_ == pytest.approx(reference.oob_score_)
        np.testing.assert_allclose(ours.oob_decision_function_,
                                   reference.oob_decision_function_, atol=1e-6)


@pytest.mark.parametrize("params", DRAWS, ids=str)
def test_regressor_equals_sklearn(params):
    X, y = make_regression(120, 6, noise=3.0, random_state=0)
    ours, reference = fit_both(BaggingRegressor, Ridge(alpha=2.0), X, y,
                               **{"n_estimators": 5, **params})
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-9)
    if params.get("oob_score"):
        assert ours.oob_score_ == pytest.approx(reference.oob_score_)
        np.testing.assert_allclose(ours.oob_prediction_, reference.oob_prediction_, rtol=1e-9)


def test_default_trees_equal_sklearn():
    X, y = classification(seed=2)
    ours, reference = fit_both(BaggingClassifier, None, X, y, n_estimators=6,
                               max_features=0.7)
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-12)
    assert isinstance(ours.estimators_[0], DecisionTreeClassifier)
    X, y = make_regression(100, 5, random_state=1)
    ours, reference = fit_both(BaggingRegressor, None, X, y, n_estimators=6)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-12)
    assert isinstance(ours.estimators_[0], DecisionTreeRegressor)


def test_member_without_predict_proba_votes():
    X, y = classification(seed=3)
    ours, reference = fit_both(BaggingClassifier, Perceptron(), X, y, n_estimators=5,
                               oob_score=True)
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X))
    votes = np.stack([member.predict(X[:, columns]) for member, columns
                      in zip(ours.estimators_, ours.estimators_features_)])
    by_hand = np.stack([(votes == k).mean(axis=0) for k in range(3)], axis=1)
    np.testing.assert_allclose(ours.predict_proba(X), by_hand)


def test_oob_equals_direct_computation():
    X, y = classification(seed=4)
    model = BaggingClassifier(LogisticRegression(), n_estimators=15, oob_score=True,
                              random_state=0).fit(X, y)
    totals = np.zeros((len(y), 3))
    for member, drawn, columns in zip(model.estimators_, model.estimators_samples_,
                                      model.estimators_features_):
        missed = np.setdiff1d(np.arange(len(y)), drawn)
        totals[missed] += member.predict_proba(X[missed][:, columns])
    by_hand = totals / totals.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.oob_decision_function_, by_hand)
    assert model.oob_score_ == pytest.approx(np.mean(np.argmax(by_hand, axis=1) == y))


@pytest.mark.parametrize("n_population, n_samples", [(1000, 5), (50, 20), (200, 199),
                                                     (10, 10), (400, 300)])
def test_sample_without_replacement_draws_as_sklearn(n_population, n_samples):
    from sklearn.utils.random import sample_without_replacement as reference
    ours = sample_without_replacement(n_population, n_samples, np.random.RandomState(7))
    np.testing.assert_array_equal(ours, reference(n_population, n_samples, random_state=7))


def test_warm_start_equals_one_fit():
    X, y = classification(seed=5)
    grown = BaggingClassifier(n_estimators=3, warm_start=True, random_state=1).fit(X, y)
    grown.set_params(n_estimators=7).fit(X, y)
    at_once = BaggingClassifier(n_estimators=7, random_state=1).fit(X, y)
    np.testing.assert_allclose(grown.predict_proba(X), at_once.predict_proba(X))
    for drawn, at_once_drawn in zip(grown.estimators_samples_, at_once.estimators_samples_):
        np.testing.assert_array_equal(drawn, at_once_drawn)


def test_n_jobs_gives_the_same_ensemble():
    X, y = classification(seed=6)
    one = BaggingClassifier(n_estimators=5, random_state=0).fit(X, y)
    two = BaggingClassifier(n_estimators=5, random_state=0, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))


def test_errors():
    X, y = classification()
    with pytest.raises(ValueError, match="Out of bag estimation only available"):
        BaggingClassifier(bootstrap=False, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="Out of bag estimate only available if warm_start"):
        BaggingClassifier(warm_start=True, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="max_features must be <= n_features"):
        BaggingClassifier(max_features=10).fit(X, y)
    with pytest.raises(ValueError, match="must be <= n_samples"):
        BaggingClassifier(bootstrap=False, max_samples=1000).fit(X, y)
    with pytest.raises(ValueError, match="'max_samples' parameter of BaggingRegressor"):
        BaggingRegressor(max_samples=1.5).fit(X, y)
    with pytest.raises(AttributeError, match="decision_function"):
        BaggingClassifier().decision_function


DATASETS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer,
            "digits": load_digits}


@pytest.mark.parametrize("name", DATASETS)
def test_accuracy_on_bundled_datasets(name):
    X_train, y_train = DATASETS[name](return_X_y=True, split="train")
    X_test, y_test = DATASETS[name](return_X_y=True, split="test")
    params = dict(n_estimators=10, max_features=0.8, random_state=0)
    ours = BaggingClassifier(**params).fit(X_train, y_train).score(X_test, y_test)
    reference = sk_ensemble.BaggingClassifier(**params).fit(X_train, y_train).score(
        X_test, y_test)
    assert abs(ours - reference) <= 0.015


SAMPLE_WEIGHT_REASON = ("sample_weight gives the probabilities of the bootstrap draw, which is "
                        "not equivalent to removing/repeating samples (scikit-learn xfails it "
                        "for its bagging too)")

# The mean of the members' decision functions need not rank samples as the mean of their
# probabilities does (σ is not linear); with logistic members the two orders differ on the
# check's data for some seeds, scikit-learn's own BaggingClassifier(LogisticRegression(),
# random_state=0) included. The seed is fixed so the outcome is the same on every run.
DECISION_PROBA_REASON = ("averaged decision functions need not rank like averaged probabilities "
                         "(scikit-learn's bagging of logistic regressions fails it too)")

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks(
        [BaggingClassifier(n_estimators=5), BaggingRegressor(n_estimators=5),
         BaggingClassifier(LogisticRegression(), n_estimators=3, random_state=0)],
        expected_failed_checks=lambda estimator: {
            "check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_REASON,
            "check_sample_weight_equivalence_on_sparse_data": SAMPLE_WEIGHT_REASON,
            **({"check_decision_proba_consistency": DECISION_PROBA_REASON}
               if hasattr(estimator, "decision_function") else {})})


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)
