"""Exponential-dispersion families of generalised linear models: the variance function V(μ),
the unit deviance d(y, μ) = 2·[log p(y | μ = y) − log p(y | μ)]·φ, the log-likelihood (for the
AIC), the valid range of y and the links each family accepts.

The deviance D = Σ wᵢ d(yᵢ, μᵢ) is the loss a GLM minimises; it comes from the distribution of y
alone, so the same family deviance is minimised whichever link maps η to μ.
"""

import numpy as np
from scipy.special import gammaln, xlogy

from .links import get_link

__all__ = [
    "FAMILIES",
    "Binomial",
    "Family",
    "Gamma",
    "InverseGaussian",
    "Normal",
    "Poisson",
    "Tweedie",
    "get_family",
]


class Family:
    """A distribution of y given its mean μ.

    Attributes
    ----------
    name : str
    canonical_link : str
        The link used when none is given (θ = g(μ) for the canonical one).
    allowed_links : tuple of str
    free_scale : bool
        Whether the dispersion φ is estimated (φ = 1 otherwise).
    """
    name = ""
    canonical_link = "identity"
    allowed_links = ()
    free_scale = True

    def variance(self, mu):
        """V(μ): Var(y) = φ·V(μ)."""
        raise NotImplementedError

    def unit_deviance(self, y, mu):
        """d(y, μ), zero at μ = y and positive elsewhere."""
        raise NotImplementedError

    def loglike_obs(self, y, mu, scale):
        """log p(yᵢ | μᵢ, φ) for each observation."""
        raise NotImplementedError

    def in_y_range(self, y):
        """Whether every y lies in the support of the distribution."""
        return True

    y_range_text = "any real number"

    def valid_mu(self, mu):
        """Whether μ lies where the variance and deviance are defined (positive means here)."""
        return bool(np.all(np.isfinite(mu)) and np.all(mu > 0))

    def starting_mu(self, y):
        """The first μ of IRLS: halfway between y and its mean (as statsmodels starts)."""
        return (y + y.mean()) / 2

    def check_link(self, link):
        """The link object for ``link`` (None = canonical), refusing one the family cannot take."""
        name = self.canonical_link if link is None else link
        link_object = get_link(name)
        if link_object.name not in self.allowed_links:
            raise ValueError(f"link={name!r} is not allowed with family={self.name!r}; "
                             f"allowed links: {list(self.allowed_links)}.")
        return link_object

    def __repr__(self):
        return f"{type(self).__name__}()"


class Normal(Family):
    """y ~ N(μ, φ): V(μ) = 1, d = (y − μ)²."""
    name = "normal"
    canonical_link = "identity"
    allowed_links = ("identity", "log", "inverse")

    def variance(self, mu):
        return np.ones_like(mu, dtype=float)

    def valid_mu(self, mu):
        return bool(np.all(np.isfinite(mu)))

    def unit_deviance(self, y, mu):
        return (y - mu) ** 2

    def loglike_obs(self, y, mu, scale):
        return -0.5 * ((y - mu) ** 2 / scale + np.log(2 * np.pi * scale))


class Binomial(Family):
    """y = proportion of successes in one trial, y ∈ [0, 1]: V(μ) = μ(1 − μ),
    d = 2·[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))]."""
    name = "binomial"
    canonical_link = "logit"
    allowed_links = ("logit", "probit", "cloglog", "log", "identity")
    free_scale = False
    y_range_text = "in [0, 1]"

    def variance(self, mu):
        return mu * (1 - mu)

    def unit_deviance(self, y, mu):
        return 2 * (xlogy(y, y) - xlogy(y, mu) + xlogy(1 - y, 1 - y) - xlogy(1 - y, 1 - mu))

    def loglike_obs(self, y, mu, scale):
        return (gammaln(2.0) - gammaln(y + 1) - gammaln(2 - y)
                + xlogy(y, mu) + xlogy(1 - y, 1 - mu))

    def in_y_range(self, y):
        return bool(np.all((y >= 0) & (y <= 1)))

    def starting_mu(self, y):
        return (y + 0.5) / 2

    def valid_mu(self, mu):
        return bool(np.all(np.isfinite(mu)) and np.all((mu > 0) & (mu < 1)))


class Poisson(Family):
    """y ∈ {0, 1, …}: V(μ) = μ, d = 2·[y log(y/μ) − (y − μ)]."""
    name = "poisson"
    canonical_link = "log"
    allowed_links = ("log", "identity", "sqrt")
    free_scale = False
    y_range_text = "non-negative"

    def variance(self, mu):
        return np.asarray(mu, dtype=float)

    def unit_deviance(self, y, mu):
        return 2 * (xlogy(y, y) - xlogy(y, mu) - y + mu)

    def loglike_obs(self, y, mu, scale):
        return xlogy(y, mu) - mu - gammaln(y + 1)

    def in_y_range(self, y):
        return bool(np.all(y >= 0))


