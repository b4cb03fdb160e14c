"""The compiled loops of the neighbour search: the k smallest entries of each row of a distance
block (brute force), and the depth-first k-nearest and radius queries of the KD-tree and the
ball tree.

Distances are handled as *reduced* distances r = dᵖ (Σ|xⱼ − yⱼ|ᵖ, no root) where that keeps the
order and saves a root per pair: the metric is a code,

* 0 — Euclidean, r = Σ (xⱼ − yⱼ)²;
* 1 — Manhattan, r = Σ |xⱼ − yⱼ|;
* 2 — Chebyshev, r = maxⱼ |xⱼ − yⱼ|;
* 3 — Minkowski of power p, r = Σ |xⱼ − yⱼ|ᵖ.

A tree is stored as scikit-learn lays it out: a complete binary tree in arrays, node i with
children 2i + 1 and 2i + 2 (a leaf when 2i + 1 ≥ n_nodes), covering ``index[start[i]:end[i]]``.
A node's bounds are two (n_nodes, n_features) arrays: for a KD-tree the lower and upper corner
of its bounding box; for a ball tree its centroid and (in column 0) its radius.
"""

import math

import numpy as np

from konspekt.utils.accel import njit

EUCLIDEAN, MANHATTAN, CHEBYSHEV, MINKOWSKI = 0, 1, 2, 3

def as_search_array(array):
    """``array`` as a writeable, C-ordered float64 ndarray (copied only when it is not one):
    the one array type the compiled functions are compiled for (a read-only or float32 array
    would cost another compilation)."""
    array = np.asarray(array, dtype=np.float64, order="C")
    return array if array.flags.writeable else array.copy()


@njit
def accumulate(total, gap, code, p):
    """The reduced distance ``total`` with one more coordinate's gap |xⱼ − yⱼ| added: Σ gap²,
    Σ gap, max gap or Σ gapᵖ for the metric ``code``."""
    if code == EUCLIDEAN:
        return total + gap * gap
    if code == MANHATTAN:
        return total + gap
    if code == CHEBYSHEV:
        return max(total, gap)
    return total + gap ** p


@njit
def reduced_distance(x, y, code, p):
    """r(x, y) for the metric ``code`` (see the module docstring)."""
    total = 0.0
    for j in range(x.shape[0]):
        total = accumulate(total, abs(x[j] - y[j]), code, p)
    return total


@njit
def to_reduced(distance, code, p):
    """The reduced distance r of a true distance d (d², d or dᵖ)."""
    if code == EUCLIDEAN:
        return distance * distance
    if code == MINKOWSKI:
        return distance ** p
    return distance


@njit
def node_lower_bound(query, node, first, second, is_ball, code, p):
    """A lower bound of the reduced distance from ``query`` to any point of ``node``: the gap to
    the node's box (KD-tree) or max(0, d(query, centroid) − radius) (ball tree)."""
    if is_ball:
        to_centre = reduced_distance(query, first[node], code, p)
        if code == EUCLIDEAN:
            to_centre = math.sqrt(to_centre)
        elif code == MINKOWSKI:
            to_centre = to_centre ** (1.0 / p)
        return to_reduced(max(to_centre - second[node, 0], 0.0), code, p)
    total = 0.0
    for j in range(query.shape[0]):
        gap = max(first[node, j] - query[j], query[j] - second[node, j], 0.0)
        total = accumulate(total, gap, code, p)
    return total


@njit
def insert_sorted(best_distance, best_index, distance, index):
    """Insert (distance, index) into the ascending arrays of the k best, dropping the worst;
    among equal distances the earlier entry stays first."""
    position = best_distance.shape[0] - 1
    while position > 0 and best_distance[position - 1] > distance:
        best_distance[position] = best_distance[position - 1]
        best_index[position] = best_index[position - 1]
        position -= 1
    best_distance[position] = distance
    best_index[position] = index


@njit(nogil=True)
def select_k_smallest(values, row_add, column_add, scale, k, out_distance, out_index, offset):
    """For each row i of a block, the k smallest of dᵢⱼ = row_add[i] + column_add[j] +
    scale · values[i, j] in ascending order (ties: lower column first), into
    ``out_distance[offset + i]`` and ``out_index[offset + i]``.

    The affine form lets the Euclidean search hand over the matrix product ⟨x′ᵢ, xⱼ⟩ with
    scale −2 and the squared norms, instead of first building the distance block in memory."""
    n_rows, n_columns = values.shape
    for i in range(n_rows):
        best_distance = np.full(k, np.inf)
        best_index = np.zeros(k, dtype=np.intp)
        worst = np.inf
        for j in range(n_columns):
            value = row_add[i] + column_add[j] + scale * values[i, j]
            if value < worst:
                insert_sorted(best_distance, best_index, value, j)
                worst = best_distance[k - 1]
        out_distance[offset + i] = best_distance
        out_index[offset + i] = best_index


