"""Growing a decision tree, entirely inside compiled code.

Two orders of growth, as in scikit-learn:

- depth first (``max_leaf_nodes=None``): a stack of nodes; a node becomes a leaf when
  depth ≥ max_depth, N < min_samples_split, N < 2·min_samples_leaf, its weight is below
  2·min_weight_leaf, its impurity is 0, no valid split exists, or the best information gain
  IG < min_impurity_decrease; otherwise its right then its left child are pushed, so the left
  subtree is numbered first;
- best first (``max_leaf_nodes`` given): a max-heap of the open nodes keyed by their IG; the
  node of largest IG is split next until ``max_leaf_nodes − 1`` splits were made. The heap
  reproduces the sift order of C++'s ``std::push_heap`` / ``std::pop_heap``, so that nodes of
  equal gain are expanded in scikit-learn's order.

Samples of zero weight take no part in the search (bootstrap weights of a forest cost nothing
for the samples left out).
"""

import numpy as np

from ...utils.accel import njit
from ._splitter import node_split
from .criteria import W_NODE, W_TOTAL, init_node, node_impurity, node_value

EPSILON = np.finfo(np.float64).eps
TREE_LEAF = -1
TREE_UNDEFINED = -2
# Columns of a best-first frontier record.
(R_NODE, R_START, R_END, R_POS, R_DEPTH, R_IS_LEAF, R_IMPURITY, R_IMPURITY_LEFT,
 R_IMPURITY_RIGHT, R_IMPROVEMENT, R_CONSTANTS) = range(11)


@njit(nogil=True)
def _add_node(nodes_int, nodes_float, node_count, parent, is_left, is_leaf, feature, threshold,
              impurity, n_node_samples, weighted_n_node_samples):
    node_id = node_count
    if parent != TREE_UNDEFINED:
        if is_left:
            nodes_int[parent, 0] = node_id
        else:
            nodes_int[parent, 1] = node_id
    nodes_int[node_id, 3] = n_node_samples
    nodes_float[node_id, 1] = impurity
    nodes_float[node_id, 2] = weighted_n_node_samples
    if is_leaf:
        nodes_int[node_id, 0] = TREE_LEAF
        nodes_int[node_id, 1] = TREE_LEAF
        nodes_int[node_id, 2] = TREE_UNDEFINED
        nodes_float[node_id, 0] = TREE_UNDEFINED
    else:
        nodes_int[node_id, 2] = feature
        nodes_float[node_id, 0] = threshold
    return node_id


@njit(nogil=True)
def _copy_row(source, i, target, j):
    # An explicit loop: row assignment would compile numba's whole broadcasting machinery.
    for column in range(source.shape[1]):
        target[j, column] = source[i, column]


@njit(nogil=True)
def _heap_push(heap, size, record):
    """Append ``record`` (row 0 of a (1, 11) array) to the max-heap ``heap[:size]``
    (libstdc++'s ``__push_heap``)."""
    hole = size
    parent = (hole - 1) // 2
    while hole > 0 and heap[parent, R_IMPROVEMENT] < record[0, R_IMPROVEMENT]:
        _copy_row(heap, parent, heap, hole)
        hole = parent
        parent = (hole - 1) // 2
    _copy_row(record, 0, heap, hole)


@njit(nogil=True)
def _heap_pop(heap, size, out):
    """Move the largest record of ``heap[:size]`` to ``out[0]`` (libstdc++'s ``pop_heap``)."""
    _copy_row(heap, 0, out, 0)
    if size == 1:
        return
    value = np.empty((1, heap.shape[1]))
    _copy_row(heap, size - 1, value, 0)
    length = size - 1
    hole = 0
    child = 0
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if heap[child, R_IMPROVEMENT] < heap[child - 1, R_IMPROVEMENT]:
            child -= 1
        _copy_row(heap, child, heap, hole)
        hole = child
    if (length & 1) == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        _copy_row(heap, child - 1, heap, hole)
        hole = child - 1
    _heap_push(heap, hole, value)


