"""HistGradientBoostingClassifier / HistGradientBoostingRegressor against scikit-learn's: the
same predictions on the same data and settings (same binning, gains, best-first order and
ties), missing values, sample and class weights, early stopping, warm start, accuracy on the
course's data sets, and scikit-learn's estimator checks."""

import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_digits, load_iris,
                              load_wine, make_classification, make_regression)
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from konspekt.models.ensemble.hist_gradient_boosting import (HistGradientBoostingClassifier,
                                                             HistGradientBoostingRegressor)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([HistGradientBoostingClassifier(max_iter=10),
                                      HistGradientBoostingRegressor(max_iter=10)])


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    # scikit-learn's OpenMP threads spin-wait: on a machine shared by several test workers
    # they make its side of the comparisons many times slower than on one thread.
    with threadpool_limits(1):
        yield


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def _regression(seed=0, n=400, nan=True):
    X, y = make_regression(n, 6, n_informative=4, noise=10.0, random_state=seed)
    if nan:
        rng = np.random.RandomState(seed)
        X[rng.rand(n) < 0.15, 1] = np.nan      # missing in training
    return X, y


def _classification(n_classes, seed=0, n=500, nan=True):
    X, y = make_classification(n, 8, n_informative=5, n_classes=n_classes,
                               n_clusters_per_class=1, random_state=seed)
    if nan:
        rng = np.random.RandomState(seed)
        X[rng.rand(n) < 0.15, 2] = np.nan
    return X, y


def _pair(name, **params):
    params.setdefault("early_stopping", False)
    return (getattr(sk_ensemble, name)(**params),
            globals()[name](**params))


@pytest.mark.parametrize("loss, target", [
    ("squared_error", lambda y: y),
    ("poisson", lambda y: np.exp(y / 150.0)),
    ("gamma", lambda y: np.exp(y / 150.0)),
    ("absolute_error", lambda y: y),
    ("quantile", lambda y: y),
])
def test_regressor_equals_sklearn(loss, target):
    X, y = _regression()
    y = target(y)
    extra = {"quantile": 0.8} if loss == "quantile" else {}
    theirs, ours = _pair("HistGradientBoostingRegressor", loss=loss, max_iter=30, **extra)
    theirs.fit(X, y)
    ours.fit(X, y)
    X_test = _regression(seed=1)[0]
    X_test[::9, 3] = np.nan                   # never missing in training: majority side
    np.testing.assert_allclose(ours.predict(X_test), theirs.predict(X_test), rtol=1e-6,
                               atol=1e-6)
    for a, b in zip(ours.staged_predict(X_test), theirs.staged_predict(X_test)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert ours.n_iter_ == theirs.n_iter_ == 30
    assert ours.n_trees_per_iteration_ == 1


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_equals_sklearn(n_classes):
    X, y = _classification(n_classes)
    labels = np.array(["ant", "bee", "cat"])[y]
    theirs, ours = _pair("HistGradientBoostingClassifier", max_iter=25)
    theirs.fit(X, labels)
    ours.fit(X, labels)
    X_test = _classification(n_classes, seed=1)[0]
    X_test[::7, 0] = np.nan
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test),
                               atol=1e-6)
    np.testing.assert_allclose(ours.decision_function(X_test),
                               theirs.decision_function(X_test), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_trees_per_iteration_ == theirs.n_trees_per_iteration_
    staged = zip(ours.staged_predict_proba(X_test), theirs.staged_predict_proba(X_test),
                 ours.staged_decision_function(X_test),
                 theirs.staged_decision_function(X_test))
    for p, q, d, e in staged:
        np.testing.assert_allclose(p, q, atol=1e-6)
        np.testing.assert_allclose(d, e, atol=1e-6)
    assert [list(s) for s in ours.staged_predict(X_test)][-1] == list(ours.predict(X_test))


@pytest.mark.parametrize("params", [
    {"max_depth": 3, "l2_regularization": 1.0, "learning_rate": 0.3},
    {"max_leaf_nodes": None, "max_depth": 4, "min_samples_leaf": 5},
    {"max_leaf_nodes": 8, "max_bins": 16, "max_features": 0.5, "random_state": 0},
], ids=["depth-l2", "no-leaf-limit", "bins-features"])
def test_hyperparameters_equal_sklearn(params):
    X, y = _classification(3, seed=2)
    theirs, ours = _pair("HistGradientBoostingClassifier", max_iter=15, **params)
    np.testing.assert_allclose(ours.fit(X, y).predict_proba(X),
                               theirs.fit(X, y).predict_proba(X), atol=1e-6)


def test_sample_and_class_weights_equal_sklearn():
    X, y = _classification(3, seed=3)
    weights = np.random.RandomState(0).uniform(0.2, 3.0, size=len(y))
    # 32 bins: the weighted quantile thresholds are used, and scikit-learn computes fewer.
    theirs, ours = _pair("HistGradientBoostingClassifier", max_iter=15, max_bins=32,
                         class_weight="balanced")
    np.testing.assert_allclose(ours.fit(X, y, sample_weight=weights).predict_proba(X),
                               theirs.fit(X, y, sample_weight=weights).predict_proba(X),
                               atol=1e-6)
    X, y = _regression(seed=3)
    theirs, ours = _pair("HistGradientBoostingRegressor", max_iter=15, max_bins=32)
    np.testing.assert_allclose(ours.fit(X, y, sample_weight=weights[:400]).predict(X),
                               theirs.fit(X, y, sample_weight=weights[:400]).predict(X),
                               rtol=1e-6, atol=1e-6)


def test_early_stopping_equals_sklearn():
    # The stratified validation split is drawn from the same seed as scikit-learn's.
    X, y = _classification(2, seed=4, n=800)
    theirs, ours = _pair("HistGradientBoostingClassifier", early_stopping=True, max_iter=200,
                         n_iter_no_change=5, learning_rate=0.5, random_state=0)
    theirs.fit(X, y)
    ours.fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 200
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, rtol=1e-6)
    np.testing.assert_allclose(ours.validation_score_, theirs.validation_score_, rtol=1e-6)
    assert ours.do_early_stopping_


