"""The generalised linear model fitted by IRLS, with statsmodels' inference (standard errors,
z-tests, deviance, AIC) and scikit-learn's estimator API."""

import numbers
import warnings

import numpy as np
from scipy import stats
from scipy.special import softmax, xlogy

from ...base import (
    BaseEstimator,
    ConvergenceWarning,
    RegressorMixin,
    check_is_fitted,
    check_sample_weight,
    check_scalar,
    validate_data,
)
from .families import FAMILIES, get_family
from .multinomial import (
    fit_multinomial,
    multinomial_deviance,
    multinomial_information,
    multinomial_probabilities,
)

__all__ = ["GLM", "GLMSummary"]


class GLM(RegressorMixin, BaseEstimator):
    """Generalised linear model: y | x follows an exponential-dispersion family with mean μ and
    g(μ) = η = b + x·w, fitted by iteratively reweighted least squares (Fisher scoring).

    The loss is the deviance of the family of y, D(β) = Σ sᵢ d(yᵢ, μᵢ) (sᵢ the sample
    weights): it follows the distribution of y, not the link. A Poisson model minimises the
    Poisson deviance whether μ = exp η (log link) or μ = η (identity link); the link only says
    how the linear predictor reaches the mean. With ``alpha`` > 0 the fit minimises
    ½·D(β) + ½·α·‖w‖² (the intercept is not penalised).

    Each IRLS step, from the current μ (started at (y + ȳ)/2, (y + ½)/2 for binomial):

    - z = η + (y − μ)·g′(μ), the working response;
    - W = s / (V(μ)·g′(μ)²), the working weights (V the family's variance function);
    - β ← (XᵀWX + αI′)⁻¹ XᵀWz, I′ the identity with a zero for the intercept;
    - while the penalised deviance grew (or μ left its domain), halve the step;

    until |ΔD| ≤ tol·(|D| + 0.1). For a canonical link this is Newton's method.

    ``family="multinomial"`` (statsmodels' MNLogit) takes class labels y ∈ {c₀ … c_{K−1}} and
    models P(y = cₖ) = softmax(0, η₁, …, η_{K−1})ₖ with ηₖ = b_k + x·wₖ (the first class is the
    reference); Newton's method maximises the likelihood, D = −2·Σ sᵢ log P(yᵢ).

    Parameters
    ----------
    family : {"normal", "binomial", "multinomial", "poisson", "gamma", "inverse_gaussian", \
"tweedie"}, default="normal"
        The distribution of y ("binomial": proportions in [0, 1], one trial each;
        "multinomial": class labels, link "logit" only).
    link : {"identity", "log", "logit", "probit", "cloglog", "inverse", "inverse_squared", \
"sqrt"} or None, default=None
        None takes the family's canonical link (log for "tweedie", as statsmodels).
    power : float, default=1.5
        The Tweedie power p (variance μᵖ; p ≤ 0 or p ≥ 1); used by ``family="tweedie"`` only.
    alpha : float, default=0.0
        L2 penalty on the coefficients (not the intercept), scaled as above: statsmodels'
        ``fit_regularized(alpha=a, L1_wt=0)`` corresponds to ``alpha = a·n`` for φ = 1.
    fit_intercept : bool, default=True
    max_iter : int, default=100
    tol : float, default=1e-8
        Relative change of the penalised deviance at which IRLS stops.

    Attributes
    ----------
    intercept_ : float (ndarray of shape (K − 1,) for "multinomial")
    coef_ : ndarray of shape (n_features,) ((K − 1, n_features) for "multinomial")
    params_ : ndarray of shape (n_params,) ((n_params, K − 1) for "multinomial")
        ``[intercept_, *coef_]`` (``coef_`` alone without an intercept), the order of the
        inference arrays below.
    classes_ : ndarray of shape (K,)
        Only for "multinomial"; ``predict`` then gives the (n, K) class probabilities.
    bse_ : ndarray of shape (n_params,)
        Standard errors: the square roots of the diagonal of φ·(XᵀWX + αI′)⁻¹ at the fit.
    zvalues_, tvalues_ : ndarray of shape (n_params,)
        params_ / bse_ (``tvalues_`` is statsmodels' name for the same z statistics).
    pvalues_ : ndarray of shape (n_params,)
        Two-sided p-values from the standard normal, as statsmodels' GLM.
    scale_ : float
        The dispersion φ: Pearson χ² / (n − p) for families with a free scale, 1 for binomial
        and Poisson.
    deviance_, null_deviance_ : float
        D at the fit and at μ = ȳ (the intercept-only model).
    pearson_chi2_ : float
        Σ sᵢ (yᵢ − μᵢ)² / V(μᵢ).
    llf_ : float
        Log-likelihood at φ = ``scale_`` (at the maximum-likelihood σ² = RSS / n for the normal
        family with identity link), as statsmodels.
    aic_, bic_ : float
        −2·llf + 2p and −2·llf + p·log n (statsmodels' ``aic`` and ``bic_llf``).
    df_model_, df_resid_ : float
        p − 1 and n − p (p = rank of the design including the intercept column).
    nobs_ : float
        n = Σ sᵢ.
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X had string column names.

    Notes
    -----
    ``sample_weight`` are frequency weights (statsmodels' ``freq_weights``): n = Σ sᵢ.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.glm import GLM
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = rng.poisson(np.exp(0.3 + X @ [0.5, -0.2]))
    >>> model = GLM(family="poisson").fit(X, y)
    >>> model.coef_.round(1)
    array([ 0.6, -0.2])
    >>> print(model.summary())  # doctest: +SKIP
    """

    def __init__(self, family="normal", link=None, power=1.5, alpha=0.0, fit_intercept=True,
                 max_iter=100, tol=1e-8):
        self.family = family
        self.link = link
        self.power = power
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            family = get_family(self.family, self.power)
            tags.target_tags.positive_only = not family.in_y_range(np.array([-1.0]))
        except (ValueError, TypeError):
            # Invalid parameters are reported by fit; the tags keep their defaults.
            pass
        return tags

    def _design(self, X):
        return np.column_stack([np.ones(X.shape[0]), X]) if self.fit_intercept else X

    def _check_params(self):
        check_scalar(self.alpha, "alpha", numbers.Real, min_val=0.0)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0, include_boundaries="neither")
        if not isinstance(self.family, str) or \
                self.family not in (*FAMILIES, "multinomial"):
            raise ValueError(f"family must be one of {sorted([*FAMILIES, 'multinomial'])}, "
                             f"got {self.family!r}.")
        if self.family == "multinomial":
            if self.link not in (None, "logit"):
                raise ValueError(f"link={self.link!r} is not allowed with family='multinomial'; "
                                 "allowed links: ['logit'].")
            return None, None
        family = get_family(self.family, self.power)
        return family, family.check_link(self.link)

    def fit(self, X, y, sample_weight=None):
        """Fit by IRLS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights.

        Returns
        -------
        self : GLM
        """
        family, link = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=family is not None)
        weights = check_sample_weight(sample_weight, X, dtype=np.float64,
                                      ensure_non_negative=True)
        if family is None:
            return self._fit_multinomial(X, y, weights)
        y = np.asarray(y, dtype=np.float64)
        if not family.in_y_range(y):
            raise ValueError(f"y must be {family.y_range_text} for family={family.name!r}; got "
                             f"values in [{y.min():g}, {y.max():g}].")
        A = self._design(X)
        penalty = np.full(A.shape[1], float(self.alpha))
        if self.fit_intercept:
            penalty[0] = 0.0

        def objective(beta, mu):
            return 0.5 * np.sum(weights * family.unit_deviance(y, mu)) + \
                0.5 * np.sum(penalty * beta ** 2)

        mu = family.starting_mu(y)
        eta = link.link(mu)
        beta, previous = None, np.inf
        converged = False
        for iteration in range(1, self.max_iter + 1):
            slope = link.derivative(mu)
            working_weights = weights / (family.variance(mu) * slope ** 2)
            z = eta + (y - mu) * slope
            candidate = _weighted_ridge(A, z, working_weights, penalty)
            # Step halving: go back towards the last β while the fit got worse or left the
            # domain of μ (e.g. a negative Poisson mean under the identity link).
            for _ in range(50):
                eta_new = A @ candidate
                with np.errstate(all="ignore"):
                    mu_new = link.inverse(eta_new)
                    current = objective(candidate, mu_new) if family.valid_mu(mu_new) \
                        else np.inf
                if beta is None:
                    # No earlier β to halve towards (R's glm stops here too).
                    if not np.isfinite(current):
                        raise ValueError(f"IRLS found no valid mean for family={family.name!r} "
                                         f"with link={link.name!r}: the first step gives means "
                                         "outside the family's range; try another link.")
                    break
                if current <= previous:
                    break
                candidate = (beta + candidate) / 2
            else:
                candidate, eta_new, mu_new, current = beta, eta, mu, previous
            change = abs(previous - current)
            beta, eta, mu, previous = candidate, eta_new, mu_new, current
            if change <= self.tol * (abs(current) + 0.1):
                converged = True
                break
        if not converged:
            warnings.warn(f"IRLS did not converge in max_iter={self.max_iter} iterations; "
                          "increase max_iter.", ConvergenceWarning, stacklevel=2)
        self.n_iter_ = iteration
        self._set_results(A, X, y, weights, family, link, beta, mu, penalty)
        return self

    def _fit_multinomial(self, X, y, weights):
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("family='multinomial' needs at least 2 classes in y, got "
                             f"{len(self.classes_)}.")
        A = self._design(X)
        penalty = np.full(A.shape[1], float(self.alpha))
        if self.fit_intercept:
            penalty[0] = 0.0
        params, self.n_iter_, converged = fit_multinomial(
            A, codes, len(self.classes_), weights, penalty, self.max_iter, self.tol)
        if not converged:
            warnings.warn(f"IRLS did not converge in max_iter={self.max_iter} iterations; "
                          "increase max_iter.", ConvergenceWarning, stacklevel=3)
        k = params.shape[1]
        self.params_ = params
        self.intercept_ = params[0].copy() if self.fit_intercept else np.zeros(k)
        self.coef_ = (params[1:] if self.fit_intercept else params).T.copy()
        n_obs = weights.sum()
        self.nobs_ = float(n_obs)
        rank = np.linalg.matrix_rank(A) if A.shape[0] else 0
        self.df_model_ = float((rank - 1) * k)
        self.df_resid_ = float(n_obs - rank * k)
        self.deviance_ = multinomial_deviance(A, params, codes, weights)
        counts = np.bincount(codes, weights=weights)
        self.null_deviance_ = float(-2 * np.sum(xlogy(counts, counts / n_obs)))
        mu = multinomial_probabilities(A, params)
        onehot = np.eye(len(self.classes_))[codes]
        self.pearson_chi2_ = float(np.sum(weights[:, None] * (onehot - mu) ** 2 / mu))
        self.scale_ = 1.0
        self.llf_ = -self.deviance_ / 2
        self.aic_ = -2 * self.llf_ + 2 * rank * k
        self.bic_ = -2 * self.llf_ + rank * k * np.log(n_obs) if n_obs > 0 else np.nan
        information = multinomial_information(A, mu, weights) + np.diag(np.tile(penalty, k))
        self.cov_params_ = np.linalg.pinv(information)
        with np.errstate(all="ignore"):
            self.bse_ = np.sqrt(np.diag(self.cov_params_)).reshape(k, -1).T
            self.zvalues_ = params / self.bse_
        self.tvalues_ = self.zvalues_
        self.pvalues_ = 2 * stats.norm.sf(np.abs(self.zvalues_))
        self._family, self._link = None, None
        return self

    def _set_results(self, A, X, y, weights, family, link, beta, mu, penalty):
        self.params_ = beta
        self.intercept_ = float(beta[0]) if self.fit_intercept else 0.0
        self.coef_ = beta[1:] if self.fit_intercept else beta
        n_obs = weights.sum()
        self.nobs_ = float(n_obs)
        rank = np.linalg.matrix_rank(A) if A.shape[0] else 0
        self.df_model_ = float(rank - 1)
        self.df_resid_ = float(n_obs - rank)
        self.deviance_ = float(np.sum(weights * family.unit_deviance(y, mu)))
        y_mean = np.average(y, weights=weights) if n_obs > 0 else y.mean()
        self.null_deviance_ = float(np.sum(weights * family.unit_deviance(y, y_mean)))
        self.pearson_chi2_ = float(np.sum(weights * (y - mu) ** 2 / family.variance(mu)))
        with np.errstate(all="ignore"):
            # Zero residual degrees of freedom leave the dispersion undefined (NaN).
            self.scale_ = float(np.float64(self.pearson_chi2_) / self.df_resid_) \
                if family.free_scale else 1.0
            if family.name == "normal" and link.name == "identity":
                likelihood_scale = np.sum(weights * (y - mu) ** 2) / n_obs
            else:
                likelihood_scale = self.scale_
            self.llf_ = float(np.sum(weights * family.loglike_obs(y, mu, likelihood_scale)))
        self.aic_ = -2 * self.llf_ + 2 * rank
        self.bic_ = -2 * self.llf_ + rank * np.log(n_obs) if n_obs > 0 else np.nan
        slope = link.derivative(mu)
        working_weights = weights / (family.variance(mu) * slope ** 2)
        information = A.T @ (working_weights[:, None] * A) + np.diag(penalty)
        self.cov_params_ = np.linalg.pinv(information) * self.scale_
        with np.errstate(all="ignore"):
            self.bse_ = np.sqrt(np.diag(self.cov_params_))
            self.zvalues_ = beta / self.bse_
        self.tvalues_ = self.zvalues_
        self.pvalues_ = 2 * stats.norm.sf(np.abs(self.zvalues_))
        self._family, self._link = family, link

    def predict_linear(self, X):
        """The linear predictor η = b + X·w.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_.T + self.intercept_

    def predict(self, X):
        """The mean μ = g⁻¹(b + X·w).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        eta = self.predict_linear(X)
        if self._family is None:
            return softmax(np.column_stack([np.zeros(len(eta)), eta]), axis=1)
        return self._link.inverse(eta)

    def score(self, X, y, sample_weight=None):
        """D² = 1 − D(y, μ̂) / D(y, ȳ): the fraction of deviance explained (R² for "normal").

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        mu = self.predict(X)
        if self._family is None:
            return self._multinomial_score(mu, y, sample_weight)
        y = np.asarray(y, dtype=np.float64).ravel()
        weights = check_sample_weight(sample_weight, mu, dtype=np.float64)
        if not self._family.in_y_range(y):
            raise ValueError(f"y must be {self._family.y_range_text} for "
                             f"family={self._family.name!r}.")
        deviance = np.sum(weights * self._family.unit_deviance(y, mu))
        null = np.sum(weights * self._family.unit_deviance(y, np.average(y, weights=weights)))
        return float(1 - deviance / null)

    def _multinomial_score(self, proba, y, sample_weight):
        y = np.asarray(y).ravel()
        codes = np.searchsorted(self.classes_, y)
        if np.any(codes >= len(self.classes_)) or np.any(self.classes_[
                np.minimum(codes, len(self.classes_) - 1)] != y):
            raise ValueError("y contains labels not seen in fit.")
        weights = check_sample_weight(sample_weight, proba, dtype=np.float64)
        deviance = -2 * np.sum(weights * np.log(proba[np.arange(len(y)), codes]))
        counts = np.bincount(codes, weights=weights, minlength=len(self.classes_))
        null = -2 * np.sum(xlogy(counts, counts / weights.sum()))
        return float(1 - deviance / null)

    def conf_int(self, alpha=0.05):
        """Wald intervals params_ ± z₁₋α/₂·bse_: shape params_.shape + (2,)."""
        check_is_fitted(self)
        half = stats.norm.ppf(1 - alpha / 2) * self.bse_
        return np.stack([self.params_ - half, self.params_ + half], axis=-1)

    def summary(self):
        """The fit as statsmodels prints it: a header of fit statistics, then coef, std err,
        z, P>|z| and the 95 % interval of each parameter.

        Returns
        -------
        GLMSummary
            ``str()`` (or ``print``) gives the table.
        """
        check_is_fitted(self)
        names = list(getattr(self, "feature_names_in_",
                             [f"x{i + 1}" for i in range(self.n_features_in_)]))
        if self.fit_intercept:
            names = ["const"] + names
        return GLMSummary(self, names)


class GLMSummary:
    """A fitted GLM's summary table; ``str(summary)`` or ``summary.as_text()`` is the text."""

    def __init__(self, model, names):
        self.model = model
        self.names = names

    def as_text(self):
        m = self.model
        width = 78
        family = "multinomial" if m._family is None else m._family.name
        link = "logit" if m._link is None else m._link.name
        left = [("Family:", family), ("Link:", link),
                ("Scale:", f"{m.scale_:.6g}"), ("Deviance:", f"{m.deviance_:.6g}"),
                ("Pearson chi2:", f"{m.pearson_chi2_:.6g}"), ("No. Iterations:", str(m.n_iter_))]
        right = [("No. Observations:", f"{m.nobs_:g}"),
                 ("Df Residuals:", f"{m.df_resid_:g}"), ("Df Model:", f"{m.df_model_:g}"),
                 ("Log-Likelihood:", f"{m.llf_:.6g}"), ("AIC:", f"{m.aic_:.6g}"),
                 ("BIC:", f"{m.bic_:.6g}")]
        lines = ["Generalized Linear Model Regression Results".center(width), "=" * width]
        for (lk, lv), (rk, rv) in zip(left, right):
            lines.append(f"{lk:<18}{lv:>20}  {rk:<20}{rv:>18}")
        lines.append("=" * width)
        name_width = max(10, max((len(n) for n in self.names), default=0) + 1)
        header = ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
        lines.append(" " * name_width + "".join(f"{h:>11}" for h in header))
        lines.append("-" * max(width, name_width + 66))
        bounds = m.conf_int()
        columns = [(slice(None), None)] if m.params_.ndim == 1 else \
            [((slice(None), j), f"y={m.classes_[j + 1]}") for j in range(m.params_.shape[1])]
        for index, title in columns:
            if title is not None:
                lines.append(f"{title:<{name_width}}")
            values = [m.params_[index], m.bse_[index], m.zvalues_[index], m.pvalues_[index],
                      bounds[index][:, 0], bounds[index][:, 1]]
            for i, name in enumerate(self.names):
                lines.append(f"{name:<{name_width}}" +
                             "".join(f"{v[i]:>11.4f}" for v in values))
        lines.append("=" * max(width, name_width + 66))
        return "\n".join(lines)

    def __str__(self):
        return self.as_text()

    def __repr__(self):
        return self.as_text()


def _weighted_ridge(A, z, weights, penalty):
    """argmin_β Σ wᵢ (zᵢ − aᵢ·β)² + Σ λⱼ βⱼ², by least squares on the augmented system
    [√w·A; √λ] β ≈ [√w·z; 0] (stable also for a rank-deficient design)."""
    root = np.sqrt(weights)
    stacked = np.vstack([A * root[:, None], np.diag(np.sqrt(penalty))])
    target = np.concatenate([z * root, np.zeros(A.shape[1])])
    return np.linalg.lstsq(stacked, target, rcond=None)[0]
