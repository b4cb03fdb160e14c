"""The distances ρ(x′, x) of the nearest-neighbour search, and brute-force search in blocks.

The metrics (scikit-learn's names; aliases in parentheses):

* Minkowski of power p: ρ(x′, x) = (Σⱼ wⱼ |x′ⱼ − xⱼ|ᵖ)^(1/p) (``"minkowski"``, ``"p"``), with the
  special cases Euclidean p = 2 (``"euclidean"``, ``"l2"``), Manhattan p = 1 (``"manhattan"``,
  ``"cityblock"``, ``"l1"``) and Chebyshev p = ∞, maxⱼ |x′ⱼ − xⱼ| (``"chebyshev"``,
  ``"infinity"``); optional feature weights wⱼ (``metric_params={"w": w}``);
* squared Euclidean Σⱼ (x′ⱼ − xⱼ)² (``"sqeuclidean"``);
* cosine 1 − ⟨x′, x⟩ / (‖x′‖ ‖x‖) (``"cosine"``; a zero vector is at distance 1 from all);
* ``"precomputed"``: X is itself the matrix of distances to the training points;
* a callable ``metric(u, v, **metric_params)`` of two 1-D arrays.

Sparse (CSR) points are searched by brute force: the Euclidean and cosine blocks come from a
sparse matrix product, the other metrics densify a block of queries and the training set.

Brute force computes a block of rows of the distance matrix at a time (at most
``WORKING_MEMORY`` bytes), the Euclidean one by one matrix product (BLAS) from
‖x′ − x‖² = ‖x′‖² − 2⟨x′, x⟩ + ‖x‖², and keeps from each block only what the query needs
(the k smallest per row, or the entries within the radius).
"""

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import cdist

from . import _compiled

__all__ = ["VALID_METRICS", "ResolvedMetric", "resolve_metric", "block_distances",
           "brute_kneighbors", "brute_radius_neighbors", "WORKING_MEMORY"]

_EUCLIDEAN_NAMES = ("euclidean", "l2")
_MANHATTAN_NAMES = ("manhattan", "cityblock", "l1")
_CHEBYSHEV_NAMES = ("chebyshev", "infinity")
_MINKOWSKI_NAMES = ("minkowski", "p")
_TREE_METRICS = sorted(_EUCLIDEAN_NAMES + _MANHATTAN_NAMES + _CHEBYSHEV_NAMES + _MINKOWSKI_NAMES)

VALID_METRICS = {"kd_tree": list(_TREE_METRICS), "ball_tree": list(_TREE_METRICS),
                 "brute": sorted(_TREE_METRICS + ["sqeuclidean", "cosine", "precomputed"])}
"""The metric names each algorithm accepts (a callable metric is accepted by brute force and
the ball tree)."""

# Distances per thread below which selecting the k smallest stays on one thread.
PARALLEL_WORK = 1 << 21
# The largest distance block brute force holds at once, in bytes (8 bytes a distance).
WORKING_MEMORY = 64 * 2 ** 20


class ResolvedMetric:
    """A metric reduced to what the computation needs.

    Attributes
    ----------
    kind : {"euclidean", "manhattan", "chebyshev", "minkowski", "sqeuclidean", "cosine",
            "precomputed", "callable"}
    p : float
        The Minkowski power (2, 1 and ∞ for the special cases).
    scale : ndarray or None
        w^(1/p) for a weighted Minkowski metric: ρ_w(x′, x) is the plain Minkowski distance of
        the rescaled points x ∘ w^(1/p), so every algorithm works on rescaled data.
    function, params
        The callable metric and its keyword arguments.
    """

    def __init__(self, kind, p=2.0, scale=None, function=None, params=None):
        self.kind, self.p, self.scale = kind, p, scale
        self.function, self.params = function, params or {}

    @property
    def code(self):
        """The metric code of the compiled tree queries (see ``_compiled``)."""
        return {"euclidean": _compiled.EUCLIDEAN, "manhattan": _compiled.MANHATTAN,
                "chebyshev": _compiled.CHEBYSHEV, "minkowski": _compiled.MINKOWSKI}[self.kind]

    def rescale(self, X):
        """X with each feature multiplied by w^(1/p) (X itself without weights)."""
        if self.scale is None:
            return X
        if sp.issparse(X):
            return sp.csr_matrix(X.multiply(self.scale[None, :]))
        return X * self.scale

    def to_reduced(self, radius):
        """The value compared with the block or tree entries for a true distance ``radius``."""
        if self.kind == "euclidean":
            return radius * radius
        if self.kind == "minkowski":
            return radius ** self.p
        return radius

    def from_reduced(self, values):
        """True distances from reduced ones (√ for Euclidean, the p-th root for Minkowski)."""
        if self.kind == "euclidean":
            return np.sqrt(values)
        if self.kind == "minkowski":
            return values ** (1.0 / self.p)
        return values