def test_early_stopping_auto_and_scorer():
    X, y = _regression(seed=5, n=300, nan=False)
    model = HistGradientBoostingRegressor(max_iter=20).fit(X, y)
    assert not model.do_early_stopping_ and model.train_score_.size == 0
    model = HistGradientBoostingRegressor(early_stopping=True, scoring="r2",
                                          validation_fraction=None, max_iter=500,
                                          n_iter_no_change=3, tol=1e-3).fit(X, y)
    assert model.n_iter_ < 500
    assert model.validation_score_.size == 0
    assert len(model.train_score_) == model.n_iter_ + 1   # the baseline's score first


def test_warm_start_equals_one_fit():
    X, y = _classification(3, seed=6)
    once = HistGradientBoostingClassifier(max_iter=20, early_stopping=False).fit(X, y)
    warm = HistGradientBoostingClassifier(max_iter=10, early_stopping=False, warm_start=True)
    warm.fit(X, y).set_params(max_iter=20).fit(X, y)
    assert warm.n_iter_ == 20
    np.testing.assert_allclose(warm.predict_proba(X), once.predict_proba(X), atol=1e-12)
    with pytest.raises(ValueError, match="max_iter=5 must be larger than or equal to n_iter_"):
        warm.set_params(max_iter=5).fit(X, y)


