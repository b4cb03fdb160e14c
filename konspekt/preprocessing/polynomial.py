"""Basis expansions with scikit-learn's API: ``PolynomialFeatures`` (monomials of the
features) and ``SplineTransformer`` (B-spline bases of each feature)."""

import numbers
from itertools import chain, combinations, combinations_with_replacement

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import BSpline

from ..base import (
    BaseEstimator,
    TransformerMixin,
    check_array,
    check_is_fitted,
    check_sample_weight,
    validate_data,
)
from ..base.output import feature_names_in

__all__ = ["PolynomialFeatures", "SplineTransformer"]

_FLOATS = [np.float64, np.float32]


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """All monomials of the features up to a degree: for x = (x₀, …, x_{d−1}) and degree D the
    outputs are x₀^{p₀} ⋯ x_{d−1}^{p_{d−1}} for every power vector p with
    min_degree ≤ Σ p ≤ D (and the constant 1 first when ``include_bias``), in graded
    lexicographic order: 1, x₀, x₁, x₀², x₀x₁, x₁², …

    Parameters
    ----------
    degree : int or tuple (min_degree, max_degree), default 2
    interaction_only : bool, default False
        Only products of distinct features (every pⱼ ≤ 1).
    include_bias : bool, default True
        Include the column of ones (degree 0).
    order : {"C", "F"}, default "C"
        Memory order of a dense output.

    Attributes
    ----------
    powers_ : ndarray of shape (n_output_features_, n_features_in_)
        pⱼ of each output feature.
    n_output_features_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.preprocessing import PolynomialFeatures
    >>> poly = PolynomialFeatures().fit(np.array([[2.0, 3.0]]))
    >>> poly.transform(np.array([[2.0, 3.0]]))
    array([[1., 2., 3., 4., 6., 9.]])
    >>> poly.get_feature_names_out()
    array(['1', 'x0', 'x1', 'x0^2', 'x0 x1', 'x1^2'], dtype=object)
    """

    def __init__(self, degree=2, *, interaction_only=False, include_bias=True, order="C"):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias
        self.order = order

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _degrees(self):
        degree = self.degree
        if isinstance(degree, numbers.Integral) and not isinstance(degree, bool):
            if degree < 0:
                raise ValueError(f"degree must be a non-negative integer, got {degree}.")
            if degree == 0 and not self.include_bias:
                raise ValueError("Setting degree to zero and include_bias to False would "
                                 "result in an empty output array.")
            return 0, int(degree)
        if isinstance(degree, tuple) and len(degree) == 2:
            low, high = degree
            if (isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral)
                    and 0 <= low <= high):
                if high == 0 and not self.include_bias:
                    raise ValueError("Setting both min_degree and max_degree to zero and "
                                     "include_bias to False would result in an empty output "
                                     "array.")
                return int(low), int(high)
            raise ValueError("degree=(min_degree, max_degree) must be non-negative integers "
                             f"that fulfil min_degree <= max_degree, got {degree}.")
        raise ValueError("degree must be a non-negative int or tuple (min_degree, max_degree),"
                         f" got {degree}.")

    def _combinations(self, n_features, low, high):
        pick = combinations if self.interaction_only else combinations_with_replacement
        terms = chain.from_iterable(pick(range(n_features), k)
                                    for k in range(max(1, low), high + 1))
        if self.include_bias:
            terms = chain([()], terms)
        return list(terms)

    def fit(self, X, y=None):
        """Enumerate the output monomials for X's number of features.

        Returns
        -------
        self
        """
        low, high = self._degrees()
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=_FLOATS)
        self._terms = self._combinations(X.shape[1], low, high)
        powers = np.zeros((len(self._terms), X.shape[1]), dtype=np.int64)
        for row, term in enumerate(self._terms):
            np.add.at(powers[row], list(term), 1)
        self.powers_ = powers
        self.n_output_features_ = len(self._terms)
        return self

    def transform(self, X):
        """The monomials of each sample.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_output_features_)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=_FLOATS, reset=False,
                          order="F")
        if sp.issparse(X):
            columns = X.tocsc()
            ones = sp.csc_matrix(np.ones((X.shape[0], 1), dtype=X.dtype))
            blocks = []
            for term in self._terms:
                product = ones
                for feature in term:
                    column = columns[:, [feature]]
                    product = column if product is ones else product.multiply(column)
                blocks.append(sp.csc_matrix(product))
            return sp.hstack(blocks, format=X.format, dtype=X.dtype)
        out = np.empty((X.shape[0], len(self._terms)), dtype=X.dtype, order=self.order)
        for index, term in enumerate(self._terms):
            column = np.ones(X.shape[0], dtype=X.dtype)
            for feature in term:
                column = column * X[:, feature]
            out[:, index] = column
        return out

    def get_feature_names_out(self, input_features=None):
        """Names such as "1", "x0", "x0 x1", "x0^2".

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self)
        names = feature_names_in(self, input_features)
        out = []
        for powers in self.powers_:
            used = np.flatnonzero(powers)
            out.append(" ".join(names[j] if powers[j] == 1 else f"{names[j]}^{powers[j]}"
                                for j in used) if len(used) else "1")
        return np.asarray(out, dtype=object)


