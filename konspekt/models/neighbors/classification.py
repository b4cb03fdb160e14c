"""Nearest-neighbour classifiers: the vote of the k nearest training points
(``KNeighborsClassifier``, with the course's kernel-weighted form) and of those within a radius
(``RadiusNeighborsClassifier``)."""

import warnings

import numpy as np

from konspekt.base import ClassifierMixin, check_is_fitted

from .base import (KernelWeightsMixin, KNeighborsMixin, NeighborsBase, RadiusNeighborsMixin,
                   distance_weights)

__all__ = ["KNeighborsClassifier", "RadiusNeighborsClassifier"]

def _vote(codes, weights, n_classes):
    """Σᵢ [yᵢ = c] · weightᵢ for each query (row) and class c; ``weights`` None: counts."""
    n_queries = codes.shape[0]
    totals = np.zeros((n_queries, n_classes))
    rows = np.arange(n_queries)
    for column in range(codes.shape[1]):
        totals[rows, codes[:, column]] += 1.0 if weights is None else weights[:, column]
    return totals


def _per_output(estimator):
    """(class arrays, class codes as (n_samples, n_outputs)) for one or several outputs."""
    if estimator.outputs_2d_:
        return estimator.classes_, estimator._y
    return [estimator.classes_], estimator._y.reshape(-1, 1)


