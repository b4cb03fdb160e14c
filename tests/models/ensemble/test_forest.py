"""Random forests and extra trees against scikit-learn's: with konspekt's trees equal to
scikit-learn's, the same random_state gives the same forest (same bootstrap rows, same tree
seeds), hence the same probabilities, importances and out-of-bag scores."""

import warnings

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.data import load_breast_cancer, load_digits, load_iris, load_wine
from konspekt.models.ensemble.forest import (ExtraTreesClassifier, ExtraTreesRegressor,
                                             RandomForestClassifier, RandomForestRegressor)

CLASSIFIERS = [RandomForestClassifier, ExtraTreesClassifier]
REGRESSORS = [RandomForestRegressor, ExtraTreesRegressor]


def theirs(cls):
    return getattr(sk_ensemble, cls.__name__)


def classification(n_classes=3, seed=0):
    return make_classification(240, 8, n_informative=5, n_redundant=1, n_classes=n_classes,
                               random_state=seed)


def regression(seed=0):
    return make_regression(200, 6, n_informative=4, noise=5.0, random_state=seed)


def fit_both(cls, X, y, sample_weight=None, **params):
    with warnings.catch_warnings():
        # Few trees leave some samples without out-of-bag prediction: both libraries warn.
        warnings.filterwarnings("ignore", message="Some inputs do not have OOB scores")
        ours = cls(**params).fit(X, y, sample_weight=sample_weight)
        reference = theirs(cls)(**params).fit(X, y, sample_weight=sample_weight)
    return ours, reference


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("params", [
    dict(),
    dict(bootstrap=True, max_depth=4, criterion="entropy"),
    dict(bootstrap=True, max_samples=0.6, max_features=3, min_samples_leaf=3),
    dict(bootstrap=False, max_features=None, max_leaf_nodes=12),
    dict(class_weight="balanced"),
    dict(bootstrap=True, class_weight="balanced_subsample"),
    dict(class_weight={0: 1.0, 1: 3.0, 2: 0.5}),
], ids=str)
def test_classifier_equals_sklearn(cls, params):
    X, y = classification()
    ours, reference = fit_both(cls, X, y, n_estimators=8, random_state=3, **params)
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    np.testing.assert_allclose(ours.feature_importances_, reference.feature_importances_,
                               atol=1e-12)
    np.testing.assert_array_equal(ours.apply(X), reference.apply(X))
    for drawn, reference_drawn in zip(ours.estimators_samples_, reference.estimators_samples_):
        np.testing.assert_array_equal(drawn, reference_drawn)


@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("params", [
    dict(),
    dict(bootstrap=True, max_depth=5, max_features=0.5),
    dict(bootstrap=True, max_samples=50, min_samples_split=6),
], ids=str)
def test_regressor_equals_sklearn(cls, params):
    X, y = regression()
    ours, reference = fit_both(cls, X, y, n_estimators=8, random_state=1, **params)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-12)
    np.testing.assert_allclose(ours.feature_importances_, reference.feature_importances_,
                               atol=1e-12)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS, ids=lambda cls: cls.__name__)
def test_sample_weight_draws_as_sklearn(cls):
    X, y = classification(n_classes=2, seed=4)
    weights = np.random.RandomState(0).rand(len(y))
    ours, reference = fit_both(cls, X, y, weights, n_estimators=6, bootstrap=True,
                               random_state=5, oob_score=True)
    ours_predict = ours.predict_proba if hasattr(ours, "predict_proba") else ours.predict
    reference_predict = reference.predict_proba if hasattr(ours, "predict_proba") \
        else reference.predict
    np.testing.assert_allclose(ours_predict(X), reference_predict(X), atol=1e-12)
    assert ours.oob_score_ == pytest.approx(reference.oob_score_, abs=1e-12)


def out_of_bag_by_hand(forest, X, n_columns, predict):
    """For each sample, the mean of predict(tree, x) over the trees whose bootstrap rows
    (estimators_samples_) miss it."""
    totals = np.zeros((len(X), n_columns))
    counts = np.zeros(len(X))
    for tree, drawn in zip(forest.estimators_, forest.estimators_samples_):
        missed = np.setdiff1d(np.arange(len(X)), drawn)
        totals[missed] += predict(tree, X[missed]).reshape(len(missed), n_columns)
        counts[missed] += 1
    assert counts.min() > 0
    return totals / counts[:, None]


def test_oob_classifier_equals_direct_computation():
    X, y = classification(seed=2)
    forest = RandomForestClassifier(n_estimators=30, oob_score=True, random_state=0).fit(X, y)
    by_hand = out_of_bag_by_hand(forest, X.astype(np.float32), 3,
                                 lambda tree, rows: tree.predict_proba(rows))
    np.testing.assert_allclose(forest.oob_decision_function_, by_hand, atol=1e-12)
    assert forest.oob_score_ == pytest.approx(np.mean(np.argmax(by_hand, axis=1) == y))
    reference = sk_ensemble.RandomForestClassifier(n_estimators=30, oob_score=True,
                                                   random_state=0).fit(X, y)
    assert forest.oob_score_ == pytest.approx(reference.oob_score_)


