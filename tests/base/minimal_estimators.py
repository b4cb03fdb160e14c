"""Four small estimators built on konspekt.base, used to prove the base against scikit-learn's
``check_estimator``: a nearest-centroid classifier, a least-squares regressor (sparse input
accepted), a standard scaler (float32 preserved) and a k-means clusterer."""

import numpy as np
import scipy.sparse as sp

from konspekt.base import (BaseEstimator, ClassifierMixin, ClusterMixin, OneToOneFeatureMixin,
                           RegressorMixin, TransformerMixin, check_random_state,
                           check_classification_targets, check_is_fitted, check_sample_weight,
                           validate_data)


class CentroidClassifier(ClassifierMixin, BaseEstimator):
    """Predict the class whose (weighted) mean is nearest in the Minkowski distance of power p."""

    def __init__(self, p=2):
        self.p = p

    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        sample_weight = check_sample_weight(sample_weight, X)
        self.classes_, codes = np.unique(y, return_inverse=True)
        totals = np.zeros((len(self.classes_), X.shape[1]))
        np.add.at(totals, codes, sample_weight[:, None] * X)
        weights = np.bincount(codes, weights=sample_weight, minlength=len(self.classes_))
        # A class whose samples all weigh zero keeps a zero centroid instead of 0 / 0.
        self.centroids_ = totals / np.where(weights > 0, weights, 1.0)[:, None]
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        distances = (np.abs(X[:, None, :] - self.centroids_[None]) ** self.p).sum(axis=2)
        return self.classes_[np.argmin(distances, axis=1)]


class LeastSquaresRegressor(RegressorMixin, BaseEstimator):
    """Weighted least squares: w = argmin Σ sᵢ (yᵢ − xᵢ·w − b)², solved by lstsq on √s-scaled,
    centred data."""

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], y_numeric=True)
        sample_weight = check_sample_weight(sample_weight, X)
        X = X.toarray() if sp.issparse(X) else X
        X_offset = np.zeros(X.shape[1])
        y_offset = 0.0
        if self.fit_intercept:
            X_offset = np.average(X, axis=0, weights=sample_weight)
            y_offset = np.average(y, weights=sample_weight)
        root = np.sqrt(sample_weight)
        self.coef_ = np.linalg.lstsq((X - X_offset) * root[:, None], (y - y_offset) * root,
                                     rcond=None)[0]
        self.intercept_ = y_offset - X_offset @ self.coef_
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_


class Standardizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """z = (x − μ) / σ with the (weighted) mean μ and population standard deviation σ
    (σ = 1 for a constant feature)."""

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def fit(self, X, y=None, sample_weight=None):
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        mean = np.average(X, axis=0, weights=sample_weight)
        variance = np.average((X - mean) ** 2, axis=0, weights=sample_weight)
        self.mean_ = mean if self.with_mean else None
        self.var_ = variance if self.with_std else None
        scale = np.sqrt(variance)
        self.scale_ = np.where(scale > 1e-10 * np.abs(mean).clip(1.0), scale, 1.0) \
            if self.with_std else None
        self.n_samples_seen_ = X.shape[0]
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False, copy=True)
        if self.with_mean:
            X -= self.mean_.astype(X.dtype)
        if self.with_std:
            X /= self.scale_.astype(X.dtype)
        return X

    def inverse_transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False, copy=True)
        if self.with_std:
            X *= self.scale_.astype(X.dtype)
        if self.with_mean:
            X += self.mean_.astype(X.dtype)
        return X


class FarthestPointKMeans(ClusterMixin, BaseEstimator):
    """k-means (Lloyd's iterations) started from farthest-point seeds: a random first centre,
    then repeatedly the sample farthest from the chosen centres. Iterations stop before a
    cluster would empty, so every label 0 … k−1 is used."""

    def __init__(self, n_clusters=8, max_iter=20, random_state=None):
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y=None):
        X = validate_data(self, X)
        rng = check_random_state(self.random_state)
        k = min(self.n_clusters, X.shape[0])
        chosen = [rng.randint(X.shape[0])]
        distances = ((X - X[chosen[0]]) ** 2).sum(axis=1)
        for _ in range(1, k):
            chosen.append(int(np.argmax(distances)))
            distances = np.minimum(distances, ((X - X[chosen[-1]]) ** 2).sum(axis=1))
        centres = X[chosen].astype(np.float64)
        labels = self._nearest(X, centres)
        for _ in range(self.max_iter):
            updated = np.array([X[labels == j].mean(axis=0) for j in range(k)])
            new_labels = self._nearest(X, updated)
            if np.bincount(new_labels, minlength=k).min() == 0:
                break
            centres, labels = updated, new_labels
        self.cluster_centers_ = centres
        self.labels_ = labels
        return self

    @staticmethod
    def _nearest(X, centres):
        return np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self._nearest(X, self.cluster_centers_)
