"""Link functions of generalised linear models: η = g(μ), with the inverse μ = g⁻¹(η) and the
derivative g′(μ) that IRLS needs (z = η + (y − μ)·g′(μ), W = 1 / (V(μ)·g′(μ)²))."""

import numpy as np
from scipy.special import expit, logit, ndtr, ndtri

__all__ = [
    "LINKS",
    "CLogLog",
    "Identity",
    "Inverse",
    "InverseSquared",
    "Link",
    "Log",
    "Logit",
    "Probit",
    "Sqrt",
    "get_link",
]

# Keeps μ strictly inside (0, 1) for the links of probabilities (log(0) would stop IRLS).
_EPS = np.finfo(float).eps


class Link:
    """A link function g: ``link(mu)`` = η, ``inverse(eta)`` = μ, ``derivative(mu)`` = g′(μ)."""
    name = ""

    def link(self, mu):
        raise NotImplementedError

    def inverse(self, eta):
        raise NotImplementedError

    def derivative(self, mu):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Link):
    """g(μ) = μ."""
    name = "identity"

    def link(self, mu):
        return np.asarray(mu, dtype=float)

    def inverse(self, eta):
        return np.asarray(eta, dtype=float)

    def derivative(self, mu):
        return np.ones_like(mu, dtype=float)


class Log(Link):
    """g(μ) = log μ, g′(μ) = 1/μ."""
    name = "log"

    def link(self, mu):
        return np.log(mu)

    def inverse(self, eta):
        return np.exp(eta)

    def derivative(self, mu):
        return 1.0 / mu


class Logit(Link):
    """g(μ) = log(μ / (1 − μ)), g′(μ) = 1 / (μ(1 − μ)); inverse: the sigmoid."""
    name = "logit"

    def link(self, mu):
        return logit(np.clip(mu, _EPS, 1 - _EPS))

    def inverse(self, eta):
        return expit(eta)

    def derivative(self, mu):
        mu = np.clip(mu, _EPS, 1 - _EPS)
        return 1.0 / (mu * (1 - mu))


class Probit(Link):
    """g(μ) = Φ⁻¹(μ), g′(μ) = 1 / φ(Φ⁻¹(μ)) with Φ, φ the standard normal cdf and density."""
    name = "probit"

    def link(self, mu):
        return ndtri(np.clip(mu, _EPS, 1 - _EPS))

    def inverse(self, eta):
        return ndtr(eta)

    def derivative(self, mu):
        q = self.link(mu)
        return np.sqrt(2 * np.pi) * np.exp(q * q / 2)


class CLogLog(Link):
    """g(μ) = log(−log(1 − μ)), g′(μ) = −1 / ((1 − μ)·log(1 − μ)); inverse 1 − exp(−exp η)."""
    name = "cloglog"

    def link(self, mu):
        return np.log(-np.log1p(-np.clip(mu, _EPS, 1 - _EPS)))

    def inverse(self, eta):
        return -np.expm1(-np.exp(eta))

    def derivative(self, mu):
        mu = np.clip(mu, _EPS, 1 - _EPS)
        return -1.0 / ((1 - mu) * np.log1p(-mu))


class Inverse(Link):
    """g(μ) = 1/μ, g′(μ) = −1/μ²."""
    name = "inverse"

    def link(self, mu):
        return 1.0 / mu

    def inverse(self, eta):
        return 1.0 / eta

    def derivative(self, mu):
        return -1.0 / mu ** 2


class InverseSquared(Link):
    """g(μ) = 1/μ², g′(μ) = −2/μ³; inverse 1/√η."""
    name = "inverse_squared"

    def link(self, mu):
        return 1.0 / mu ** 2

    def inverse(self, eta):
        return 1.0 / np.sqrt(eta)

    def derivative(self, mu):
        return -2.0 / mu ** 3


class Sqrt(Link):
    """g(μ) = √μ, g′(μ) = 1 / (2√μ); inverse η²."""
    name = "sqrt"

    def link(self, mu):
        return np.sqrt(mu)

    def inverse(self, eta):
        return np.asarray(eta, dtype=float) ** 2

    def derivative(self, mu):
        return 0.5 / np.sqrt(mu)


LINKS = {cls.name: cls for cls in (Identity, Log, Logit, Probit, CLogLog, Inverse,
                                   InverseSquared, Sqrt)}


def get_link(name):
    """The link called ``name`` (one of ``LINKS``); a ValueError naming ``link`` otherwise."""
    if isinstance(name, Link):
        return name
    if name not in LINKS:
        raise ValueError(f"link must be one of {sorted(LINKS)} or None, got {name!r}.")
    return LINKS[name]()
