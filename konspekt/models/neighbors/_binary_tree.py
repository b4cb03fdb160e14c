"""What the KD-tree and the ball tree share: the layout, the build loop and the queries.

Build (NumPy): the root covers all n points; a node of the complete binary tree of
L = 1 + ⌊log₂ max(1, (n − 1) / leaf_size)⌋ levels is split on the feature of largest spread at
its median (``np.argpartition``), the left child taking the ⌊m / 2⌋ smaller points of its m.
Every leaf then holds from leaf_size to 2 · leaf_size − 1 points (all n when n ≤ leaf_size).
Queries run compiled (``_compiled``): depth-first, nearer child first, pruning a node whose
lower bound cannot beat the current k-th distance (or exceeds the radius).
"""

import numbers

import numpy as np

from konspekt.base import check_array

from . import _compiled
from .distances import VALID_METRICS, resolve_metric

__all__ = ["BinaryTree"]


def _metric_of(metric, p, kwargs, tree_name):
    if callable(metric) or metric not in VALID_METRICS[tree_name]:
        raise ValueError(f"metric {metric!r} is not valid for {_CLASS_NAMES[tree_name]}: "
                         f"valid metrics are {VALID_METRICS[tree_name]}.")
    params = dict(kwargs)
    if metric in ("minkowski", "p"):
        params.setdefault("p", p)
    resolved = resolve_metric(metric, params)
    if resolved.kind == "minkowski" and resolved.p < 1:
        raise ValueError(f"{_CLASS_NAMES[tree_name]} needs a Minkowski p >= 1 (a metric), "
                         f"got p={resolved.p}.")
    return resolved


_CLASS_NAMES = {"kd_tree": "KDTree", "ball_tree": "BallTree"}


