"""Feature scalers with scikit-learn's API: ``StandardScaler``, ``MinMaxScaler`` and
``MaxAbsScaler`` (``RobustScaler`` is in ``robust_scaler``). Each learns one affine map per
feature, x ↦ (x − c) / s, ignoring NaN in ``fit`` and keeping it in ``transform``.
``StandardScaler(with_mean=False)`` and ``MaxAbsScaler`` keep sparse input sparse (c = 0 leaves
the zeros zero)."""

import warnings

import numpy as np
import scipy.sparse as sp

from ..base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    check_array,
    check_is_fitted,
    check_sample_weight,
    validate_data,
)

__all__ = ["MaxAbsScaler", "MinMaxScaler", "StandardScaler"]

_FLOATS = [np.float64, np.float32, np.float16]


def _safe_scale(scale, constant=None):
    """The scale with 1 put where it is zero (or where ``constant`` marks a constant feature),
    so that a constant feature is left unscaled rather than divided by zero."""
    scale = np.array(scale, dtype=np.float64, copy=True)
    if constant is None:
        constant = scale < 10 * np.finfo(scale.dtype).eps
    scale[constant] = 1.0
    return scale


def _scale_sparse_columns(X, factors):
    """X (CSR or CSC) with column j multiplied by factors[j], in place."""
    if X.format == "csr":
        X.data *= factors[X.indices]
    else:
        X.data *= np.repeat(factors, np.diff(X.indptr))
    return X


def _shift_and_scale(X, shift, scale, inverse=False):
    """x' = (x − shift) / scale, or with ``inverse`` x = x' · scale + shift, in place on X's
    dtype; None skips that part. Sparse X is only scaled (subtracting a shift would densify it;
    the scalers that centre refuse sparse input before)."""
    if sp.issparse(X):
        if scale is not None:
            _scale_sparse_columns(X, (scale if inverse else 1.0 / scale).astype(X.dtype))
        return X
    if inverse:
        if scale is not None:
            X *= scale.astype(X.dtype)
        if shift is not None:
            X += shift.astype(X.dtype)
    else:
        if shift is not None:
            X -= shift.astype(X.dtype)
        if scale is not None:
            X /= scale.astype(X.dtype)
    return X


def _weighted_stats(X, sample_weight):
    """Per feature, ignoring NaN: the total weight n_j, the weighted mean μ_j and the weighted
    population variance σ²_j = Σ wᵢ (xᵢⱼ − μ_j)² / n_j."""
    if sp.issparse(X):
        return _sparse_weighted_stats(X, sample_weight)
    present = ~np.isnan(X)
    values = np.where(present, X, 0.0).astype(np.float64)
    weights = sample_weight[:, None] * present
    count = weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weights * values).sum(axis=0) / count
        var = (weights * (values - mean) ** 2).sum(axis=0) / count
    return count, mean, var


