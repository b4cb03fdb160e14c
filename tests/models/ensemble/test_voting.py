"""Voting against scikit-learn's VotingClassifier / VotingRegressor with the same konspekt
members inside both, and against the combinations computed by hand."""

import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.models.ensemble.voting import VotingClassifier, VotingRegressor
from konspekt.models.linear import Lasso, LinearRegression, LogisticRegression, Ridge
from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor


def classifiers():
    return [("lr", LogisticRegression(C=0.1)), ("tree", DecisionTreeClassifier(max_depth=3,
                                                                               random_state=0)),
            ("deep", DecisionTreeClassifier(random_state=1))]


def labelled_data():
    X, y = make_classification(150, 5, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=0)
    return X, np.array(["a", "b", "c"])[y]


@pytest.mark.parametrize("voting", ["hard", "soft"])
@pytest.mark.parametrize("weights", [None, [1.0, 2.0, 0.5]])
def test_classifier_equals_sklearn(voting, weights):
    X, y = labelled_data()
    ours = VotingClassifier(classifiers(), voting=voting, weights=weights).fit(X, y)
    reference = sk_ensemble.VotingClassifier(classifiers(), voting=voting,
                                             weights=weights).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    np.testing.assert_allclose(ours.transform(X), reference.transform(X))
    np.testing.assert_array_equal(ours.get_feature_names_out(),
                                  reference.get_feature_names_out())
    if voting == "soft":
        np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X))


def test_combinations_by_hand():
    X, y = labelled_data()
    weights = np.array([1.0, 2.0, 0.5])
    soft = VotingClassifier(classifiers(), voting="soft", weights=weights).fit(X, y)
    probabilities = np.stack([member.predict_proba(X) for member in soft.estimators_])
    average = np.tensordot(weights, probabilities, axes=1) / weights.sum()
    np.testing.assert_allclose(soft.predict_proba(X), average)
    assert soft.transform(X).shape == (len(y), 9)
    hard = VotingClassifier(classifiers(), weights=weights).fit(X, y)
    votes = np.stack([member.predict(X) for member in hard.estimators_], axis=1)
    tally = np.stack([(weights * (votes == k)).sum(axis=1) for k in range(3)], axis=1)
    np.testing.assert_array_equal(hard.predict(X), hard.classes_[np.argmax(tally, axis=1)])


def test_regressor_equals_sklearn_and_hand():
    X, y = make_regression(100, 5, noise=5.0, random_state=0)
    members = [("ols", LinearRegression()), ("lasso", Lasso(alpha=3.0)),
               ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))]
    ours = VotingRegressor(members, weights=[1, 2, 3]).fit(X, y)
    reference = sk_ensemble.VotingRegressor(members, weights=[1, 2, 3]).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X))
    predictions = np.stack([member.predict(X) for member in ours.estimators_], axis=1)
    np.testing.assert_allclose(ours.predict(X), predictions @ [1, 2, 3] / 6)
    np.testing.assert_allclose(ours.transform(X), predictions)


def test_drop_named_estimators_and_params():
    X, y = labelled_data()
    model = VotingClassifier(classifiers(), voting="soft")
    model.set_params(deep="drop", lr__C=2.0).fit(X, y)
    assert len(model.estimators_) == 2 and model.named_estimators_.deep == "drop"
    assert model.named_estimators_.lr.C == 2.0
    assert model.get_params()["lr__C"] == 2.0
    assert list(model.get_feature_names_out()) == [
        "votingclassifier_lr0", "votingclassifier_lr1", "votingclassifier_lr2",
        "votingclassifier_tree0", "votingclassifier_tree1", "votingclassifier_tree2"]


def test_errors():
    X, y = labelled_data()
    with pytest.raises(AttributeError, match="predict_proba is not available"):
        VotingClassifier(classifiers()).predict_proba
    with pytest.raises(ValueError, match="Number of `estimators` and weights must be equal"):
        VotingClassifier(classifiers(), weights=[1, 2]).fit(X, y)
    with pytest.raises(ValueError, match="Names provided are not unique"):
        VotingClassifier([("a", LogisticRegression()), ("a", LogisticRegression())]).fit(X, y)
    with pytest.raises(ValueError, match="should be a classifier"):
        VotingClassifier([("a", Ridge())]).fit(X, y)
    with pytest.raises(ValueError, match="All estimators are dropped"):
        VotingRegressor([("a", "drop")]).fit(X, np.arange(len(y)))


def tree_members(cls):
    return [("est1", cls(max_depth=3, random_state=0)), ("est2", cls(max_depth=3,
                                                                      random_state=1))]


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([
        VotingClassifier(tree_members(DecisionTreeClassifier)),
        VotingClassifier(tree_members(DecisionTreeClassifier), voting="soft"),
        VotingRegressor(tree_members(DecisionTreeRegressor))])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)
