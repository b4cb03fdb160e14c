"""Scorers against scikit-learn's, on fitted scikit-learn estimators."""

import numpy as np
import pytest
import sklearn.metrics as sk
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.svm import LinearSVC

import konspekt.metrics as kp

rng = np.random.RandomState(3)
X = rng.randn(80, 4)
Y_BINARY = np.where(X[:, 0] + 0.5 * rng.randn(80) > 0, "spam", "ham")
Y_MULTI = np.digitize(X[:, 1] + 0.3 * rng.randn(80), [-0.5, 0.5])
Y_VALUE = np.exp(0.3 * X @ [1.0, -1.0, 0.5, 0.2]) + 0.1
CLASSIFIERS = {"binary": LogisticRegression().fit(X, Y_BINARY),
               "multiclass": LogisticRegression().fit(X, Y_MULTI)}
DECISION_ONLY = LinearSVC().fit(X, Y_BINARY)
REGRESSOR = LinearRegression().fit(X, Y_VALUE)
NAMES = {"binary": ["accuracy", "balanced_accuracy", "roc_auc", "neg_log_loss",
                    "f1_macro", "precision_weighted", "recall_micro"],
         "multiclass": ["accuracy", "roc_auc_ovr", "roc_auc_ovo", "roc_auc_ovr_weighted",
                        "roc_auc_ovo_weighted", "neg_log_loss", "f1_macro",
                        "precision_weighted", "recall_micro", "f1", "average_precision"]}


@pytest.mark.parametrize("kind", NAMES)
def test_classification_scorers(kind):
    estimator = CLASSIFIERS[kind]
    y = Y_BINARY if kind == "binary" else Y_MULTI
    for name in NAMES[kind]:
        try:
            expected = sk.get_scorer(name)(estimator, X, y)
        except ValueError as error:
            with pytest.raises(ValueError, match=str(error)[:30]):
                kp.get_scorer(name)(estimator, X, y)
            continue
        assert kp.get_scorer(name)(estimator, X, y) == pytest.approx(expected, rel=1e-12)


def test_positive_label_of_binary_scorers():
    y01 = (Y_BINARY == "spam").astype(int)
    estimator = LogisticRegression().fit(X, y01)
    for scorer_name in ("roc_auc", "average_precision", "f1", "precision", "recall"):
        assert kp.get_scorer(scorer_name)(estimator, X, y01) == pytest.approx(
            sk.get_scorer(scorer_name)(estimator, X, y01), rel=1e-12)
    for estimator in (DECISION_ONLY, CLASSIFIERS["binary"]):
        for pos_label in ("ham", "spam"):
            ours = kp.make_scorer(kp.average_precision_score, pos_label=pos_label,
                                  response_method=("decision_function", "predict_proba"))
            theirs = sk.make_scorer(sk.average_precision_score, pos_label=pos_label,
                                    response_method=("decision_function", "predict_proba"))
            assert ours(estimator, X, Y_BINARY) == pytest.approx(
                theirs(estimator, X, Y_BINARY), rel=1e-12)


@pytest.mark.parametrize("name", ["r2", "explained_variance", "neg_mean_squared_error",
                                  "neg_root_mean_squared_error", "neg_mean_absolute_error",
                                  "neg_mean_poisson_deviance", "neg_mean_gamma_deviance"])
def test_regression_scorers(name):
    weights = rng.rand(80)
    assert np.all(REGRESSOR.predict(X) > 0)  # the deviances need positive predictions
    assert kp.get_scorer(name)(REGRESSOR, X, Y_VALUE, sample_weight=weights) == pytest.approx(
        sk.get_scorer(name)(REGRESSOR, X, Y_VALUE, sample_weight=weights), rel=1e-12)


def test_names_and_errors():
    assert set(kp.get_scorer_names()) <= set(sk.get_scorer_names())
    with pytest.raises(ValueError, match="'bogus' is not a valid scoring value"):
        kp.get_scorer("bogus")
    assert kp.check_scoring(REGRESSOR)(REGRESSOR, X, Y_VALUE) == REGRESSOR.score(X, Y_VALUE)
    assert set(kp.check_scoring(REGRESSOR, ["r2", "neg_mean_squared_error"])) == {
        "r2", "neg_mean_squared_error"}
    with pytest.raises(ValueError, match="must not contain duplicates"):
        kp.check_scoring(REGRESSOR, ["r2", "r2"])
    with pytest.raises(TypeError, match="should have a 'score' method"):
        kp.check_scoring(object())
    assert repr(kp.make_scorer(kp.fbeta_score, beta=2)) == "make_scorer(fbeta_score, beta=2)"
