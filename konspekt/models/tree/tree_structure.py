"""The fitted tree ``tree_``: parallel node arrays with scikit-learn's names, and the walk of a
sample from the root to its leaf.

Node t is internal when ``children_left[t] != -1``; a sample x goes left when
x[feature[t]] ≤ threshold[t] (x in float32, as during fitting), right otherwise.
"""

import numpy as np
import scipy.sparse as sp

from ...utils.accel import njit

TREE_LEAF = -1
TREE_UNDEFINED = -2


@njit(nogil=True)
def _apply(X, children_left, children_right, feature, threshold):
    out = np.empty(X.shape[0], dtype=np.int64)
    for i in range(X.shape[0]):
        node = 0
        while children_left[node] != TREE_LEAF:
            if X[i, feature[node]] <= threshold[node]:
                node = children_left[node]
            else:
                node = children_right[node]
        out[i] = node
    return out


@njit(nogil=True)
def _paths(X, children_left, children_right, feature, threshold, max_depth):
    indptr = np.zeros(X.shape[0] + 1, dtype=np.int64)
    indices = np.empty(X.shape[0] * (max_depth + 1), dtype=np.int64)
    n = 0
    for i in range(X.shape[0]):
        node = 0
        while children_left[node] != TREE_LEAF:
            indices[n] = node
            n += 1
            if X[i, feature[node]] <= threshold[node]:
                node = children_left[node]
            else:
                node = children_right[node]
        indices[n] = node
        n += 1
        indptr[i + 1] = n
    return indptr, indices[:n]


class Tree:
    """The arrays of a fitted decision tree (scikit-learn's ``tree_``).

    Attributes
    ----------
    node_count : int
    children_left, children_right : int64 ndarray (node_count,)
        Child ids; −1 at the leaves.
    feature : int64 ndarray (node_count,)
        The feature a node tests; −2 at the leaves.
    threshold : float64 ndarray (node_count,)
        The node goes left when x[feature] ≤ threshold; −2 at the leaves.
    impurity : float64 ndarray (node_count,)
        G of the node under the fitting criterion.
    n_node_samples : int64 ndarray (node_count,)
        Samples (of non-zero weight) reaching the node.
    weighted_n_node_samples : float64 ndarray (node_count,)
        N_t, their total weight.
    value : float64 ndarray (node_count, n_outputs, max_n_classes)
        Class fractions (classifier) or the prediction (regressor, last axis of length 1).
        Writable: ``predict`` reads it, so leaf values may be replaced after fitting.
    max_depth : int
    n_features, n_outputs : int
    n_classes : int64 ndarray (n_outputs,)
    max_n_classes : int
    """

    def __init__(self, n_features, n_classes, n_outputs, nodes_int, nodes_float, value,
                 max_depth):
        self.n_features = int(n_features)
        self.n_classes = np.asarray(n_classes, dtype=np.intp)
        self.n_outputs = int(n_outputs)
        self.max_n_classes = int(self.n_classes.max())
        self.children_left = np.ascontiguousarray(nodes_int[:, 0])
        self.children_right = np.ascontiguousarray(nodes_int[:, 1])
        self.feature = np.ascontiguousarray(nodes_int[:, 2])
        self.n_node_samples = np.ascontiguousarray(nodes_int[:, 3])
        self.threshold = np.ascontiguousarray(nodes_float[:, 0])
        self.impurity = np.ascontiguousarray(nodes_float[:, 1])
        self.weighted_n_node_samples = np.ascontiguousarray(nodes_float[:, 2])
        self.value = value
        self.max_depth = int(max_depth)

    @property
    def node_count(self):
        return self.children_left.shape[0]

    @property
    def n_leaves(self):
        return int(np.sum(self.children_left == TREE_LEAF))

    def apply(self, X):
        """The id of the leaf each row of ``X`` (float32) reaches."""
        return _apply(X, self.children_left, self.children_right, self.feature, self.threshold)

    def predict(self, X):
        """``value`` of the leaf each row of ``X`` reaches, shape (n_samples, n_outputs,
        max_n_classes) — or (n_samples, max_n_classes) for one output."""
        out = self.value[self.apply(X)]
        if self.n_outputs == 1:
            out = out.reshape(X.shape[0], self.max_n_classes)
        return out

    def decision_path(self, X):
        """CSR indicator (n_samples, node_count) of the nodes each row of ``X`` visits."""
        indptr, indices = _paths(X, self.children_left, self.children_right, self.feature,
                                 self.threshold, self.max_depth)
        data = np.ones(indices.shape[0], dtype=np.intp)
        return sp.csr_matrix((data, indices.astype(np.intp), indptr.astype(np.intp)),
                             shape=(X.shape[0], self.node_count))

    def compute_feature_importances(self, normalize=True):
        """Σ over the nodes t splitting on feature j of N_t·G(t) − N_tL·G(t_L) − N_tR·G(t_R),
        divided by the root's weight N_X, then (``normalize``) by the total over j."""
        importances = np.zeros(self.n_features)
        internal = np.flatnonzero(self.children_left != TREE_LEAF)
        weighted = self.weighted_n_node_samples * self.impurity
        left = self.children_left[internal]
        right = self.children_right[internal]
        # Accumulated node by node in id order, as scikit-learn sums them.
        np.add.at(importances, self.feature[internal],
                  weighted[internal] - weighted[left] - weighted[right])
        importances /= self.weighted_n_node_samples[0]
        if normalize:
            normalizer = np.sum(importances)
            if normalizer > 0.0:
                importances /= normalizer
        return importances
