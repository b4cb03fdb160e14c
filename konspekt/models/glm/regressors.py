"""scikit-learn's penalised GLM regressors: ``PoissonRegressor``, ``GammaRegressor`` and
``TweedieRegressor``, with scikit-learn's parameters, defaults, objective and messages."""

import numbers
import warnings

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from scipy import linalg

from ...base import (
    BaseEstimator,
    ConvergenceWarning,
    RegressorMixin,
    check_is_fitted,
    check_sample_weight,
    check_scalar,
    validate_data,
)
from .families import tweedie_deviance
from .links import Identity, Log

__all__ = ["GammaRegressor", "PoissonRegressor", "TweedieRegressor"]


def _check_option(estimator, name, options):
    value = getattr(estimator, name)
    if not isinstance(value, str) or value not in options:
        listed = "{" + ", ".join(repr(o) for o in sorted(options)) + "}"
        raise ValueError(f"The {name!r} parameter of {type(estimator).__name__} must be a str "
                         f"among {listed}. Got {value!r} instead.")


class _GeneralizedLinearRegressor(RegressorMixin, BaseEstimator):
    """Tweedie-deviance regression with an L2 penalty, scikit-learn's objective

        f(w, b) = 1/(2·Σsᵢ) · Σ sᵢ d(yᵢ, μᵢ) + α/2 · ‖w‖²,  μᵢ = h(xᵢ·w + b),

    with d the unit deviance of Tweedie power p (variance μᵖ) and h the inverse link. Note the
    scaling: ``GLM(alpha=a)`` minimises ½·Σ sᵢ dᵢ + a/2·‖w‖², the same fit for a = n·α.

    Solvers: "lbfgs" (scipy's L-BFGS-B on f and ∇f, with ∇_η(½d) = −(y − μ)/(V(μ)·g′(μ))) and
    "newton-cholesky" (Newton steps with the expected Hessian XᵀWX/Σs + αI′,
    W = s / (V(μ)·g′(μ)²), solved by Cholesky, with a backtracking line search).
    """

    _power = 1.0

    def __init__(self, *, alpha=1.0, fit_intercept=True, solver="lbfgs", max_iter=100,
                 tol=1e-4, warm_start=False, verbose=0):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    # --- the distribution ---------------------------------------------------------------------
    def _get_power(self):
        return self._power

    def _get_link(self):
        return Log()

    def _loss_name(self):
        return "HalfPoissonLoss"

    def _y_in_range(self, y):
        power = self._get_power()
        if power <= 0:
            return True
        return bool(np.all(y >= 0)) if power < 2 else bool(np.all(y > 0))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        try:
            tags.target_tags.positive_only = not self._y_in_range(np.array([-1.0]))
        except (ValueError, TypeError):
            # Invalid parameters are reported by fit; the tags keep their defaults.
            pass
        return tags

    def _check_params(self):
        check_scalar(self.alpha, "alpha", numbers.Real, min_val=0.0)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.verbose, "verbose", numbers.Integral, min_val=0)
        _check_option(self, "solver", {"lbfgs", "newton-cholesky"})

    # --- the objective ------------------------------------------------------------------------
    def _objective(self, params, X, y, weights, with_gradient=True):
        """f and ∇f at params = [w, b] (b last when fitted); weights sum to one."""
        link, power = self._get_link(), self._get_power()
        coef = params[:X.shape[1]]
        eta = X @ coef + (params[-1] if self.fit_intercept else 0.0)
        with np.errstate(all="ignore"):
            mu = link.inverse(eta)
            value = 0.5 * np.sum(weights * tweedie_deviance(y, mu, power)) + \
                0.5 * self.alpha * coef @ coef
            if not with_gradient:
                return value
            slope = link.derivative(mu)
            d_eta = -weights * (y - mu) / (mu ** power * slope)
        gradient = np.empty_like(params)
        gradient[:X.shape[1]] = X.T @ d_eta + self.alpha * coef
        if self.fit_intercept:
            gradient[-1] = d_eta.sum()
        if not np.isfinite(value):
            # Outside μ's domain (e.g. a negative mean under the identity link): lbfgs backs off.
            return np.inf, np.zeros_like(params)
        return value, gradient

    def _expected_hessian(self, params, X, weights):
        link, power = self._get_link(), self._get_power()
        dense = X.toarray() if sp.issparse(X) else X
        design = np.column_stack([dense, np.ones(len(dense))]) if self.fit_intercept else dense
        eta = design @ params
        mu = link.inverse(eta)
        working = weights / (mu ** power * link.derivative(mu) ** 2)
        hessian = design.T @ (working[:, None] * design)
        hessian[np.arange(X.shape[1]), np.arange(X.shape[1])] += self.alpha
        return hessian

    def _newton(self, params, X, y, weights):
        value, gradient = self._objective(params, X, y, weights)
        for iteration in range(1, self.max_iter + 1):
            hessian = self._expected_hessian(params, X, weights)
            try:
                step = -linalg.cho_solve(linalg.cho_factor(hessian), gradient)
            except linalg.LinAlgError:
                # A singular Hessian (collinear features, α = 0): least-squares direction.
                step = -np.linalg.lstsq(hessian, gradient, rcond=None)[0]
            decrement = -gradient @ step
            size = 1.0
            for _ in range(40):
                new_value, new_gradient = self._objective(params + size * step, X, y, weights)
                if new_value <= value + 1e-4 * size * gradient @ step or \
                        abs(new_value - value) <= 1e-15 * abs(value):
                    break
                size /= 2
            params, value, gradient = params + size * step, new_value, new_gradient
            if self.verbose:
                print(f"Newton iteration {iteration}: objective {value:.10g}, "
                      f"max|gradient| {np.max(np.abs(gradient)):.3g}")
            if np.max(np.abs(gradient)) <= self.tol and decrement / 2 <= self.tol ** 2 or \
                    np.max(np.abs(gradient)) <= 1e-14:
                return params, iteration
        warnings.warn(f"Newton solver did not converge after {self.max_iter} iterations; "
                      "increase max_iter or tol.", ConvergenceWarning, stacklevel=3)
        return params, self.max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the penalised model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        self._check_params()
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], dtype=np.float64,
                             y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        weights = check_sample_weight(sample_weight, X, dtype=np.float64)
        if not self._y_in_range(y):
            raise ValueError("Some value(s) of y are out of the valid range of the loss "
                             f"{self._loss_name()!r}.")
        # The objective uses weights summing to one: 1/(2Σs)·Σ sᵢ dᵢ.
        weights = weights / weights.sum()
        n_features = X.shape[1]
        params = np.zeros(n_features + int(self.fit_intercept))
        if self.warm_start and hasattr(self, "coef_"):
            params[:n_features] = self.coef_
            if self.fit_intercept:
                params[-1] = self.intercept_
        elif self.fit_intercept:
            params[-1] = self._get_link().link(np.average(y, weights=weights))
        if self.solver == "lbfgs":
            result = scipy.optimize.minimize(
                self._objective, params, args=(X, y, weights), method="L-BFGS-B", jac=True,
                options={"maxiter": self.max_iter, "maxls": 50, "gtol": self.tol,
                         "ftol": 64 * np.finfo(float).eps})
            if not result.success:
                warnings.warn(f"lbfgs failed to converge after {result.nit} iteration(s) "
                              f"(status={result.status}):\n{result.message}\n\nIncrease the "
                              "number of iterations (max_iter) or scale the data.",
                              ConvergenceWarning, stacklevel=2)
            if self.verbose:
                print(f"lbfgs: {result.message} after {result.nit} iterations, objective "
                      f"{result.fun:.10g}")
            params, self.n_iter_ = result.x, min(int(result.nit), self.max_iter)
        else:
            params, self.n_iter_ = self._newton(params, X, y, weights)
        self.coef_ = params[:n_features].copy()
        self.intercept_ = float(params[-1]) if self.fit_intercept else 0.0
        return self

    def _linear_predictor(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=np.float64, reset=False)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def predict(self, X):
        """Predicted mean μ = h(X·w + b).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._get_link().inverse(self._linear_predictor(X))

    def score(self, X, y, sample_weight=None):
        """D² = 1 − Σ sᵢ d(yᵢ, μ̂ᵢ) / Σ sᵢ d(yᵢ, ȳ), the fraction of deviance explained (ȳ the
        sᵢ-weighted mean); 1 is perfect, and it can be negative.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        mu = self.predict(X)
        y = np.asarray(y, dtype=np.float64).ravel()
        weights = check_sample_weight(sample_weight, mu, dtype=np.float64)
        if not self._y_in_range(y):
            raise ValueError("Some value(s) of y are out of the valid range of the loss "
                             f"{self._loss_name()!r}.")
        power = self._get_power()
        deviance = np.sum(weights * tweedie_deviance(y, mu, power))
        null = np.sum(weights * tweedie_deviance(y, np.average(y, weights=weights), power))
        return float(1 - deviance / null)