def resolve_metric(effective_metric, effective_params):
    """The ``ResolvedMetric`` of an estimator's ``effective_metric_`` and
    ``effective_metric_params_``."""
    params = dict(effective_params)
    if callable(effective_metric):
        return ResolvedMetric("callable", function=effective_metric, params=params)
    if effective_metric in _EUCLIDEAN_NAMES:
        return ResolvedMetric("euclidean", 2.0)
    if effective_metric in _MANHATTAN_NAMES:
        return ResolvedMetric("manhattan", 1.0)
    if effective_metric in _CHEBYSHEV_NAMES:
        return ResolvedMetric("chebyshev", math.inf)
    if effective_metric in _MINKOWSKI_NAMES:
        p = float(params.get("p", 2))
        w = params.get("w")
        scale = None
        if w is not None:
            w = np.asarray(w, dtype=np.float64)
            if w.ndim != 1 or np.any(w < 0):
                raise ValueError("The Minkowski weights w must be a 1-D array of non-negative "
                                 f"numbers, got {w!r}.")
            if math.isinf(p):
                raise ValueError("A weighted Minkowski metric needs a finite p, got p=inf.")
            scale = w ** (1.0 / p)
        if scale is None and p in (1.0, 2.0) or math.isinf(p):
            kind = {1.0: "manhattan", 2.0: "euclidean"}.get(p, "chebyshev")
            return ResolvedMetric(kind, p)
        return ResolvedMetric("minkowski", p, scale)
    if effective_metric in ("sqeuclidean", "cosine", "precomputed"):
        return ResolvedMetric(effective_metric)
    raise ValueError(f"Unknown metric {effective_metric!r}.")


_PRODUCT_KINDS = ("euclidean", "sqeuclidean", "cosine")


def _dense(array):
    return array.toarray() if sp.issparse(array) else array


def _squared_norms(X):
    if sp.issparse(X):
        return np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel()
    return np.einsum("ij,ij->i", X, X)


def _product(X_block, Y):
    """The block ⟨x′ᵢ, xⱼ⟩ (one BLAS product, or a sparse one), dense, C-ordered, float64."""
    return np.ascontiguousarray(_dense(X_block @ Y.T), dtype=np.float64)


def block_distances(metric, X_block, Y, Y_norms=None):
    """The reduced distances between the rows of ``X_block`` and of ``Y`` (both rescaled):
    squared Euclidean for the Euclidean metric, Σ|d|ᵖ for Minkowski, the distance otherwise.

    ``Y_norms`` are the squared norms (Euclidean) or the norms (cosine) of Y's rows, computed
    once per search rather than once per block.
    """
    kind = metric.kind
    if kind not in _PRODUCT_KINDS:
        X_block, Y = _dense(X_block), _dense(Y)
    if kind in ("euclidean", "sqeuclidean"):
        if Y_norms is None:
            Y_norms = _squared_norms(Y)
        block = _product(X_block, Y)
        block *= -2.0
        block += _squared_norms(X_block)[:, None]
        block += Y_norms[None, :]
        # Rounding can make the expansion of a zero distance slightly negative.
        return np.maximum(block, 0.0, out=block)
    if kind == "manhattan":
        return cdist(X_block, Y, "cityblock")
    if kind == "chebyshev":
        return cdist(X_block, Y, "chebyshev")
    if kind == "minkowski":
        return cdist(X_block, Y, "minkowski", p=metric.p) ** metric.p
    if kind == "cosine":
        if Y_norms is None:
            Y_norms = np.sqrt(_squared_norms(Y))
        X_norms = np.sqrt(_squared_norms(X_block))
        block = _product(X_block, Y)
        block /= np.where(X_norms > 0, X_norms, 1.0)[:, None]
        block /= np.where(Y_norms > 0, Y_norms, 1.0)[None, :]
        block = 1.0 - block
        return np.clip(block, 0.0, 2.0, out=block)
    if kind == "precomputed":
        return np.array(X_block, dtype=np.float64)
    function, params = metric.function, metric.params
    return cdist(X_block, Y, lambda u, v: function(u, v, **params))


