"""``RobustScaler`` with scikit-learn's API: centre by the median and scale by a quantile range,
statistics that a few outliers cannot move."""

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtri

from ..base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    check_is_fitted,
    validate_data,
)
from .scalers import _FLOATS, _safe_scale, _shift_and_scale

__all__ = ["RobustScaler"]


class RobustScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale with statistics robust to outliers: x' = (x − median) / (q_high − q_low), the
    quantiles of ``quantile_range`` (interquartile range by default), NaN ignored; with
    ``unit_variance`` the scale is further divided by Φ⁻¹(q_high) − Φ⁻¹(q_low), so that a normal
    feature ends with unit variance.

    Parameters
    ----------
    with_centering : bool, default True
        Subtract the median (refused for sparse input).
    with_scaling : bool, default True
    quantile_range : tuple (q_min, q_max), 0 < q_min < q_max < 100, default (25.0, 75.0)
    copy : bool, default True
    unit_variance : bool, default False

    Attributes
    ----------
    center_ : ndarray of shape (n_features,) or None
    scale_ : ndarray of shape (n_features,) or None
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.preprocessing import RobustScaler
    >>> RobustScaler().fit_transform(np.array([[1.0], [2.0], [3.0], [100.0]])).ravel()
    array([-0.05882353, -0.01960784,  0.01960784,  3.82352941])
    """

    def __init__(self, *, with_centering=True, with_scaling=True, quantile_range=(25.0, 75.0),
                 copy=True, unit_variance=False):
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range
        self.copy = copy
        self.unit_variance = unit_variance

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = not self.with_centering
        return tags

    def fit(self, X, y=None):
        """Compute each feature's median and quantile range.

        Returns
        -------
        self
        """
        X = validate_data(self, X, accept_sparse="csc", dtype=_FLOATS,
                          ensure_all_finite="allow-nan")
        q_min, q_max = self.quantile_range
        if not 0 <= q_min <= q_max <= 100:
            raise ValueError(f"Invalid quantile range: {self.quantile_range}")
        if sp.issparse(X) and self.with_centering:
            raise ValueError("Cannot center sparse matrices: use `with_centering=False` "
                             "instead. See docstring for motivation and alternatives.")
        dense = X.toarray() if sp.issparse(X) else X
        self.center_ = np.nanmedian(dense, axis=0) if self.with_centering else None
        if self.with_scaling:
            low, high = np.nanpercentile(dense, [q_min, q_max], axis=0)
            scale = _safe_scale(high - low)
            if self.unit_variance:
                scale = scale / (ndtri(q_max / 100.0) - ndtri(q_min / 100.0))
            self.scale_ = scale
        else:
            self.scale_ = None
        return self

    def transform(self, X):
        """x' = (x − center) / scale.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=("csr", "csc"), copy=self.copy,
                          dtype=_FLOATS, force_writeable=True, reset=False,
                          ensure_all_finite="allow-nan")
        return _shift_and_scale(X, self.center_ if self.with_centering else None, self.scale_)

    def inverse_transform(self, X):
        """x = x' · scale + center.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=("csr", "csc"), copy=self.copy,
                          dtype=_FLOATS, force_writeable=True, reset=False,
                          ensure_all_finite="allow-nan")
        return _shift_and_scale(X, self.center_ if self.with_centering else None, self.scale_,
                                inverse=True)
