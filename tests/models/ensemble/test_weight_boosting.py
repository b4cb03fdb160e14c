"""AdaBoost: SAMME's errors, weights and sample weights computed by hand on a tiny example,
and the whole ensemble equal to scikit-learn's when the weak models are equal (stumps of the
konspekt tree, the same as scikit-learn's); AdaBoost.R2 likewise."""

import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.data import load_breast_cancer, load_digits, load_iris, load_wine
from konspekt.models.ensemble.weight_boosting import AdaBoostClassifier, AdaBoostRegressor
from konspekt.models.linear import LogisticRegression, Ridge
from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor

# Five points on a line; the best Gini stump (x < 1.5 → 0, else 1) misses only x = 4.
X_TINY = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])
Y_TINY = np.array([0, 0, 1, 1, 0])


def test_samme_first_steps_by_hand():
    model = AdaBoostClassifier(n_estimators=3).fit(X_TINY, Y_TINY)
    # Step 1: uniform weights 1/5, one miss: ε₁ = 1/5, α₁ = log((1 − ε)/ε) + log(K − 1) = log 4.
    np.testing.assert_array_equal(model.estimators_[0].predict(X_TINY), [0, 0, 1, 1, 1])
    assert model.estimator_errors_[0] == pytest.approx(0.2)
    assert model.estimator_weights_[0] == pytest.approx(np.log(4.0))
    # The miss is weighted up by e^α₁ = 4: w = (1, 1, 1, 1, 4)/8. The best stump for these
    # weights splits at 3.5 and predicts 0 on both sides (ties go to the first class), missing
    # x = 2 and x = 3: ε₂ = 2/8, α₂ = log 3.
    np.testing.assert_array_equal(model.estimators_[1].predict(X_TINY), [0, 0, 0, 0, 0])
    assert model.estimator_errors_[1] == pytest.approx(0.25)
    assert model.estimator_weights_[1] == pytest.approx(np.log(3.0))
    # w = (1, 1, 3, 3, 4)/12: ε₃ is the weight of what stump 3 misses.
    weights = np.array([1, 1, 3, 3, 4]) / 12
    missed = model.estimators_[2].predict(X_TINY) != Y_TINY
    assert model.estimator_errors_[2] == pytest.approx(weights[missed].sum())
    error = weights[missed].sum()
    assert model.estimator_weights_[2] == pytest.approx(np.log((1 - error) / error))


def test_samme_learning_rate_and_decision_by_hand():
    model = AdaBoostClassifier(n_estimators=2, learning_rate=0.5).fit(X_TINY, Y_TINY)
    # α₁ = ½ log 4 = log 2, so the miss is weighted up by 2: w = (1, 1, 1, 1, 2)/6.
    assert model.estimator_weights_[0] == pytest.approx(np.log(2.0))
    votes = np.stack([np.where(member.predict(X_TINY) == 1, alpha, -alpha)
                      for member, alpha in zip(model.estimators_, model.estimator_weights_)])
    # Two classes: the class scores are ±Σ_t α_t c_t(x) / Σ_t α_t, with c_t = ±1 (1 for the
    # second class); the decision is the second score minus the first, and p = σ(decision).
    decision = 2 * votes.sum(axis=0) / model.estimator_weights_.sum()
    np.testing.assert_allclose(model.decision_function(X_TINY), decision)
    probability = 1 / (1 + np.exp(-decision))
    np.testing.assert_allclose(model.predict_proba(X_TINY)[:, 1], probability)


def test_samme_multiclass_formulas():
    X, y = load_iris(return_X_y=True)
    model = AdaBoostClassifier(n_estimators=6, learning_rate=0.8, random_state=0).fit(X, y)
    errors, alphas = model.estimator_errors_, model.estimator_weights_
    np.testing.assert_allclose(alphas, 0.8 * (np.log((1 - errors) / errors) + np.log(2)))
    # Replay the weights: each ε_t is the weighted share of the samples b_t misses.
    weights = np.full(len(y), 1 / len(y))
    for member, error, alpha in zip(model.estimators_, errors, alphas):
        missed = member.predict(X) != y
        assert error == pytest.approx(weights[missed].sum() / weights.sum())
        weights = weights * np.exp(alpha * missed)
        weights /= weights.sum()
    scores = sum(np.where(member.predict(X)[:, None] == model.classes_, alpha, -alpha / 2)
                 for member, alpha in zip(model.estimators_, alphas)) / alphas.sum()
    np.testing.assert_allclose(model.decision_function(X), scores)
    softmax = np.exp(scores / 2) / np.exp(scores / 2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X), softmax)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("params", [dict(), dict(learning_rate=0.3, n_estimators=20),
                                    dict(estimator=DecisionTreeClassifier(max_depth=2))],
                         ids=str)
