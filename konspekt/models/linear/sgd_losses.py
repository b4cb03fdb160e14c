"""The losses of the stochastic gradient estimators, each returning the loss L(y, a) and its
derivative ∂L/∂a for arrays of targets y and predictions a (the K one-vs-rest models at once).

Classification losses are functions of the margin M = y a, y ∈ {−1, +1}:
``'hinge'`` max(0, 1 − M); ``'perceptron'`` max(0, −M); ``'log_loss'`` log(1 + e^{−M});
``'squared_hinge'`` max(0, 1 − M)²; ``'modified_huber'`` (1 − M)² for −1 ≤ M < 1, −4M for
M < −1, 0 for M ≥ 1; the course's ``'exponential'`` e^{−M} and ``'sigmoid'`` 1/(1 + e^{M}).
Regression losses are functions of the residual r = a − y: ``'squared_error'`` ½r²;
``'huber'`` ½r² for |r| ≤ ε, else ε|r| − ½ε²; ``'epsilon_insensitive'`` max(0, |r| − ε);
``'squared_epsilon_insensitive'`` max(0, |r| − ε)².
"""

import numpy as np
from scipy.special import expit, log_expit

__all__ = ["CLASSIFICATION_LOSSES", "MAX_DLOSS", "REGRESSION_LOSSES", "loss_function"]

# scikit-learn clips the loss derivative to ±10¹² so that one outlier cannot blow up w.
MAX_DLOSS = 1e12


def _hinge(threshold):
    def loss(y, p):
        z = y * p
        hit = z <= threshold
        return np.where(hit, threshold - z, 0.0), np.where(hit, -y, 0.0)
    return loss


def _squared_hinge(y, p):
    z = 1.0 - y * p
    return np.where(z > 0, z * z, 0.0), np.where(z > 0, -2.0 * y * z, 0.0)


def _log_loss(y, p):
    z = y * p
    return -log_expit(z), -y * expit(-z)


def _modified_huber(y, p):
    z = y * p
    loss = np.where(z >= 1, 0.0, np.where(z >= -1, (1 - z) ** 2, -4.0 * z))
    grad = np.where(z >= 1, 0.0, np.where(z >= -1, -2.0 * (1 - z) * y, -4.0 * y))
    return loss, grad


def _exponential(y, p):
    # e^{−M}; the margin is clipped so that the loss stays finite.
    e = np.exp(np.minimum(-y * p, 50.0))
    return e, -y * e


def _sigmoid(y, p):
    # 1/(1 + e^{M}) = σ(−M); dL/dM = −σ(−M)σ(M).
    z = y * p
    return expit(-z), -y * expit(-z) * expit(z)


def _squared_error(y, p):
    r = p - y
    return 0.5 * r * r, r


def _huber(epsilon):
    def loss(y, p):
        r = p - y
        small = np.abs(r) <= epsilon
        return (np.where(small, 0.5 * r * r, epsilon * np.abs(r) - 0.5 * epsilon ** 2),
                np.where(small, r, epsilon * np.sign(r)))
    return loss


def _epsilon_insensitive(epsilon):
    def loss(y, p):
        excess = np.abs(y - p) - epsilon
        return np.maximum(excess, 0.0), np.where(excess > 0, np.sign(p - y), 0.0)
    return loss


def _squared_epsilon_insensitive(epsilon):
    def loss(y, p):
        excess = np.abs(y - p) - epsilon
        return (np.where(excess > 0, excess * excess, 0.0),
                np.where(excess > 0, 2.0 * excess * np.sign(p - y), 0.0))
    return loss


REGRESSION_LOSSES = ("squared_error", "huber", "epsilon_insensitive",
                     "squared_epsilon_insensitive")
CLASSIFICATION_LOSSES = ("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron",
                         "exponential", "sigmoid") + REGRESSION_LOSSES


def loss_function(name, epsilon):
    """The loss called ``name`` as a function (y, a) -> (L, ∂L/∂a); ε for the Huber and
    ε-insensitive losses."""
    return {"hinge": _hinge(1.0), "perceptron": _hinge(0.0), "log_loss": _log_loss,
            "squared_hinge": _squared_hinge, "modified_huber": _modified_huber,
            "exponential": _exponential, "sigmoid": _sigmoid, "squared_error": _squared_error,
            "huber": _huber(epsilon), "epsilon_insensitive": _epsilon_insensitive(epsilon),
            "squared_epsilon_insensitive": _squared_epsilon_insensitive(epsilon)}[name]