def test_missing_values_learnt_and_unseen():
    # A feature whose missingness carries the signal: the missing side must be learnt.
    rng = np.random.RandomState(7)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] > 0).astype(int)
    X[y == 1, 1] = np.nan
    X[:, 0] = rng.normal(size=400)             # feature 0 is now noise
    model = HistGradientBoostingClassifier(max_iter=5, early_stopping=False).fit(X, y)
    assert model.score(X, y) == 1.0
    theirs = sk_ensemble.HistGradientBoostingClassifier(max_iter=5,
                                                        early_stopping=False).fit(X, y)
    X_unseen = np.array([[np.nan, 0.3], [np.nan, np.nan]])
    np.testing.assert_allclose(model.predict_proba(X_unseen), theirs.predict_proba(X_unseen),
                               atol=1e-6)


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer, load_digits],
                         ids=["iris", "wine", "breast_cancer", "digits"])
def test_accuracy_close_to_sklearn(loader):
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0,
                                                        stratify=y)
    params = {"max_iter": 30 if loader is load_digits else 100, "random_state": 0}
    theirs, ours = _pair("HistGradientBoostingClassifier", **params)
    theirs_score = theirs.fit(X_train, y_train).score(X_test, y_test)
    ours_score = ours.fit(X_train, y_train).score(X_test, y_test)
    assert abs(ours_score - theirs_score) <= 0.015
    assert ours_score > 0.85


def test_r2_close_to_sklearn():
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    theirs, ours = _pair("HistGradientBoostingRegressor", max_iter=100)
    theirs_score = theirs.fit(X_train, y_train).score(X_test, y_test)
    ours_score = ours.fit(X_train, y_train).score(X_test, y_test)
    assert abs(ours_score - theirs_score) <= 0.015


@pytest.mark.parametrize("params, error, message", [
    ({"learning_rate": -1.0}, ValueError,
     r"The 'learning_rate' parameter of HistGradientBoostingRegressor must be a float in the "
     r"range \(0.0, inf\). Got -1.0 instead."),
    ({"max_leaf_nodes": 1}, ValueError,
     r"The 'max_leaf_nodes' parameter of HistGradientBoostingRegressor must be an int in the "
     r"range \[2, inf\) or None. Got 1 instead."),
    ({"loss": "hinge"}, ValueError, "The 'loss' parameter"),
    ({"max_bins": 256}, ValueError, "The 'max_bins' parameter"),
    ({"monotonic_cst": [1, 0, 2, 0, 0, 0]}, ValueError,
     r"monotonic_cst must be an array-like of -1, 0 or 1. Observed values: \[2\]."),
    ({"monotonic_cst": [1, 0]}, ValueError,
     r"monotonic_cst has shape \(2,\) but the input data X has 6 features."),
    ({"monotonic_cst": {"a": 1}}, ValueError, "was not fitted on data with feature names"),
    ({"monotonic_cst": [1, 0, 0, 0, 0, 0], "categorical_features": [0]}, ValueError,
     "Categorical features cannot have monotonic constraints."),
    ({"interaction_cst": [[0, 9]]}, ValueError,
     r"integer indices in \[0, n_features - 1\] = \[0, 5\]"),
    ({"interaction_cst": [0, 1]}, ValueError, "must be a sequence of tuples or lists"),
    ({"interaction_cst": "all"}, ValueError, "The 'interaction_cst' parameter"),
    ({"categorical_features": "auto"}, ValueError, "The 'categorical_features' parameter"),
    ({"categorical_features": [True, False]}, ValueError,
     r"boolean mask must have shape \(n_features,\)"),
    ({"categorical_features": [7]}, ValueError, r"must be in \[0, n_features - 1\]"),
    ({"categorical_features": ["a"]}, ValueError, "without feature names"),
    ({"categorical_features": [0], "max_bins": 10}, ValueError,
     "Categorical feature at index 0 is expected to have a cardinality <= 10 but actually "
     "has a cardinality of 60."),
    ({"loss": "quantile"}, ValueError, "quantile"),
])
def test_bad_parameters(params, error, message):
    X, y = _regression(n=60)
    with pytest.raises(error, match=message):
        HistGradientBoostingRegressor(**params).fit(X, y)


