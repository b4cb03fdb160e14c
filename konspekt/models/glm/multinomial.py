"""The multinomial family with the baseline-category logit link (statsmodels' MNLogit): for K
classes, P(y = k | x) = exp(ηₖ) / (1 + Σ_{j≥1} exp(ηⱼ)) with η₀ = 0 for the first class and
ηₖ = aᵀβₖ for k = 1 … K − 1, fitted by Newton's method (IRLS for a vector response)."""

import numpy as np
from scipy.special import log_softmax, softmax

__all__ = ["fit_multinomial", "multinomial_deviance", "multinomial_information",
           "multinomial_probabilities"]


def _full_eta(A, params):
    return np.column_stack([np.zeros(A.shape[0]), A @ params])


def multinomial_probabilities(A, params):
    """The (n, K) class probabilities for the design A and params of shape (p, K − 1)."""
    return softmax(_full_eta(A, params), axis=1)


def multinomial_deviance(A, params, codes, weights):
    """D = −2·Σ sᵢ log P(yᵢ | aᵢ) (the saturated model has likelihood 1)."""
    log_p = log_softmax(_full_eta(A, params), axis=1)
    return float(-2 * np.sum(weights * log_p[np.arange(len(codes)), codes]))


def multinomial_information(A, mu, weights):
    """Fisher information Σ sᵢ (diag(πᵢ) − πᵢπᵢᵀ) ⊗ aᵢaᵢᵀ over classes 1 … K − 1, ordered
    class by class (all of β₁, then β₂ …) as statsmodels orders MNLogit's parameters."""
    p, rest = A.shape[1], mu[:, 1:]
    k = rest.shape[1]
    info = np.empty((k * p, k * p))
    for j in range(k):
        for m in range(j, k):
            w = weights * rest[:, j] * ((j == m) - rest[:, m])
            block = A.T @ (w[:, None] * A)
            info[j * p:(j + 1) * p, m * p:(m + 1) * p] = block
            info[m * p:(m + 1) * p, j * p:(j + 1) * p] = block.T
    return info


def fit_multinomial(A, codes, n_classes, weights, penalty, max_iter, tol):
    """Newton's method on ½·D + ½·Σ λⱼ‖βⱼ‖² (λ per design column), halving a step that raises it.

    Returns
    -------
    params : ndarray of shape (p, K − 1)
    n_iter : int
    converged : bool
    """
    p, k = A.shape[1], n_classes - 1
    onehot = np.eye(n_classes)[codes]
    params = np.zeros((p, k))
    ridge = np.tile(penalty, k)

    def objective(params):
        return 0.5 * multinomial_deviance(A, params, codes, weights) + \
            0.5 * np.sum(penalty[:, None] * params ** 2)

    previous = objective(params)
    for iteration in range(1, max_iter + 1):
        mu = multinomial_probabilities(A, params)
        # The gradient of the log-likelihood, class by class, minus the penalty's.
        score = (A.T @ (weights[:, None] * (onehot - mu)))[:, 1:] - penalty[:, None] * params
        info = multinomial_information(A, mu, weights) + np.diag(ridge)
        step = np.linalg.lstsq(info, score.T.ravel(), rcond=None)[0].reshape(k, p).T
        for _ in range(50):
            current = objective(params + step)
            if current <= previous:
                break
            step = step / 2
        params = params + step
        change, previous = previous - current, current
        if abs(change) <= tol * (abs(current) + 0.1):
            return params, iteration, True
    return params, max_iter, False
