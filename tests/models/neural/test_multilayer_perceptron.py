"""MLPClassifier and MLPRegressor against scikit-learn's, on the same data, seeds and settings."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn import neural_network as reference
from sklearn.datasets import load_digits, make_friedman1, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.models.neural import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    rng = np.random.RandomState(0)
    order = rng.permutation(len(y))
    train, test = order[:1300], order[1300:]
    return X[train], y[train], X[test], y[test]


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
    X = StandardScaler().fit_transform(X)
    return X[:300], y[:300], X[300:], y[300:]


def both(name, **params):
    """The same model from konspekt and from scikit-learn."""
    return getattr(reference, name)(**params), globals()[name](**params)


def assert_same_weights(theirs, ours, rtol=1e-10, atol=1e-12):
    for a, b in zip(theirs.coefs_ + theirs.intercepts_, ours.coefs_ + ours.intercepts_):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)


@pytest.mark.parametrize("solver, max_iter", [("adam", 60), ("lbfgs", 100), ("sgd", 60)])
def test_classifier_accuracy_on_digits_matches_sklearn(digits, solver, max_iter):
    X_train, y_train, X_test, y_test = digits
    theirs, ours = both("MLPClassifier", hidden_layer_sizes=(64,), solver=solver,
                        max_iter=max_iter, random_state=0, learning_rate_init=0.01)
    theirs.fit(X_train, y_train)
    ours.fit(X_train, y_train)
    assert ours.score(X_test, y_test) > 0.9
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test),
                               atol=1e-6)
    assert ours.out_activation_ == "softmax" and ours.n_layers_ == 3 and ours.n_outputs_ == 10


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_regressor_r2_matches_sklearn(friedman, solver):
    X_train, y_train, X_test, y_test = friedman
    theirs, ours = both("MLPRegressor", hidden_layer_sizes=(32,), solver=solver, max_iter=150,
                        random_state=1, learning_rate_init=0.01)
    theirs.fit(X_train, y_train)
    ours.fit(X_train, y_train)
    assert ours.score(X_test, y_test) > 0.6
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) < 0.01
    if solver == "adam":
        # (L-BFGS's many line searches amplify rounding differences; Adam follows step for step.)
        np.testing.assert_allclose(ours.predict(X_test), theirs.predict(X_test), rtol=1e-6)


@pytest.mark.parametrize("params", [
    dict(solver="sgd", momentum=0.0, shuffle=False),
    dict(solver="sgd", momentum=0.9, nesterovs_momentum=True, learning_rate="invscaling",
         activation="identity"),
    dict(solver="sgd", momentum=0.5, nesterovs_momentum=False, learning_rate="adaptive",
         n_iter_no_change=1, tol=10.0),
    dict(solver="adam", batch_size=32, activation="tanh"),
    dict(solver="adam", activation="logistic", alpha=0.1, beta_2=0.9),
], ids=["plain", "nesterov-invscaling", "momentum-adaptive", "adam-tanh", "adam-logistic"])
def test_updates_match_sklearn_step_for_step(friedman, params):
    # From the same initial weights every epoch must give scikit-learn's weights: the same
    # gradients, the same optimiser steps and the same sample order.
    X_train, y_train, _, _ = friedman
    theirs, ours = both("MLPRegressor", hidden_layer_sizes=(16, 8), max_iter=4,
                        random_state=3, learning_rate_init=0.01, **params)
    theirs.fit(X_train, y_train)
    ours.fit(X_train, y_train)
    assert_same_weights(theirs, ours)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours.t_ == theirs.t_ == 4 * len(y_train)


def test_one_epoch_from_copied_weights_matches_sklearn(digits):
    X_train, y_train, _, _ = digits
    theirs, ours = both("MLPClassifier", hidden_layer_sizes=(20,), solver="sgd", momentum=0.0,
                        shuffle=False, max_iter=1, warm_start=True, learning_rate_init=0.05)
    theirs.fit(X_train, y_train)  # gives both a fitted state; then start from its weights
    ours.fit(X_train, y_train)
    ours.coefs_ = [W.copy() for W in theirs.coefs_]
    ours.intercepts_ = [b.copy() for b in theirs.intercepts_]
    theirs.fit(X_train, y_train)
    ours.fit(X_train, y_train)
    assert_same_weights(theirs, ours)


def test_loss_curve_decreases_and_best_loss(digits):
    X_train, y_train, _, _ = digits
    model = MLPClassifier((32,), max_iter=30, random_state=0).fit(X_train, y_train)
    curve = np.array(model.loss_curve_)
    assert len(curve) == model.n_iter_ == 30
    assert np.all(np.diff(curve) < 0)
    assert model.best_loss_ == curve.min() and model.loss_ == curve[-1]
    assert model.validation_scores_ is None and model.best_validation_score_ is None


@pytest.mark.parametrize("name", ["MLPClassifier", "MLPRegressor"])
def test_early_stopping_uses_a_validation_split(digits, friedman, name):
    X, y = (digits if name == "MLPClassifier" else friedman)[:2]
    theirs, ours = both(name, hidden_layer_sizes=(16,), early_stopping=True, max_iter=40,
                        random_state=0, n_iter_no_change=3, learning_rate_init=0.03)
    theirs.fit(X, y)
    ours.fit(X, y)
    assert ours.best_loss_ is None
    assert ours.n_iter_ == theirs.n_iter_ < 40
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-8)
    assert ours.best_validation_score_ == max(ours.validation_scores_)
    # Trained on 90 % of the samples: t_ counts only those.
    assert ours.t_ == theirs.t_ == ours.n_iter_ * (len(y) - int(np.ceil(0.1 * len(y))))
    assert_same_weights(theirs, ours, rtol=1e-8, atol=1e-10)


def test_course_form_learning_rate_float_and_train(friedman):
    X, y = friedman[:2]
    model = MLPRegressor(hidden_layer_sizes=(100,), learning_rate=0.001, max_iter=10,
                         random_state=0)
    assert model.train(X, y) is model
    plain = MLPRegressor(learning_rate_init=0.001, max_iter=10, random_state=0).fit(X, y)
    assert_same_weights(plain, model, rtol=0, atol=0)
    assert model.get_params()["learning_rate"] == 0.001


def test_partial_fit_matches_sklearn(digits):
    X, y = digits[:2]
    classes = np.unique(y)
    theirs, ours = both("MLPClassifier", hidden_layer_sizes=(16,), random_state=0)
    for start in range(0, 600, 200):
        theirs.partial_fit(X[start:start + 200], y[start:start + 200], classes=classes)
        ours.partial_fit(X[start:start + 200], y[start:start + 200], classes=classes)
    assert_same_weights(theirs, ours)
    assert ours.n_iter_ == 1 and ours.t_ == 600


def test_binary_and_multilabel_outputs_match_sklearn():
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, n_classes=3,
                                          random_state=0)
    for target in (Y, Y[:, 0] * 3 + 1):
        theirs, ours = both("MLPClassifier", hidden_layer_sizes=(8,), solver="lbfgs",
                            max_iter=50, random_state=0)
        theirs.fit(X, target)
        ours.fit(X, target)
        assert ours.out_activation_ == "logistic"
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
        np.testing.assert_allclose(ours.predict_log_proba(X), np.log(ours.predict_proba(X)))


def test_poisson_loss_matches_sklearn(friedman):
    X, y = friedman[:2]
    theirs, ours = both("MLPRegressor", loss="poisson", hidden_layer_sizes=(8,), max_iter=5,
                        random_state=0, solver="sgd", learning_rate_init=0.001)
    theirs.fit(X, y)
    ours.fit(X, y)
    assert ours.out_activation_ == "exp"
    assert_same_weights(theirs, ours)


def test_float32_is_kept(friedman):
    X, y = friedman[:2]
    model = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=30, random_state=0)
    model.fit(X.astype(np.float32), y.astype(np.float32))
    assert all(W.dtype == np.float32 for W in model.coefs_ + model.intercepts_)
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    assert model.predict(X).dtype == np.float64  # promoted, as scikit-learn's products are


def test_sample_weight_matches_sklearn(friedman):
    X, y = friedman[:2]
    weight = np.random.RandomState(0).uniform(0.5, 2, len(y))
    theirs, ours = both("MLPRegressor", hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    theirs.fit(X, y, sample_weight=weight)
    ours.fit(X, y, sample_weight=weight)
    assert_same_weights(theirs, ours)


def test_convergence_warnings():
    X, y = make_friedman1(n_samples=50, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(2\) reached"):
        MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge after 2 iteration"):
        MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=2, random_state=0).fit(X, y)


def test_errors_as_sklearn():
    X, y = make_friedman1(n_samples=30, random_state=0)
    labels = (y > y.mean()).astype(int)
    with pytest.raises(ValueError, match=r"hidden_layer_sizes must be > 0, got \[3, 0\]"):
        MLPRegressor(hidden_layer_sizes=(3, 0)).fit(X, y)
    with pytest.raises(ValueError, match="The 'solver' parameter of MLPClassifier must be"):
        MLPClassifier(solver="newton").fit(X, labels)
    with pytest.raises(ValueError, match="The 'learning_rate' parameter of MLPRegressor"):
        MLPRegressor(learning_rate="fast").fit(X, y)
    with pytest.raises(AttributeError, match="partial_fit is only available for stochastic"):
        MLPClassifier(solver="lbfgs").partial_fit(X, labels, classes=[0, 1])
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X, labels)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        MLPRegressor(early_stopping=True).partial_fit(X, y)
    with pytest.raises(ValueError, match="The validation set is too small"):
        MLPRegressor(early_stopping=True, validation_fraction=0.01).fit(X, y)
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has the same"):
        model = MLPClassifier((3,), warm_start=True, max_iter=2).fit(X, labels)
        model.fit(X, labels + 1)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    # max_iter=100, as scikit-learn's own checks configure its MLPs.
    checks = parametrize_with_checks([MLPClassifier(max_iter=100), MLPRegressor(max_iter=100)])


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_partial_fit_continues_after_pickling(friedman):
    # The optimiser's state (Adam's moments) survives a round trip and keeps updating coefs_.
    X, y = friedman[:2]
    theirs, ours = both("MLPRegressor", hidden_layer_sizes=(8,), random_state=0)
    theirs.partial_fit(X, y)
    ours.partial_fit(X, y)
    ours = pickle.loads(pickle.dumps(ours))
    theirs.partial_fit(X, y)
    ours.partial_fit(X, y)
    assert_same_weights(theirs, ours)
