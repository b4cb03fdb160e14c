"""Cross-validation functions against scikit-learn's, with scikit-learn estimators (and a
konspekt one) as the models: same scores, predictions and curves."""

import warnings

import numpy as np
import pytest
import sklearn.model_selection as sk
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import Ridge
from sklearn.svm import LinearSVC

import konspekt.model_selection as kp
from konspekt.base import (BaseEstimator, FitFailedWarning, RegressorMixin, check_is_fitted,
                           validate_data)

rng = np.random.RandomState(5)
X = rng.randn(90, 4)
Y_CLASS = np.digitize(X[:, 0] + 0.5 * rng.randn(90), [-0.4, 0.4])
Y_VALUE = X @ [1.0, -2.0, 0.5, 0.0] + 0.3 * rng.randn(90)
WEIGHTS = rng.rand(90) + 0.5
CLASSIFIER = LinearDiscriminantAnalysis(solver="lsqr")
REGRESSOR = Ridge(alpha=0.3)


def assert_same_results(ours, theirs):
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        if "time" in key:
            assert ours[key].shape == theirs[key].shape
        elif key == "indices":
            for part in ("train", "test"):
                for mine, reference in zip(ours[key][part], theirs[key][part]):
                    np.testing.assert_array_equal(mine, reference)
        elif key == "estimator":
            for mine, reference in zip(ours[key], theirs[key]):
                np.testing.assert_allclose(mine.coef_, reference.coef_, rtol=1e-12)
        else:
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("scoring", [None, "accuracy", "f1_macro", "neg_log_loss",
                                     "roc_auc_ovr", ["accuracy", "balanced_accuracy"],
                                     {"acc": "accuracy", "auc": "roc_auc_ovo"}])
@pytest.mark.parametrize("cv", [None, "shuffled"])
def test_cross_validate_classifier(scoring, cv):
    def splitter(module):
        return module.StratifiedKFold(4, shuffle=True, random_state=0) if cv == "shuffled" \
            else cv

    kwargs = dict(scoring=scoring, return_train_score=True, return_estimator=True,
                  return_indices=True)
    assert_same_results(kp.cross_validate(CLASSIFIER, X, Y_CLASS, cv=splitter(kp), **kwargs),
                        sk.cross_validate(CLASSIFIER, X, Y_CLASS, cv=splitter(sk), **kwargs))


@pytest.mark.parametrize("scoring", [None, "r2", "neg_mean_squared_error",
                                     "neg_root_mean_squared_error", "neg_mean_absolute_error",
                                     "explained_variance"])
def test_cross_val_score_regressor_with_weights(scoring):
    for params in (None, {"sample_weight": WEIGHTS}):
        np.testing.assert_allclose(
            kp.cross_val_score(REGRESSOR, X, Y_VALUE, scoring=scoring, cv=5, params=params),
            sk.cross_val_score(REGRESSOR, X, Y_VALUE, scoring=scoring, cv=5, params=params),
            rtol=1e-12)


def test_binary_scorers_and_groups_free_iterable_cv():
    y = (Y_CLASS > 0).astype(int)
    pairs = [(np.arange(0, 60), np.arange(60, 90)), (np.arange(30, 90), np.arange(0, 30))]
    for scoring in ("roc_auc", "average_precision", "f1", "precision", "recall"):
        for estimator in (CLASSIFIER, LinearSVC()):
            np.testing.assert_allclose(
                kp.cross_val_score(estimator, X, y, scoring=scoring, cv=pairs),
                sk.cross_val_score(estimator, X, y, scoring=scoring, cv=pairs), rtol=1e-12)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba",
                                    "decision_function"])
