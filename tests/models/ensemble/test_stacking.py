"""Stacking against scikit-learn's StackingClassifier / StackingRegressor with the same
konspekt members and final estimator inside both, and the meta-features against
cross_val_predict computed directly."""

import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.model_selection import KFold, StratifiedKFold, cross_val_predict
from konspekt.models.ensemble.stacking import StackingClassifier, StackingRegressor
from konspekt.models.linear import Lasso, LinearRegression, LogisticRegression, Ridge
from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor


def classifiers():
    return [("lr", LogisticRegression(C=0.1)), ("drop", "drop"),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("params", [dict(), dict(passthrough=True, cv=3),
                                    dict(stack_method="predict")], ids=str)
def test_classifier_equals_sklearn(n_classes, params):
    X, y = make_classification(150, 5, n_informative=3, n_redundant=0, n_classes=n_classes,
                               random_state=0)
    final = LogisticRegression(C=10.0, tol=1e-10, max_iter=1000)
    ours = StackingClassifier(classifiers(), final, **params).fit(X, y)
    reference = sk_ensemble.StackingClassifier(classifiers(), final, **params).fit(X, y)
    np.testing.assert_allclose(ours.transform(X), reference.transform(X))
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    assert ours.stack_method_ == reference.stack_method_
    np.testing.assert_array_equal(ours.get_feature_names_out(),
                                  reference.get_feature_names_out())


def test_meta_features_are_out_of_fold_predictions():
    X, y = make_classification(120, 5, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=1)
    model = StackingClassifier(classifiers(), cv=4).fit(X, y)
    expected = np.hstack([
        cross_val_predict(LogisticRegression(C=0.1), X, y, cv=StratifiedKFold(4),
                          method="predict_proba"),
        cross_val_predict(DecisionTreeClassifier(max_depth=3, random_state=0), X, y,
                          cv=StratifiedKFold(4), method="predict_proba")])
    refit = LogisticRegression().fit(expected, y)
    np.testing.assert_allclose(model.final_estimator_.coef_, refit.coef_)
    np.testing.assert_allclose(model.transform(X), np.hstack(
        [member.predict_proba(X) for member in model.estimators_]))


@pytest.mark.parametrize("passthrough", [False, True])
def test_regressor_equals_sklearn(passthrough):
    X, y = make_regression(100, 5, noise=5.0, random_state=0)
    members = [("ols", LinearRegression()), ("lasso", Lasso(alpha=3.0)),
               ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))]
    ours = StackingRegressor(members, Ridge(), cv=KFold(5), passthrough=passthrough)
    reference = sk_ensemble.StackingRegressor(members, Ridge(), cv=KFold(5),
                                              passthrough=passthrough)
    ours.fit(X, y)
    reference.fit(X, y)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-9)
    np.testing.assert_array_equal(ours.get_feature_names_out(),
                                  reference.get_feature_names_out())


def test_prefit_and_errors():
    X, y = make_classification(100, 4, random_state=2)
    fitted = LogisticRegression().fit(X, y)
    model = StackingClassifier([("lr", fitted)], cv="prefit").fit(X, y)
    assert model.estimators_[0] is fitted
    np.testing.assert_allclose(model.transform(X), fitted.predict_proba(X)[:, 1:])
    with pytest.raises(ValueError, match="'final_estimator' parameter should be a classifier"):
        StackingClassifier([("lr", LogisticRegression())], Ridge()).fit(X, y)
    with pytest.raises(ValueError, match="does not implement the method"):
        StackingClassifier([("lr", LogisticRegression())],
                           stack_method="predict_log_probas").fit(X, y)
    with pytest.raises(ValueError, match="should be a regressor"):
        StackingRegressor([("lr", LogisticRegression())]).fit(X, y)


def tree_members(cls):
    return [("est1", cls(max_depth=3, random_state=0)), ("est2", cls(max_depth=3,
                                                                      random_state=1))]


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([
        StackingClassifier(tree_members(DecisionTreeClassifier), cv=3),
        StackingRegressor(tree_members(DecisionTreeRegressor), cv=3)])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)
