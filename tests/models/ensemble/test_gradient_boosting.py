"""GradientBoostingClassifier and GradientBoostingRegressor against scikit-learn's: with the same
trees (max_features=None) the same training losses, staged and final predictions (to 1e-8) for
every loss, with sample weights, subsampling and early stopping; the same accuracies on the
bundled datasets; scikit-learn's estimator checks and error messages."""

import re
import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_digits, load_iris,
                              load_wine, make_classification, make_regression)
from sklearn.ensemble._gradient_boosting import _random_sample_mask
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.model_selection import train_test_split
from konspekt.models.ensemble.gradient_boosting import (GradientBoostingClassifier,
                                                        GradientBoostingRegressor,
                                                        random_sample_mask)
from konspekt.models.linear import LinearRegression, LogisticRegression

X_BINARY, Y_BINARY = make_classification(200, 5, n_informative=3, random_state=0)
X_MULTI, Y_MULTI = make_classification(200, 6, n_informative=4, n_classes=3, random_state=1)
X_REGRESSION, Y_REGRESSION = make_regression(200, 5, noise=20.0, random_state=2)
WEIGHTS = np.random.RandomState(3).uniform(0.2, 3.0, size=200)


def fit_both(ours_class, theirs_class, X, y, sample_weight=None, **params):
    ours = ours_class(**params).fit(X, y, sample_weight=sample_weight)
    theirs = theirs_class(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def assert_same_model(ours, theirs, X, classifier):
    assert ours.n_estimators_ == theirs.n_estimators_
    assert ours.estimators_.shape == theirs.estimators_.shape
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, rtol=1e-8, atol=1e-10)
    for name in ("oob_scores_", "oob_improvement_"):
        assert hasattr(ours, name) == hasattr(theirs, name)
        if hasattr(theirs, name):
            np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-8,
                                       atol=1e-10)
    if hasattr(theirs, "oob_score_"):
        np.testing.assert_allclose(ours.oob_score_, theirs.oob_score_, rtol=1e-8)
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_,
                               atol=1e-8)
    np.testing.assert_array_equal(ours.apply(X), theirs.apply(X))
    if classifier:
        np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                                   atol=1e-8)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
        for mine, reference in zip(ours.staged_predict_proba(X), theirs.staged_predict_proba(X),
                                   strict=True):
            np.testing.assert_allclose(mine, reference, atol=1e-8)
        for mine, reference in zip(ours.staged_decision_function(X),
                                   theirs.staged_decision_function(X), strict=True):
            np.testing.assert_allclose(mine, reference, atol=1e-8)
        for mine, reference in zip(ours.staged_predict(X), theirs.staged_predict(X),
                                   strict=True):
            np.testing.assert_array_equal(mine, reference)
    else:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-8)
        for mine, reference in zip(ours.staged_predict(X), theirs.staged_predict(X),
                                   strict=True):
            np.testing.assert_allclose(mine, reference, atol=1e-8)


CLASSIFICATION = {"log_loss": (X_BINARY, Y_BINARY), "exponential": (X_BINARY, Y_BINARY),
                  "multinomial": (X_MULTI, Y_MULTI)}
SETTINGS = {"plain": {}, "weighted": {"weighted": True}, "subsample": {"subsample": 0.6},
            "early_stopping": {"n_iter_no_change": 3, "validation_fraction": 0.2},
            "shallow_leaves": {"max_depth": None, "max_leaf_nodes": 6, "min_samples_leaf": 4}}


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("loss", list(CLASSIFICATION))
def test_classifier_matches_scikit_learn(loss, setting):
    X, y = CLASSIFICATION[loss]
    params = dict(SETTINGS[setting])
    weights = WEIGHTS if params.pop("weighted", False) else None
    ours, theirs = fit_both(GradientBoostingClassifier, sk_ensemble.GradientBoostingClassifier,
                            X, y, weights, loss="log_loss" if loss == "multinomial" else loss,
                            n_estimators=25, random_state=0, **params)
    assert_same_model(ours, theirs, X, classifier=True)


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "quantile"])
def test_regressor_matches_scikit_learn(loss, setting):
    params = dict(SETTINGS[setting])
    weights = WEIGHTS if params.pop("weighted", False) else None
    ours, theirs = fit_both(GradientBoostingRegressor, sk_ensemble.GradientBoostingRegressor,
                            X_REGRESSION, Y_REGRESSION, weights, loss=loss, alpha=0.7,
                            n_estimators=25, random_state=0, **params)
    assert_same_model(ours, theirs, X_REGRESSION, classifier=False)


@pytest.mark.parametrize("n_samples, n_in_bag", [(1, 1), (10, 3), (57, 40)])
def test_random_sample_mask_draws_scikit_learns_bag(n_samples, n_in_bag):
    uniforms = np.random.RandomState(n_samples).uniform(size=n_samples)
    expected = _random_sample_mask(n_samples, n_in_bag, np.random.RandomState(n_samples))
    for kernel in (random_sample_mask, random_sample_mask.py_func):
        mask = kernel(uniforms, n_in_bag)
        np.testing.assert_array_equal(mask, expected)
        assert mask.sum() == n_in_bag


