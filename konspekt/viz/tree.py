"""Drawing a fitted decision tree with matplotlib, with scikit-learn's ``plot_tree`` arguments.

Each node is a box listing its test (x[j] ≤ θ), its impurity, its number of samples, its value
(the weighted class counts, or fractions with ``proportion=True``; the prediction of a
regressor) and, given ``class_names``, its majority class. Leaves are spread evenly across the
width in left-to-right order and every internal node is centred above its children, one row
per depth. Subtrees below ``max_depth`` are drawn as a box "(...)".
"""

import numpy as np

from .plots import _pyplot

__all__ = ["plot_tree"]

LEAF = -1


def _value_text(tree, node, proportion, precision):
    value = tree.value[node][0] if tree.n_outputs == 1 else tree.value[node]
    if tree.n_classes[0] == 1:
        rounded = np.round(value, precision)
        return str(rounded.ravel()[0]) if tree.n_outputs == 1 else str(rounded.tolist())
    if not proportion:
        value = value * tree.weighted_n_node_samples[node]
    if not proportion and np.all(np.mod(value, 1) == 0):
        return str(value.astype(int).tolist())
    return str(np.round(value, precision).tolist())


def _node_text(estimator, node, feature_names, class_names, label, impurity, node_ids,
               proportion, precision):
    tree = estimator.tree_
    labelled = label == "all" or (label == "root" and node == 0)
    lines = []
    if node_ids:
        lines.append(("node #" if labelled else "#") + str(node))
    if tree.children_left[node] != LEAF:
        feature = tree.feature[node]
        name = feature_names[feature] if feature_names is not None else f"x[{feature}]"
        lines.append(f"{name} <= {round(float(tree.threshold[node]), precision)}")
    if impurity:
        lines.append((f"{estimator.criterion} = " if labelled else "")
                     + str(round(float(tree.impurity[node]), precision)))
    if proportion:
        samples = f"{round(100.0 * tree.n_node_samples[node] / tree.n_node_samples[0], 1)}%"
    else:
        samples = str(tree.n_node_samples[node])
    lines.append(("samples = " if labelled else "") + samples)
    lines.append(("value = " if labelled else "") + _value_text(tree, node, proportion,
                                                                 precision))
    if class_names is not None and tree.n_classes[0] != 1 and tree.n_outputs == 1:
        names = estimator.classes_ if class_names is True else class_names
        lines.append(("class = " if labelled else "")
                     + str(names[int(np.argmax(tree.value[node][0]))]))
    return "\n".join(lines)


def _fill_colour(estimator, node, colours):
    """The majority class's colour (classifier) or a shade of the value (regressor), more
    opaque the purer or the larger the node is."""
    tree = estimator.tree_
    value = tree.value[node][0]
    if tree.n_classes[0] != 1 and tree.n_outputs == 1:
        order = np.sort(value)[::-1]
        alpha = 0.0 if len(order) < 2 or order[1] >= 1.0 else \
            (order[0] - order[1]) / (1.0 - order[1])
        colour = colours(int(np.argmax(value)) % colours.N)
    else:
        leaves = tree.value[:, 0, 0]
        span = leaves.max() - leaves.min()
        alpha = 0.0 if span == 0 else (value[0] - leaves.min()) / span
        colour = colours(0)
    return (*colour[:3], 0.15 + 0.85 * float(alpha))


def _layout(tree, max_depth):
    """(x, depth) of the nodes drawn, in [0, 1] across; None for the ones not drawn."""
    positions = {}
    next_leaf = 0

    def place(node, depth):
        nonlocal next_leaf
        drawn_as_leaf = tree.children_left[node] == LEAF or depth >= max_depth + 1
        if drawn_as_leaf:
            positions[node] = (float(next_leaf), depth)
            next_leaf += 1
            return positions[node][0]
        left = place(tree.children_left[node], depth + 1)
        right = place(tree.children_right[node], depth + 1)
        positions[node] = ((left + right) / 2, depth)
        return positions[node][0]

    place(0, 0)
    width = max(next_leaf - 1, 1)
    return {node: ((x + 0.5) / (width + 1), depth) for node, (x, depth) in positions.items()}


def plot_tree(decision_tree, *, max_depth=None, feature_names=None, class_names=None, label="all",
              filled=False, impurity=True, node_ids=False, proportion=False, rounded=False,
              precision=3, ax=None, fontsize=None):
    """Draw a fitted decision tree.

    Parameters
    ----------
    decision_tree : fitted DecisionTreeClassifier or DecisionTreeRegressor (konspekt)
    max_depth : int or None
        Deepest level drawn; deeper subtrees are shown as "(...)".
    feature_names : sequence of str, optional
        Names of the features (default "x[j]").
    class_names : sequence of str, True or None
        Names of the classes (True: ``classes_``); None omits the class line.
    label : {"all", "root", "none"}, default "all"
        Which boxes spell out "gini = ", "samples = " …
    filled : bool, default False
        Colour the boxes by majority class (classifier) or value (regressor).
    impurity, node_ids, proportion : bool
        Show the impurity; show the node ids; show samples and values as fractions.
    rounded : bool, default False
        Boxes with rounded corners.
    precision : int, default 3
        Digits of thresholds, impurities and values.
    ax : matplotlib Axes, optional
        Drawn on the current axes by default.
    fontsize : int, optional

    Returns
    -------
    list of matplotlib Annotation, one per box drawn.

    Examples
    --------
    >>> from konspekt.data import load_iris
    >>> from konspekt.models.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> boxes = plot_tree(DecisionTreeClassifier(max_depth=2).fit(X, y), filled=True)
    >>> len(boxes)
    5
    """
    if not hasattr(decision_tree, "tree_"):
        raise ValueError("plot_tree needs a fitted decision tree: call fit first "
                         f"(got {type(decision_tree).__name__} without tree_).")
    if label not in ("all", "root", "none"):
        raise ValueError(f"label must be 'all', 'root' or 'none', got {label!r}.")
    plt = _pyplot()
    if ax is None:
        ax = plt.gca()
    tree = decision_tree.tree_
    depth_limit = tree.max_depth if max_depth is None else max_depth
    positions = _layout(tree, depth_limit)
    rows = max(depth for _, depth in positions.values()) + 1
    colours = plt.get_cmap("tab10")
    style = "round,pad=0.3" if rounded else "square,pad=0.3"
    ax.set_axis_off()
    boxes = []
    for node, (x, depth) in sorted(positions.items()):
        y = 1.0 - (depth + 0.5) / rows
        truncated = depth > depth_limit
        text = "(...)" if truncated else _node_text(
            decision_tree, node, feature_names, class_names, label, impurity, node_ids,
            proportion, precision)
        box = {"boxstyle": style, "edgecolor": "black",
               "facecolor": _fill_colour(decision_tree, node, colours)
               if filled and not truncated else "white"}
        parent = _parent_of(tree, node)
        arrow = {}
        xy = (x, y)
        if parent is not None and parent in positions:
            parent_x, parent_depth = positions[parent]
            xy = (parent_x, 1.0 - (parent_depth + 0.5) / rows)
            arrow = {"arrowprops": {"arrowstyle": "<-", "color": "black"}}
        boxes.append(ax.annotate(text, xy=xy, xytext=(x, y), xycoords="axes fraction",
                                 textcoords="axes fraction", ha="center", va="center",
                                 bbox=box, fontsize=fontsize, **arrow))
    return boxes


def _parent_of(tree, node):
    for children in (tree.children_left, tree.children_right):
        found = np.flatnonzero(children == node)
        if found.size:
            return int(found[0])
    return None