def test_bad_targets():
    X, y = _regression(n=60)
    with pytest.raises(ValueError, match="loss='poisson' requires non-negative y"):
        HistGradientBoostingRegressor(loss="poisson").fit(X, y)
    with pytest.raises(ValueError, match="loss='gamma' requires strictly positive y"):
        HistGradientBoostingRegressor(loss="gamma").fit(X, np.abs(y) - 1e9)


def test_boolean_mask_without_categoricals_is_accepted():
    X, y = _regression(n=80)
    model = HistGradientBoostingRegressor(categorical_features=np.zeros(6, dtype=bool),
                                          max_iter=3).fit(X, y)
    assert model.n_iter_ == 3


def _categorical_data(seed=0, n=600):
    rng = np.random.RandomState(seed)
    codes = rng.randint(0, 12, n)
    small = rng.randint(0, 4, n)
    numeric = rng.normal(size=n)
    y = 3 * np.sin(codes) + numeric + 2 * (small == 2) + 0.3 * rng.normal(size=n)
    X = np.column_stack([numeric, codes, small]).astype(float)
    X[rng.rand(n) < 0.1, 1] = np.nan
    return X, y


@pytest.mark.parametrize("categorical_features", [[False, True, True], [1, 2]],
                         ids=["mask", "indices"])
def test_native_categorical_splits_equal_sklearn(categorical_features):
    X, y = _categorical_data()
    theirs, ours = _pair("HistGradientBoostingRegressor", max_iter=30,
                         categorical_features=categorical_features)
    theirs.fit(X, y)
    ours.fit(X, y)
    X_test = _categorical_data(seed=1)[0]
    X_test[:5, 1] = 99.0                       # unknown category: treated as missing
    X_test[5:10, 2] = np.nan                   # missing, never seen in training
    np.testing.assert_allclose(ours.predict(X_test), theirs.predict(X_test), atol=1e-6)
    np.testing.assert_array_equal(ours.is_categorical_, theirs.is_categorical_)


def test_categorical_from_pandas_dtype_equals_sklearn():
    pd = pytest.importorskip("pandas")
    X, y = _categorical_data(seed=2)
    letters = np.array(list("abcdefghijkl"))
    frame = pd.DataFrame({
        "numeric": X[:, 0],
        "letter": pd.Categorical(np.where(np.isnan(X[:, 1]), None,
                                          letters[np.nan_to_num(X[:, 1]).astype(int)])),
        "size": pd.Categorical(np.array(["s", "m", "l", "xl"])[X[:, 2].astype(int)])})
    labels = (y > 0).astype(int)
    theirs, ours = _pair("HistGradientBoostingClassifier", max_iter=20)
    theirs.fit(frame, labels)
    ours.fit(frame, labels)
    np.testing.assert_allclose(ours.predict_proba(frame), theirs.predict_proba(frame),
                               atol=1e-6)
    np.testing.assert_array_equal(ours.is_categorical_, [False, True, True])
    np.testing.assert_array_equal(ours.feature_names_in_, ["numeric", "letter", "size"])
    by_name = HistGradientBoostingClassifier(max_iter=20, early_stopping=False,
                                             categorical_features=["letter", "size"])
    np.testing.assert_allclose(by_name.fit(frame, labels).predict_proba(frame),
                               ours.predict_proba(frame), atol=1e-12)


@pytest.mark.parametrize("params", [
    {"monotonic_cst": [1, -1, 0, 0, 1, 0]},
    {"interaction_cst": [[0, 1], [1, 2]]},
    {"interaction_cst": "pairwise", "monotonic_cst": [0, 1, 0, 0, 0, 0],
     "l2_regularization": 2.0},
    {"interaction_cst": "no_interactions", "max_features": 0.5, "random_state": 3},
], ids=["monotonic", "interaction", "both", "additive-subsampled"])
def test_constraints_equal_sklearn(params):
    X, y = _regression(seed=8)
    theirs, ours = _pair("HistGradientBoostingRegressor", max_iter=25, **params)
    np.testing.assert_allclose(ours.fit(X, y).predict(X), theirs.fit(X, y).predict(X),
                               rtol=1e-6, atol=1e-6)


