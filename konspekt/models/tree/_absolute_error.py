"""The absolute-error criterion's running medians, as scikit-learn (≥ 1.8) computes them.

For the node ``samples[start:end]`` and each split position p, the weighted median m of the
targets on either side and the sum Σ wᵢ |yᵢ − m| are needed. Adding the samples one at a time
(forwards for the left children, backwards for the right ones) into a Fenwick tree indexed by
the rank of yᵢ gives, in O(log n) per sample, the weight and the weighted sum of the targets
below any rank, hence the median (the rank where half the weight is reached; the mean of the
two middle values when the half falls exactly between them) and

    Σ wᵢ |yᵢ − m| = (Σ_{yᵢ>m} wᵢyᵢ − m·Σ_{yᵢ>m} wᵢ) + (m·Σ_{yᵢ≤m} wᵢ − Σ_{yᵢ≤m} wᵢyᵢ).

``buffers`` rows: 0 / 1 the left / right sums of absolute errors at each position, 2 / 3 the
left / right medians, 4 the node's medians (one per output), 5 the sorted targets, 6 / 7 the
Fenwick tree's weights and weighted targets.
"""

import numpy as np

from ...utils.accel import njit
from ._sort import sort

LEFT_ERRORS, RIGHT_ERRORS, LEFT_MEDIANS, RIGHT_MEDIANS, NODE_MEDIANS, SORTED_Y, TREE_W, \
    TREE_WY = range(8)


@njit(nogil=True)
def _search(tree_w, tree_wy, size, max_pow2, target):
    """The rank where the cumulative weight reaches ``target``, the rank before it when the
    target is reached exactly at a node boundary, and the weight and weighted targets below."""
    current = 0
    cumul_w = 0.0
    cumul_wy = 0.0
    bit = max_pow2
    equal_bit = 0
    equal_target = 0.0
    while bit != 0:
        following = current + bit
        if following <= size:
            node_weight = tree_w[following]
            if target == node_weight:
                equal_target = target
                equal_bit = bit
                break
            elif target > node_weight:
                target -= node_weight
                current = following
                cumul_w += node_weight
                cumul_wy += tree_wy[following]
        bit >>= 1
    if bit == 0:
        return current, current, cumul_w, cumul_wy
    previous = current
    while bit != 0:
        following = previous + bit
        if following <= size:
            node_weight = tree_w[following]
            if target > node_weight:
                target -= node_weight
                previous = following
        bit >>= 1
    bit = equal_bit
    target = equal_target
    while bit != 0:
        following = current + bit
        if following <= size:
            node_weight = tree_w[following]
            if target >= node_weight:
                target -= node_weight
                current = following
                cumul_w += node_weight
                cumul_wy += tree_wy[following]
        bit >>= 1
    return current, previous, cumul_w, cumul_wy


@njit(nogil=True)
def _accumulate(buffers, ranks, sample_weight, samples, first, stop, step, errors, medians):
    """Add the samples at positions first, first + step, … (before ``stop``) one by one and
    record after each the median and the sum of absolute errors of those added so far."""
    n = (stop - first) * step
    tree_w = buffers[TREE_W]
    tree_wy = buffers[TREE_WY]
    sorted_y = buffers[SORTED_Y]
    for j in range(n + 1):
        tree_w[j] = 0.0
        tree_wy[j] = 0.0
    total_w = 0.0
    total_wy = 0.0
    max_pow2 = 1
    while max_pow2 <= n:
        max_pow2 <<= 1
    max_pow2 >>= 1
    p = first
    for _ in range(n):
        w = sample_weight[samples[p]]
        rank = ranks[p]
        weighted_y = w * sorted_y[rank]
        index = rank + 1
        while index <= n:
            tree_w[index] += w
            tree_wy[index] += weighted_y
            index += index & -index
        total_w += w
        total_wy += weighted_y
        median_rank, previous_rank, w_left, wy_left = _search(tree_w, tree_wy, n, max_pow2,
                                                              0.5 * total_w)
        if median_rank != previous_rank:
            median = (sorted_y[previous_rank] + sorted_y[median_rank]) / 2
        else:
            median = sorted_y[median_rank]
        w_right = total_w - w_left
        wy_right = total_wy - wy_left
        buffers[medians, p] = median
        buffers[errors, p] += (wy_right - median * w_right) + (median * w_left - wy_left)
        p += step


@njit(nogil=True)
def absolute_error_reset(y, sample_weight, samples, start, end, buffers):
    """Fill the buffers for the node ``samples[start:end]`` in its current order."""
    n = end - start
    for p in range(start, end):
        buffers[LEFT_ERRORS, p] = 0.0
        buffers[RIGHT_ERRORS, p] = 0.0
    order = np.empty(n, dtype=np.int64)
    ranks = np.empty(end, dtype=np.int64)
    for k in range(y.shape[1]):
        for p in range(start, end):
            buffers[SORTED_Y, p - start] = y[samples[p], k]
        for j in range(n):
            order[j] = j
        sort(buffers[SORTED_Y], order, 0, n)
        for j in range(n):
            ranks[start + order[j]] = j
        _accumulate(buffers, ranks, sample_weight, samples, start, end, np.int64(1),
                    np.int64(LEFT_ERRORS), np.int64(LEFT_MEDIANS))
        _accumulate(buffers, ranks, sample_weight, samples, end - 1, start - 1, np.int64(-1),
                    np.int64(RIGHT_ERRORS), np.int64(RIGHT_MEDIANS))
        buffers[NODE_MEDIANS, k] = buffers[RIGHT_MEDIANS, start]