@njit
def tree_query_knn(data, index, start, end, first, second, is_ball, code, p, queries, k,
                   stack_size, out_distance, out_index):
    """The k nearest points of each query (reduced distances, ascending), by depth-first search:
    the nearer child first, and a node skipped when its lower bound is no better than the
    current k-th distance."""
    n_nodes = start.shape[0]
    for q in range(queries.shape[0]):
        query = queries[q]
        best_distance = np.full(k, np.inf)
        best_index = np.zeros(k, dtype=np.intp)
        stack = np.empty(stack_size, dtype=np.intp)
        bounds = np.empty(stack_size)
        stack[0] = 0
        bounds[0] = 0.0
        top = 1
        while top > 0:
            top -= 1
            node = stack[top]
            if bounds[top] >= best_distance[k - 1]:
                continue
            left = 2 * node + 1
            if left >= n_nodes:
                for position in range(start[node], end[node]):
                    point = index[position]
                    distance = reduced_distance(query, data[point], code, p)
                    if distance < best_distance[k - 1]:
                        insert_sorted(best_distance, best_index, distance, point)
                continue
            right = left + 1
            bound_left = node_lower_bound(query, left, first, second, is_ball, code, p)
            bound_right = node_lower_bound(query, right, first, second, is_ball, code, p)
            # The nearer child goes on top of the stack, so it is searched first.
            if bound_left <= bound_right:
                stack[top], bounds[top] = right, bound_right
                stack[top + 1], bounds[top + 1] = left, bound_left
            else:
                stack[top], bounds[top] = left, bound_left
                stack[top + 1], bounds[top + 1] = right, bound_right
            top += 2
        out_distance[q] = best_distance
        out_index[q] = best_index


@njit
def radius_search_one(data, index, start, end, first, second, is_ball, code, p, query, radius,
                      stack_size, out_index, out_distance, offset, fill):
    """The number of points within reduced distance ``radius`` of ``query``; when ``fill``, they
    are written to ``out_index`` / ``out_distance`` from ``offset`` on (in tree order)."""
    n_nodes = start.shape[0]
    stack = np.empty(stack_size, dtype=np.intp)
    stack[0] = 0
    top = 1
    count = 0
    while top > 0:
        top -= 1
        node = stack[top]
        if node_lower_bound(query, node, first, second, is_ball, code, p) > radius:
            continue
        left = 2 * node + 1
        if left >= n_nodes:
            for position in range(start[node], end[node]):
                point = index[position]
                distance = reduced_distance(query, data[point], code, p)
                if distance <= radius:
                    if fill:
                        out_index[offset + count] = point
                        out_distance[offset + count] = distance
                    count += 1
            continue
        stack[top] = left + 1
        stack[top + 1] = left
        top += 2
    return count


@njit
def tree_query_radius(data, index, start, end, first, second, is_ball, code, p, queries, radii,
                      stack_size):
    """All points within reduced distance ``radii[q]`` of each query q, as (counts, flat
    indices, flat reduced distances): a counting pass sizes the output, a second pass fills it."""
    n_queries = queries.shape[0]
    counts = np.zeros(n_queries, dtype=np.intp)
    unused_index = np.empty(0, dtype=np.intp)
    unused_distance = np.empty(0)
    for q in range(n_queries):
        counts[q] = radius_search_one(data, index, start, end, first, second, is_ball, code, p,
                                      queries[q], radii[q], stack_size, unused_index,
                                      unused_distance, 0, False)
    offsets = np.zeros(n_queries + 1, dtype=np.intp)
    offsets[1:] = np.cumsum(counts)
    out_index = np.empty(offsets[n_queries], dtype=np.intp)
    out_distance = np.empty(offsets[n_queries])
    for q in range(n_queries):
        radius_search_one(data, index, start, end, first, second, is_ball, code, p, queries[q],
                          radii[q], stack_size, out_index, out_distance, offsets[q], True)
    return offsets, out_index, out_distance