def test_early_stopping_stops_where_scikit_learn_stops():
    for seed in range(2):
        ours, theirs = fit_both(GradientBoostingClassifier,
                                sk_ensemble.GradientBoostingClassifier, X_BINARY, Y_BINARY,
                                n_estimators=100, n_iter_no_change=2, tol=1e-3,
                                random_state=seed)
        assert ours.n_estimators_ == theirs.n_estimators_ < 100
        ours, theirs = fit_both(GradientBoostingRegressor,
                                sk_ensemble.GradientBoostingRegressor, X_REGRESSION,
                                Y_REGRESSION, n_estimators=150, n_iter_no_change=2, tol=1e-2,
                                random_state=seed)
        assert ours.n_estimators_ == theirs.n_estimators_ < 150


def test_initial_estimators_match_scikit_learn():
    ours, theirs = fit_both(GradientBoostingRegressor, sk_ensemble.GradientBoostingRegressor,
                            X_REGRESSION, Y_REGRESSION, init="zero", n_estimators=20,
                            random_state=0)
    assert_same_model(ours, theirs, X_REGRESSION, classifier=False)
    ours = GradientBoostingRegressor(init=LinearRegression(), n_estimators=20,
                                     random_state=0).fit(X_REGRESSION, Y_REGRESSION)
    theirs = sk_ensemble.GradientBoostingRegressor(init=SkLinearRegression(), n_estimators=20,
                                                   random_state=0).fit(X_REGRESSION,
                                                                       Y_REGRESSION)
    np.testing.assert_allclose(ours.predict(X_REGRESSION), theirs.predict(X_REGRESSION),
                               rtol=1e-6)
    assert ours.init_ is not ours.init  # the parameter itself stays unfitted


def test_classifier_starts_from_the_initial_estimators_log_odds():
    """f₀ = log(p / (1 − p)) with p the initial model's probability; learning_rate=0 keeps it."""
    model = GradientBoostingClassifier(init=LogisticRegression(), learning_rate=0.0,
                                       n_estimators=2).fit(X_BINARY, Y_BINARY)
    p = model.init_.predict_proba(X_BINARY.astype(np.float32))[:, 1].astype(np.float64)
    np.testing.assert_allclose(model.decision_function(X_BINARY), np.log(p / (1 - p)),
                               rtol=1e-10)
    np.testing.assert_allclose(model.predict_proba(X_BINARY)[:, 1], p, rtol=1e-10)


def test_warm_start_continues_the_same_boosting():
    model = GradientBoostingClassifier(n_estimators=15, warm_start=True, subsample=0.8,
                                       random_state=0).fit(X_MULTI, Y_MULTI)
    model.set_params(n_estimators=30).fit(X_MULTI, Y_MULTI)
    theirs = sk_ensemble.GradientBoostingClassifier(n_estimators=15, warm_start=True,
                                                    subsample=0.8, random_state=0)
    theirs.fit(X_MULTI, Y_MULTI).set_params(n_estimators=30).fit(X_MULTI, Y_MULTI)
    assert_same_model(model, theirs, X_MULTI, classifier=True)
    with pytest.raises(ValueError, match="n_estimators=10 must be larger or equal to "
                                         r"estimators_.shape\[0\]=30 when warm_start==True"):
        model.set_params(n_estimators=10).fit(X_MULTI, Y_MULTI)


def test_monitor_stops_the_boosting():
    model = GradientBoostingRegressor(n_estimators=50).fit(
        X_REGRESSION, Y_REGRESSION, monitor=lambda i, estimator, local: i == 6)
    assert model.n_estimators_ == 7 and model.estimators_.shape == (7, 1)


def test_plain_gradient_recursion_keeps_the_tree_means():
    """line_search=False: every leaf holds the mean of the pseudo-residuals y − σ(f) of its
    samples, the course's recursion without Newton's step."""
    model = GradientBoostingClassifier(n_estimators=3, line_search=False,
                                       random_state=0).fit(X_BINARY, Y_BINARY)
    raw = np.full(len(Y_BINARY), np.log(Y_BINARY.mean() / (1 - Y_BINARY.mean())))
    for tree in model.estimators_[:, 0]:
        residual = Y_BINARY - 1 / (1 + np.exp(-raw))
        leaves = tree.apply(X_BINARY.astype(np.float32))
        for leaf in np.unique(leaves):
            np.testing.assert_allclose(tree.tree_.value[leaf, 0, 0],
                                       residual[leaves == leaf].mean(), rtol=1e-10)
        raw += 0.1 * tree.tree_.value[leaves, 0, 0]
    np.testing.assert_allclose(model.decision_function(X_BINARY), raw, rtol=1e-10)