def _weighted_quantiles(X, sample_weight, ranks):
    """Per column, the smallest value whose cumulative weight reaches r% of the total (the
    inverted weighted CDF), for every r in ``ranks``."""
    out = np.empty((len(ranks), X.shape[1]))
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        values, cumulative = X[order, j], np.cumsum(sample_weight[order])
        targets = np.asarray(ranks) / 100.0 * cumulative[-1]
        index = np.searchsorted(cumulative, targets, side="left")
        out[:, j] = values[np.clip(index, 0, len(values) - 1)]
    return out


class SplineTransformer(TransformerMixin, BaseEstimator):
    """A B-spline basis of each feature: feature j becomes the values B_{j,0}(x), …,
    B_{j,m−1}(x) of the m = n_knots + degree − 1 B-splines of the given degree on the knots.

    The knots are ``n_knots`` points from the feature's minimum to maximum (uniform) or at its
    quantiles, extended by ``degree`` knots on either side at the end spacings (or wrapped
    around for periodic splines, m = n_knots − 1). The B-splines follow the Cox–de Boor
    recursion B_{i,0}(x) = [t_i ≤ x < t_{i+1}],
    B_{i,k}(x) = (x − t_i)/(t_{i+k} − t_i) B_{i,k−1}(x) + (t_{i+k+1} − x)/(t_{i+k+1} − t_{i+1})
    B_{i+1,k−1}(x), and are evaluated with ``scipy.interpolate.BSpline``. Outside the fitted
    range: "constant" keeps the boundary values, "linear" continues them along their
    boundary slopes, "continue" evaluates the polynomials as they are, "periodic" wraps x,
    "error" refuses.

    Parameters
    ----------
    n_knots : int ≥ 2, default 5
    degree : int ≥ 0, default 3
    knots : {"uniform", "quantile"} or array of shape (n_knots, n_features), default "uniform"
    extrapolation : {"error", "constant", "linear", "continue", "periodic"}, default "constant"
    include_bias : bool, default True
        False drops the last B-spline of each feature (the bases sum to one otherwise).
    order : {"C", "F"}, default "C"
    handle_missing : {"error", "zeros"}, default "error"
        "zeros": a NaN gives zeros in all of its feature's B-spline columns.
    sparse_output : bool, default False
        Return a CSR matrix.

    Attributes
    ----------
    bsplines_ : list of scipy.interpolate.BSpline
        One per feature, with the identity as coefficients (its value at x is the vector of
        all B-splines at x).
    n_features_out_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.preprocessing import SplineTransformer
    >>> spline = SplineTransformer(n_knots=3, degree=2).fit(np.linspace(0, 1, 5)[:, None])
    >>> spline.transform(np.array([[0.0], [0.5]])).round(3)
    array([[0.5, 0.5, 0. , 0. ],
           [0. , 0.5, 0.5, 0. ]])
    """

    def __init__(self, n_knots=5, degree=3, *, knots="uniform", extrapolation="constant",
                 include_bias=True, order="C", handle_missing="error", sparse_output=False):
        self.n_knots = n_knots
        self.degree = degree
        self.knots = knots
        self.extrapolation = extrapolation
        self.include_bias = include_bias
        self.order = order
        self.handle_missing = handle_missing
        self.sparse_output = sparse_output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.handle_missing == "zeros"
        return tags

    def _check_params(self):
        for name, low in (("n_knots", 2), ("degree", 0)):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
                raise ValueError(f"The '{name}' parameter of SplineTransformer must be an int "
                                 f"in the range [{low}, inf). Got {value!r} instead.")
        if self.extrapolation not in ("error", "constant", "linear", "continue", "periodic"):
            raise ValueError("The 'extrapolation' parameter of SplineTransformer must be a str "
                             "among {'constant', 'continue', 'error', 'linear', 'periodic'}. "
                             f"Got {self.extrapolation!r} instead.")
        if self.handle_missing not in ("error", "zeros"):
            raise ValueError("The 'handle_missing' parameter of SplineTransformer must be a "
                             f"str among {{'error', 'zeros'}}. Got {self.handle_missing!r} "
                             "instead.")

    def _validate(self, X, reset):
        try:
            return validate_data(self, X, reset=reset, ensure_min_samples=2 if reset else 1,
                                 ensure_all_finite=self.handle_missing != "zeros",
                                 dtype=_FLOATS)
        except ValueError as error:
            if "Input X contains NaN" in str(error) and self.handle_missing == "error":
                raise ValueError("Input X contains NaN values and `SplineTransformer` is "
                                 "configured to error in this case (handle_missing='error'). "
                                 "To avoid this error, set handle_missing='zeros' to encode "
                                 "missing values as splines with value 0 or ensure no missing "
                                 "values in X.") from error
            raise

    def _base_knots(self, X, sample_weight):
        if not isinstance(self.knots, str):
            knots = check_array(self.knots, dtype=np.float64)
            if knots.shape[0] < 2:
                raise ValueError("Number of knots, knots.shape[0], must be >= 2.")
            if knots.shape[1] != X.shape[1]:
                raise ValueError("knots.shape[1] == n_features is violated.")
            if not np.all(np.diff(knots, axis=0) > 0):
                raise ValueError("knots must be sorted without duplicates.")
            return knots
        if self.knots == "quantile":
            ranks = 100 * np.linspace(0, 1, self.n_knots)
            if sample_weight is None:
                return np.nanpercentile(X, ranks, axis=0)
            return _weighted_quantiles(X, sample_weight, ranks)
        if self.knots != "uniform":
            raise ValueError("The 'knots' parameter of SplineTransformer must be a str among "
                             f"{{'quantile', 'uniform'}} or an array-like. Got {self.knots!r} "
                             "instead.")
        rows = X if sample_weight is None else X[sample_weight > 0]
        low, high = np.zeros(X.shape[1]), np.zeros(X.shape[1])
        for j in range(X.shape[1]):
            if not np.all(np.isnan(rows[:, j])):
                low[j], high[j] = np.nanmin(rows[:, j]), np.nanmax(rows[:, j])
        return np.linspace(low, high, self.n_knots)

    def fit(self, X, y=None, sample_weight=None):
        """Place the knots of every feature and build its B-splines.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Weights of the quantiles ("quantile"); zero-weight samples are ignored for the
            range ("uniform").

        Returns
        -------
        self
        """
        self._check_params()
        X = self._validate(X, reset=True)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        base = self._base_knots(X, sample_weight)
        degree, periodic = self.degree, self.extrapolation == "periodic"
        if periodic and base.shape[0] <= degree:
            raise ValueError(f"Periodic splines require degree < n_knots. Got n_knots="
                             f"{base.shape[0]} and degree={degree}.")
        if periodic:
            period = base[-1] - base[0]
            knots = np.r_[base[-(degree + 1):-1] - period, base, base[1:degree + 1] + period]
            n_splines = base.shape[0] - 1
        else:
            step_low, step_high = base[1] - base[0], base[-1] - base[-2]
            knots = np.r_[np.linspace(base[0] - degree * step_low, base[0] - step_low, degree),
                          base,
                          np.linspace(base[-1] + step_high, base[-1] + degree * step_high,
                                      degree)]
            n_splines = base.shape[0] + degree - 1
        coef = np.eye(n_splines)
        if periodic:
            # The first `degree` B-splines wrap around: they reappear at the end.
            coef = np.concatenate((coef, coef[:degree]))
        extrapolate = self.extrapolation in ("periodic", "continue")
        self.bsplines_ = [BSpline(knots[:, j], coef, degree, extrapolate=extrapolate)
                          for j in range(X.shape[1])]
        self.n_features_out_ = X.shape[1] * (n_splines - (not self.include_bias))
        return self

    def _feature_basis(self, spline, x):
        """The B-spline values of one feature's samples (NaN rows left at zero)."""
        degree = self.degree
        n_splines = spline.c.shape[1]
        out = np.zeros((len(x), n_splines))
        missing = np.isnan(x)
        low, high = spline.t[degree], spline.t[-degree - 1]
        if self.extrapolation in ("continue", "periodic", "error"):
            values = x
            if self.extrapolation == "periodic":
                length = spline.t[len(spline.t) - degree - 1] - spline.t[degree]
                values = low + (x - low) % length if length > 0 else np.zeros_like(x)
            if self.extrapolation == "error" and np.any((x[~missing] < low)
                                                        | (x[~missing] > high)):
                raise ValueError("`X` contains values beyond the limits of the knots.")
            out[~missing] = spline(values[~missing])
            return out
        inside = (low <= x) & (x <= high)
        out[inside] = spline(x[inside])
        below, above = x < low, x > high
        f_low, f_high = spline(low), spline(high)
        if self.extrapolation == "constant":
            # Only the `degree` B-splines that do not vanish at a boundary stay there.
            out[np.ix_(below, np.arange(degree))] = f_low[:degree]
            out[np.ix_(above, np.arange(n_splines - degree, n_splines))] = \
                f_high[n_splines - degree:]
            return out
        slope_low, slope_high = spline(low, nu=1), spline(high, nu=1)
        # Degree 0 and 1 splines: two B-splines carry the line at each end.
        for j in range(max(degree, 2)):
            out[below, j] = f_low[j] + (x[below] - low) * slope_low[j]
            k = n_splines - 1 - j
            out[above, k] = f_high[k] + (x[above] - high) * slope_high[k]
        return out

    def transform(self, X):
        """The B-spline values of every feature, feature after feature.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, n_features_out_)
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        n_splines = self.bsplines_[0].c.shape[1]
        blocks = []
        for j, spline in enumerate(self.bsplines_):
            basis = self._feature_basis(spline, X[:, j].astype(np.float64))
            blocks.append(basis if self.include_bias else basis[:, :n_splines - 1])
        out = np.asarray(np.hstack(blocks), dtype=X.dtype, order=self.order)
        return sp.csr_matrix(out) if self.sparse_output else out

    def get_feature_names_out(self, input_features=None):
        """Names "<feature>_sp_<j>".

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        names = feature_names_in(self, input_features)
        n_out = self.bsplines_[0].c.shape[1] - (not self.include_bias)
        return np.asarray([f"{name}_sp_{j}" for name in names for j in range(n_out)],
                          dtype=object)