def _norms_for(metric, Y):
    if metric.kind in ("euclidean", "sqeuclidean"):
        return _squared_norms(Y)
    if metric.kind == "cosine":
        return np.sqrt(_squared_norms(Y))
    return None


def _block_rows(n_columns):
    return max(1, WORKING_MEMORY // (8 * max(1, n_columns)))


def _select_in_threads(values, row_add, column_add, scale, k, out_distance, out_index,
                       offset):
    """``select_k_smallest`` on a block, its rows shared among the cores when the block is
    large (the compiled function releases the GIL); one thread for a small block, for which
    waking others costs more than it saves."""
    n_threads = min(os.cpu_count() or 1, values.size // PARALLEL_WORK + 1, values.shape[0])
    bounds = np.linspace(0, values.shape[0], n_threads + 1).astype(int)

    def select(part):
        rows = slice(bounds[part], bounds[part + 1])
        _compiled.select_k_smallest(values[rows], row_add[rows], column_add, scale, k,
                                    out_distance, out_index, offset + bounds[part])

    if n_threads <= 1:
        select(0)
        return
    with ThreadPoolExecutor(n_threads) as pool:
        list(pool.map(select, range(n_threads)))


def brute_kneighbors(metric, X, Y, k):
    """The k nearest rows of Y for each row of X by brute force: (reduced distances, indices),
    each of shape (n_queries, k), ascending (ties: lower index first)."""
    n_queries = X.shape[0]
    if metric.kind not in _PRODUCT_KINDS:
        Y = _dense(Y)
    Y_norms = _norms_for(metric, Y)
    out_distance = np.empty((n_queries, k))
    out_index = np.empty((n_queries, k), dtype=np.intp)
    step = _block_rows(Y.shape[0])
    squared = metric.kind in ("euclidean", "sqeuclidean")
    no_offset = np.zeros(Y.shape[0])
    for begin in range(0, n_queries, step):
        X_block = X[begin:begin + step]
        if squared:
            # ‖x′ − x‖² = ‖x′‖² + ‖x‖² − 2⟨x′, x⟩, summed inside the selection.
            _select_in_threads(_product(X_block, Y), _squared_norms(X_block), Y_norms, -2.0, k,
                               out_distance, out_index, begin)
        else:
            _select_in_threads(block_distances(metric, X_block, Y, Y_norms),
                               np.zeros(X_block.shape[0]), no_offset, 1.0, k, out_distance,
                               out_index, begin)
    if squared:
        # Rounding can make the expansion of a zero distance slightly negative.
        np.maximum(out_distance, 0.0, out=out_distance)
    return out_distance, out_index


def brute_radius_neighbors(metric, X, Y, reduced_radius):
    """The rows of Y within ``reduced_radius`` (a scalar or one value per query) of each row of
    X, by brute force: (offsets, flat indices, flat reduced distances), query i's neighbours
    at ``offsets[i]:offsets[i + 1]``, in increasing index order."""
    n_queries = X.shape[0]
    radii = np.broadcast_to(np.asarray(reduced_radius, dtype=np.float64), (n_queries,))
    if metric.kind not in _PRODUCT_KINDS:
        Y = _dense(Y)
    Y_norms = _norms_for(metric, Y)
    step = _block_rows(Y.shape[0])
    counts, indices, distances = [], [], []
    for begin in range(0, n_queries, step):
        block = block_distances(metric, X[begin:begin + step], Y, Y_norms)
        rows, columns = np.nonzero(block <= radii[begin:begin + step, None])
        counts.append(np.bincount(rows, minlength=block.shape[0]))
        indices.append(columns.astype(np.intp))
        distances.append(block[rows, columns])
    offsets = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.intp)
    return offsets, np.concatenate(indices), np.concatenate(distances)
