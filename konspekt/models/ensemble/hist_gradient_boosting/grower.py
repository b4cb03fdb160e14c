"""Best-first (leaf-wise) growth of one regression tree on the gradients and Hessians.

Steps, as in LightGBM and scikit-learn's ``TreeGrower``:

1. The root holds every sample; its histogram is summed, its best split found.
2. The splittable leaves wait in a priority queue ordered by split gain. The leaf of largest
   gain is split: its samples are partitioned (bin ≤ threshold, or missing and sent left), the
   children get G, H from the split and the value w = −G / (H + λ).
3. A child becomes a leaf when the tree reaches ``max_leaf_nodes`` leaves (then every waiting
   leaf is closed too), when it reaches ``max_depth``, or when it has fewer than
   2 · ``min_samples_leaf`` samples. Otherwise the histogram of the smaller child is summed,
   the larger one's is the parent's minus it, and each child's best split is found and queued
   — or the child is closed when no split has a positive gain.
4. When the queue is empty, every leaf value is multiplied by the learning rate:
   leaf value = −η · G / (H + λ).
"""

import heapq

import numpy as np

from .histogram import build_histogram, subtract_histogram
from .predictor import TreePredictor
from .splitting import find_best_split, node_value

__all__ = ["TreeNode", "TreeGrower"]


class TreeNode:
    """A node during growth: its samples, G, H, value, depth and (once searched) best split
    ``(gain, feature, bin, missing_go_to_left, G_L, H_L, n_L)``."""

    def __init__(self, depth, sample_indices, sum_gradients, sum_hessians, value):
        self.depth = depth
        self.sample_indices = sample_indices
        self.n_samples = sample_indices.shape[0]
        self.sum_gradients = sum_gradients
        self.sum_hessians = sum_hessians
        self.value = value
        self.is_leaf = False
        self.split = None
        self.category_bins = None
        # Bounds of the children's values (monotonic constraints), the features the node may
        # split on and the interaction groups still open to it.
        self.children_lower_bound = -np.inf
        self.children_upper_bound = np.inf
        self.allowed_features = None
        self.interaction_groups = None
        self.histogram = None
        self.left_child = None
        self.right_child = None

    def __lt__(self, other):
        # heapq pops the smallest: the node of larger gain must compare smaller.
        return self.split[0] > other.split[0]