_ATTRIBUTES = """
    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Iterations of the solver.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X had string column names.
"""

_PARAMETERS = """
    alpha : float, default=1.0
        L2 penalty strength α (0: no penalty; the intercept is never penalised).
    fit_intercept : bool, default=True
    solver : {"lbfgs", "newton-cholesky"}, default="lbfgs"
    max_iter : int, default=100
    tol : float, default=1e-4
        Stop when max|∇f| ≤ tol.
    warm_start : bool, default=False
        Start from the previous fit's ``coef_`` and ``intercept_``.
    verbose : int, default=0
        Print the solver's progress when > 0.
"""


class PoissonRegressor(_GeneralizedLinearRegressor):
    __doc__ = """Poisson regression with log link: μ = exp(X·w + b), minimising
    1/(2Σs)·Σ sᵢ·2[yᵢ log(yᵢ/μᵢ) − yᵢ + μᵢ] + α/2·‖w‖² (y ≥ 0).

    Parameters
    ----------""" + _PARAMETERS + _ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.glm import PoissonRegressor
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 2.0], [4.0, 2.0]])
    >>> PoissonRegressor().fit(X, [1, 2, 4, 5, 9]).predict([[1, 1], [5, 2]]).round(2)
    array([ 2.3 , 12.52])
    """


class GammaRegressor(_GeneralizedLinearRegressor):
    __doc__ = """Gamma regression with log link: μ = exp(X·w + b), minimising
    1/(2Σs)·Σ sᵢ·2[log(μᵢ/yᵢ) + yᵢ/μᵢ − 1] + α/2·‖w‖² (y > 0).

    Parameters
    ----------""" + _PARAMETERS + _ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.glm import GammaRegressor
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 2.0], [4.0, 2.0]])
    >>> model = GammaRegressor(alpha=0.1).fit(X, [1.5, 2, 3.5, 5, 8])
    >>> model.predict([[1, 1], [5, 2]]).round(2)
    array([ 2.27, 10.98])
    """

    _power = 2.0

    def _loss_name(self):
        return "HalfGammaLoss"


