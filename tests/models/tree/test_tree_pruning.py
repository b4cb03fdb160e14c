"""Minimal cost-complexity pruning against scikit-learn: the same pruning path (effective alphas
and total leaf impurities) and the same pruned trees."""

import numpy as np
import pytest
from sklearn import datasets as skdata
from sklearn import tree as sktree

from konspekt.models.tree import DecisionTreeClassifier, DecisionTreeRegressor

DATA = {
    "iris": (skdata.load_iris(return_X_y=True), DecisionTreeClassifier,
             sktree.DecisionTreeClassifier),
    "breast_cancer": (skdata.load_breast_cancer(return_X_y=True), DecisionTreeClassifier,
                      sktree.DecisionTreeClassifier),
    "regression": (skdata.make_regression(200, 5, noise=10.0, random_state=0),
                   DecisionTreeRegressor, sktree.DecisionTreeRegressor),
}


@pytest.mark.parametrize("name", DATA)
def test_pruning_path_equals_scikit_learn(name):
    (X, y), ours_class, theirs_class = DATA[name]
    weights = np.random.RandomState(0).randint(1, 3, len(y)).astype(float)
    ours = ours_class(random_state=0).cost_complexity_pruning_path(X, y, weights)
    theirs = theirs_class(random_state=0).cost_complexity_pruning_path(X, y, weights)
    np.testing.assert_array_equal(ours.ccp_alphas, theirs.ccp_alphas)
    np.testing.assert_array_equal(ours.impurities, theirs.impurities)
    # Each pruning step removes the weakest link: α and R(T) never decrease.
    assert np.all(np.diff(ours.ccp_alphas) >= 0) and np.all(np.diff(ours.impurities) >= 0)


@pytest.mark.parametrize("name", DATA)
def test_pruned_trees_equal_scikit_learn(name):
    (X, y), ours_class, theirs_class = DATA[name]
    alphas = ours_class(random_state=0).cost_complexity_pruning_path(X, y).ccp_alphas
    for alpha in alphas[1:-1:max(1, len(alphas) // 5)]:
        ours = ours_class(random_state=0, ccp_alpha=alpha).fit(X, y)
        theirs = theirs_class(random_state=0, ccp_alpha=alpha).fit(X, y)
        for attribute in ["children_left", "children_right", "feature", "threshold",
                          "impurity", "n_node_samples", "weighted_n_node_samples", "value"]:
            np.testing.assert_array_equal(getattr(ours.tree_, attribute),
                                          getattr(theirs.tree_, attribute))
        assert ours.get_depth() == theirs.get_depth()
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_largest_alpha_leaves_only_the_root():
    (X, y), _, _ = DATA["iris"]
    path = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y)
    tree = DecisionTreeClassifier(random_state=0, ccp_alpha=path.ccp_alphas[-1]).fit(X, y)
    assert tree.tree_.node_count == 1 and tree.get_depth() == 0
    np.testing.assert_allclose(path.impurities[-1], tree.tree_.impurity[0])
