"""The neighbour search shared by every nearest-neighbour estimator, with scikit-learn's API.

``NeighborsBase`` validates the parameters, resolves the metric and picks the algorithm in
``_fit``; ``KNeighborsMixin`` adds ``kneighbors`` / ``kneighbors_graph`` (the k nearest
training points N_k(x′) of each query x′), ``RadiusNeighborsMixin`` adds ``radius_neighbors``
/ ``radius_neighbors_graph`` (all training points with ρ(x′, x) ≤ r, boundary included).

The algorithm (``algorithm="auto"`` decides as scikit-learn does): brute force — a block of
the distance matrix at a time, the k smallest of each row kept (``distances``) — when the
metric is precomputed, cosine or a callable, when X is sparse or has more than 15 features,
or when k ≥ n / 2; otherwise the KD-tree (the ball tree for a weighted Minkowski metric).
"""

import math
import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from konspekt.base import (BaseEstimator, check_array, check_classification_targets,
                           check_is_fitted, check_non_negative, check_sample_weight,
                           validate_data)
from konspekt.base.exceptions import DataConversionWarning, compatible

from ._compiled import as_search_array
from .ball_tree import BallTree
from .distances import (VALID_METRICS, brute_kneighbors, brute_radius_neighbors,
                        resolve_metric)
from .kd_tree import KDTree
from .kernels import KERNELS, get_kernel

__all__ = ["NeighborsBase", "KNeighborsMixin", "RadiusNeighborsMixin", "KernelWeightsMixin",
           "distance_weights"]

_ALGORITHMS = ("auto", "ball_tree", "kd_tree", "brute")
_ALL_METRICS = sorted(set().union(*VALID_METRICS.values()))
_ZERO_WEIGHTS = ("All neighbors of some sample is getting zero weights. Please modify 'weights' "
                 "to avoid this case if you are using a user-defined function.")


def _invalid_parameter(estimator, name, expected, value):
    return ValueError(f"The {name!r} parameter of {type(estimator).__name__} must be "
                      f"{expected}. Got {value!r} instead.")


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _search_array(X):
    """X as the search works on it: a float64 CSR matrix if sparse, else a writeable C-ordered
    float64 array."""
    if sp.issparse(X):
        return sp.csr_matrix(X, dtype=np.float64)
    return as_search_array(X)


def distance_weights(distances, weights):
    """The vote weights of neighbours at ``distances`` (n_queries, k) for scikit-learn's
    ``weights``: None for "uniform" (or None); 1 / ρ for "distance" — except in a row with a
    neighbour at distance 0, where those neighbours weigh 1 and the others 0; ``weights(ρ)``
    for a callable."""
    if weights is None or (isinstance(weights, str) and weights == "uniform"):
        return None
    if isinstance(weights, str) and weights == "distance":
        with np.errstate(divide="ignore"):
            inverse = 1.0 / distances
        at_zero = np.isinf(inverse)
        rows = at_zero.any(axis=1)
        inverse[rows] = at_zero[rows]
        return inverse
    return np.asarray(weights(distances), dtype=np.float64)