def _sparse_weighted_stats(X, sample_weight):
    """``_weighted_stats`` from the stored entries only: the implicit zeros of column j carry
    the weight z_j = n_j − Σ(stored weights) and add z_j μ_j² to n_j σ²_j."""
    X = sp.csc_matrix(X)
    n_features = X.shape[1]
    columns = np.repeat(np.arange(n_features), np.diff(X.indptr))
    values = X.data.astype(np.float64)
    weights = sample_weight[X.indices]
    missing = np.isnan(values)
    count = sample_weight.sum() - np.bincount(columns[missing], weights=weights[missing],
                                              minlength=n_features)
    weights = np.where(missing, 0.0, weights)
    values = np.where(missing, 0.0, values)
    stored = np.bincount(columns, weights=weights, minlength=n_features)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(columns, weights=weights * values, minlength=n_features) / count
        squares = np.bincount(columns, weights=weights * (values - mean[columns]) ** 2,
                              minlength=n_features)
        var = (squares + (count - stored) * mean ** 2) / count
    return count, mean, var


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each feature: z = (x − μ) / σ.

    μ is the (weighted) mean and σ the population standard deviation √(Σ wᵢ (xᵢ − μ)² / Σ wᵢ)
    of the feature over the samples where it is not NaN; a constant feature gets σ = 1.
    ``partial_fit`` merges batches with the pairwise update (Chan et al.): with counts n_a, n_b,
    means μ_a, μ_b and δ = μ_b − μ_a, μ = μ_a + δ n_b / n and
    n σ² = n_a σ_a² + n_b σ_b² + δ² n_a n_b / n.

    Parameters
    ----------
    copy : bool, default True
    with_mean : bool, default True
        Centre the data (refused for sparse input, which it would make dense).
    with_std : bool, default True
        Divide by σ.

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,) or None
        σ per feature (1 for a constant feature); None when ``with_std`` is False.
    mean_ : ndarray of shape (n_features,) or None
        None when both ``with_mean`` and ``with_std`` are False.
    var_ : ndarray of shape (n_features,) or None
        σ² per feature; None when ``with_std`` is False.
    n_samples_seen_ : int, float or ndarray
        Samples (total weight) seen per feature; an array when features have NaN in
        different places.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.preprocessing import StandardScaler
    >>> StandardScaler().fit_transform(np.array([[0.0], [2.0]]))
    array([[-1.],
           [ 1.]])
    """

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = not self.with_mean
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _reset(self):
        for name in ("scale_", "mean_", "var_", "n_samples_seen_"):
            if hasattr(self, name):
                delattr(self, name)

    def fit(self, X, y=None, sample_weight=None):
        """Compute μ and σ of each feature.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._reset()
        return self.partial_fit(X, y, sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Update μ and σ with a batch of samples.

        Returns
        -------
        self
        """
        first = not hasattr(self, "n_samples_seen_")
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=_FLOATS,
                          ensure_all_finite="allow-nan", reset=first)
        if sp.issparse(X) and self.with_mean:
            raise ValueError("Cannot center sparse matrices: pass `with_mean=False` instead. "
                             "See docstring for motivation and alternatives.")
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        count, mean, var = _weighted_stats(X, weights)
        if not (self.with_mean or self.with_std):
            # Nothing to learn but the number of samples seen.
            seen = np.asarray(count).astype(np.int64) if sample_weight is None else count
            self.mean_ = self.var_ = self.scale_ = None
        else:
            if not first:
                previous = np.broadcast_to(self.n_samples_seen_, count.shape)
                count, mean, var = self._merge(previous, self._mean, self._var,
                                               count, mean, var)
            seen = count
            self._mean, self._var = mean, var
            self.mean_ = mean
            self.var_ = var if self.with_std else None
            if self.with_std:
                # A variance within rounding error of zero marks a constant feature.
                eps = np.finfo(np.float64).eps
                bound = count * eps * var + (count * mean * eps) ** 2
                self.scale_ = _safe_scale(np.sqrt(var), constant=var <= bound)
            else:
                self.scale_ = None
        seen = np.asarray(seen)
        self.n_samples_seen_ = seen[0] if seen.size and np.all(seen == seen[0]) else seen
        return self

    @staticmethod
    def _merge(n_a, mean_a, var_a, n_b, mean_b, var_b):
        n = n_a + n_b
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = mean_b - mean_a
            mean = np.where(n_b > 0, mean_a + delta * n_b / n, mean_a)
            total = n_a * var_a + n_b * var_b + delta ** 2 * n_a * n_b / n
            var = np.where(n_b > 0, total / n, var_a)
        mean = np.where(n_a > 0, mean, mean_b)
        var = np.where(n_a > 0, var, var_b)
        return n, mean, var

    def transform(self, X, copy=None):
        """z = (x − μ) / σ.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        copy : bool, optional
            Overrides ``self.copy``.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        X = validate_data(self, X, reset=False, accept_sparse="csr", copy=copy,
                          dtype=_FLOATS, force_writeable=True, ensure_all_finite="allow-nan")
        if sp.issparse(X) and self.with_mean:
            raise ValueError("Cannot center sparse matrices: pass `with_mean=False` "
                             "instead. See docstring for motivation and alternatives.")
        return _shift_and_scale(X, self.mean_ if self.with_mean else None, self.scale_)

    def inverse_transform(self, X, copy=None):
        """x = z σ + μ.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        X = validate_data(self, X, reset=False, accept_sparse="csr", copy=copy,
                          dtype=_FLOATS, force_writeable=True, ensure_all_finite="allow-nan")
        if sp.issparse(X) and self.with_mean:
            raise ValueError("Cannot uncenter sparse matrices: pass `with_mean=False` "
                             "instead See docstring for motivation and alternatives.")
        return _shift_and_scale(X, self.mean_ if self.with_mean else None, self.scale_,
                                inverse=True)
        if self.with_std:
            X *= self.scale_.astype(X.dtype)
        if self.with_mean:
            X += self.mean_.astype(X.dtype)
        return X


class MinMaxScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Map each feature's range [min, max] onto ``feature_range`` = (a, b):
    x' = x · s + m with s = (b − a) / (max − min) and m = a − min · s (s = b − a for a
    constant feature). NaN is ignored when finding min and max.

    Parameters
    ----------
    feature_range : tuple (min, max), default (0, 1)
    copy : bool, default True
    clip : bool, default False
        Clip the transformed data to ``feature_range`` (for unseen values out of range).

    Attributes
    ----------
    min_ : ndarray of shape (n_features,)
        m per feature.
    scale_ : ndarray of shape (n_features,)
        s per feature.
    data_min_, data_max_, data_range_ : ndarray of shape (n_features,)
    n_samples_seen_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.preprocessing import MinMaxScaler
    >>> MinMaxScaler().fit_transform(np.array([[1.0], [3.0], [2.0]])).ravel()
    array([0. , 1. , 0.5])
    """

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def fit(self, X, y=None):
        """Find each feature's minimum and maximum.

        Returns
        -------
        self
        """
        for name in ("scale_", "min_", "n_samples_seen_", "data_min_", "data_max_",
                     "data_range_"):
            if hasattr(self, name):
                delattr(self, name)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the minimum and maximum with a batch of samples.

        Returns
        -------
        self
        """
        low, high = self.feature_range
        if low >= high:
            raise ValueError("Minimum of desired feature range must be smaller than maximum. "
                             f"Got {self.feature_range!r}.")
        if sp.issparse(X):
            raise TypeError("MinMaxScaler does not support sparse input. Consider using "
                            "MaxAbsScaler instead.")
        first = not hasattr(self, "n_samples_seen_")
        X = validate_data(self, X, reset=first, dtype=_FLOATS, ensure_all_finite="allow-nan")
        data_min = np.nanmin(X, axis=0)
        data_max = np.nanmax(X, axis=0)
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            data_min = np.minimum(self.data_min_, data_min)
            data_max = np.maximum(self.data_max_, data_max)
            self.n_samples_seen_ += X.shape[0]
        data_range = data_max - data_min
        self.scale_ = (high - low) / _safe_scale(data_range)
        self.min_ = low - data_min * self.scale_
        self.data_min_ = data_min
        self.data_max_ = data_max
        self.data_range_ = data_range
        return self

    def transform(self, X):
        """x' = x · s + m (clipped to ``feature_range`` when ``clip``).

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, copy=self.copy, dtype=_FLOATS, force_writeable=True,
                          ensure_all_finite="allow-nan", reset=False)
        X *= self.scale_.astype(X.dtype)
        X += self.min_.astype(X.dtype)
        if self.clip:
            np.clip(X, self.feature_range[0], self.feature_range[1], out=X)
        return X

    def inverse_transform(self, X):
        """x = (x' − m) / s.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, copy=self.copy, dtype=_FLOATS, force_writeable=True,
                          ensure_all_finite="allow-nan", reset=False)
        X -= self.min_.astype(X.dtype)
        X /= self.scale_.astype(X.dtype)
        return X


class MaxAbsScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each feature by its largest absolute value: x' = x / max|x| (1 for an all-zero
    feature), so that the values lie in [−1, 1]. Nothing is shifted, so sparse input stays
    sparse; NaN is ignored in ``fit`` and kept in ``transform``.

    Parameters
    ----------
    copy : bool, default True
    clip : bool, default False
        Clip the transformed data to [−1, 1] (for unseen values out of range).

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,)
        max|x| per feature (1 where it is 0).
    max_abs_ : ndarray of shape (n_features,)
    n_samples_seen_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.preprocessing import MaxAbsScaler
    >>> MaxAbsScaler().fit_transform(np.array([[1.0, -4.0], [-2.0, 2.0]]))
    array([[ 0.5, -1. ],
           [-1. ,  0.5]])
    """

    def __init__(self, *, copy=True, clip=False):
        self.copy = copy
        self.clip = clip

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def fit(self, X, y=None):
        """Find each feature's largest absolute value.

        Returns
        -------
        self
        """
        for name in ("scale_", "max_abs_", "n_samples_seen_"):
            self.__dict__.pop(name, None)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the largest absolute values with a batch of samples.

        Returns
        -------
        self
        """
        first = not hasattr(self, "n_samples_seen_")
        X = validate_data(self, X, reset=first, accept_sparse=("csr", "csc"), dtype=_FLOATS,
                          ensure_all_finite="allow-nan")
        with warnings.catch_warnings():
            # An all-NaN feature has no largest value: NaN, as in scikit-learn.
            warnings.simplefilter("ignore", RuntimeWarning)
            if sp.issparse(X):
                # The implicit zeros count: the column's min and max include them.
                lowest = np.asarray(X.nanmin(axis=0).todense()).ravel()
                highest = np.asarray(X.nanmax(axis=0).todense()).ravel()
                max_abs = np.maximum(np.abs(lowest), np.abs(highest))
            else:
                max_abs = np.nanmax(np.abs(X), axis=0)
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            max_abs = np.maximum(self.max_abs_, max_abs)
            self.n_samples_seen_ += X.shape[0]
        self.max_abs_ = max_abs
        self.scale_ = _safe_scale(max_abs, constant=max_abs == 0).astype(max_abs.dtype)
        return self

    def transform(self, X):
        """x' = x / max|x| (clipped to [−1, 1] when ``clip``).

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=("csr", "csc"), copy=self.copy, reset=False,
                          dtype=_FLOATS, force_writeable=True, ensure_all_finite="allow-nan")
        X = _shift_and_scale(X, None, self.scale_)
        if self.clip:
            values = X.data if sp.issparse(X) else X
            np.clip(values, -1.0, 1.0, out=values)
        return X

    def inverse_transform(self, X):
        """x = x' · max|x|.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = check_array(X, accept_sparse=("csr", "csc"), copy=self.copy, dtype=_FLOATS,
                        force_writeable=True, ensure_all_finite="allow-nan")
        return _shift_and_scale(X, None, self.scale_, inverse=True)