def test_oob_regressor_equals_direct_computation():
    X, y = regression(seed=3)
    forest = ExtraTreesRegressor(n_estimators=30, bootstrap=True, oob_score=True,
                                 random_state=0).fit(X, y)
    by_hand = out_of_bag_by_hand(forest, X.astype(np.float32), 1,
                                 lambda tree, rows: tree.predict(rows))[:, 0]
    np.testing.assert_allclose(forest.oob_prediction_, by_hand, rtol=1e-12)
    r2 = 1 - np.sum((y - by_hand) ** 2) / np.sum((y - y.mean()) ** 2)
    assert forest.oob_score_ == pytest.approx(r2)


def test_oob_score_callable():
    X, y = classification(seed=5)
    forest = RandomForestClassifier(n_estimators=20, random_state=0,
                                    oob_score=lambda truth, guess: np.mean(truth != guess))
    forest.fit(X, y)
    assert forest.oob_score_ == pytest.approx(
        np.mean(np.argmax(forest.oob_decision_function_, axis=1) != y))


def test_feature_importances_are_mean_of_trees():
    X, y = classification(seed=6)
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    mean = np.mean([tree.feature_importances_ for tree in forest.estimators_], axis=0)
    np.testing.assert_allclose(forest.feature_importances_, mean / mean.sum())
    assert forest.feature_importances_.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS, ids=lambda cls: cls.__name__)
def test_warm_start_equals_one_fit(cls):
    X, y = classification(seed=7)
    grown = cls(n_estimators=4, warm_start=True, random_state=2).fit(X, y)
    grown.set_params(n_estimators=9).fit(X, y)
    at_once = cls(n_estimators=9, random_state=2).fit(X, y)
    assert len(grown.estimators_) == 9
    np.testing.assert_allclose(grown.predict(X), at_once.predict(X))
    with pytest.warns(UserWarning, match="does not fit new trees"):
        grown.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal to len"):
        grown.set_params(n_estimators=3).fit(X, y)


def test_n_jobs_gives_the_same_forest():
    X, y = classification(seed=8)
    one = RandomForestClassifier(n_estimators=6, random_state=0).fit(X, y)
    two = RandomForestClassifier(n_estimators=6, random_state=0, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))


def test_decision_path_stacks_the_trees():
    X, y = classification(seed=9)
    forest = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(X, y)
    indicator, pointers = forest.decision_path(X)
    assert pointers[-1] == indicator.shape[1]
    for b, tree in enumerate(forest.estimators_):
        block = indicator[:, pointers[b]:pointers[b + 1]].toarray()
        np.testing.assert_array_equal(block, tree.decision_path(X).toarray())


def test_errors():
    X, y = classification()
    with pytest.raises(ValueError, match="Out of bag estimation only available if bootstrap"):
        ExtraTreesClassifier(oob_score=True, n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="`max_sample` cannot be set if `bootstrap=False`"):
        ExtraTreesClassifier(max_samples=0.5, n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="Valid presets for class_weight include"):
        RandomForestClassifier(class_weight="even", n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="'n_estimators' parameter of RandomForestRegressor"):
        RandomForestRegressor(n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="single output"):
        RandomForestRegressor(n_estimators=2).fit(X, np.c_[y, y])


DATASETS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer,
            "digits": load_digits}


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("name", DATASETS)
def test_accuracy_on_bundled_datasets(cls, name):
    X_train, y_train = DATASETS[name](return_X_y=True, split="train")
    X_test, y_test = DATASETS[name](return_X_y=True, split="test")
    params = dict(n_estimators=25, random_state=0)
    ours = cls(**params).fit(X_train, y_train).score(X_test, y_test)
    reference = theirs(cls)(**params).fit(X_train, y_train).score(X_test, y_test)
    assert abs(ours - reference) <= 0.015
    assert ours > 0.85


@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("name", ["wine", "breast_cancer"])
def test_r2_on_bundled_datasets(cls, name):
    # Regress the first feature on the others.
    X_train, _ = DATASETS[name](return_X_y=True, split="train")
    X_test, _ = DATASETS[name](return_X_y=True, split="test")
    params = dict(n_estimators=25, random_state=0)
    ours = cls(**params).fit(X_train[:, 1:], X_train[:, 0]).score(X_test[:, 1:], X_test[:, 0])
    reference = theirs(cls)(**params).fit(X_train[:, 1:], X_train[:, 0]).score(
        X_test[:, 1:], X_test[:, 0])
    assert abs(ours - reference) <= 0.015


SAMPLE_WEIGHT_REASON = ("sample_weight gives the probabilities of the bootstrap draw, which is "
                        "not equivalent to removing/repeating samples (scikit-learn xfails it "
                        "for its forests too)")


def expected_failures(estimator):
    if not estimator.bootstrap:
        return {}
    return {"check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_REASON}


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([cls(n_estimators=5) for cls in CLASSIFIERS + REGRESSORS],
                                     expected_failed_checks=expected_failures)


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)
