"""KDTree and BallTree: queries equal brute force and scikit-learn's trees; the tree layout
keeps its invariants; the compiled queries equal their plain-Python originals (``py_func``)."""

import numpy as np
import pytest
import sklearn.neighbors as sk

from konspekt.models.neighbors import BallTree, KDTree, _compiled

TREES = {"kd_tree": (KDTree, sk.KDTree), "ball_tree": (BallTree, sk.BallTree)}
METRICS = [("euclidean", {}), ("manhattan", {}), ("chebyshev", {}), ("minkowski", {"p": 3}),
           ("minkowski", {"p": 1.5, "w": np.array([1.0, 0.5, 2.0])})]


def make_data(n_fit=500, n_query=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_fit, 3)) * np.array([1.0, 3.0, 0.5])
    return X, rng.normal(size=(n_query, 3)) * 2


def brute(X, Q, metric, params):
    gaps = np.abs(Q[:, None, :] - X[None, :, :])
    if metric == "euclidean":
        return np.sqrt((gaps ** 2).sum(-1))
    if metric == "manhattan":
        return gaps.sum(-1)
    if metric == "chebyshev":
        return gaps.max(-1)
    p, w = params["p"], params.get("w", 1.0)
    return ((w * gaps ** p).sum(-1)) ** (1 / p)


@pytest.mark.parametrize("tree", sorted(TREES))
@pytest.mark.parametrize("metric, params", METRICS, ids=lambda value: str(value)[:12])
@pytest.mark.parametrize("leaf_size", [1, 7, 40, 1000])
def test_tree_queries_equal_brute_force(tree, metric, params, leaf_size):
    if tree == "kd_tree" and "w" in params:
        pytest.skip("a weighted Minkowski metric is the ball tree's (scikit-learn's rule)")
    X, Q = make_data()
    ours = TREES[tree][0](X, leaf_size=leaf_size, metric=metric, **params)
    distances = brute(X, Q, metric, params)
    order = np.argsort(distances, axis=1, kind="stable")[:, :8]
    found_distances, found = ours.query(Q, k=8)
    np.testing.assert_array_equal(found, order)
    np.testing.assert_allclose(found_distances, np.take_along_axis(distances, order, 1),
                               rtol=1e-12)
    radius = np.median(distances) / 3
    indices, within = ours.query_radius(Q, radius, return_distance=True, sort_results=True)
    for row, row_distances, all_distances in zip(indices, within, distances):
        expected = np.flatnonzero(all_distances <= radius)
        expected = expected[np.argsort(all_distances[expected], kind="stable")]
        np.testing.assert_array_equal(row, expected)
        np.testing.assert_allclose(row_distances, all_distances[expected], rtol=1e-12)
    np.testing.assert_array_equal(ours.query_radius(Q, radius, count_only=True),
                                  (distances <= radius).sum(axis=1))


@pytest.mark.parametrize("tree", sorted(TREES))
def test_tree_queries_equal_sklearn(tree):
    X, Q = make_data()
    ours, theirs = TREES[tree][0](X, leaf_size=10), TREES[tree][1](X, leaf_size=10)
    for our_result, their_result in zip(ours.query(Q, k=5), theirs.query(Q, k=5)):
        np.testing.assert_allclose(our_result, their_result, rtol=1e-12)
    radii = np.linspace(0.5, 2.0, len(Q))
    our_counts = ours.query_radius(Q, radii, count_only=True)
    np.testing.assert_array_equal(our_counts, theirs.query_radius(Q, radii, count_only=True))
    for ours_row, theirs_row in zip(ours.query_radius(Q, radii),
                                    theirs.query_radius(Q, radii)):
        np.testing.assert_array_equal(np.sort(ours_row), np.sort(theirs_row))