@njit(nogil=True)
def grow(X, y, sample_weight, criterion, n_classes, width, random_splits, max_features,
         min_samples_leaf, min_weight_leaf, max_depth, min_samples_split, min_impurity_decrease,
         max_leaf_nodes, seed):
    """Grow one tree; return its node arrays (see ``konspekt.models.tree.tree_structure``).

    ``max_leaf_nodes < 0`` grows depth first, otherwise best first; ``seed`` starts the
    feature draws (scikit-learn's ``random_state.randint(0, 2**31 - 1)``).

    Returns
    -------
    nodes_int : int64 (node_count, 4): children_left, children_right, feature, n_node_samples
    nodes_float : float64 (node_count, 3): threshold, impurity, weighted_n_node_samples
    value : float64 (node_count, n_outputs, width)
    max_depth_seen : int
    """
    n_total = sample_weight.shape[0]
    n_outputs = y.shape[1]
    samples = np.empty(n_total, dtype=np.int64)
    n_samples = np.int64(0)
    weighted_n_samples = 0.0
    for i in range(n_total):
        if sample_weight[i] != 0.0:
            samples[n_samples] = i
            n_samples += 1
        weighted_n_samples += sample_weight[i]
    samples = samples[:n_samples]
    n_features = X.shape[1]
    work = (samples, np.empty(n_samples, dtype=np.float32), np.arange(n_features),
            np.empty(n_features, dtype=np.int64), np.array([seed], dtype=np.int64),
            np.zeros((3, n_outputs, width)), np.zeros(8),
            np.zeros((8, max(n_samples + 1, n_outputs))))
    work[6][W_TOTAL] = weighted_n_samples
    settings = (criterion, n_classes, random_splits, max_features, min_samples_leaf,
                min_weight_leaf, max_depth, min_samples_split, min_impurity_decrease)

    capacity = max(2 * n_samples - 1, 1)
    if max_depth < 40:
        capacity = min(capacity, 2 ** (max_depth + 1) - 1)
    if max_leaf_nodes > 0:
        capacity = min(capacity, 2 * max_leaf_nodes - 1)
    tree = (np.empty((capacity, 4), dtype=np.int64), np.empty((capacity, 3)),
            np.zeros((capacity, n_outputs, width)))
    record = np.empty((1, 11))
    right_record = np.empty((1, 11))
    node_count = _expand(X, y, sample_weight, work, tree, settings, np.int64(0), np.int64(0),
                         n_samples, np.bool_(True), np.int64(0), np.int64(TREE_UNDEFINED),
                         np.int64(0), np.float64(np.inf), np.int64(0), record)
    max_depth_seen = 0
    if max_leaf_nodes < 0:
        # The stack holds the children still to grow: (start, end, depth, parent, is_left,
        # known constant features) and their impurity.
        stack_int = np.empty((n_samples + 2, 6), dtype=np.int64)
        stack_impurity = np.empty(n_samples + 2)
        top = _push_children(stack_int, stack_impurity, np.int64(0), record)
        while top > 0:
            top -= 1
            node_count = _expand(X, y, sample_weight, work, tree, settings, node_count,
                                 stack_int[top, 0], stack_int[top, 1], np.bool_(False),
                                 stack_int[top, 4], stack_int[top, 3], stack_int[top, 2],
                                 stack_impurity[top], stack_int[top, 5], record)
            top = _push_children(stack_int, stack_impurity, top, record)
            max_depth_seen = max(max_depth_seen, int(record[0, R_DEPTH]))
    else:
        heap = np.empty((max_leaf_nodes + 1, 11))
        _heap_push(heap, 0, record)
        n_open = 1
        max_split_nodes = max_leaf_nodes - 1
        popped = np.empty((1, 11))
        nodes_int, nodes_float = tree[0], tree[1]
        while n_open > 0:
            _heap_pop(heap, n_open, popped)
            n_open -= 1
            node_id = int(popped[0, R_NODE])
            depth = int(popped[0, R_DEPTH])
            if popped[0, R_IS_LEAF] != 0.0 or max_split_nodes <= 0:
                nodes_int[node_id, 0] = TREE_LEAF
                nodes_int[node_id, 1] = TREE_LEAF
                nodes_int[node_id, 2] = TREE_UNDEFINED
                nodes_float[node_id, 0] = TREE_UNDEFINED
            else:
                max_split_nodes -= 1
                pos = int(popped[0, R_POS])
                node_count = _expand(X, y, sample_weight, work, tree, settings, node_count,
                                     int(popped[0, R_START]), pos, np.bool_(False), np.int64(1),
                                     node_id, depth + 1, popped[0, R_IMPURITY_LEFT], np.int64(0),
                                     record)
                node_count = _expand(X, y, sample_weight, work, tree, settings, node_count,
                                     pos, int(popped[0, R_END]), np.bool_(False), np.int64(0),
                                     node_id, depth + 1, popped[0, R_IMPURITY_RIGHT],
                                     np.int64(0), right_record)
                _heap_push(heap, n_open, record)
                n_open += 1
                _heap_push(heap, n_open, right_record)
                n_open += 1
            max_depth_seen = max(max_depth_seen, depth)
    return (tree[0][:node_count].copy(), tree[1][:node_count].copy(),
            tree[2][:node_count].copy(), max_depth_seen)


