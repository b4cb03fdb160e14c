"""Nearest-neighbour regressors: the (weighted) mean target of the k nearest training points
(``KNeighborsRegressor``, with the course's kernel-weighted Nadaraya–Watson form) and of those
within a radius (``RadiusNeighborsRegressor``)."""

import warnings

import numpy as np

from konspekt.base import RegressorMixin, check_is_fitted

from .base import (KernelWeightsMixin, KNeighborsMixin, NeighborsBase, RadiusNeighborsMixin,
                   distance_weights)

__all__ = ["KNeighborsRegressor", "RadiusNeighborsRegressor"]


class KNeighborsRegressor(KernelWeightsMixin, KNeighborsMixin, RegressorMixin, NeighborsBase):
    """Regression by the weighted mean target of the k nearest neighbours.

    a(x′) = Σ_{i=1..k} vᵢ y⁽ⁱ⁾ / Σ_{i=1..k} vᵢ,   vᵢ = w(x⁽ⁱ⁾) · g(ρᵢ) · κ(ρᵢ / h)

    over the k nearest training points x⁽¹⁾, …, x⁽ᵏ⁾ of x′, ρᵢ = ρ(x′, x⁽ⁱ⁾) (see
    ``KernelWeightsMixin``); with the defaults the plain mean, with a kernel the
    Nadaraya–Watson estimate restricted to the k nearest.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : {"uniform", "distance"}, callable or None, default "uniform"
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default "auto"
    leaf_size : int, default 30
    p : float, default 2
    metric : str or callable, default "minkowski"
    metric_params : dict, default None
    n_jobs : int, default None
    kernel : str, callable or None, default None
    bandwidth : float, "adaptive" or None, default None
        All as in ``KNeighborsClassifier``.

    Attributes
    ----------
    effective_metric_ : str or callable
    effective_metric_params_ : dict
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_samples_fit_ : int

    Examples
    --------
    >>> from konspekt.models.neighbors import KNeighborsRegressor
    >>> X, y = [[0], [1], [2], [3]], [0, 0, 1, 1]
    >>> KNeighborsRegressor(n_neighbors=2).fit(X, y).predict([[1.5]])
    array([0.5])
    """

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None, kernel=None,
                 bandwidth=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs
        self.kernel = kernel
        self.bandwidth = bandwidth

    def fit(self, X, y, sample_weight=None):
        """Store the training set (and build the search tree).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples, n_samples) distances
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default None
            w(x), the prior weight of each training point (all 1 by default).

        Returns
        -------
        self
        """
        self._validate_kernel()
        self._fit(X, y, target="regressor")
        self._store_sample_weight(sample_weight, self._fit_X)
        return self

    def predict(self, X):
        """The weighted mean target of each query's k nearest neighbours.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None
            None: the training points, each without itself among its neighbours.

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_outputs)
        """
        indices, weights = self._weighted_neighbors(X)
        targets = self._y.reshape(self._y.shape[0], -1)
        if weights is None:
            predictions = targets[indices].mean(axis=1)
        else:
            predictions = np.einsum("qk,qko->qo", weights, targets[indices])
            predictions /= weights.sum(axis=1, keepdims=True)
        return predictions.ravel() if self._y.ndim == 1 else predictions


class RadiusNeighborsRegressor(RadiusNeighborsMixin, RegressorMixin, NeighborsBase):
    """Regression by the weighted mean target of the training points within a radius r.

    a(x′) = Σ_{x: ρ(x′, x) ≤ r} g(ρ(x′, x)) y(x) / Σ_{x: ρ(x′, x) ≤ r} g(ρ(x′, x));

    a query with no training point within r gets NaN (with a warning), as in scikit-learn.

    Parameters
    ----------
    radius : float, default 1.0
    weights : {"uniform", "distance"}, callable or None, default "uniform"
    algorithm, leaf_size, p, metric, metric_params, n_jobs
        As in ``KNeighborsRegressor``.

    Attributes
    ----------
    effective_metric_, effective_metric_params_, n_features_in_, feature_names_in_,
    n_samples_fit_
        As in ``KNeighborsRegressor``.

    Examples
    --------
    >>> from konspekt.models.neighbors import RadiusNeighborsRegressor
    >>> X, y = [[0], [1], [2], [3]], [0, 0, 1, 1]
    >>> RadiusNeighborsRegressor(radius=1.0).fit(X, y).predict([[1.5]])
    array([0.5])
    """

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Store the training set (and build the search tree).

        Returns
        -------
        self
        """
        return self._fit(X, y, target="regressor")

    def predict(self, X):
        """The weighted mean target of the training points within the radius of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_outputs)
        """
        check_is_fitted(self)
        distances, indices = self.radius_neighbors(X)
        targets = self._y.reshape(self._y.shape[0], -1).astype(np.float64)
        predictions = np.full((indices.shape[0], targets.shape[1]), np.nan)
        for query, found in enumerate(indices):
            if len(found) == 0:
                continue
            weights = distance_weights(distances[query][None, :], self.weights)
            predictions[query] = np.average(targets[found], axis=0,
                                            weights=None if weights is None else weights[0])
        if np.isnan(predictions).any():
            warnings.warn("One or more samples have no neighbors within specified radius; "
                          "predicting NaN.", stacklevel=2)
        return predictions.ravel() if self._y.ndim == 1 else predictions
