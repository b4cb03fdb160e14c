"""A grown tree as flat arrays, and its traversal on raw or on binned data.

Node k is a leaf when ``is_leaf[k]``; otherwise a sample goes to ``left[k]`` when its value of
feature ``feature[k]`` is at most ``threshold[k]`` (raw data) or its bin is at most
``bin_threshold[k]`` (binned data), to ``right[k]`` otherwise. A categorical split
(``category_row[k]`` ≥ 0) sends left the categories c (codes 0, 1, …, equal to their bins) with
``category_left[category_row[k], c]``. A missing value (NaN, or the
missing-values bin) goes left when ``missing_go_to_left[k]``. For a feature without missing
values in training, the grower set that flag to send them to the child with more training
samples (scikit-learn's rule). Nodes are stored in depth-first order, left child first.
"""

import numpy as np

from ....utils.accel import njit

__all__ = ["TreePredictor", "predict_raw", "predict_binned"]


@njit
def predict_raw(feature, threshold, missing_go_to_left, left, right, value, is_leaf,
                category_row, category_left, X):
    """The tree's leaf value for each row of the raw (float64, NaN = missing) data X
    (categorical features given by their codes)."""
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        node = 0
        while not is_leaf[node]:
            x = X[i, feature[node]]
            if np.isnan(x):
                goes_left = missing_go_to_left[node]
            elif category_row[node] >= 0:
                goes_left = category_left[category_row[node], int(x)]
            else:
                goes_left = x <= threshold[node]
            node = left[node] if goes_left else right[node]
        out[i] = value[node]
    return out


@njit
def predict_binned(feature, bin_threshold, missing_go_to_left, left, right, value, is_leaf,
                   category_row, category_left, X_binned, missing_bin):
    """The tree's leaf value for each row of the binned (uint8) data."""
    out = np.empty(X_binned.shape[0])
    for i in range(X_binned.shape[0]):
        node = 0
        while not is_leaf[node]:
            b = X_binned[i, feature[node]]
            if b == missing_bin:
                goes_left = missing_go_to_left[node]
            elif category_row[node] >= 0:
                goes_left = category_left[category_row[node], b]
            else:
                goes_left = b <= bin_threshold[node]
            node = left[node] if goes_left else right[node]
        out[i] = value[node]
    return out


class TreePredictor:
    """One fitted tree: the node arrays (``feature``, ``threshold``, ``bin_threshold``,
    ``missing_go_to_left``, ``left``, ``right``, ``value``, ``is_leaf``, ``count``,
    ``gain``, ``depth``, ``category_row``), each of length ``node_count``, and the left
    category sets ``category_left`` (one row of 256 per categorical split)."""

    def __init__(self, nodes):
        for name, array in nodes.items():
            setattr(self, name, array)
        self.node_count = len(self.value)

    def get_n_leaf_nodes(self):
        """The number of leaves."""
        return int(self.is_leaf.sum())

    def get_max_depth(self):
        """The depth of the deepest leaf."""
        return int(self.depth.max())

    def predict(self, X):
        """Leaf values for raw data X (float64, NaN for missing)."""
        return predict_raw(self.feature, self.threshold, self.missing_go_to_left, self.left,
                           self.right, self.value, self.is_leaf, self.category_row,
                           self.category_left, X)

    def predict_binned(self, X_binned, missing_bin):
        """Leaf values for binned data (uint8, ``missing_bin`` for missing)."""
        return predict_binned(self.feature, self.bin_threshold, self.missing_go_to_left,
                              self.left, self.right, self.value, self.is_leaf,
                              self.category_row, self.category_left, X_binned, missing_bin)
