"""Decision trees against scikit-learn: the same trees node for node (structure, thresholds,
impurities, values), hence the same predictions, leaves, paths and importances."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import datasets as skdata
from sklearn import tree as sktree
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt import data as kpdata
from konspekt.models.tree import (DecisionTreeClassifier, DecisionTreeRegressor,
                                  ExtraTreeClassifier, ExtraTreeRegressor)

NODE_ARRAYS = ["children_left", "children_right", "feature", "threshold", "impurity",
               "n_node_samples", "weighted_n_node_samples", "value"]


def assert_same_tree(ours, theirs):
    """Every node array of the two fitted trees is identical (exact equality)."""
    assert ours.tree_.node_count == theirs.tree_.node_count
    for name in NODE_ARRAYS:
        np.testing.assert_array_equal(getattr(ours.tree_, name), getattr(theirs.tree_, name),
                                      err_msg=name)
    assert ours.tree_.max_depth == theirs.tree_.max_depth
    assert ours.get_depth() == theirs.get_depth()
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    np.testing.assert_array_equal(ours.feature_importances_, theirs.feature_importances_)


def fit_both(ours_class, theirs_class, X, y, sample_weight=None, **params):
    ours = ours_class(**params).fit(X, y, sample_weight=sample_weight)
    theirs = theirs_class(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


CLASSIFICATION_SETS = {
    "iris": skdata.load_iris(return_X_y=True),
    "wine": skdata.load_wine(return_X_y=True),
    "breast_cancer": skdata.load_breast_cancer(return_X_y=True),
    "digits": skdata.load_digits(return_X_y=True),
}
CLASSIFIER_SETTINGS = [
    {},
    {"criterion": "entropy"},
    {"criterion": "log_loss", "max_depth": 3},
    {"max_features": "sqrt", "random_state": 3},
    {"max_features": 0.5, "random_state": 1},
    {"max_features": "log2", "random_state": 2, "min_samples_leaf": 2},
    {"max_leaf_nodes": 7},
    {"splitter": "random", "random_state": 1},
    {"min_samples_leaf": 3, "max_depth": 4},
    {"min_samples_split": 0.1, "min_samples_leaf": 0.02},
    {"min_weight_fraction_leaf": 0.05},
    {"min_impurity_decrease": 0.01},
    {"class_weight": "balanced"},
    {"ccp_alpha": 0.01},
]


@pytest.mark.parametrize("name", CLASSIFICATION_SETS)
@pytest.mark.parametrize("params", CLASSIFIER_SETTINGS, ids=str)
def test_classifier_tree_equals_scikit_learn(name, params):
    X, y = CLASSIFICATION_SETS[name]
    params = {"random_state": 0, **params}
    ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X, y,
                            **params)
    assert_same_tree(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))


@pytest.mark.parametrize("name", ["iris", "breast_cancer"])
def test_sample_weight_and_class_weight(name):
    X, y = CLASSIFICATION_SETS[name]
    rng = np.random.RandomState(0)
    weights = rng.randint(0, 4, len(y)).astype(float)
    ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X, y,
                            sample_weight=weights, random_state=0, max_features="sqrt")
    assert_same_tree(ours, theirs)
    class_weight = {int(c): 1.0 + c for c in np.unique(y)}
    ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X, y,
                            sample_weight=rng.rand(len(y)), class_weight=class_weight,
                            random_state=0)
    assert_same_tree(ours, theirs)


def test_bootstrap_weights_as_a_forest_passes_them():
    # Integer counts with zeros: the samples of zero weight leave the search entirely.
    X, y = CLASSIFICATION_SETS["breast_cancer"]
    rng = np.random.RandomState(1)
    for seed in range(5):
        counts = np.bincount(rng.randint(0, len(y), len(y)), minlength=len(y)).astype(float)
        ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X, y,
                                sample_weight=counts, max_features="sqrt", random_state=seed)
        assert_same_tree(ours, theirs)


REGRESSION_SETTINGS = [
    {},
    {"criterion": "poisson"},
    {"criterion": "absolute_error", "max_depth": 6},
    {"criterion": "absolute_error", "splitter": "random", "max_depth": 5},
    {"max_features": 3, "random_state": 3},
    {"max_leaf_nodes": 9},
    {"max_leaf_nodes": 5, "criterion": "poisson"},
    {"splitter": "random", "random_state": 1},
    {"min_samples_leaf": 3, "max_depth": 4},
    {"min_weight_fraction_leaf": 0.05},
    {"min_impurity_decrease": 1.0},
]


@pytest.fixture(scope="module")
def regression_data():
    X, y = skdata.make_regression(300, 6, noise=5.0, random_state=0)
    return X, np.abs(y)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("params", REGRESSION_SETTINGS, ids=str)
def test_regressor_tree_equals_scikit_learn(regression_data, params, weighted):
    X, y = regression_data
    weights = np.random.RandomState(0).randint(0, 3, len(y)).astype(float) if weighted else None
    ours, theirs = fit_both(DecisionTreeRegressor, sktree.DecisionTreeRegressor, X, y,
                            sample_weight=weights, **{"random_state": 0, **params})
    assert_same_tree(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_friedman_mse_ranks_splits_as_squared_error(regression_data):
    # scikit-learn 1.9 maps "friedman_mse" onto "squared_error" (with a FutureWarning): the
    # improvement n_L·n_R/(n_L + n_R)·(ȳ_L − ȳ_R)² is a monotone function of the MSE proxy.
    X, y = regression_data
    ours = DecisionTreeRegressor(criterion="friedman_mse", max_depth=3, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = sktree.DecisionTreeRegressor(criterion="friedman_mse", max_depth=3,
                                              random_state=0).fit(X, y)
    assert_same_tree(ours, theirs)
    assert ours.get_params()["criterion"] == "friedman_mse"


def test_extra_trees_equal_scikit_learn(regression_data):
    X, y = CLASSIFICATION_SETS["wine"]
    ours, theirs = fit_both(ExtraTreeClassifier, sktree.ExtraTreeClassifier, X, y, random_state=4)
    assert_same_tree(ours, theirs)
    X, y = regression_data
    ours, theirs = fit_both(ExtraTreeRegressor, sktree.ExtraTreeRegressor, X, y, random_state=4)
    assert_same_tree(ours, theirs)


def test_default_parameters_are_scikit_learns():
    for ours, theirs in [(DecisionTreeClassifier, sktree.DecisionTreeClassifier),
                         (DecisionTreeRegressor, sktree.DecisionTreeRegressor),
                         (ExtraTreeClassifier, sktree.ExtraTreeClassifier),
                         (ExtraTreeRegressor, sktree.ExtraTreeRegressor)]:
        expected = theirs().get_params()
        expected.pop("monotonic_cst")
        assert ours().get_params() == expected


def test_apply_decision_path_and_log_proba():
    X, y = CLASSIFICATION_SETS["wine"]
    ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X, y,
                            random_state=0, max_depth=4)
    leaves = ours.apply(X)
    assert leaves.dtype == np.int64
    np.testing.assert_array_equal(leaves, theirs.apply(X))
    path = ours.decision_path(X)
    assert sp.issparse(path) and path.format == "csr"
    np.testing.assert_array_equal(path.toarray(), theirs.decision_path(X).toarray())
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(ours.predict_log_proba(X), theirs.predict_log_proba(X))


def test_predict_follows_overwritten_leaf_values(regression_data):
    # Gradient boosting replaces the leaf values by its own Newton steps.
    X, y = regression_data
    tree = DecisionTreeRegressor(max_depth=2).fit(X, y)
    leaves = tree.apply(X)
    tree.tree_.value[:, 0, 0] = np.arange(tree.tree_.node_count)
    np.testing.assert_array_equal(tree.predict(X), leaves)


def test_multi_output_equals_scikit_learn(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, y ** 0.5, -y])
    ours, theirs = fit_both(DecisionTreeRegressor, sktree.DecisionTreeRegressor, X, Y,
                            max_depth=5, random_state=0)
    assert_same_tree(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    X, y = CLASSIFICATION_SETS["iris"]
    Y = np.column_stack([y, (X[:, 0] > 5.8).astype(int)])
    ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X, Y,
                            random_state=0, class_weight="balanced")
    assert_same_tree(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    for mine, reference in zip(ours.predict_proba(X), theirs.predict_proba(X)):
        np.testing.assert_array_equal(mine, reference)


@pytest.mark.parametrize("loader", [kpdata.load_iris, kpdata.load_wine,
                                    kpdata.load_breast_cancer, kpdata.load_digits],
                         ids=lambda loader: loader.__name__)
def test_held_out_accuracy_matches_scikit_learn(loader):
    X_train, y_train = loader(return_X_y=True, split="train")
    X_test, y_test = loader(return_X_y=True, split="test")
    ours, theirs = fit_both(DecisionTreeClassifier, sktree.DecisionTreeClassifier, X_train,
                            y_train, random_state=0)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.015


def test_bad_parameters_name_the_argument():
    X, y = CLASSIFICATION_SETS["iris"]
    with pytest.raises(ValueError, match="The 'criterion' parameter of DecisionTreeClassifier "
                       "must be a str among"):
        DecisionTreeClassifier(criterion="squared_error").fit(X, y)
    with pytest.raises(ValueError, match="The 'criterion' parameter of DecisionTreeRegressor"):
        DecisionTreeRegressor(criterion="gini").fit(X, y)
    for value in (0, 1.5, "auto"):
        with pytest.raises(ValueError, match="The 'max_features' parameter of "
                           "DecisionTreeClassifier must be an int in the range"):
            DecisionTreeClassifier(max_features=value).fit(X, y)
    for name, value in [("max_depth", 0), ("min_samples_split", 1), ("min_samples_leaf", 0),
                        ("min_weight_fraction_leaf", 0.6), ("max_leaf_nodes", 1),
                        ("min_impurity_decrease", -1.0), ("ccp_alpha", -1.0),
                        ("splitter", "worst"), ("class_weight", "even")]:
        with pytest.raises(ValueError, match=f"The '{name}' parameter"):
            DecisionTreeClassifier(**{name: value}).fit(X, y)


def test_nan_and_poisson_targets_are_refused():
    X, y = CLASSIFICATION_SETS["iris"]
    X = X.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        DecisionTreeClassifier().fit(X, y)
    with pytest.raises(ValueError, match="negative which is not allowed for Poisson"):
        DecisionTreeRegressor(criterion="poisson").fit(X[1:], -np.ones(len(y) - 1))


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    estimator_checks = parametrize_with_checks([
        DecisionTreeClassifier(random_state=0), DecisionTreeRegressor(random_state=0),
        ExtraTreeClassifier(random_state=0), ExtraTreeRegressor(random_state=0)])


@estimator_checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