class BinaryTree:
    """Base of ``KDTree`` and ``BallTree``; a subclass defines ``_tree_name`` and
    ``_node_bounds(points)``, the two bound rows of a node."""

    _tree_name = None

    def __init__(self, X, leaf_size=40, metric="minkowski", **kwargs):
        p = kwargs.pop("p", 2)
        self.metric_ = _metric_of(metric, p, kwargs, self._tree_name)
        self.metric = metric
        if not isinstance(leaf_size, numbers.Integral) or leaf_size < 1:
            raise ValueError(f"leaf_size must be greater than or equal to 1, got {leaf_size!r}.")
        self.leaf_size = int(leaf_size)
        self.data = check_array(X, dtype=np.float64, order="C")
        self._points = _compiled.as_search_array(self.metric_.rescale(self.data))
        self._build()

    @property
    def valid_metrics(self):
        """The metric names this tree accepts."""
        return list(VALID_METRICS[self._tree_name])

    def _build(self):
        points = self._points
        n_samples, n_features = points.shape
        n_levels = 1 + int(np.log2(max(1.0, (n_samples - 1) / self.leaf_size)))
        n_nodes = 2 ** n_levels - 1
        index = np.arange(n_samples, dtype=np.intp)
        start = np.zeros(n_nodes, dtype=np.intp)
        end = np.zeros(n_nodes, dtype=np.intp)
        first = np.empty((n_nodes, n_features))
        second = np.zeros((n_nodes, n_features))
        end[0] = n_samples
        # Nodes are numbered level by level, so a parent is always split before its children.
        for node in range(n_nodes):
            begin, stop = start[node], end[node]
            members = points[index[begin:stop]]
            first[node], second[node] = self._node_bounds(members)
            left = 2 * node + 1
            if left >= n_nodes:
                continue
            half = (stop - begin) // 2
            feature = np.argmax(members.max(axis=0) - members.min(axis=0))
            order = np.argpartition(members[:, feature], half)
            index[begin:stop] = index[begin:stop][order]
            start[left], end[left] = begin, begin + half
            start[left + 1], end[left + 1] = begin + half, stop
        self.n_levels_, self.n_nodes_ = n_levels, n_nodes
        self._arrays = (points, index, start, end, first, second)

    def _node_bounds(self, points):
        raise NotImplementedError

    def _check_queries(self, X):
        X = check_array(X, dtype=np.float64, order="C", input_name="X")
        if X.shape[1] != self.data.shape[1]:
            raise ValueError("query data dimension must match training data dimension: "
                             f"got {X.shape[1]} features, the tree has {self.data.shape[1]}.")
        return _compiled.as_search_array(self.metric_.rescale(X))

    def _writeable_arrays(self):
        """The tree's arrays, copied once if they came back read-only (e.g. unpickled from a
        memory map), so that the compiled queries meet the array type they were compiled
        for."""
        if not all(array.flags.writeable for array in self._arrays):
            self._arrays = tuple(array.copy() for array in self._arrays)
        return self._arrays

    def _knn(self, queries, k):
        """(reduced distances, indices) of the k nearest points of each (rescaled) query."""
        reduced = np.empty((queries.shape[0], k))
        indices = np.empty((queries.shape[0], k), dtype=np.intp)
        _compiled.tree_query_knn(*self._writeable_arrays(), self._is_ball,
                                 self.metric_.code, float(self.metric_.p), queries, k,
                                 2 * self.n_levels_ + 2, reduced, indices)
        return reduced, indices

    def _radius(self, queries, reduced_radius):
        """(offsets, flat indices, flat reduced distances) of the points within
        ``reduced_radius`` (scalar or per query) of each (rescaled) query."""
        radii = _compiled.as_search_array(np.broadcast_to(
            np.asarray(reduced_radius, dtype=np.float64), (queries.shape[0],)))
        return _compiled.tree_query_radius(*self._writeable_arrays(), self._is_ball,
                                           self.metric_.code, float(self.metric_.p), queries,
                                           radii, 2 * self.n_levels_ + 2)

    def query(self, X, k=1, return_distance=True, sort_results=True):
        """The k nearest neighbours of each row of X.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
        k : int, default 1
        return_distance : bool, default True
        sort_results : bool, default True
            Kept for scikit-learn's signature: the neighbours always come sorted by distance.

        Returns
        -------
        distances : ndarray of shape (n_queries, k)
            Only when ``return_distance``.
        indices : ndarray of shape (n_queries, k)
        """
        queries = self._check_queries(X)
        if not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}.")
        if k > self.data.shape[0]:
            raise ValueError("k must be less than or equal to the number of training points: "
                             f"k={k}, {self.data.shape[0]} training points.")
        reduced, indices = self._knn(queries, int(k))
        if return_distance:
            return self.metric_.from_reduced(reduced), indices
        return indices

    def query_radius(self, X, r, return_distance=False, count_only=False, sort_results=False):
        """The neighbours within distance r (boundary included) of each row of X.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
        r : float or array-like of shape (n_queries,)
        return_distance : bool, default False
        count_only : bool, default False
            Return only the number of neighbours of each query.
        sort_results : bool, default False
            Sort each query's neighbours by distance (needs ``return_distance``).

        Returns
        -------
        indices : ndarray of shape (n_queries,) of int arrays
            Or the counts (``count_only``); with ``return_distance``, (indices, distances).
        """
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True")
        if count_only and return_distance:
            raise ValueError("count_only and return_distance cannot both be true")
        queries = self._check_queries(X)
        radii = np.asarray(r, dtype=np.float64)
        if radii.ndim > 1 or (radii.ndim == 1 and radii.shape[0] != queries.shape[0]):
            raise ValueError("r must be a scalar or an array of shape (n_queries,), got shape "
                             f"{radii.shape}.")
        offsets, indices, reduced = self._radius(queries, self.metric_.to_reduced(radii))
        if count_only:
            return np.diff(offsets)
        return split_neighborhoods(offsets, indices, self.metric_.from_reduced(reduced),
                                   return_distance, sort_results)


def split_neighborhoods(offsets, indices, distances, return_distance, sort_results):
    """Flat neighbour lists cut at ``offsets`` into object arrays of per-query arrays, each
    sorted by distance (stable) when ``sort_results``; (indices, distances) or indices."""
    n_queries = offsets.shape[0] - 1
    index_lists = np.empty(n_queries, dtype=object)
    distance_lists = np.empty(n_queries, dtype=object)
    for query in range(n_queries):
        window = slice(offsets[query], offsets[query + 1])
        found, found_distances = indices[window], distances[window]
        if sort_results:
            order = np.argsort(found_distances, kind="stable")
            found, found_distances = found[order], found_distances[order]
        index_lists[query], distance_lists[query] = found, found_distances
    if return_distance:
        return index_lists, distance_lists
    return index_lists