class Gamma(Family):
    """y > 0: V(μ) = μ², d = 2·[−log(y/μ) + (y − μ)/μ]."""
    name = "gamma"
    canonical_link = "inverse"
    allowed_links = ("inverse", "log", "identity")
    y_range_text = "positive"

    def variance(self, mu):
        return mu ** 2

    def unit_deviance(self, y, mu):
        return 2 * (-np.log(y / mu) + (y - mu) / mu)

    def loglike_obs(self, y, mu, scale):
        shape = 1.0 / scale
        return (shape * np.log(shape * y / mu) - shape * y / mu - np.log(y)
                - gammaln(shape))

    def in_y_range(self, y):
        return bool(np.all(y > 0))


class InverseGaussian(Family):
    """y > 0: V(μ) = μ³, d = (y − μ)² / (y μ²)."""
    name = "inverse_gaussian"
    canonical_link = "inverse_squared"
    allowed_links = ("inverse_squared", "inverse", "identity", "log")
    y_range_text = "positive"

    def variance(self, mu):
        return mu ** 3

    def unit_deviance(self, y, mu):
        return (y - mu) ** 2 / (y * mu ** 2)

    def loglike_obs(self, y, mu, scale):
        return -0.5 * ((y - mu) ** 2 / (y * mu ** 2 * scale) + np.log(scale * y ** 3)
                       + np.log(2 * np.pi))

    def in_y_range(self, y):
        return bool(np.all(y > 0))


class Tweedie(Family):
    """Tweedie family of power p: V(μ) = μᵖ,
    d = 2·[y^(2−p)/((1−p)(2−p)) − y μ^(1−p)/(1−p) + μ^(2−p)/(2−p)]
    (p = 0 normal, p = 1 Poisson, 1 < p < 2 compound Poisson–gamma, p = 2 gamma, p = 3 inverse
    Gaussian; no distribution has 0 < p < 1). The default link is log (as statsmodels').
    The log-likelihood is that of the named special cases; for other p it has no closed form
    (a series) and is NaN, as is then the AIC.
    """
    name = "tweedie"
    canonical_link = "log"
    allowed_links = ("log", "identity", "sqrt", "inverse")

    def __init__(self, power=1.5):
        if not isinstance(power, (int, float, np.integer, np.floating)) or \
                isinstance(power, bool) or not np.isfinite(power):
            raise ValueError(f"power must be a finite real number, got {power!r}.")
        if 0 < power < 1:
            raise ValueError(f"power must be <= 0 or >= 1 (no Tweedie distribution has "
                             f"0 < power < 1), got {power!r}.")
        self.power = float(power)

    @property
    def free_scale(self):
        return self.power != 1

    @property
    def y_range_text(self):
        if self.power <= 0:
            return "any real number"
        return "non-negative" if self.power < 2 else "positive"

    def _special(self):
        return {0.0: Normal, 1.0: Poisson, 2.0: Gamma, 3.0: InverseGaussian}.get(self.power)

    def variance(self, mu):
        return np.asarray(mu, dtype=float) ** self.power

    def unit_deviance(self, y, mu):
        special = self._special()
        if special is not None:
            return special().unit_deviance(y, mu)
        return tweedie_deviance(y, mu, self.power)

    def loglike_obs(self, y, mu, scale):
        special = self._special()
        if special is None:
            return np.full(np.shape(y), np.nan)
        return special().loglike_obs(y, mu, scale)

    def valid_mu(self, mu):
        if self.power == 0:
            return bool(np.all(np.isfinite(mu)))
        return super().valid_mu(mu)

    def in_y_range(self, y):
        if self.power <= 0:
            return True
        return bool(np.all(y >= 0)) if self.power < 2 else bool(np.all(y > 0))

    def __repr__(self):
        return f"Tweedie(power={self.power})"


def tweedie_deviance(y, mu, power):
    """Unit deviance of the Tweedie family for any power p (limits at p = 1 and p = 2)."""
    p = power
    if p == 0:
        return (y - mu) ** 2
    if p == 1:
        return 2 * (xlogy(y, y) - xlogy(y, mu) - y + mu)
    if p == 2:
        return 2 * (np.log(mu / y) + y / mu - 1)
    y_term = np.maximum(y, 0) ** (2 - p) / ((1 - p) * (2 - p))
    return 2 * (y_term - y * mu ** (1 - p) / (1 - p) + mu ** (2 - p) / (2 - p))


FAMILIES = {cls.name: cls for cls in (Normal, Binomial, Poisson, Gamma, InverseGaussian,
                                      Tweedie)}


def get_family(name, power=1.5):
    """The family called ``name`` (``power`` is used by "tweedie" only)."""
    if name not in FAMILIES:
        raise ValueError(f"family must be one of {sorted(FAMILIES)}, got {name!r}.")
    return Tweedie(power) if name == "tweedie" else FAMILIES[name]()
