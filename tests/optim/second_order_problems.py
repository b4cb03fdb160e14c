"""Test problems of the second-order optimisers, with scipy's minimum of each as the oracle.

- Rosenbrock's function (scipy.optimize.rosen), written with tensor operations so that it runs
  on konspekt and torch tensors alike;
- an L2-regularised logistic regression on 300 samples drawn from a logistic model,
      L(w, b) = (1/N) Σ_i [softplus(z_i) − y_i z_i] + (λ/2)‖w‖²,   z_i = x_iᵀw + b,
  as a mean of per-example losses ℓ_i = softplus(z_i) − y_i z_i + (λ/2)‖w‖².
"""

import functools

import numpy as np
import scipy.optimize

import konspekt as kp

ROSEN_START = np.array([-1.2, 1.0])

N_SAMPLES, N_FEATURES, LAM = 300, 4, 0.1
_rng = np.random.default_rng(0)
X = _rng.normal(size=(N_SAMPLES, N_FEATURES))
_TRUE_W, _TRUE_B = np.array([1.5, -2.0, 0.5, 1.0]), 0.3
Y = (_rng.random(N_SAMPLES) < 1 / (1 + np.exp(-(X @ _TRUE_W + _TRUE_B)))).astype(float)


def rosenbrock(w):
    """Σ_i 100 (w_{i+1} − w_i²)² + (1 − w_i)², for a konspekt or torch vector."""
    return (100 * (w[1:] - w[:-1] ** 2) ** 2).sum() + ((1 - w[:-1]) ** 2).sum()


def logistic_losses(library, w, b, penalty=True):
    """The per-example losses ℓ_i (konspekt or torch tensors), without the L2 term if
    ``penalty`` is False."""
    z = library.tensor(X) @ w + b
    losses = library.nn.functional.softplus(z) - library.tensor(Y) * z
    return losses + (LAM / 2) * (w * w).sum() if penalty else losses


def logistic_loss(library, w, b):
    return logistic_losses(library, w, b).mean()


def logistic_objective(theta):
    """L and ∇L over θ = (w, b), in NumPy, for scipy."""
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    p = 1 / (1 + np.exp(-z))
    value = np.mean(np.logaddexp(0, z) - Y * z) + LAM / 2 * w @ w
    residual = (p - Y) / N_SAMPLES
    return value, np.concatenate([X.T @ residual + LAM * w, [residual.sum()]])


@functools.lru_cache(maxsize=None)
def scipy_rosenbrock_minimum(dimension=2):
    start = np.resize(ROSEN_START, dimension)
    result = scipy.optimize.minimize(scipy.optimize.rosen, start, jac=scipy.optimize.rosen_der,
                                     method="BFGS", options={"gtol": 1e-10})
    assert result.success
    return result.x


@functools.lru_cache(maxsize=None)
def scipy_logistic_minimum():
    result = scipy.optimize.minimize(logistic_objective, np.zeros(N_FEATURES + 1), jac=True,
                                     method="L-BFGS-B",
                                     options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 1000})
    assert result.success
    return result.x


def logistic_parameters(library=kp):
    """Fresh zero parameters (w, b) in float64."""
    w = library.tensor(np.zeros(N_FEATURES), requires_grad=True)
    b = library.tensor(np.zeros(()), requires_grad=True)
    return w, b


def torch_style_closure(optimizer, function):
    """A closure that clears the gradients, evaluates, calls backward and returns the loss."""
    def closure():
        optimizer.zero_grad()
        loss = function()
        loss.backward()
        return loss
    return closure