class NeighborsBase(BaseEstimator):
    """Parameters, fit and the algorithm choice of the nearest-neighbour estimators.

    Fitted attributes: ``effective_metric_`` (``"minkowski"`` with p = 1, 2, ∞ and no weights
    becomes ``"manhattan"``, ``"euclidean"``, ``"chebyshev"``), ``effective_metric_params_``,
    ``n_samples_fit_``, ``n_features_in_`` (and ``feature_names_in_``), ``_fit_method`` (the
    algorithm used).
    """

    def _validate_params(self):
        params = self.get_params(deep=False)
        if "n_neighbors" in params and not (
                self.n_neighbors is None or (_is_integer(self.n_neighbors)
                                             and self.n_neighbors >= 1)):
            raise _invalid_parameter(self, "n_neighbors", "an int in the range [1, inf) or None",
                                     self.n_neighbors)
        if "radius" in params and not (self.radius is None or (_is_real(self.radius)
                                                               and self.radius >= 0)):
            raise _invalid_parameter(self, "radius", "a float in the range [0.0, inf] or None",
                                     self.radius)
        if not (isinstance(self.algorithm, str) and self.algorithm in _ALGORITHMS):
            raise _invalid_parameter(self, "algorithm", f"a str among {set(_ALGORITHMS)}",
                                     self.algorithm)
        if not (_is_integer(self.leaf_size) and self.leaf_size >= 1):
            raise _invalid_parameter(self, "leaf_size", "an int in the range [1, inf)",
                                     self.leaf_size)
        if not (self.p is None or (_is_real(self.p) and self.p > 0)):
            raise _invalid_parameter(self, "p", "a float in the range (0.0, inf] or None",
                                     self.p)
        if not (callable(self.metric) or (isinstance(self.metric, str)
                                          and self.metric in _ALL_METRICS)):
            raise _invalid_parameter(self, "metric", f"a str among {set(_ALL_METRICS)} or a "
                                     "callable", self.metric)
        if not (self.metric_params is None or isinstance(self.metric_params, dict)):
            raise _invalid_parameter(self, "metric_params", "an instance of 'dict' or None",
                                     self.metric_params)
        if not (self.n_jobs is None or _is_integer(self.n_jobs)):
            raise _invalid_parameter(self, "n_jobs", "an instance of 'int' or None",
                                     self.n_jobs)
        if "weights" in params and not (
                self.weights is None or callable(self.weights)
                or (isinstance(self.weights, str) and self.weights in ("uniform", "distance"))):
            raise _invalid_parameter(self, "weights", "a str among {'uniform', 'distance'}, a "
                                     "callable or None", self.weights)

    def _check_algorithm_metric(self):
        if self.algorithm == "auto":
            checked = "brute" if self.metric == "precomputed" or callable(self.metric) or \
                self.metric not in VALID_METRICS["ball_tree"] else "ball_tree"
        else:
            checked = self.algorithm
        if callable(self.metric):
            if self.algorithm == "kd_tree":
                raise ValueError(f"kd_tree does not support callable metric '{self.metric}'"
                                 "Function call overhead will resultin very poor performance.")
        elif self.metric not in VALID_METRICS[checked]:
            raise ValueError(f"Metric '{self.metric}' not valid. Use "
                             f"sorted(konspekt.models.neighbors.VALID_METRICS['{checked}']) to "
                             "get valid options. Metric can also be a callable function.")
        if self.metric_params is not None and "p" in self.metric_params and self.p is not None:
            warnings.warn("Parameter p is found in metric_params. The corresponding parameter "
                          "from __init__ is ignored.", SyntaxWarning, stacklevel=3)

    def _resolve_effective_metric(self):
        params = {} if self.metric_params is None else dict(self.metric_params)
        metric = self.metric
        if metric == "minkowski":
            p = params.pop("p", self.p)
            p = 2 if p is None else p
            w = params.pop("w", None)
            if w is None and p in (1, 2) or (w is None and math.isinf(p)):
                metric = {1: "manhattan", 2: "euclidean"}.get(p, "chebyshev")
            else:
                params["p"], params["w"] = p, w
        self.effective_metric_, self.effective_metric_params_ = metric, params

    def _fit(self, X, y=None, target="none"):
        """Validate and store the training set and build the search structure.

        ``target``: "classifier" (y encoded as class indices, ``classes_``, ``outputs_2d_``),
        "regressor" (y kept as floats) or "none" (no y).
        """
        self._validate_params()
        if sp.issparse(X) and self.metric == "precomputed":
            raise TypeError("A sparse precomputed distance graph is not supported: pass the "
                            "dense matrix of distances.")
        if target == "none":
            X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32],
                              order="C")
        else:
            X, y = validate_data(self, X, y, accept_sparse="csr",
                                 dtype=[np.float64, np.float32], order="C", multi_output=True,
                                 y_numeric=target == "regressor")
        if self.metric == "precomputed":
            check_non_negative(X, "precomputed distance matrix")
            if X.shape[0] != X.shape[1]:
                raise ValueError("Precomputed matrix must be square. Input is a "
                                 f"{X.shape[0]}x{X.shape[1]} matrix.")
        if target == "classifier":
            self._encode_classes(y)
        elif target == "regressor":
            self._y = y
        self._check_algorithm_metric()
        self._resolve_effective_metric()
        metric = resolve_metric(self.effective_metric_, self.effective_metric_params_)
        if metric.scale is not None and metric.scale.shape[0] != X.shape[1]:
            raise ValueError(f"The Minkowski weights w have {metric.scale.shape[0]} entries, "
                             f"but X has {X.shape[1]} features.")
        self._metric = metric
        self._fit_X = X
        self._search_X = _search_array(metric.rescale(X))
        self.n_samples_fit_ = X.shape[0]
        self._fit_method = self._choose_algorithm(metric, X)
        self._tree = None
        if self._fit_method in ("kd_tree", "ball_tree"):
            tree_class = KDTree if self._fit_method == "kd_tree" else BallTree
            self._tree = tree_class(X, self.leaf_size, metric=self.effective_metric_,
                                    **self.effective_metric_params_)
        return self

    def _choose_algorithm(self, metric, X):
        minkowski_below_one = metric.kind == "minkowski" and metric.p < 1
        method = self.algorithm
        if sp.issparse(X):
            if method not in ("auto", "brute"):
                warnings.warn("cannot use tree with sparse input: using brute force",
                              stacklevel=3)
            method = "brute"
        elif method == "auto":
            if (self.metric == "precomputed" or X.shape[1] > 15 or metric.kind not in
                    ("euclidean", "manhattan", "chebyshev", "minkowski") or minkowski_below_one
                    or (getattr(self, "n_neighbors", None) is not None
                        and self.n_neighbors >= X.shape[0] // 2)):
                method = "brute"
            elif metric.scale is not None:
                method = "ball_tree"
            else:
                method = "kd_tree"
        elif callable(self.metric):
            # numba cannot call a Python function from compiled code: a callable metric is
            # searched by brute force (same neighbours, the tree would only order the work).
            method = "brute"
        if minkowski_below_one:
            if method != "brute":
                raise ValueError(f'algorithm="{method}" does not support 0 < p < 1 for the '
                                 "Minkowski metric. To resolve this problem either set p >= 1 "
                                 'or algorithm="brute".')
            warnings.warn("Mind that for 0 < p < 1, Minkowski metrics are not distance metrics."
                          " Continuing the execution with `algorithm='brute'`.", stacklevel=3)
        if method == "kd_tree" and metric.scale is not None:
            raise ValueError("algorithm='kd_tree' is not valid for metric='minkowski' with a "
                             "weight parameter 'w': try algorithm='ball_tree' or "
                             "algorithm='brute' instead.")
        return method

    def _encode_classes(self, y):
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            if y.ndim != 1:
                warnings.warn("A column-vector y was passed when a 1d array was expected. "
                              "Please change the shape of y to (n_samples,), for example using "
                              "ravel().", compatible(DataConversionWarning), stacklevel=3)
            self.outputs_2d_ = False
            y = y.reshape(-1, 1)
        else:
            self.outputs_2d_ = True
        check_classification_targets(y)
        classes, codes = [], np.empty(y.shape, dtype=np.intp)
        for output in range(y.shape[1]):
            found, codes[:, output] = np.unique(y[:, output], return_inverse=True)
            classes.append(found)
        self.classes_ = classes if self.outputs_2d_ else classes[0]
        self._y = codes if self.outputs_2d_ else codes.ravel()

    def _validate_queries(self, X):
        """The query points as float64 rows in the search space (rescaled for a weighted
        Minkowski metric); for a precomputed metric, the rows of distances to the training
        points."""
        if sp.issparse(X) and self._tree is not None:
            raise ValueError(f"{self._fit_method} does not work with sparse matrices. Densify "
                             "the data, or set algorithm='brute'")
        if self.metric == "precomputed":
            X = check_array(X, dtype=np.float64, order="C", input_name="X")
            check_non_negative(X, "precomputed distance matrix")
            if X.shape[1] != self.n_samples_fit_:
                raise ValueError("Precomputed metric requires shape (n_queries, n_indexed). "
                                 f"Got {X.shape} for {self.n_samples_fit_} indexed.")
            return X
        X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32],
                          order="C", reset=False)
        return _search_array(self._metric.rescale(X))

    def _search_knn(self, queries, k):
        """(reduced distances, indices) of the k nearest training points, ascending."""
        if self._tree is not None:
            return self._tree._knn(queries, k)
        return brute_kneighbors(self._metric, queries, self._search_X, k)

    def _search_radius(self, queries, radius):
        """(offsets, flat indices, flat reduced distances) of the training points within
        ``radius`` (true distance, scalar or per query)."""
        reduced = self._metric.to_reduced(np.asarray(radius, dtype=np.float64))
        if self._tree is not None:
            return self._tree._radius(queries, reduced)
        return brute_radius_neighbors(self._metric, queries, self._search_X, reduced)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        tags.input_tags.pairwise = self.metric == "precomputed"
        tags.input_tags.positive_only = tags.input_tags.pairwise
        return tags


