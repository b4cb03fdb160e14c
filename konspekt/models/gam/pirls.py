"""Penalised iteratively reweighted least squares (PIRLS), the fitting engine of ``GAM``, and
the quantities GCV, UBRE and the confidence intervals need: the effective degrees of freedom
and the Bayesian covariance of the coefficients.

With design B, prior weights w, penalty S = Σⱼ λⱼ Pⱼ and the family's variance V and link g,
one PIRLS step from the current μ (η = g(μ)) is

    z = η + (y − μ)·g′(μ),   W = w / (V(μ)·g′(μ)²),   θ = (BᵀWB + S)⁻¹ BᵀWz,

which minimises the penalised deviance D(θ) + θᵀSθ (Wood 2017, §6.1.1). At the fit, with
H = BᵀWB + S, the influence matrix A = B H⁻¹ BᵀW has trace

    tr A = tr(H⁻¹ BᵀWB) = Σₖ Fₖₖ,   F = H⁻¹ BᵀWB,

the effective degrees of freedom (Fₖₖ: coefficient k's share), and the Bayesian posterior
covariance of θ is Vθ = φ·H⁻¹ (Wood 2017, §6.9).

H is factorised by Cholesky after a diagonal loading of 10⁻⁸ of the diagonal of BᵀWB plus
10⁻⁸ of its mean entry, as pygam loads it with √ε: the fit moves by about 10⁻⁸ relatively,
and a direction that neither the data nor the penalty determine (more coefficients than
points, a factor level without data) gets small coefficients instead of making H singular.
"""

import numpy as np
from scipy import linalg

__all__ = ["inverse_penalised_hessian", "penalised_irls", "solve_penalised", "working_weights"]

# The diagonal loading of H, relative to the diagonal of BᵀWB and to its mean entry.
_LOADING = 1e-8


def _cholesky(M, S):
    """The Cholesky factor of H + δ, H = M + S, δ = 10⁻⁸·(diag M + mean diag M)."""
    diagonal = np.abs(np.diag(M))
    loading = _LOADING * (diagonal + max(diagonal.mean() if len(diagonal) else 0.0,
                                         np.finfo(float).tiny))
    try:
        return linalg.cho_factor(M + S + np.diag(loading))
    except (linalg.LinAlgError, ValueError):
        raise ValueError("PIRLS failed: the penalised Hessian BᵀWB + S is not positive "
                         "definite or not finite (check X and y for extreme values).") from None


def solve_penalised(B, working_weights, S, z):
    """θ = argmin Σ Wᵢ (zᵢ − bᵢθ)² + θᵀSθ = (BᵀWB + S)⁻¹BᵀWz."""
    factor = _cholesky(B.T @ (working_weights[:, None] * B), S)
    return linalg.cho_solve(factor, B.T @ (working_weights * z))


def inverse_penalised_hessian(B, working_weights, S):
    """(H⁻¹, BᵀWB) with H = BᵀWB + S."""
    M = B.T @ (working_weights[:, None] * B)
    return linalg.cho_solve(_cholesky(M, S), np.eye(len(M))), M


def working_weights(weights, family, link, mu):
    """W = w / (V(μ)·g′(μ)²); 0 where that is not finite (a mean at the edge of its range,
    such as a fitted probability of 0 or 1, carries no information for the step)."""
    slope = link.derivative(mu)
    with np.errstate(all="ignore"):
        values = weights / (family.variance(mu) * slope ** 2)
    return np.where(np.isfinite(values), values, 0.0)


def penalised_irls(B, y, weights, family, link, S, max_iter, tol):
    """Fit θ by PIRLS with step halving.

    Parameters
    ----------
    B : ndarray of shape (n_samples, n_coefs)
    y, weights : ndarray of shape (n_samples,)
    family, link : konspekt.models.glm family and link objects
    S : ndarray of shape (n_coefs, n_coefs)
        The penalty Σ λⱼ Pⱼ.
    max_iter : int
    tol : float
        Stop when ‖θ_new − θ‖ ≤ tol·‖θ_new‖ (pygam's rule).

    Returns
    -------
    theta, mu, n_iter, converged
    """
    mu = family.starting_mu(y)
    if not family.valid_mu(mu):
        raise ValueError(f"PIRLS cannot start: the starting mean (y + mean y)/2 is outside the "
                         f"range of distribution={family.name!r} (is y all zero?).")
    eta = link.link(mu)

    def objective(theta, mu_candidate):
        return np.sum(weights * family.unit_deviance(y, mu_candidate)) + theta @ S @ theta

    theta, previous, converged = None, np.inf, False
    for iteration in range(1, max_iter + 1):
        z = eta + (y - mu) * link.derivative(mu)
        candidate = solve_penalised(B, working_weights(weights, family, link, mu), S, z)
        # Halve the step back towards the last θ while the penalised deviance grew or μ left
        # the family's range (e.g. a negative Poisson mean under the identity link).
        for _ in range(40):
            eta_new = B @ candidate
            with np.errstate(all="ignore"):
                mu_new = link.inverse(eta_new)
                current = objective(candidate, mu_new) if family.valid_mu(mu_new) else np.inf
            if theta is None:
                if not np.isfinite(current):
                    raise ValueError(f"PIRLS found no valid mean for distribution="
                                     f"{family.name!r} with link={link.name!r}: the first "
                                     "step leaves the family's range; try another link.")
                break
            if current <= previous * (1 + 1e-12):
                break
            candidate = (theta + candidate) / 2
        change = np.inf if theta is None else np.linalg.norm(candidate - theta)
        theta, eta, mu, previous = candidate, eta_new, mu_new, current
        if change <= tol * np.linalg.norm(theta):
            converged = True
            break
    return theta, mu, iteration, converged