def test_cross_val_predict(method):
    for cv in (None, 4):
        np.testing.assert_allclose(
            kp.cross_val_predict(CLASSIFIER, X, Y_CLASS, cv=cv, method=method),
            sk.cross_val_predict(CLASSIFIER, X, Y_CLASS, cv=cv, method=method), rtol=1e-12)
    names = np.array(["low", "mid", "high"])[Y_CLASS]
    ours = kp.cross_val_predict(CLASSIFIER, X, names, method=method)
    theirs = sk.cross_val_predict(CLASSIFIER, X, names, method=method)
    if method == "predict":
        np.testing.assert_array_equal(ours, theirs)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_cross_val_predict_missing_class_in_a_fold():
    y = np.r_[np.zeros(40, int), np.ones(40, int), np.full(10, 2)]
    cv = kp.KFold(3)
    with pytest.warns(RuntimeWarning, match="Number of classes in training fold"):
        ours = kp.cross_val_predict(CLASSIFIER, X, y, cv=cv, method="predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        theirs = sk.cross_val_predict(CLASSIFIER, X, y, cv=sk.KFold(3), method="predict_proba")
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    overlapping = [(np.arange(45), np.arange(40, 90)), (np.arange(45, 90), np.arange(45))]
    with pytest.raises(ValueError, match="cross_val_predict only works for partitions"):
        kp.cross_val_predict(CLASSIFIER, X, y, cv=overlapping)


@pytest.mark.parametrize("shuffle", [False, True])
def test_learning_curve(shuffle):
    for sizes in (np.linspace(0.4, 1.0, 3), [30, 60]):
        ours = kp.learning_curve(CLASSIFIER, X, Y_CLASS, train_sizes=sizes, cv=3,
                                 shuffle=shuffle, random_state=2, return_times=True)
        theirs = sk.learning_curve(CLASSIFIER, X, Y_CLASS, train_sizes=sizes, cv=3,
                                   shuffle=shuffle, random_state=2, return_times=True)
        np.testing.assert_array_equal(ours[0], theirs[0])
        for mine, reference in zip(ours[1:3], theirs[1:3]):
            np.testing.assert_allclose(mine, reference, rtol=1e-12)
        assert ours[3].shape == theirs[3].shape == ours[4].shape


def test_learning_curve_size_errors():
    for sizes in ([0.0, 0.5], [0, 10], [10, 100]):
        with pytest.raises(ValueError) as expected:
            sk.learning_curve(REGRESSOR, X, Y_VALUE, train_sizes=sizes)
        with pytest.raises(ValueError) as raised:
            kp.learning_curve(REGRESSOR, X, Y_VALUE, train_sizes=sizes)
        assert str(raised.value) == str(expected.value)


def test_validation_curve():
    for estimator, y, name, values, scoring in (
            (CLASSIFIER, Y_CLASS, "shrinkage", [None, 0.1, 0.5, 0.9], None),
            (REGRESSOR, Y_VALUE, "alpha", [0.1, 10.0, 100.0], "neg_mean_squared_error")):
        ours = kp.validation_curve(estimator, X, y, param_name=name, param_range=values,
                                   scoring=scoring, cv=4)
        theirs = sk.validation_curve(estimator, X, y, param_name=name, param_range=values,
                                     scoring=scoring, cv=4)
        for mine, reference in zip(ours, theirs):
            assert mine.shape == (len(values), 4)
            np.testing.assert_allclose(mine, reference, rtol=1e-12)


class MeanOrFail(RegressorMixin, BaseEstimator):
    """Predicts the training mean of y; its fit fails when X[0, 0] equals ``fail_on``."""

    def __init__(self, fail_on=None):
        self.fail_on = fail_on

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        if X[0, 0] == self.fail_on:
            raise ValueError("this fold was made to fail")
        self.mean_ = y.mean()
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.full(X.shape[0], self.mean_)


def test_konspekt_estimator_and_parallel_workers_give_the_same_scores():
    model = MeanOrFail()
    sequential = kp.cross_val_score(model, X, Y_VALUE, cv=5, scoring="neg_mean_squared_error")
    np.testing.assert_allclose(sequential, sk.cross_val_score(
        model, X, Y_VALUE, cv=5, scoring="neg_mean_squared_error"), rtol=1e-12)
    np.testing.assert_allclose(kp.cross_val_score(model, X, Y_VALUE, cv=5, n_jobs=2,
                                                  scoring="neg_mean_squared_error"),
                               sequential)


def test_failing_fits_follow_error_score():
    # Folds 2 to 5 train on row 0, so with fail_on=X[0, 0] they fail and fold 1 does not.
    model = MeanOrFail(fail_on=X[0, 0])
    with pytest.warns(FitFailedWarning, match="4 fits failed out of a total of 5"):
        ours = kp.cross_validate(model, X, Y_VALUE, cv=5, error_score=-7.0,
                                 return_train_score=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sk.cross_validate(model, X, Y_VALUE, cv=5, error_score=-7.0,
                                   return_train_score=True)
    np.testing.assert_allclose(ours["test_score"], theirs["test_score"], rtol=1e-12)
    np.testing.assert_allclose(ours["train_score"], theirs["train_score"], rtol=1e-12)
    assert np.sum(ours["test_score"] == -7.0) == 4
    with pytest.raises(ValueError, match="this fold was made to fail"):
        kp.cross_val_score(model, X, Y_VALUE, cv=5, error_score="raise")
    everything_fails = [(np.arange(0, 45), np.arange(45, 90)),
                        (np.arange(0, 90, 2), np.arange(1, 90, 2))]
    with pytest.raises(ValueError, match="All the 2 fits failed"):
        kp.cross_val_score(model, X, Y_VALUE, cv=everything_fails)
