"""``GAM`` and its variants with a fixed distribution and link, as pygam names them:
``LinearGAM`` (normal, identity), ``LogisticGAM`` (binomial, logit; a binary classifier),
``PoissonGAM`` (Poisson, log) and ``GammaGAM`` (gamma, log)."""

import numpy as np

from ...base import (
    ClassifierMixin,
    RegressorMixin,
    check_classification_targets,
    check_sample_weight,
    validate_data,
)
from .gam import BaseGAM

__all__ = ["GAM", "GammaGAM", "LinearGAM", "LogisticGAM", "PoissonGAM"]


class GAM(RegressorMixin, BaseGAM):
    """Generalised additive model: y | x follows an exponential family with mean μ and

        g(μ) = η = θ₀ + f₁(x⁽¹⁾) + … + f_m(x⁽ᵐ⁾),

    each f_j a term (``s`` smooth P-spline, ``l`` linear, ``f`` factor, ``te`` tensor
    product; see ``konspekt.models.gam.terms``), all linear in their coefficients: η = Bθ.
    θ minimises the penalised deviance

        D(θ) + Σ_j λ_j θᵀ P_j θ,

    D the family's deviance and P_j the terms' penalty matrices (squared second differences
    of neighbouring B-spline coefficients for a smooth term), by penalised IRLS: from μ,

        z = η + (y − μ)·g′(μ),  W = w / (V(μ)·g′(μ)²),  θ = (BᵀWB + Σ_j λ_j P_j)⁻¹ BᵀWz,

    repeated (halving steps that raise the penalised deviance) until ‖Δθ‖ ≤ tol·‖θ‖. The
    influence matrix A = B(BᵀWB + S)⁻¹BᵀW gives the effective degrees of freedom tr A, and
    λ is chosen (``gridsearch``) by minimising

        GCV = n·D / (n − γ·tr A)²          (scale φ estimated),
        UBRE = D/n − φ + 2γ·φ·tr A / n     (φ known: binomial, Poisson),

    with γ = 1.4 by default, as pygam (Wood 2006, §4.5; γ = 1 gives the classical scores).

    Parameters
    ----------
    terms : "auto", None or terms, default="auto"
        ``s(0) + l(1) + f(2) + te(3, 4)``…; "auto": ``s(i)`` for every feature.
    max_iter : int, default=100
    tol : float, default=1e-4
        Relative change of θ at which PIRLS stops.
    distribution : {"normal", "binomial", "poisson", "gamma", "inverse_gaussian"}, \
default="normal"
        ("inv_gauss", pygam's name, is accepted too.)
    link : {"identity", "log", "logit", "probit", "cloglog", "inverse", "inverse_squared", \
"sqrt"}, default="identity"
        ("inv_squared", pygam's name, is accepted too.)
    fit_intercept : bool, default=True
        Add the intercept term (last in ``terms_``).
    lam : float or sequence of floats, optional
        Overrides the terms' λ: one value for all penalties, or one per penalty in term
        order (a tensor term has one per margin). ``gridsearch`` sets it.
    n_splines : int, optional
        Overrides ``n_splines`` of every ``s`` term.
    gamma : float, default=1.4
        The weight γ ≥ 1 of each effective degree of freedom in GCV and UBRE.

    Attributes
    ----------
    coef_ : ndarray of shape (n_coefs,)
        θ, term after term (intercept last), in each term's own basis.
    terms_ : TermList
        The terms compiled on the training data (ranges, levels, λ).
    statistics_ : dict
        ``deviance``, ``null_deviance``, ``edof`` (tr A), ``edof_per_coef``, ``scale`` (the
        dispersion φ = Pearson χ² / (n − tr A), 1 when known), ``cov`` (Vθ = φ(BᵀWB + S)⁻¹),
        ``se``, ``loglikelihood``, ``AIC`` (−2ℓ + 2 tr A (+2 when φ is estimated)),
        ``AICc``, ``GCV`` and ``UBRE`` (the one that applies; None for the other),
        ``pseudo_r2`` ({"explained_deviance": 1 − D/D₀}), ``p_values`` (one per term),
        ``n_samples``, ``m_features``.
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X had string column names.

    Notes
    -----
    Differences from pygam: smooth and tensor terms are centred (identifiability), so
    ``coef_`` and ``partial_dependence`` differ from pygam's by constants moved into the
    intercept (fit, predictions, deviance and tr A agree); ``cov`` is the Bayesian covariance
    (pygam reports the frequentist φ·H⁻¹BᵀWBH⁻¹, which konspekt uses only for the p-values);
    ``scale`` is φ (pygam's is √φ); ``deviance`` is D (pygam's is D/φ); UBRE is Wood's
    (pygam's is larger by 3φ); weights are passed as ``sample_weight``; factor levels are
    matched exactly; the p-values of factor terms and of the intercept differ from pygam's,
    where the constants of the smooths stay confounded with them.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.gam import GAM, s, l
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-3, 3, size=(300, 2))
    >>> y = np.sin(X[:, 0]) + 0.5 * X[:, 1] + rng.normal(0, 0.2, 300)
    >>> gam = GAM(s(0) + l(1)).fit(X, y)
    >>> round(gam.statistics_["pseudo_r2"]["explained_deviance"], 2)
    0.97
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            family, _ = self._family_and_link()
            tags.target_tags.positive_only = not family.in_y_range(np.array([-1.0]))
        except (ValueError, TypeError):
            # Invalid parameters are reported by fit; the tags keep their defaults.
            pass
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit by penalised IRLS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Prior weights wᵢ (pygam's ``weights``).

        Returns
        -------
        self
        """
        family, link, X, y, weights = self._prepare_fit(X, y, sample_weight)
        return self._fit(X, y, weights, family, link)

    def predict(self, X):
        """The expected value μ = g⁻¹(η) (as ``predict_mu``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self.predict_mu(X)

    def score(self, X, y, sample_weight=None):
        """The explained deviance 1 − D(y, μ̂)/D(y, ȳ) (R² for the normal distribution).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        mu = self.predict_mu(X)
        y = self._encode_y(y)
        weights = check_sample_weight(sample_weight, mu, dtype=np.float64)
        deviance = np.sum(weights * self._family.unit_deviance(y, mu))
        null = np.sum(weights * self._family.unit_deviance(y, np.average(y, weights=weights)))
        return float(1 - deviance / null)