@pytest.mark.parametrize("tree", sorted(TREES))
def test_layout_invariants(tree):
    X, _ = make_data(n_fit=203)
    ours = TREES[tree][0](X, leaf_size=6)
    points, index, start, end, first, second = ours._arrays
    assert ours.n_nodes_ == 2 ** ours.n_levels_ - 1
    np.testing.assert_array_equal(np.sort(index), np.arange(len(X)))
    leaves = np.arange(ours.n_nodes_ // 2, ours.n_nodes_)
    sizes = end[leaves] - start[leaves]
    assert sizes.min() >= 6 and sizes.max() < 12
    for node in range(ours.n_nodes_ // 2):
        left, right = 2 * node + 1, 2 * node + 2
        assert (start[left], end[right], end[left]) == (start[node], end[node], start[right])
        members = points[index[start[node]:end[node]]]
        if tree == "kd_tree":
            np.testing.assert_array_equal(first[node], members.min(0))
            np.testing.assert_array_equal(second[node], members.max(0))
        else:
            radius = np.sqrt(((members - first[node]) ** 2).sum(1)).max()
            assert radius <= second[node, 0] <= radius * (1 + 1e-9)


@pytest.mark.parametrize("is_ball", [False, True])
@pytest.mark.parametrize("code, p", [(0, 2.0), (1, 1.0), (2, np.inf), (3, 3.0)])
def test_compiled_queries_equal_their_python_originals(is_ball, code, p):
    X, Q = make_data(n_fit=40, n_query=4)
    tree = (BallTree if is_ball else KDTree)(X, leaf_size=3)
    arrays = tree._arrays
    stack = 2 * tree.n_levels_ + 2
    for function in (_compiled.tree_query_knn, _compiled.tree_query_knn.py_func):
        distances, indices = np.empty((4, 3)), np.empty((4, 3), dtype=np.intp)
        function(*arrays, is_ball, code, p, Q, 3, stack, distances, indices)
        if function is _compiled.tree_query_knn:
            expected = distances, indices
        else:
            np.testing.assert_allclose(distances, expected[0], rtol=1e-12)
            np.testing.assert_array_equal(indices, expected[1])
    radii = np.full(4, np.median(expected[0]))
    compiled = _compiled.tree_query_radius(*arrays, is_ball, code, p, Q, radii, stack)
    plain = _compiled.tree_query_radius.py_func(*arrays, is_ball, code, p, Q, radii, stack)
    for ours, reference in zip(plain, compiled):
        np.testing.assert_allclose(ours, reference)
    block = np.abs(Q[:, None, 0] - X[None, :, 0])
    out = [np.empty((4, 2)), np.empty((4, 2), dtype=np.intp)]
    reference = [np.empty((4, 2)), np.empty((4, 2), dtype=np.intp)]
    row_add, column_add = np.arange(4.0), np.linspace(0.0, 1.0, 40)
    _compiled.select_k_smallest(block, row_add, column_add, -0.5, 2, *reference, 0)
    _compiled.select_k_smallest.py_func(block, row_add, column_add, -0.5, 2, *out, 0)
    np.testing.assert_array_equal(out[1], reference[1])
    np.testing.assert_allclose(out[0], reference[0])
    values = row_add[:, None] + column_add[None, :] - 0.5 * block
    np.testing.assert_array_equal(out[1], np.argsort(values, axis=1, kind="stable")[:, :2])
    np.testing.assert_allclose(out[0], np.sort(values, axis=1)[:, :2])


def test_bad_arguments_are_refused():
    X, Q = make_data(n_fit=20)
    with pytest.raises(ValueError, match="metric 'cosine' is not valid for KDTree"):
        KDTree(X, metric="cosine")
    with pytest.raises(ValueError, match="leaf_size must be greater than or equal to 1"):
        BallTree(X, leaf_size=0)
    with pytest.raises(ValueError, match="k must be less than or equal to the number of training"):
        KDTree(X).query(Q, k=21)
    with pytest.raises(ValueError, match="query data dimension must match"):
        KDTree(X).query(Q[:, :2])
    with pytest.raises(ValueError, match="return_distance must be True if sort_results is True"):
        BallTree(X).query_radius(Q, 1.0, sort_results=True)
    assert KDTree(X).valid_metrics == sorted(KDTree(X).valid_metrics)