def test_classifier_equals_sklearn_with_stumps(n_classes, params):
    X, y = make_classification(200, 6, n_informative=4, n_redundant=0, n_classes=n_classes,
                               random_state=n_classes)
    weights = np.random.RandomState(0).rand(len(y))
    ours = AdaBoostClassifier(random_state=0, **params).fit(X, y, sample_weight=weights)
    reference = sk_ensemble.AdaBoostClassifier(random_state=0, **params).fit(
        X, y, sample_weight=weights)
    np.testing.assert_allclose(ours.estimator_errors_, reference.estimator_errors_,
                               rtol=1e-10)
    np.testing.assert_allclose(ours.estimator_weights_, reference.estimator_weights_,
                               rtol=1e-10)
    np.testing.assert_allclose(ours.decision_function(X), reference.decision_function(X),
                               atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-10)
    np.testing.assert_allclose(ours.feature_importances_, reference.feature_importances_,
                               atol=1e-10)
    for staged, reference_staged in zip(ours.staged_predict(X), reference.staged_predict(X)):
        np.testing.assert_array_equal(staged, reference_staged)
    for staged, reference_staged in zip(ours.staged_predict_proba(X),
                                        reference.staged_predict_proba(X)):
        np.testing.assert_allclose(staged, reference_staged, atol=1e-10)
    np.testing.assert_allclose(list(ours.staged_score(X, y)), list(reference.staged_score(X, y)))


def test_classifier_equals_sklearn_with_logistic_members():
    X, y = make_classification(150, 5, n_informative=3, n_redundant=0, random_state=1)
    ours = AdaBoostClassifier(LogisticRegression(C=0.01), n_estimators=6).fit(X, y)
    reference = sk_ensemble.AdaBoostClassifier(LogisticRegression(C=0.01), n_estimators=6)
    reference.fit(X, y)
    np.testing.assert_allclose(ours.estimator_weights_, reference.estimator_weights_)
    np.testing.assert_allclose(ours.decision_function(X), reference.decision_function(X))


def test_perfect_member_stops():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    model = AdaBoostClassifier(n_estimators=10).fit(X, y)
    assert len(model.estimators_) == 1
    assert model.estimator_errors_[0] == 0 and model.estimator_weights_[0] == 1
    np.testing.assert_array_equal(model.predict(X), y)


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_regressor_equals_sklearn(loss):
    X, y = make_regression(150, 5, noise=10.0, random_state=0)
    ours = AdaBoostRegressor(n_estimators=15, loss=loss, random_state=0).fit(X, y)
    reference = sk_ensemble.AdaBoostRegressor(n_estimators=15, loss=loss, random_state=0)
    reference.fit(X, y)
    np.testing.assert_allclose(ours.estimator_weights_, reference.estimator_weights_,
                               rtol=1e-10)
    np.testing.assert_allclose(ours.estimator_errors_, reference.estimator_errors_,
                               rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-10)
    for staged, reference_staged in zip(ours.staged_predict(X), reference.staged_predict(X)):
        np.testing.assert_allclose(staged, reference_staged, rtol=1e-10)


def test_regressor_weighted_median_by_hand():
    X, y = make_regression(60, 3, noise=5.0, random_state=2)
    model = AdaBoostRegressor(Ridge(alpha=50.0), n_estimators=5, random_state=1).fit(X, y)
    predictions = np.stack([member.predict(X) for member in model.estimators_], axis=1)
    alphas = model.estimator_weights_[:len(model.estimators_)]
    medians = []
    for row in predictions:
        order = np.argsort(row)
        cumulative = np.cumsum(alphas[order])
        medians.append(row[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])
    np.testing.assert_allclose(model.predict(X), medians)


def test_errors():
    with pytest.raises(ValueError, match="'learning_rate' parameter of AdaBoostClassifier"):
        AdaBoostClassifier(learning_rate=0).fit(X_TINY, Y_TINY)
    with pytest.raises(ValueError, match="'loss' parameter of AdaBoostRegressor"):
        AdaBoostRegressor(loss="cubic").fit(X_TINY, Y_TINY)
    with pytest.raises(ValueError, match="Estimator not fitted"):
        AdaBoostClassifier().feature_importances_

    class NoWeights(LogisticRegression):
        def fit(self, X, y):
            return super().fit(X, y)

    with pytest.raises(ValueError, match="NoWeights doesn't support sample_weight"):
        AdaBoostClassifier(NoWeights()).fit(X_TINY, Y_TINY)


DATASETS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer,
            "digits": load_digits}


@pytest.mark.parametrize("name", DATASETS)
def test_accuracy_on_bundled_datasets(name):
    X_train, y_train = DATASETS[name](return_X_y=True, split="train")
    X_test, y_test = DATASETS[name](return_X_y=True, split="test")
    params = dict(estimator=DecisionTreeClassifier(max_depth=3), n_estimators=20,
                  random_state=0)
    ours = AdaBoostClassifier(**params).fit(X_train, y_train).score(X_test, y_test)
    params["estimator"] = DecisionTreeClassifier(max_depth=3)
    reference = sk_ensemble.AdaBoostClassifier(**params).fit(X_train, y_train).score(
        X_test, y_test)
    assert abs(ours - reference) <= 0.015


def test_r2_on_bundled_dataset():
    X_train, _ = load_wine(return_X_y=True, split="train")
    X_test, _ = load_wine(return_X_y=True, split="test")
    params = dict(estimator=DecisionTreeRegressor(max_depth=3), n_estimators=20,
                  random_state=0)
    ours = AdaBoostRegressor(**params).fit(X_train[:, 1:], X_train[:, 0])
    reference = sk_ensemble.AdaBoostRegressor(**params).fit(X_train[:, 1:], X_train[:, 0])
    assert abs(ours.score(X_test[:, 1:], X_test[:, 0])
               - reference.score(X_test[:, 1:], X_test[:, 0])) <= 0.015


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks(
        [AdaBoostClassifier(n_estimators=5), AdaBoostRegressor(n_estimators=5)])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)