class TreeGrower:
    """Grow one tree on binned data (see the module docstring).

    Parameters
    ----------
    X_binned : ndarray of uint8, shape (n_samples, n_features), Fortran order
    gradients, hessians : ndarray of float32, shape (n_samples,)
        gᵢ and hᵢ (the Hessians are ignored, taken as 1, when ``constant_hessian``).
    n_bins_non_missing : ndarray of int64, shape (n_features,)
    has_missing_values : ndarray of uint8, shape (n_features,)
    missing_bin : int
        The bin of missing values.
    is_categorical : ndarray of uint8, shape (n_features,), optional
        The features split by sets of categories (their bins are the category codes).
    monotonic_cst : ndarray of int8, shape (n_features,), optional
        +1 / −1: the predictions must increase / decrease with the feature; 0: free.
        Each split on a constrained feature bounds the values of the two subtrees by the
        midpoint of the children's values (left below it for +1, above it for −1).
    interaction_cst : list of sets of int, optional
        Groups of features that may interact: a node may split only on the features of the
        groups that contain every feature split on along its path.
    max_leaf_nodes, max_depth, min_samples_leaf, l2_regularization, min_hessian_to_split :
        The growth limits (``None`` for no limit on leaves / depth).
    feature_fraction : float
        The share of features drawn (without replacement) for each node's split search.
    rng : numpy.random.Generator
        Draws those features.
    shrinkage : float
        The learning rate η.
    """

    def __init__(self, X_binned, gradients, hessians, n_bins_non_missing, has_missing_values,
                 missing_bin, *, is_categorical=None, monotonic_cst=None,
                 interaction_cst=None, constant_hessian=False,
                 max_leaf_nodes=31, max_depth=None,
                 min_samples_leaf=20, l2_regularization=0.0, min_hessian_to_split=1e-3,
                 feature_fraction=1.0, rng=None, shrinkage=1.0):
        self.X_binned = X_binned
        self.gradients = gradients
        self.hessians = hessians
        self.constant_hessian = constant_hessian
        # Non-missing bins, then one column for the missing values (see ``histogram``).
        self.n_bins = int(n_bins_non_missing.max()) + 1
        self.n_bins_non_missing = n_bins_non_missing
        self.has_missing_values = has_missing_values
        self.is_categorical = np.zeros(X_binned.shape[1], dtype=np.uint8) \
            if is_categorical is None else is_categorical
        self.missing_bin = missing_bin
        self.monotonic_cst = np.zeros(X_binned.shape[1], dtype=np.int8) \
            if monotonic_cst is None else monotonic_cst
        self.interaction_cst = interaction_cst
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.min_hessian_to_split = min_hessian_to_split
        self.feature_fraction = feature_fraction
        self.rng = rng
        self.shrinkage = shrinkage
        self.n_features = X_binned.shape[1]
        self.splittable_nodes = []
        self.finalized_leaves = []
        self.n_nodes = 1

    def _histogram(self, sample_indices):
        return build_histogram(self.X_binned, sample_indices, self.gradients, self.hessians,
                               self.constant_hessian, self.n_bins, self.missing_bin)

    def grow(self):
        """Grow the tree; returns self (the leaves are in ``finalized_leaves``)."""
        n_samples = self.X_binned.shape[0]
        indices = np.arange(n_samples, dtype=np.intp)
        histogram = self._histogram(indices)
        first = 0
        allowed = None
        if self.interaction_cst is not None:
            allowed = np.zeros(self.n_features, dtype=np.uint8)
            allowed[list(set().union(*self.interaction_cst))] = 1
            first = int(np.flatnonzero(allowed)[0])
        sum_gradients = self._total(histogram[first, :, 0])
        sum_hessians = float(n_samples) if self.constant_hessian \
            else self._total(histogram[first, :, 1])
        # The root's value is 0, as scikit-learn's (it is a leaf only when nothing splits).
        self.root = TreeNode(0, indices, sum_gradients, sum_hessians, 0.0)
        if allowed is not None:
            self.root.allowed_features = allowed
            self.root.interaction_groups = list(range(len(self.interaction_cst)))
        if n_samples < 2 * self.min_samples_leaf or sum_hessians < self.min_hessian_to_split:
            self._finalize_leaf(self.root)
        else:
            self.root.histogram = histogram
            self._search_and_push(self.root)
        while self.splittable_nodes:
            self._split_next()
        for leaf in self.finalized_leaves:
            leaf.value *= self.shrinkage
        return self

    def _total(self, sums):
        # Summed as one row of missing_bin + 1 bins, the missing values last: NumPy's pairwise
        # summation then rounds exactly as scikit-learn's root sums do.
        row = np.zeros(self.missing_bin + 1)
        row[:len(sums) - 1] = sums[:-1]
        row[-1] = sums[-1]
        return row.sum()

    def _allowed_features(self, node):
        mask = np.ones(self.n_features, dtype=np.uint8) if node.allowed_features is None \
            else node.allowed_features.copy()
        if self.feature_fraction < 1.0:
            # Drawn among the features the interaction constraints allow, in their order.
            candidates = np.flatnonzero(mask)
            n_drawn = max(1, int(np.ceil(self.feature_fraction * len(candidates))))
            drawn = np.zeros(len(candidates), dtype=bool)
            drawn[:n_drawn] = True
            self.rng.shuffle(drawn)
            mask[candidates[~drawn]] = 0
        return mask

    def _search_and_push(self, node):
        category_left = np.zeros(self.n_bins, dtype=np.uint8)
        node.split = find_best_split(
            node.histogram, self.n_bins_non_missing, self.has_missing_values,
            self.is_categorical, self.monotonic_cst, self._allowed_features(node),
            node.sum_gradients, node.sum_hessians, node.value, node.children_lower_bound,
            node.children_upper_bound, float(node.n_samples), float(self.l2_regularization),
            self.min_samples_leaf, self.min_hessian_to_split, category_left)
        if node.split[0] > 0 and self.is_categorical[node.split[1]]:
            # The left set, indexed by the bins of the binned data (missing: missing_bin).
            node.category_bins = np.zeros(256, dtype=np.bool_)
            node.category_bins[:self.n_bins - 1] = category_left[:-1]
            node.category_bins[self.missing_bin] = category_left[-1]
        if node.split[0] <= 0:
            self._finalize_leaf(node)
        else:
            heapq.heappush(self.splittable_nodes, node)

    def _finalize_leaf(self, node):
        node.is_leaf = True
        node.histogram = None
        self.finalized_leaves.append(node)

    def _split_next(self):
        node = heapq.heappop(self.splittable_nodes)
        gain, feature, bin_index, missing_left, gradients_left, hessians_left, _ = node.split
        column = self.X_binned[node.sample_indices, feature]
        if node.category_bins is not None:
            goes_left = node.category_bins[column]
        else:
            goes_left = column <= bin_index
            if missing_left:
                goes_left |= column == self.missing_bin
        depth = node.depth + 1
        l2 = self.l2_regularization
        gradients_right = node.sum_gradients - gradients_left
        hessians_right = node.sum_hessians - hessians_left
        lower, upper = node.children_lower_bound, node.children_upper_bound
        left = TreeNode(depth, node.sample_indices[goes_left], gradients_left, hessians_left,
                        min(max(node_value(gradients_left, hessians_left, l2), lower), upper))
        right = TreeNode(depth, node.sample_indices[~goes_left], gradients_right,
                         hessians_right,
                         min(max(node_value(gradients_right, hessians_right, l2), lower),
                             upper))
        node.left_child, node.right_child = left, right
        if self.interaction_cst is not None:
            groups = [i for i in node.interaction_groups if feature in self.interaction_cst[i]]
            allowed = np.zeros(self.n_features, dtype=np.uint8)
            allowed[list(set().union(*(self.interaction_cst[i] for i in groups)))] = 1
            for child in (left, right):
                child.allowed_features, child.interaction_groups = allowed, groups
        if not self.has_missing_values[feature]:
            # Never seen missing in training: at predict time they follow the majority.
            node.split = (gain, feature, bin_index, left.n_samples > right.n_samples,
                          *node.split[4:])
        self.n_nodes += 2
        n_leaves = len(self.finalized_leaves) + len(self.splittable_nodes) + 2
        if self.max_leaf_nodes is not None and n_leaves == self.max_leaf_nodes:
            self._finalize_leaf(left)
            self._finalize_leaf(right)
            while self.splittable_nodes:
                self._finalize_leaf(self.splittable_nodes.pop())
            node.histogram = None
            return
        if self.max_depth is not None and depth == self.max_depth:
            self._finalize_leaf(left)
            self._finalize_leaf(right)
            node.histogram = None
            return
        for child in (left, right):
            if child.n_samples < 2 * self.min_samples_leaf:
                self._finalize_leaf(child)
        middle = (left.value + right.value) / 2
        left_bounds = right_bounds = (lower, upper)
        if self.monotonic_cst[feature] == 1:
            left_bounds, right_bounds = (lower, middle), (middle, upper)
        elif self.monotonic_cst[feature] == -1:
            left_bounds, right_bounds = (middle, upper), (lower, middle)
        left.children_lower_bound, left.children_upper_bound = left_bounds
        right.children_lower_bound, right.children_upper_bound = right_bounds
        if not (left.is_leaf and right.is_leaf):
            smaller, larger = (left, right) if left.n_samples < right.n_samples \
                else (right, left)
            smaller.histogram = self._histogram(smaller.sample_indices)
            larger.histogram = subtract_histogram(node.histogram, smaller.histogram)
            for child in (left, right):
                if not child.is_leaf:
                    self._search_and_push(child)
        node.histogram = None

    def update_raw_predictions(self, raw_predictions):
        """Add each leaf's value to the raw predictions of its training samples."""
        for leaf in self.finalized_leaves:
            raw_predictions[leaf.sample_indices] += leaf.value

    def make_predictor(self, bin_thresholds):
        """The grown tree as a :class:`TreePredictor` (depth-first, left child first)."""
        n = self.n_nodes
        categorical_nodes = []
        nodes = {"feature": np.zeros(n, dtype=np.intp), "threshold": np.zeros(n),
                 "bin_threshold": np.zeros(n, dtype=np.uint8),
                 "missing_go_to_left": np.zeros(n, dtype=np.bool_),
                 "left": np.zeros(n, dtype=np.intp), "right": np.zeros(n, dtype=np.intp),
                 "value": np.zeros(n), "is_leaf": np.zeros(n, dtype=np.bool_),
                 "count": np.zeros(n, dtype=np.intp), "gain": np.full(n, -1.0),
                 "depth": np.zeros(n, dtype=np.intp),
                 "category_row": np.full(n, -1, dtype=np.intp)}
        stack = [(self.root, 0)]
        while stack:
            grower_node, k = stack.pop()
            nodes["value"][k] = grower_node.value
            nodes["count"][k] = grower_node.n_samples
            nodes["depth"][k] = grower_node.depth
            if grower_node.is_leaf:
                nodes["is_leaf"][k] = True
                continue
            gain, feature, bin_index, missing_left = grower_node.split[:4]
            nodes["gain"][k] = gain
            nodes["feature"][k] = feature
            nodes["bin_threshold"][k] = bin_index
            nodes["missing_go_to_left"][k] = missing_left
            if grower_node.category_bins is not None:
                nodes["category_row"][k] = len(categorical_nodes)
                categorical_nodes.append(grower_node.category_bins)
            elif bin_index == self.n_bins_non_missing[feature] - 1:
                # The split on missing: every known value goes left.
                nodes["threshold"][k] = np.inf
            else:
                nodes["threshold"][k] = bin_thresholds[feature][bin_index]
            left_index = k + 1
            right_index = k + 1 + self._subtree_size(grower_node.left_child)
            nodes["left"][k], nodes["right"][k] = left_index, right_index
            stack.append((grower_node.right_child, right_index))
            stack.append((grower_node.left_child, left_index))
        nodes["category_left"] = np.array(categorical_nodes, dtype=np.bool_).reshape(-1, 256)
        return TreePredictor(nodes)

    def _subtree_size(self, node):
        if node.is_leaf:
            return 1
        return 1 + self._subtree_size(node.left_child) + self._subtree_size(node.right_child)