def test_monotonic_constraint_holds():
    # The defining property: moving one constrained feature up moves the prediction up
    # (+1) or down (−1), whatever the other features, also for the binary log-odds.
    X, y = _classification(2, seed=9, nan=False)
    model = HistGradientBoostingClassifier(max_iter=30, monotonic_cst=[1, -1, 0, 0, 0, 0, 0, 0],
                                           early_stopping=False).fit(X, y)
    grid = np.linspace(-4, 4, 41)
    for feature, sign in [(0, 1), (1, -1)]:
        rows = np.repeat(X[:20], len(grid), axis=0)
        rows[:, feature] = np.tile(grid, 20)
        scores = model.decision_function(rows).reshape(20, len(grid))
        assert np.all(sign * np.diff(scores, axis=1) >= -1e-12)
    with pytest.raises(ValueError, match="not supported for multiclass"):
        HistGradientBoostingClassifier(monotonic_cst=[1] + [0] * 7).fit(
            *_classification(3, nan=False))


def test_interaction_constraint_holds():
    # Every root-to-leaf path splits on features of one group only.
    X, y = _regression(seed=10, nan=False)
    groups = [{0, 1}, {2, 3}, {4, 5}]
    model = HistGradientBoostingRegressor(max_iter=10, interaction_cst=[[0, 1], [2, 3], [4, 5]],
                                          early_stopping=False).fit(X, y)

    def paths(tree, node, used):
        if tree.is_leaf[node]:
            yield used
            return
        used = used | {int(tree.feature[node])}
        yield from paths(tree, tree.left[node], used)
        yield from paths(tree, tree.right[node], used)
    for trees in model._predictors:
        for used in paths(trees[0], 0, frozenset()):
            assert any(used <= group for group in groups)


def test_given_validation_data_equals_sklearn():
    X, y = _classification(3, seed=11, n=700)
    X_val, y_val = _classification(3, seed=12, n=200)
    params = dict(early_stopping=True, max_iter=200, n_iter_no_change=4, learning_rate=0.5)
    theirs, ours = _pair("HistGradientBoostingClassifier", **params)
    theirs.fit(X, y, X_val=X_val, y_val=y_val)
    ours.fit(X, y, X_val=X_val, y_val=y_val)
    assert ours.n_iter_ == theirs.n_iter_ < 200
    np.testing.assert_allclose(ours.validation_score_, theirs.validation_score_, rtol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X_val), theirs.predict_proba(X_val),
                               atol=1e-6)
    with pytest.raises(ValueError, match="X_val is provided, but y_val was not provided."):
        ours.fit(X, y, X_val=X_val)
    with pytest.raises(ValueError, match="early_stopping is False"):
        ours.set_params(early_stopping=False).fit(X, y, X_val=X_val, y_val=y_val)


def test_scorer_with_sample_weights_and_large_training_set():
    # Above 10 000 samples the training score uses a 10 000-sample subset; early stopping
    # ("auto") is on, the validation split stratified.
    X, y = make_classification(11_200, 3, n_informative=2, n_redundant=0, random_state=13)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    model = HistGradientBoostingClassifier(scoring="accuracy", max_iter=5, random_state=0)
    model.fit(X, y, sample_weight=weights)
    assert model.do_early_stopping_
    assert len(model.train_score_) == len(model.validation_score_) == model.n_iter_ + 1
    # The validation score of the last iteration is the model's own weighted accuracy there.
    train, val = train_test_split(np.arange(len(y)), test_size=0.1, stratify=y,
                                  random_state=model._random_seed)
    assert model.validation_score_[-1] == pytest.approx(
        model.score(X[val], y[val], sample_weight=weights[val]))
