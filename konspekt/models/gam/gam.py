"""The generalised additive model: any exponential family and link of ``konspekt.models.glm``
with an additive predictor of smooth, linear, factor and tensor terms, fitted by penalised
IRLS, with pygam's API and scikit-learn's estimator contract."""

import numbers
import warnings

import numpy as np
from scipy import linalg, sparse, stats

from ...base import (
    BaseEstimator,
    ConvergenceWarning,
    check_array,
    check_is_fitted,
    check_sample_weight,
    check_scalar,
    clone,
    validate_data,
)
from ..glm.families import get_family
from ..glm.links import get_link
from .pirls import inverse_penalised_hessian, penalised_irls, working_weights
from .summary import GAMSummary
from .terms import Intercept, SplineTerm, TensorTerm, Term, TermList

__all__ = ["BaseGAM"]

DISTRIBUTIONS = ("normal", "binomial", "poisson", "gamma", "inverse_gaussian")
# pygam's names for the same distributions and links.
_ALIASES = {"inv_gauss": "inverse_gaussian", "inv_squared": "inverse_squared"}


class BaseGAM(BaseEstimator):
    """The fitting, inference and prediction shared by ``GAM`` and its named variants."""

    _fixed_distribution = None
    _fixed_link = None

    def __init__(self, terms="auto", max_iter=100, tol=1e-4, distribution="normal",
                 link="identity", fit_intercept=True, lam=None, n_splines=None, gamma=1.4):
        self.terms = terms
        self.max_iter = max_iter
        self.tol = tol
        self.distribution = distribution
        self.link = link
        self.fit_intercept = fit_intercept
        self.lam = lam
        self.n_splines = n_splines
        self.gamma = gamma

    # --- parameters ---------------------------------------------------------------------------
    def _family_and_link(self):
        distribution = self._fixed_distribution or self.distribution
        link = self._fixed_link or self.link
        distribution = _ALIASES.get(distribution, distribution) \
            if isinstance(distribution, str) else distribution
        if distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {list(DISTRIBUTIONS)}, got "
                             f"{distribution!r}.")
        family = get_family(distribution)
        link = _ALIASES.get(link, link) if isinstance(link, str) else link
        link_object = get_link(link)
        if link_object.name not in family.allowed_links:
            raise ValueError(f"link={link!r} is not allowed with distribution={distribution!r}; "
                             f"allowed links: {list(family.allowed_links)}.")
        return family, link_object

    def _check_params(self):
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.gamma, "gamma", numbers.Real, min_val=1.0)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(f"fit_intercept must be a bool, got {self.fit_intercept!r}.")
        if self.n_splines is not None:
            check_scalar(self.n_splines, "n_splines", numbers.Integral, min_val=1)
        return self._family_and_link()

    def _specified_terms(self, n_features):
        """The terms as given (``"auto"``: s(i) for every feature), before fitting."""
        if isinstance(self.terms, str) and self.terms == "auto":
            terms = [SplineTerm(i) for i in range(n_features)]
        elif self.terms is None:
            terms = []
        elif isinstance(self.terms, (Term, TermList)):
            terms = list(TermList(self.terms))
        else:
            raise ValueError("terms must be 'auto', None or terms such as s(0) + l(1), got "
                             f"{self.terms!r}.")
        if self.n_splines is not None:
            terms = [SplineTerm(t.feature, n_splines=self.n_splines, spline_order=t.spline_order,
                                lam=t.lam[0], penalties=t.penalties, edge_knots=t.edge_knots)
                     if isinstance(t, SplineTerm) else t for t in terms]
        if self.fit_intercept and not any(isinstance(t, Intercept) for t in terms):
            terms.append(Intercept())
        if not terms:
            raise ValueError("The model has no terms: give terms or set fit_intercept=True.")
        return terms

    def _apply_lam(self, terms):
        """Set λ on the compiled terms from the ``lam`` parameter (None keeps theirs)."""
        n_penalties = sum(len(term.lam) for term in terms)
        if self.lam is None:
            return
        values = np.atleast_1d(np.asarray(self.lam, dtype=object)).ravel()
        if values.size == 1:
            values = np.repeat(values, n_penalties)
        if values.size != n_penalties:
            raise ValueError(f"lam must be one float or {n_penalties} floats (one per penalty, "
                             f"in term order), got {self.lam!r}.")
        try:
            values = values.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"lam must be non-negative floats, got {self.lam!r}.") from None
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"lam must be non-negative floats, got {self.lam!r}.")
        start = 0
        for term in terms:
            term.lam = tuple(float(v) for v in values[start:start + len(term.lam)])
            start += len(term.lam)

    # --- fitting ------------------------------------------------------------------------------
    def _prepare_fit(self, X, y, sample_weight):
        family, link = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True,
                             ensure_min_samples=2)
        weights = check_sample_weight(sample_weight, X, dtype=np.float64,
                                      ensure_non_negative=True)
        y = np.asarray(y, dtype=np.float64)
        if not family.in_y_range(y):
            raise ValueError(f"y must be {family.y_range_text} for distribution="
                             f"{family.name!r}; got values in [{y.min():g}, {y.max():g}].")
        return family, link, X, y, weights

    def _fit(self, X, y, weights, family, link):
        present = weights > 0
        terms = [term.compile(X[present] if present.any() else X)
                 for term in self._specified_terms(X.shape[1])]
        self._apply_lam(terms)
        columns = [term.build_columns(X) for term in terms]
        sizes = [c.shape[1] for c in columns]
        B = np.hstack(columns)
        penalties = [sum((lam * P for lam, P in zip(term.lam, term.penalty_matrices())),
                         np.zeros((size, size))) for term, size in zip(terms, sizes)]
        Z = _centring(terms, columns, penalties, weights)
        reduced = np.asarray((Z.T @ B.T).T)
        S = np.asarray(Z.T @ np.asarray(Z.T @ linalg.block_diag(*penalties)).T)
        theta, mu, n_iter, converged = penalised_irls(
            reduced, y, weights, family, link, S, self.max_iter, self.tol)
        if not converged:
            warnings.warn(f"PIRLS did not converge in max_iter={self.max_iter} iterations; "
                          "increase max_iter or lam.", ConvergenceWarning, stacklevel=3)
        self.terms_ = TermList(*terms)
        self.coef_ = np.asarray(Z @ theta)
        self.n_iter_ = n_iter
        self._family, self._link = family, link
        self._coef_slices = np.split(np.arange(B.shape[1]), np.cumsum(sizes)[:-1])
        H_inverse, M = inverse_penalised_hessian(
            reduced, working_weights(weights, family, link, mu), S)
        self._set_statistics(X, y, weights, mu, H_inverse, M, Z)
        return self

    def _set_statistics(self, X, y, weights, mu, H_inverse, M, Z):
        family = self._family
        edof = float(np.sum(H_inverse * M))
        # diag(F), F = H⁻¹M, mapped back through the centring: diag(Z F Zᵀ), whose i-th
        # entry is Σₖ (Z H⁻¹)ᵢₖ (Z M)ᵢₖ (M symmetric); Z is sparse (block-diagonal).
        ZH = np.asarray(Z @ H_inverse)
        per_coef = np.sum(ZH * np.asarray(Z @ M), axis=1)
        used = weights > 0
        # Only rows of positive weight count, in n too (a zero weight is a removed row; times
        # an infinite unit deviance it would also give NaN).
        y, mu, weights = y[used], mu[used], weights[used]
        n = np.float64(len(y))
        deviance = float(np.sum(weights * family.unit_deviance(y, mu)))
        pearson = float(np.sum(weights * (y - mu) ** 2 / family.variance(mu)))
        y_mean = np.average(y, weights=weights) if used.any() else np.nan
        with np.errstate(all="ignore"):
            null_deviance = float(np.sum(weights * family.unit_deviance(y, y_mean)))
        # With no residual degrees of freedom left (n ≤ tr A) φ, the scores and the
        # intervals are undefined: NaN, without warnings.
        with np.errstate(all="ignore"):
            if family.free_scale:
                scale = pearson / (n - edof) if n > edof else np.nan
            else:
                scale = 1.0
            loglike = float(np.sum(weights * family.loglike_obs(y, mu, scale)))
            aic = -2 * loglike + 2 * edof + 2 * family.free_scale
            aicc = aic + 2 * (edof + 1) * (edof + 2) / (n - edof - 2)
            if family.free_scale:
                gcv, ubre = n * deviance / (n - self.gamma * edof) ** 2, None
            else:
                gcv, ubre = None, deviance / n - scale + 2 * self.gamma * edof * scale / n
        cov = scale * np.asarray(Z @ ZH.T)
        self.statistics_ = {
            "n_samples": int(n),
            "m_features": X.shape[1],
            "deviance": deviance,
            "null_deviance": null_deviance,
            "edof": edof,
            "edof_per_coef": per_coef,
            "scale": scale,
            "cov": cov,
            "se": np.sqrt(np.clip(np.diag(cov), 0.0, None)),
            "loglikelihood": loglike,
            "AIC": aic,
            "AICc": aicc,
            "GCV": gcv,
            "UBRE": ubre,
            "pseudo_r2": {"explained_deviance": 1 - deviance / null_deviance
                          if null_deviance > 0 else np.nan},
        }
        frequentist_cov = scale * np.asarray(Z @ np.asarray(Z @ (H_inverse @ M @ H_inverse)).T)
        self.statistics_["p_values"] = [self._term_p_value(i, frequentist_cov)
                                        for i in range(len(self.terms_))]

    def _term_p_value(self, index, frequentist_cov):
        """Wald test of fⱼ = 0 (Wood 2006, §4.8.5; as pygam): T = θⱼᵀ Vⱼ⁻ θⱼ on r = rank Vⱼ
        degrees of freedom, with Vⱼ the term's block of the frequentist covariance
        φ·H⁻¹BᵀWBH⁻¹ (Vⱼ⁻ its pseudo-inverse); χ²_r for a known scale, F(r, n − tr A) of
        T/r otherwise."""
        part = self._coef_slices[index]
        cov = frequentist_cov[np.ix_(part, part)]
        if not np.all(np.isfinite(cov)):
            return np.nan
        inverse, rank = linalg.pinvh(cov, return_rank=True)
        if rank == 0:
            return np.nan
        score = float(self.coef_[part] @ inverse @ self.coef_[part])
        if not self._family.free_scale:
            return float(stats.chi2.sf(score, rank))
        residual_df = self.statistics_["n_samples"] - self.statistics_["edof"]
        return float(stats.f.sf(score / rank, rank, residual_df))

    # --- prediction ---------------------------------------------------------------------------
    def _validate_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _design(self, X, term=None):
        terms = self.terms_ if term is None else [self.terms_[term]]
        return np.hstack([t.build_columns(X) for t in terms])

    def _coef_of(self, term=None):
        return np.arange(len(self.coef_)) if term is None else self._coef_slices[term]

    def predict_linear(self, X):
        """The additive predictor η = Σⱼ fⱼ(x) (+ θ₀).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._validate_X(X)
        return self._design(X) @ self.coef_

    def predict_mu(self, X):
        """The expected value μ = g⁻¹(η) of y given X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        eta = self.predict_linear(X)
        return self._link.inverse(eta)

    def _quantile_factor(self, quantiles):
        if self._family.free_scale:
            residual_df = self.statistics_["n_samples"] - self.statistics_["edof"]
            return stats.t.ppf(quantiles, df=residual_df)
        return stats.norm.ppf(quantiles)

    def _intervals(self, X, term, width, quantiles, on_mean_scale):
        if quantiles is None:
            check_scalar(width, "width", numbers.Real, min_val=0.0, max_val=1.0,
                         include_boundaries="neither")
            quantiles = [(1 - width) / 2, (1 + width) / 2]
        quantiles = np.atleast_1d(np.asarray(quantiles, dtype=float))
        if np.any((quantiles <= 0) | (quantiles >= 1)):
            raise ValueError(f"quantiles must lie in (0, 1), got {quantiles.tolist()}.")
        part = self._coef_of(term)
        design = self._design(X, term)
        values = design @ self.coef_[part]
        cov = self.statistics_["cov"][np.ix_(part, part)]
        standard_error = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", design, cov, design), 0.0,
                                         None))
        bounds = values[:, None] + standard_error[:, None] * self._quantile_factor(quantiles)
        return values, (self._link.inverse(bounds) if on_mean_scale else bounds)

    def confidence_intervals(self, X, width=0.95, quantiles=None):
        """Intervals for the mean μ(x): g⁻¹(η̂ ± q·se(η̂)), se² = b(x)ᵀ Vθ b(x) with the
        Bayesian covariance Vθ (t quantiles on n − tr A df when φ is estimated).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        width : float in (0, 1), default=0.95
        quantiles : array-like of floats in (0, 1), optional
            Instead of ``width`` (0.95 ≡ [0.025, 0.975]).

        Returns
        -------
        ndarray of shape (n_samples, n_quantiles)
        """
        X = self._validate_X(X)
        return self._intervals(X, None, width, quantiles, on_mean_scale=True)[1]

    def generate_X_grid(self, term, n=100):
        """A grid for ``partial_dependence``: n evenly spaced values over the fitted range of
        the term's feature (the levels of a factor; an n × … × n mesh, flattened, for a
        tensor term), the other columns zero.

        Parameters
        ----------
        term : int
        n : int, default=100

        Returns
        -------
        ndarray of shape (n_points, n_features)
        """
        check_is_fitted(self)
        chosen = self._check_term(term)
        if hasattr(chosen, "levels_"):
            X = np.zeros((len(chosen.levels_), self.n_features_in_))
            X[:, chosen.feature] = chosen.levels_
            return X
        margins = chosen.margins if isinstance(chosen, TensorTerm) else [chosen]
        axes = [np.linspace(m.edge_knots_[0], m.edge_knots_[1], n) for m in margins]
        mesh = np.meshgrid(*axes, indexing="ij")
        X = np.zeros((mesh[0].size, self.n_features_in_))
        for margin, values in zip(margins, mesh):
            X[:, margin.feature] = values.ravel()
        return X

    def _check_term(self, term):
        if not isinstance(term, numbers.Integral) or isinstance(term, bool):
            raise TypeError(f"term must be an int, got {term!r}.")
        if not -len(self.terms_) <= term < len(self.terms_):
            raise ValueError(f"term {term} is out of range for a model with "
                             f"{len(self.terms_)} terms ({self.terms_!r}).")
        chosen = self.terms_[term]
        if isinstance(chosen, Intercept):
            raise ValueError(  # noqa: TRY004 (a valid term index, of the wrong term)
                "the intercept has no partial dependence; choose another term.")
        return chosen

    def partial_dependence(self, term, X=None, width=None, quantiles=None):
        """The fitted term function f_j(x) (on the scale of η), with confidence intervals.

        The interval is f̂_j ± q·se, se² = b_j(x)ᵀ V_j b_j(x), with V_j the term's block of
        the Bayesian covariance Vθ = φ(BᵀWB + S)⁻¹ (Wood 2017, §6.10) and q a t quantile on
        n − tr A degrees of freedom when φ is estimated (normal otherwise). Smooth and tensor
        terms are centred over the training data when the model has an intercept.

        Parameters
        ----------
        term : int
            The index into ``terms_`` (the intercept, last, has none).
        X : array-like of shape (n_samples, n_features), optional
            Where to evaluate; default ``generate_X_grid(term)``.
        width : float in (0, 1), optional
            The interval's coverage (e.g. 0.95).
        quantiles : array-like of floats in (0, 1), optional
            Instead of ``width``.

        Returns
        -------
        values : ndarray of shape (n_samples,)
            Alone when neither ``width`` nor ``quantiles`` is given (pygam's convention).
        intervals : ndarray of shape (n_samples, n_quantiles)
        """
        check_is_fitted(self)
        self._check_term(term)
        term = term % len(self.terms_)
        X = self.generate_X_grid(term) if X is None else self._validate_X(X)
        if width is None and quantiles is None:
            return self._design(X, term) @ self.coef_[self._coef_of(term)]
        return self._intervals(X, term, width, quantiles, on_mean_scale=False)

    def deviance_residuals(self, X, y, sample_weight=None, scaled=False):
        """sign(y − μ)·√(wᵢ dᵢ) (divided by √φ when ``scaled``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        scaled : bool, default=False

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        mu = self.predict_mu(X)
        y = self._encode_y(y)
        weights = check_sample_weight(sample_weight, mu, dtype=np.float64)
        deviance = weights * self._family.unit_deviance(y, mu)
        if scaled:
            deviance = deviance / self.statistics_["scale"]
        return np.sign(y - mu) * np.sqrt(deviance)

    def _encode_y(self, y):
        y = np.asarray(y, dtype=np.float64).ravel()
        if not self._family.in_y_range(y):
            raise ValueError(f"y must be {self._family.y_range_text} for distribution="
                             f"{self._family.name!r}.")
        return y

    def summary(self):
        """The fit as pygam prints it: distribution, link, tr A, log-likelihood, AIC, GCV or
        UBRE, scale, explained deviance, then each term's λ, rank, edof and p-value.

        Returns
        -------
        GAMSummary
            ``print(summary)`` shows the table.
        """
        check_is_fitted(self)
        return GAMSummary(self)

    def gridsearch(self, X, y, sample_weight=None, return_scores=False, keep_best=True,
                   objective="auto", lam=None):
        """Choose λ by refitting on a grid and keeping the best score.

        The score is GCV = n·D/(n − γ·tr A)² when φ is estimated (normal, gamma, inverse
        Gaussian) and UBRE = D/n − φ + 2γ·φ·tr A/n when it is known (binomial, Poisson);
        ``"AIC"`` and ``"AICc"`` may be asked for instead.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        return_scores : bool, default=False
            Return {fitted model: score} instead of self.
        keep_best : bool, default=True
            Set ``self.lam`` to the best candidate and refit self with it.
        objective : {"auto", "GCV", "UBRE", "AIC", "AICc"}, default="auto"
        lam : array-like, default=np.logspace(-3, 3, 11)
            1-D: each value for every penalty at once; a 2-D array: one candidate per row
            (one λ per penalty); a list of 1-D arrays, one per penalty: their Cartesian
            product.

        Returns
        -------
        self, or dict of {GAM: float}
        """
        family, _ = self._check_params()
        # check_array, not validate_data: an unfitted model must stay unfitted when
        # keep_best=False.
        n_features = check_array(X, dtype=np.float64, estimator=self, input_name="X").shape[1]
        n_penalties = sum(len(t.lam) for t in self._specified_terms(n_features))
        if objective not in ("auto", "GCV", "UBRE", "AIC", "AICc"):
            raise ValueError("objective must be one of ['auto', 'GCV', 'UBRE', 'AIC', 'AICc'], "
                             f"got {objective!r}.")
        if objective == "auto":
            objective = "GCV" if family.free_scale else "UBRE"
        elif objective == "GCV" and not family.free_scale:
            raise ValueError("objective='GCV' needs a distribution with unknown scale; use "
                             "'UBRE' for binomial and poisson.")
        elif objective == "UBRE" and family.free_scale:
            raise ValueError("objective='UBRE' needs a distribution with known scale; use "
                             "'GCV'.")
        candidates = _lam_candidates(np.logspace(-3, 3, 11) if lam is None else lam,
                                     n_penalties)
        scores = {}
        best, best_score = None, np.inf
        for candidate in candidates:
            model = clone(self).set_params(lam=[float(value) for value in candidate])
            try:
                model.fit(X, y, sample_weight=sample_weight)
            except (ValueError, np.linalg.LinAlgError):
                continue
            score = model.statistics_[objective]
            scores[model] = score
            if score < best_score:
                best, best_score = model, score
        if best is None:
            raise ValueError("gridsearch could not fit any candidate lam.")
        if keep_best:
            self.set_params(lam=best.lam)
            self.fit(X, y, sample_weight=sample_weight)
        return scores if return_scores else self


def _lam_candidates(grid, n_penalties):
    if isinstance(grid, np.ndarray) and grid.ndim == 2:
        candidates = grid.astype(float)
    elif any(np.ndim(g) > 0 for g in grid):
        if len(grid) != n_penalties:
            raise ValueError(f"lam must hold one grid per penalty ({n_penalties}), got "
                             f"{len(grid)} grids.")
        mesh = np.meshgrid(*[np.atleast_1d(np.asarray(g, dtype=float)) for g in grid],
                           indexing="ij")
        candidates = np.column_stack([m.ravel() for m in mesh])
    else:
        candidates = np.repeat(np.asarray(grid, dtype=float)[:, None], n_penalties, axis=1)
    if candidates.shape[1] != n_penalties:
        raise ValueError(f"each lam candidate needs {n_penalties} values (one per penalty), got "
                         f"{candidates.shape[1]}.")
    if candidates.shape[0] < 1 or np.any(candidates < 0) or not np.all(np.isfinite(candidates)):
        raise ValueError("lam candidates must be non-negative finite floats.")
    return candidates


def _centring(terms, columns, penalties, weights):
    """Z (p × p', sparse) absorbing the identifiability constraints Σᵢ wᵢ fⱼ(xᵢ) = 0.

    A smooth or tensor term whose penalty leaves the constant unpenalised (Sⱼ·1 = 0) could
    trade a constant with the intercept (or an earlier such term) at no cost; it is then
    reparametrised as θⱼ = Zⱼθ̃ⱼ, Zⱼ an orthonormal basis of the vectors orthogonal to
    cⱼ = Bⱼᵀw (Wood 2017, §5.4.1). The fit, tr A and predictions are unchanged.
    """
    blocks = []
    constant_taken = any(isinstance(t, Intercept) for t in terms)
    for term, B_j, S_j in zip(terms, columns, penalties):
        size = B_j.shape[1]
        free_constant = isinstance(term, (SplineTerm, TensorTerm)) and size > 1 and \
            np.allclose(S_j @ np.ones(size), 0.0, atol=1e-10 * max(1.0, np.abs(S_j).max()))
        if free_constant and constant_taken:
            sums = B_j.T @ weights
            Q = np.linalg.qr(sums[:, None], mode="complete")[0]
            blocks.append(Q[:, 1:])
        else:
            blocks.append(np.eye(size))
        constant_taken = constant_taken or free_constant
    return sparse.block_diag(blocks, format="csr")