class TweedieRegressor(_GeneralizedLinearRegressor):
    __doc__ = """Tweedie regression: variance μᵖ (p = ``power``: 0 normal, 1 Poisson, 1 < p < 2
    compound Poisson–gamma, 2 gamma, 3 inverse Gaussian), minimising
    1/(2Σs)·Σ sᵢ d_p(yᵢ, μᵢ) + α/2·‖w‖² with
    d_p(y, μ) = 2[max(y, 0)^(2−p)/((1−p)(2−p)) − y μ^(1−p)/(1−p) + μ^(2−p)/(2−p)].

    Parameters
    ----------
    power : float, default=0.0
        y may be any real for p ≤ 0, y ≥ 0 for 0 < p < 2, y > 0 for p ≥ 2.
    link : {"auto", "identity", "log"}, default="auto"
        "auto": identity for p ≤ 0, log otherwise.""" + _PARAMETERS + _ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.glm import TweedieRegressor
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 2.0], [4.0, 2.0]])
    >>> model = TweedieRegressor(power=1.5).fit(X, [0, 2, 3.5, 5, 8])
    >>> model.predict([[1, 1], [5, 2]]).round(2)
    array([ 1.73, 12.05])
    """

    def __init__(self, *, power=0.0, alpha=1.0, fit_intercept=True, link="auto",
                 solver="lbfgs", max_iter=100, tol=1e-4, warm_start=False, verbose=0):
        super().__init__(alpha=alpha, fit_intercept=fit_intercept, solver=solver,
                         max_iter=max_iter, tol=tol, warm_start=warm_start, verbose=verbose)
        self.link = link
        self.power = power

    def _check_params(self):
        super()._check_params()
        check_scalar(self.power, "power", numbers.Real)
        _check_option(self, "link", {"auto", "identity", "log"})

    def _get_power(self):
        return float(self.power)

    def _get_link(self):
        if self.link == "identity" or (self.link == "auto" and self.power <= 0):
            return Identity()
        return Log()

    def _loss_name(self):
        return "HalfTweedieLossIdentity" if isinstance(self._get_link(), Identity) \
            else "HalfTweedieLoss"
