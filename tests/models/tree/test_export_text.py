"""``export_text`` gives scikit-learn's string for the same tree."""

import numpy as np
import pytest
from sklearn import datasets as skdata
from sklearn import tree as sktree

from konspekt.models.tree import (DecisionTreeClassifier, DecisionTreeRegressor,
                                  ExtraTreeClassifier, export_text)

IRIS = skdata.load_iris()


@pytest.mark.parametrize("options", [
    {}, {"max_depth": 2}, {"max_depth": 0}, {"spacing": 1, "decimals": 4},
    {"show_weights": True}, {"feature_names": IRIS.feature_names},
    {"class_names": ["setosa", "versicolor", "virginica"], "show_weights": True},
], ids=str)
def test_classifier_text_equals_scikit_learn(options):
    ours = DecisionTreeClassifier(random_state=0).fit(IRIS.data, IRIS.target)
    theirs = sktree.DecisionTreeClassifier(random_state=0).fit(IRIS.data, IRIS.target)
    assert export_text(ours, **options) == sktree.export_text(theirs, **options)


def test_regressor_and_multi_output_text_equal_scikit_learn():
    X, y = skdata.make_regression(80, 3, random_state=0)
    ours = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    theirs = sktree.DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    for options in ({}, {"max_depth": 1, "decimals": 3}):
        assert export_text(ours, **options) == sktree.export_text(theirs, **options)
    Y = np.column_stack([y, -y])
    ours = DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, Y)
    theirs = sktree.DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, Y)
    assert export_text(ours) == sktree.export_text(theirs)


def test_string_labels_and_extra_trees():
    labels = np.array(["a", "b", "c"])[IRIS.target]
    ours = ExtraTreeClassifier(random_state=1).fit(IRIS.data, labels)
    theirs = sktree.ExtraTreeClassifier(random_state=1).fit(IRIS.data, labels)
    assert export_text(ours, show_weights=True) == sktree.export_text(theirs, show_weights=True)


def test_bad_arguments():
    tree = DecisionTreeClassifier(max_depth=2).fit(IRIS.data, IRIS.target)
    with pytest.raises(ValueError, match="feature_names must contain 4 elements, got 2"):
        export_text(tree, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="should contain as many items as"):
        export_text(tree, class_names=["a"])
    with pytest.raises(ValueError, match="The 'spacing' parameter of export_text"):
        export_text(tree, spacing=0)
    with pytest.raises(ValueError, match="The 'decision_tree' parameter of export_text"):
        export_text("tree")
