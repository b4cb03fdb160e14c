"""Text rendering of a fitted decision tree, in scikit-learn's ``export_text`` format::

    |--- petal width (cm) <= 0.80
    |   |--- class: 0
    |--- petal width (cm) >  0.80
    |   |--- ...

Each internal node prints its test twice (≤ before its left subtree, > before its right one);
each leaf its class (classifier, optionally with the class weights) or its value (regressor).
Below ``max_depth`` a subtree is summarised as "truncated branch of depth d".
"""

import numbers

import numpy as np

from ...base import check_is_fitted
from .classes import DecisionTreeClassifier, DecisionTreeRegressor
from .tree_structure import TREE_LEAF, TREE_UNDEFINED

__all__ = ["export_text"]


def _check_int(value, name, minimum):
    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and value >= minimum):
        raise ValueError(f"The '{name}' parameter of export_text must be an int in the range "
                         f"[{minimum}, inf). Got {value!r} instead.")


def _subtree_depth(tree, node):
    """Number of levels of the subtree below ``node`` (1 for a leaf)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if tree.children_left[current] != TREE_LEAF:
            stack.append((tree.children_left[current], depth + 1))
            stack.append((tree.children_right[current], depth + 1))
    return deepest


def export_text(decision_tree, *, feature_names=None, class_names=None, max_depth=10, spacing=3,
                decimals=2, show_weights=False):
    """The rules of a fitted tree as indented text.

    Parameters
    ----------
    decision_tree : DecisionTreeClassifier or DecisionTreeRegressor (fitted)
    feature_names : sequence of str, optional
        Names of the features (default "feature_j").
    class_names : sequence of str, optional
        Names of the classes, in the order of ``classes_`` (default: ``classes_``).
    max_depth : int, default 10
        Deeper subtrees are reported truncated.
    spacing : int, default 3
        Width of one level of indentation.
    decimals : int, default 2
        Digits after the point of thresholds and values.
    show_weights : bool, default False
        Print the weighted class counts at a classifier's leaves.

    Returns
    -------
    str

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> from konspekt.models.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> print(export_text(DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)))
    |--- feature_3 <= 0.80
    |   |--- class: 0
    |--- feature_3 >  0.80
    |   |--- class: 1
    <BLANKLINE>
    """
    if not isinstance(decision_tree, (DecisionTreeClassifier, DecisionTreeRegressor)):
        raise ValueError("The 'decision_tree' parameter of export_text must be an instance of "
                         "'DecisionTreeClassifier' or an instance of 'DecisionTreeRegressor'. "
                         f"Got {decision_tree!r} instead.")
    _check_int(max_depth, "max_depth", 0)
    _check_int(spacing, "spacing", 1)
    _check_int(decimals, "decimals", 0)
    check_is_fitted(decision_tree)
    tree = decision_tree.tree_
    classifier = isinstance(decision_tree, DecisionTreeClassifier)
    if classifier:
        if class_names is None:
            class_names = decision_tree.classes_
        elif len(class_names) != len(decision_tree.classes_):
            raise ValueError("When `class_names` is an array, it should contain as many items as "
                             f"`decision_tree.classes_`. Got {len(class_names)} while the tree "
                             f"was fitted with {len(decision_tree.classes_)} classes.")
    if feature_names is not None and len(feature_names) != tree.n_features:
        raise ValueError(f"feature_names must contain {tree.n_features} elements, got "
                         f"{len(feature_names)}")
    if feature_names is None:
        names = [f"feature_{j}" for j in tree.feature]
    else:
        names = [feature_names[j] if j != TREE_UNDEFINED else None for j in tree.feature]

    def number(value):
        return f"{value:.{decimals}f}"

    def leaf_line(node, indent):
        value = tree.value[node][0] if tree.n_outputs == 1 else tree.value[node].T[0]
        if classifier:
            text = ""
            if show_weights:
                weight = tree.weighted_n_node_samples[node]
                text = "[" + ", ".join(number(v * weight) for v in value) + "]"
            best = np.argmax(value)
            label = class_names[best] if tree.n_classes[0] != 1 and tree.n_outputs == 1 \
                else best
            text += " class: " + str(label)
            return f"{indent}{' weights: ' if show_weights else ''}{text}\n"
        return f"{indent} value: [" + ", ".join(number(v) for v in value) + "]\n"

    lines = []
    # Depth-first, left before right: (node, depth) with the root at depth 1.
    stack = [(0, 1, None)]
    while stack:
        node, depth, line = stack.pop()
        if line is not None:
            lines.append(line)
            continue
        indent = ("|" + " " * spacing) * depth
        indent = indent[:-spacing] + "-" * spacing
        if depth > max_depth + 1:
            subtree_depth = _subtree_depth(tree, node)
            if subtree_depth == 1:
                lines.append(leaf_line(node, indent))
            else:
                lines.append(f"{indent} truncated branch of depth {subtree_depth}\n")
        elif tree.children_left[node] == TREE_LEAF:
            lines.append(leaf_line(node, indent))
        else:
            threshold = number(tree.threshold[node])
            stack.append((tree.children_right[node], depth + 1, None))
            stack.append((None, None, f"{indent} {names[node]} >  {threshold}\n"))
            stack.append((tree.children_left[node], depth + 1, None))
            lines.append(f"{indent} {names[node]} <= {threshold}\n")
    return "".join(lines)