class KNeighborsClassifier(KernelWeightsMixin, KNeighborsMixin, ClassifierMixin, NeighborsBase):
    """Classifier by the vote of the k nearest neighbours, optionally kernel-weighted.

    a(x′) = argmax_c Σ_{i=1..k} [y⁽ⁱ⁾ = c] · w(x⁽ⁱ⁾) · g(ρᵢ) · κ(ρᵢ / h)

    over the k nearest training points x⁽¹⁾, …, x⁽ᵏ⁾ of x′, ρᵢ = ρ(x′, x⁽ⁱ⁾) (see
    ``KernelWeightsMixin``): with the defaults (uniform g, no kernel, no sample weights) the
    majority vote; ties go to the class listed first in ``classes_``. ``predict_proba`` is each
    class's share of the total weight.

    Parameters
    ----------
    n_neighbors : int, default 5
        k.
    weights : {"uniform", "distance"}, callable or None, default "uniform"
        g(ρ): 1, 1 / ρ (a neighbour at distance 0 takes all the weight), or a function of the
        (n_queries, k) array of distances returning weights of the same shape.
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default "auto"
        How neighbours are found (see ``konspekt.models.neighbors.base``).
    leaf_size : int, default 30
        The leaf size of a KD-tree or ball tree.
    p : float, default 2
        The Minkowski power: 1 Manhattan, 2 Euclidean, ``np.inf`` Chebyshev.
    metric : str or callable, default "minkowski"
        See ``konspekt.models.neighbors.distances``; "precomputed": X holds distances.
    metric_params : dict, default None
        Extra arguments of the metric (``p``, Minkowski weights ``w``, or a callable's).
    n_jobs : int, default None
        Kept for scikit-learn's signature (not used): brute force shares a large search among
        the cores by itself; tree queries run on one thread, as scikit-learn's by default.
    kernel : {"uniform", "triangular", "epanechnikov", "quartic", "gaussian"}, callable or
        None, default None
        κ of the kernel-weighted vote (``konspekt.models.neighbors.kernels``); None: κ ≡ 1.
    bandwidth : float, "adaptive" or None, default None
        h: fixed, or "adaptive" (also None with a kernel): the distance to the (k+1)-th
        nearest neighbour of each query. Must be None without a kernel.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of such arrays (one per output)
    effective_metric_ : str or callable
    effective_metric_params_ : dict
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X had string column names.
    n_samples_fit_ : int
    outputs_2d_ : bool
        Whether y had several columns.

    Examples
    --------
    >>> from konspekt.models.neighbors import KNeighborsClassifier
    >>> X, y = [[0], [1], [2], [3]], [0, 0, 1, 1]
    >>> model = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    >>> model.predict([[1.1]])
    array([0])
    >>> KNeighborsClassifier(3, kernel="epanechnikov").fit(X, y).predict_proba([[1.6]])
    array([[0.42307692, 0.57692308]])
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
            w(x), the prior weight of each training point in the vote (all 1 by default).

        Returns
        -------
        self
        """
        self._validate_kernel()
        self._fit(X, y, target="classifier")
        self._store_sample_weight(sample_weight, self._fit_X)
        return self

    def predict_proba(self, X):
        """Each class's share of the neighbours' total vote weight.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None
            None: the training points, each without itself among its neighbours.

        Returns
        -------
        p : ndarray of shape (n_queries, n_classes), or a list of n_outputs such arrays
        """
        indices, weights = self._weighted_neighbors(X)
        classes, codes = _per_output(self)
        probabilities = []
        for output, output_classes in enumerate(classes):
            totals = _vote(codes[:, output][indices], weights, len(output_classes))
            probabilities.append(totals / totals.sum(axis=1, keepdims=True))
        return probabilities if self.outputs_2d_ else probabilities[0]

    def predict(self, X):
        """The class of largest vote weight (the first in ``classes_`` on a tie).

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None
            None: the training points, each without itself among its neighbours.

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_outputs)
        """
        probabilities = self.predict_proba(X)
        classes, _ = _per_output(self)
        if not self.outputs_2d_:
            return classes[0][np.argmax(probabilities, axis=1)]
        return np.stack([output_classes[np.argmax(output_probabilities, axis=1)]
                         for output_classes, output_probabilities in zip(classes, probabilities)],
                        axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class RadiusNeighborsClassifier(RadiusNeighborsMixin, ClassifierMixin, NeighborsBase):
    """Classifier by the vote of the training points within a radius r.

    a(x′) = argmax_c Σ_{x: ρ(x′, x) ≤ r} [y = c] · g(ρ(x′, x)),

    ties to the class listed first in ``classes_``. A query with no training point within r
    is an outlier: it gets ``outlier_label`` (an error when None).

    Parameters
    ----------
    radius : float, default 1.0
        r.
    weights : {"uniform", "distance"}, callable or None, default "uniform"
        g, as in ``KNeighborsClassifier``.
    algorithm, leaf_size, p, metric, metric_params, n_jobs
        As in ``KNeighborsClassifier``.
    outlier_label : label, "most_frequent", list of labels (one per output) or None,
        default None
        The prediction for an outlier; "most_frequent": the commonest class of y.

    Attributes
    ----------
    classes_, effective_metric_, effective_metric_params_, n_features_in_,
    feature_names_in_, n_samples_fit_, outputs_2d_
        As in ``KNeighborsClassifier``.
    outlier_label_ : list or None
        The outlier label of each output.

    Examples
    --------
    >>> from konspekt.models.neighbors import RadiusNeighborsClassifier
    >>> X, y = [[0], [1], [2], [3]], [0, 0, 1, 1]
    >>> RadiusNeighborsClassifier(radius=1.0).fit(X, y).predict_proba([[1.0]])
    array([[0.66666667, 0.33333333]])
    """

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", outlier_label=None, metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.outlier_label = outlier_label
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Store the training set (and build the search tree) and resolve ``outlier_label``.

        Returns
        -------
        self
        """
        self._fit(X, y, target="classifier")
        classes, codes = _per_output(self)
        label = self.outlier_label
        if label is None:
            labels = None
        elif isinstance(label, str) and label == "most_frequent":
            labels = [output_classes[np.bincount(codes[:, output]).argmax()]
                      for output, output_classes in enumerate(classes)]
        else:
            if np.ndim(label) > 0:
                if len(label) != len(classes):
                    raise ValueError(f"The length of outlier_label: {label} is inconsistent "
                                     f"with the output length: {len(classes)}")
                labels = list(label)
            else:
                labels = [label] * len(classes)
            for output_classes, output_label in zip(classes, labels):
                if np.ndim(output_label) > 0:
                    raise TypeError(f"The outlier_label of classes {output_classes} is "
                                    f"supposed to be a scalar, got {output_label}.")
                if np.append(output_classes, output_label).dtype != output_classes.dtype:
                    raise TypeError(f"The dtype of outlier_label {output_label} is "
                                    f"inconsistent with classes {output_classes} in y.")
        self.outlier_label_ = labels
        return self

    def predict_proba(self, X):
        """Each class's share of the vote weight within the radius; an outlier gets
        probability 1 for its ``outlier_label`` (all 0 when that label is no class).

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None

        Returns
        -------
        p : ndarray of shape (n_queries, n_classes), or a list of n_outputs such arrays
        """
        check_is_fitted(self)
        distances, indices = self.radius_neighbors(X)
        counts = np.array([len(found) for found in indices], dtype=np.intp)
        outliers = np.flatnonzero(counts == 0)
        if self.outlier_label_ is None and outliers.size > 0:
            raise ValueError(f"No neighbors found for test samples {outliers!r}, you can try "
                             "using larger radius, giving a label for outliers, or considering "
                             "removing them from your dataset.")
        flat_indices = np.concatenate(list(indices)).astype(np.intp)
        owner = np.repeat(np.arange(counts.shape[0]), counts)
        weights = np.ones(flat_indices.shape[0])
        if distance_weights(np.ones((1, 1)), self.weights) is not None:
            weights = np.concatenate([distance_weights(row[None, :], self.weights).ravel()
                                      for row in distances]) if flat_indices.size else weights
        classes, codes = _per_output(self)
        probabilities = []
        for output, output_classes in enumerate(classes):
            totals = np.zeros((counts.shape[0], len(output_classes)))
            np.add.at(totals, (owner, codes[flat_indices, output]), weights)
            if outliers.size > 0:
                position = np.flatnonzero(output_classes == self.outlier_label_[output])
                if position.size == 1:
                    totals[outliers, position[0]] = 1.0
                else:
                    warnings.warn(f"Outlier label {self.outlier_label_[output]} is not in "
                                  "training classes. All class probabilities of outliers will "
                                  "be assigned with 0.", stacklevel=2)
            normaliser = totals.sum(axis=1, keepdims=True)
            normaliser[normaliser == 0.0] = 1.0
            probabilities.append(totals / normaliser)
        return probabilities if self.outputs_2d_ else probabilities[0]

    def predict(self, X):
        """The class of largest vote weight within the radius; ``outlier_label_`` for a query
        without neighbours.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_outputs)
        """
        probabilities = self.predict_proba(X)
        classes, _ = _per_output(self)
        if not self.outputs_2d_:
            probabilities = [probabilities]
        predictions = np.empty((probabilities[0].shape[0], len(classes)),
                               dtype=classes[0].dtype)
        for output, output_probabilities in enumerate(probabilities):
            predictions[:, output] = classes[output][output_probabilities.argmax(axis=1)]
            empty = (output_probabilities == 0).all(axis=1)
            if empty.any():
                predictions[empty, output] = self.outlier_label_[output]
        return predictions if self.outputs_2d_ else predictions.ravel()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