def test_predict_log_proba_and_string_labels():
    labels = np.array(["cat", "dog", "emu"])[Y_MULTI]
    model = GradientBoostingClassifier(n_estimators=5).fit(X_MULTI, labels)
    np.testing.assert_array_equal(model.classes_, ["cat", "dog", "emu"])
    assert model.n_classes_ == 3 and model.n_trees_per_iteration_ == 3
    np.testing.assert_allclose(model.predict_log_proba(X_MULTI),
                               np.log(model.predict_proba(X_MULTI)))
    assert set(model.predict(X_MULTI)) <= set(labels)


@pytest.mark.parametrize("load, expected_gap", [(load_iris, 1.5), (load_wine, 1.5),
                                                (load_breast_cancer, 1.5), (load_digits, 1.5)])
def test_accuracy_on_the_bundled_datasets(load, expected_gap):
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    # Few stages (digits grows 10 trees per stage), to keep the suite fast.
    params = {"n_estimators": 5 if load is load_digits else 30, "random_state": 0}
    ours = GradientBoostingClassifier(**params).fit(X_train, y_train)
    theirs = sk_ensemble.GradientBoostingClassifier(**params).fit(X_train, y_train)
    gap = 100 * abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test))
    assert gap <= expected_gap


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "quantile"])
def test_r2_on_diabetes(loss):
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    params = {"loss": loss, "alpha": 0.5, "n_estimators": 50, "random_state": 0}
    ours = GradientBoostingRegressor(**params).fit(X_train, y_train)
    theirs = sk_ensemble.GradientBoostingRegressor(**params).fit(X_train, y_train)
    assert 100 * abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 1.5


@pytest.mark.parametrize("model, params", [
    (GradientBoostingClassifier, {"learning_rate": -0.1}),
    (GradientBoostingClassifier, {"loss": "deviance"}),
    (GradientBoostingClassifier, {"subsample": 1.5}),
    (GradientBoostingClassifier, {"n_iter_no_change": 0}),
    (GradientBoostingClassifier, {"max_features": "auto"}),
    (GradientBoostingClassifier, {"init": LinearRegression()}),
    (GradientBoostingRegressor, {"alpha": 1.0}),
    (GradientBoostingRegressor, {"loss": "log_loss"}),
    (GradientBoostingRegressor, {"validation_fraction": 1.0}),
    (GradientBoostingRegressor, {"n_estimators": 0}),
])
def test_parameter_errors_match_scikit_learn(model, params):
    theirs_class = getattr(sk_ensemble, model.__name__)
    X, y = (X_BINARY, Y_BINARY) if model is GradientBoostingClassifier else (X_REGRESSION,
                                                                                Y_REGRESSION)
    with pytest.raises(ValueError) as expected:
        theirs_class(**params).fit(X, y)
    with pytest.raises(ValueError) as raised:
        model(**params).fit(X, y)
    assert options_sorted(str(raised.value)) == options_sorted(str(expected.value))


def options_sorted(message):
    """scikit-learn lists the allowed strings in set order, which varies between processes."""
    return re.sub(r"\{([^}]*)\}", lambda m: str(sorted(m.group(1).split(", "))), message)


def test_data_errors_match_scikit_learn():
    with pytest.raises(ValueError, match="loss='exponential' is only suitable for a binary "
                                         "classification problem, you have n_classes=3"):
        GradientBoostingClassifier(loss="exponential").fit(X_MULTI, Y_MULTI)
    weights = (Y_BINARY == 0).astype(float)
    with pytest.raises(ValueError, match="y contains 1 class after sample_weight trimmed"):
        GradientBoostingClassifier().fit(X_BINARY, Y_BINARY, sample_weight=weights)
    with pytest.raises(ValueError, match="The initial estimator NoWeights does not support "
                                         "sample weights"):
        GradientBoostingRegressor(init=NoWeights()).fit(X_REGRESSION, Y_REGRESSION,
                                                        sample_weight=WEIGHTS)


class NoWeights(LinearRegression):
    def fit(self, X, y):
        return super().fit(X, y)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks(
        [GradientBoostingClassifier(n_estimators=10), GradientBoostingRegressor(n_estimators=10)],
        # scikit-learn expects the same failure of its own gradient boosting (its meta-issue
        # #16298): the trees grown on weighted samples differ from those grown on repeated ones.
        expected_failed_checks=lambda estimator: {
            "check_sample_weight_equivalence_on_dense_data":
                "sample_weight is not equivalent to removing/repeating samples."})


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_verbose_prints_the_training_loss(capsys):
    model = GradientBoostingRegressor(n_estimators=3, verbose=1).fit(X_REGRESSION, Y_REGRESSION)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Iter", "Train", "Loss", "Remaining", "Time"]
    assert [float(line.split()[1]) for line in lines[1:]] == pytest.approx(model.train_score_,
                                                                           abs=1e-4)