@njit(nogil=True)
def _push_children(stack_int, stack_impurity, top, record):
    """Push the right then the left child of the node just grown (if it was split), so that
    the left subtree is grown first; return the new stack size."""
    if record[0, R_IS_LEAF] != 0.0:
        return top
    for child in range(2):
        is_left = child == 1
        stack_int[top, 0] = int(record[0, R_START]) if is_left else int(record[0, R_POS])
        stack_int[top, 1] = int(record[0, R_POS]) if is_left else int(record[0, R_END])
        stack_int[top, 2] = int(record[0, R_DEPTH]) + 1
        stack_int[top, 3] = int(record[0, R_NODE])
        stack_int[top, 4] = child
        stack_int[top, 5] = int(record[0, R_CONSTANTS])
        stack_impurity[top] = record[0, R_IMPURITY_LEFT] if is_left else record[0, R_IMPURITY_RIGHT]
        top += 1
    return top


@njit(nogil=True)
def _expand(X, y, sample_weight, work, tree, settings, node_count, start, end, is_first,
            is_left, parent, depth, impurity, n_constants, record):
    """Add the node ``samples[start:end]`` to the tree, search its split, and describe it in
    ``record`` (its split position, children's impurities, IG, …); return the node count."""
    samples, feature_values, features, constant_features, rng, sums, stats, mae_buffers = work
    nodes_int, nodes_float, value = tree
    (criterion, n_classes, random_splits, max_features, min_samples_leaf, min_weight_leaf,
     max_depth, min_samples_split, min_impurity_decrease) = settings
    init_node(y, sample_weight, samples, start, end, sums, stats, criterion, mae_buffers)
    weighted_n_node_samples = stats[W_NODE]
    if is_first:
        impurity = node_impurity(y, sample_weight, samples, sums, stats, n_classes, criterion,
                                 mae_buffers)
    n_node_samples = end - start
    is_leaf = (depth >= max_depth or n_node_samples < min_samples_split
               or n_node_samples < 2 * min_samples_leaf
               or weighted_n_node_samples < 2 * min_weight_leaf or impurity <= EPSILON)
    pos = end
    feature = np.int64(0)
    threshold = np.float64(0.0)
    impurity_left = impurity_right = impurity
    improvement = 0.0
    if not is_leaf:
        (pos, feature, threshold, impurity_left, impurity_right, improvement,
         n_constants) = node_split(
            X, y, sample_weight, samples, feature_values, features, constant_features, start,
            end, impurity, n_constants, max_features, min_samples_leaf, min_weight_leaf, rng,
            random_splits, criterion, n_classes, sums, stats, mae_buffers)
        is_leaf = pos >= end or improvement + EPSILON < min_impurity_decrease
    node_id = _add_node(nodes_int, nodes_float, node_count, parent, is_left, is_leaf, feature,
                        threshold, impurity, n_node_samples, weighted_n_node_samples)
    node_value(sums, stats, n_classes, criterion, mae_buffers, value[node_id])
    record[0, R_NODE] = node_id
    record[0, R_START] = start
    record[0, R_END] = end
    record[0, R_DEPTH] = depth
    record[0, R_IMPURITY] = impurity
    record[0, R_CONSTANTS] = n_constants
    if is_leaf:
        record[0, R_POS] = end
        record[0, R_IS_LEAF] = 1.0
        record[0, R_IMPROVEMENT] = 0.0
        record[0, R_IMPURITY_LEFT] = impurity
        record[0, R_IMPURITY_RIGHT] = impurity
    else:
        record[0, R_POS] = pos
        record[0, R_IS_LEAF] = 0.0
        record[0, R_IMPROVEMENT] = improvement
        record[0, R_IMPURITY_LEFT] = impurity_left
        record[0, R_IMPURITY_RIGHT] = impurity_right
    return node_count + 1