class LinearGAM(GAM):
    """GAM with a normal distribution and the identity link: y = θ₀ + Σⱼ fⱼ(x⁽ʲ⁾) + ε,
    ε ~ N(0, φ); the penalised deviance is the penalised residual sum of squares and
    PIRLS converges in one step. Parameters and attributes as ``GAM``.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.gam import LinearGAM, s
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(0, 6, size=(200, 1))
    >>> y = np.sin(X[:, 0]) + rng.normal(0, 0.1, 200)
    >>> gam = LinearGAM(s(0)).gridsearch(X, y)
    >>> bool(np.abs(gam.predict(X) - np.sin(X[:, 0])).max() < 0.1)
    True
    """

    _fixed_distribution = "normal"
    _fixed_link = "identity"

    def __init__(self, terms="auto", max_iter=100, tol=1e-4, fit_intercept=True, lam=None,
                 n_splines=None, gamma=1.4):
        self.terms = terms
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.lam = lam
        self.n_splines = n_splines
        self.gamma = gamma


class PoissonGAM(GAM):
    """GAM for counts: y ~ Poisson(μ), log μ = θ₀ + Σⱼ fⱼ(x⁽ʲ⁾); λ is chosen by UBRE
    (φ = 1). Parameters and attributes as ``GAM``."""

    _fixed_distribution = "poisson"
    _fixed_link = "log"

    def __init__(self, terms="auto", max_iter=100, tol=1e-4, fit_intercept=True, lam=None,
                 n_splines=None, gamma=1.4):
        self.terms = terms
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.lam = lam
        self.n_splines = n_splines
        self.gamma = gamma


class GammaGAM(GAM):
    """GAM for positive skewed y: y ~ Gamma(μ, φ), log μ = θ₀ + Σⱼ fⱼ(x⁽ʲ⁾) (pygam's
    default link for it). Parameters and attributes as ``GAM``."""

    _fixed_distribution = "gamma"
    _fixed_link = "log"

    def __init__(self, terms="auto", max_iter=100, tol=1e-4, fit_intercept=True, lam=None,
                 n_splines=None, gamma=1.4):
        self.terms = terms
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.lam = lam
        self.n_splines = n_splines
        self.gamma = gamma


class LogisticGAM(ClassifierMixin, BaseGAM):
    """Binary classifier: P(y = classes_[1] | x) = μ, logit μ = θ₀ + Σⱼ fⱼ(x⁽ʲ⁾), fitted
    by penalised IRLS on the binomial deviance; λ is chosen by UBRE (φ = 1). Parameters and
    statistics as ``GAM``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; the model gives the probability of the second.

    Notes
    -----
    As scikit-learn's classifiers, ``predict`` returns labels from ``classes_`` and
    ``predict_proba`` the (n, 2) class probabilities; pygam's 1-D probability is
    ``predict_mu``.

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.models.gam import LogisticGAM
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-3, 3, size=(400, 1))
    >>> y = rng.random(400) < 1 / (1 + np.exp(-2 * np.sin(X[:, 0])))
    >>> model = LogisticGAM().fit(X, y)
    >>> model.predict_proba(X).shape
    (400, 2)
    """

    _fixed_distribution = "binomial"
    _fixed_link = "logit"

    def __init__(self, terms="auto", max_iter=100, tol=1e-4, fit_intercept=True, lam=None,
                 n_splines=None, gamma=1.4):
        self.terms = terms
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.lam = lam
        self.n_splines = n_splines
        self.gamma = gamma

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit by penalised IRLS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes (any labels).
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        family, link = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        check_classification_targets(y)
        weights = check_sample_weight(sample_weight, X, dtype=np.float64,
                                      ensure_non_negative=True)
        self.classes_ = np.unique(y)
        if len(self.classes_) > 2:
            raise ValueError(f"Only binary classification is supported. y has "
                             f"{len(self.classes_)} classes: {self.classes_[:5].tolist()}.")
        if len(self.classes_) < 2:
            raise ValueError("LogisticGAM needs 2 classes in y, got 1 class: "
                             f"{self.classes_.tolist()}.")
        if len(np.unique(y[weights > 0])) < 2:
            raise ValueError("LogisticGAM needs samples of 2 classes with positive weight, got "
                             "1 class.")
        return self._fit(X, (y == self.classes_[1]).astype(float), weights, family, link)

    def _encode_y(self, y):
        y = np.asarray(y).ravel()
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(f"y contains labels not seen in fit: "
                             f"{np.unique(y[unknown])[:5].tolist()}.")
        return (y == self.classes_[1]).astype(float)

    def predict_proba(self, X):
        """The class probabilities [1 − μ, μ].

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        mu = self.predict_mu(X)
        return np.column_stack([1 - mu, mu])

    def predict(self, X):
        """The more probable class: classes_[1] where μ > 0.5.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        mu = self.predict_mu(X)
        return self.classes_[(mu > 0.5).astype(int)]