class KNeighborsMixin:
    """``kneighbors`` and ``kneighbors_graph``."""

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The k nearest training points of each query, sorted by distance.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or (n_queries, n_samples_fit) for a
            precomputed metric, default None
            The queries; None: the training points, each not counted its own neighbour.
        n_neighbors : int, default None
            k; None: the ``n_neighbors`` of the estimator.
        return_distance : bool, default True

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            ρ(x′, x⁽ⁱ⁾), ascending; only when ``return_distance``.
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            The indices x⁽¹⁾, …, x⁽ᵏ⁾ in the training set.
        """
        check_is_fitted(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        elif n_neighbors <= 0:
            raise ValueError(f"Expected n_neighbors > 0. Got {n_neighbors}")
        elif not isinstance(n_neighbors, numbers.Integral):
            raise TypeError(f"n_neighbors does not take {type(n_neighbors)} value, enter "
                            "integer value")
        query_is_train = X is None
        if query_is_train:
            queries = self._fit_X if self.metric == "precomputed" else self._search_X
            queries = _search_array(queries)
            n_neighbors += 1
        else:
            queries = self._validate_queries(X)
        n_samples_fit = self.n_samples_fit_
        if n_neighbors > n_samples_fit:
            if query_is_train:
                n_neighbors -= 1
                inequality = "n_neighbors < n_samples_fit"
            else:
                inequality = "n_neighbors <= n_samples_fit"
            raise ValueError(f"Expected {inequality}, but n_neighbors = {n_neighbors}, "
                             f"n_samples_fit = {n_samples_fit}, n_samples = {queries.shape[0]}")
        reduced, indices = self._search_knn(queries, int(n_neighbors))
        distances = self._metric.from_reduced(reduced) if return_distance else None
        if query_is_train:
            # Drop each point from its own list; a point with n_neighbors duplicates of itself
            # may not be on its list: then its farthest neighbour goes instead.
            n_queries = queries.shape[0]
            keep = indices != np.arange(n_queries)[:, None]
            keep[keep.all(axis=1), -1] = False
            indices = indices[keep].reshape(n_queries, n_neighbors - 1)
            if return_distance:
                distances = distances[keep].reshape(n_queries, n_neighbors - 1)
        return (distances, indices) if return_distance else indices

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """The k-neighbours graph as a sparse (n_queries, n_samples_fit) CSR matrix:
        A[i, j] = 1 ("connectivity") or ρ(xᵢ′, xⱼ) ("distance") for each of the k nearest
        training points xⱼ of query i, 0 elsewhere.

        Parameters
        ----------
        X : array-like, default None
            As in ``kneighbors``.
        n_neighbors : int, default None
        mode : {"connectivity", "distance"}, default "connectivity"

        Returns
        -------
        scipy.sparse.csr_matrix
        """
        check_is_fitted(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        if mode == "connectivity":
            indices = self.kneighbors(X, n_neighbors, return_distance=False)
            values = np.ones(indices.size)
        elif mode == "distance":
            values, indices = self.kneighbors(X, n_neighbors, return_distance=True)
            values = values.ravel()
        else:
            raise ValueError('Unsupported mode, must be one of "connectivity", or "distance" but '
                             f'got "{mode}" instead')
        n_queries = indices.shape[0]
        pointers = np.arange(0, n_queries * n_neighbors + 1, n_neighbors)
        return sp.csr_matrix((values, indices.ravel(), pointers),
                             shape=(n_queries, self.n_samples_fit_))


class RadiusNeighborsMixin:
    """``radius_neighbors`` and ``radius_neighbors_graph``."""

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """The training points within distance r of each query (boundary included).

        Parameters
        ----------
        X : array-like, default None
            The queries; None: the training points, each not counted its own neighbour.
        radius : float, default None
            r; None: the ``radius`` of the estimator.
        return_distance : bool, default True
        sort_results : bool, default False
            Sort each query's neighbours by distance (needs ``return_distance``); otherwise
            they come in an unspecified order.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries,) of float arrays
            Only when ``return_distance``.
        neigh_ind : ndarray of shape (n_queries,) of int arrays
        """
        check_is_fitted(self)
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        query_is_train = X is None
        if query_is_train:
            queries = self._fit_X if self.metric == "precomputed" else self._search_X
            queries = _search_array(queries)
        else:
            queries = self._validate_queries(X)
        if radius is None:
            radius = self.radius
        offsets, indices, reduced = self._search_radius(queries, radius)
        distances = self._metric.from_reduced(reduced)
        if query_is_train:
            owner = np.repeat(np.arange(queries.shape[0]), np.diff(offsets))
            keep = indices != owner
            indices, distances = indices[keep], distances[keep]
            counts = np.bincount(owner[keep], minlength=queries.shape[0])
            offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
        neigh_dist = np.empty(queries.shape[0], dtype=object)
        neigh_ind = np.empty(queries.shape[0], dtype=object)
        for query in range(queries.shape[0]):
            window = slice(offsets[query], offsets[query + 1])
            found, found_distances = indices[window], distances[window]
            if sort_results:
                order = np.argsort(found_distances, kind="stable")
                found, found_distances = found[order], found_distances[order]
            neigh_ind[query], neigh_dist[query] = found, found_distances
        return (neigh_dist, neigh_ind) if return_distance else neigh_ind

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity",
                               sort_results=False):
        """The radius-neighbours graph as a sparse (n_queries, n_samples_fit) CSR matrix:
        A[i, j] = 1 ("connectivity") or ρ(xᵢ′, xⱼ) ("distance") when ρ(xᵢ′, xⱼ) ≤ r.

        Parameters
        ----------
        X : array-like, default None
            As in ``radius_neighbors``.
        radius : float, default None
        mode : {"connectivity", "distance"}, default "connectivity"
        sort_results : bool, default False
            With mode="distance", store each row's entries by increasing distance.

        Returns
        -------
        scipy.sparse.csr_matrix
        """
        check_is_fitted(self)
        if radius is None:
            radius = self.radius
        if mode == "connectivity":
            indices = self.radius_neighbors(X, radius, return_distance=False)
            values = None
        elif mode == "distance":
            distances, indices = self.radius_neighbors(X, radius, return_distance=True,
                                                       sort_results=sort_results)
            values = np.concatenate(list(distances))
        else:
            raise ValueError('Unsupported mode, must be one of "connectivity", or "distance" but '
                             f'got "{mode}" instead')
        counts = np.array([len(found) for found in indices], dtype=np.intp)
        flat = np.concatenate(list(indices)).astype(np.intp)
        if values is None:
            values = np.ones(flat.shape[0])
        pointers = np.concatenate([[0], np.cumsum(counts)])
        return sp.csr_matrix((values, flat, pointers),
                             shape=(indices.shape[0], self.n_samples_fit_))


class KernelWeightsMixin:
    """The course's kernel-weighted vote of the k nearest neighbours x⁽¹⁾, …, x⁽ᵏ⁾ of x′.

    Neighbour x⁽ⁱ⁾ weighs w(x⁽ⁱ⁾) · g(ρᵢ) · κ(ρᵢ / h), ρᵢ = ρ(x′, x⁽ⁱ⁾), where

    * w(x) is the sample (prior) weight given to ``fit`` (1 by default);
    * g is scikit-learn's ``weights``: 1 ("uniform"), 1 / ρ ("distance") or a callable;
    * κ is the ``kernel`` (``KERNELS`` or a callable; none: κ ≡ 1) and h the ``bandwidth``: a
      fixed float, or "adaptive" (the default with a kernel), h(x′) = ρ(x′, x⁽ᵏ⁺¹⁾), the
      distance to the (k+1)-th neighbour, so that all k neighbours have |r| < 1 (the
      variable-width Parzen window); 0 / 0 (a duplicate point with h = 0) counts as r = 0.
    """

    def _validate_kernel(self):
        if self.kernel is None:
            if self.bandwidth is not None:
                raise ValueError(f"bandwidth={self.bandwidth!r} needs a kernel: set kernel to "
                                 f"one of {sorted(KERNELS)} or a callable.")
            return None
        kernel = get_kernel(self.kernel, type(self).__name__)
        bandwidth = self.bandwidth
        if not (bandwidth is None or (isinstance(bandwidth, str) and bandwidth == "adaptive")
                or (_is_real(bandwidth) and bandwidth > 0)):
            raise _invalid_parameter(self, "bandwidth", "a float in the range (0.0, inf), "
                                     "'adaptive' or None", bandwidth)
        return kernel

    def _store_sample_weight(self, sample_weight, X):
        self._sample_weight = None if sample_weight is None else check_sample_weight(
            sample_weight, X, ensure_non_negative=True)

    def _weighted_neighbors(self, X):
        """(indices (n_queries, k), vote weights (n_queries, k) or None when all weigh 1)."""
        check_is_fitted(self)
        kernel = self._validate_kernel()
        k = self.n_neighbors
        adaptive = kernel is not None and not _is_real(self.bandwidth)
        needs_distance = kernel is not None or distance_weights(np.ones((1, 1)),
                                                                 self.weights) is not None
        if adaptive:
            if k + (X is None) >= self.n_samples_fit_:
                raise ValueError("bandwidth='adaptive' takes h as the distance to the "
                                 "(n_neighbors + 1)-th neighbour and needs n_neighbors < "
                                 f"{self.n_samples_fit_ - (X is None)} here, got "
                                 f"n_neighbors = {k}.")
            distances, indices = self.kneighbors(X, k + 1)
            bandwidth = distances[:, k:]
            distances, indices = distances[:, :k], indices[:, :k]
        elif needs_distance:
            distances, indices = self.kneighbors(X)
            bandwidth = self.bandwidth
        else:
            indices = self.kneighbors(X, return_distance=False)
        weights = distance_weights(distances, self.weights) if needs_distance else None
        if kernel is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                scaled = distances / bandwidth
            scaled = np.where(distances == 0, 0.0, scaled)
            kernel_weights = np.asarray(kernel(scaled), dtype=np.float64)
            weights = kernel_weights if weights is None else weights * kernel_weights
        if self._sample_weight is not None:
            prior = self._sample_weight[indices]
            weights = prior if weights is None else weights * prior
        if weights is not None and np.any(np.all(weights == 0, axis=1)):
            raise ValueError(_ZERO_WEIGHTS + " (With a kernel of bounded support: a bandwidth "
                             "shorter than the distance to every neighbour.)")
        return indices, weights
