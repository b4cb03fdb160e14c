"""The inner loop of the course's SG algorithm (``sgd_base``), one epoch over the objects for
the K linear models at once, compiled with numba when it is installed
(``konspekt.utils.accel``): the updates are sequential, one object after another, which NumPy
cannot vectorise.

The losses are those of ``sgd_losses`` (the same formulas, written for one scalar), chosen by
their position in ``LOSS_CODES``; the learning rates by their position in ``RATE_CODES``.
"""

import math

import numpy as np

from ...utils.accel import njit

__all__ = ["LOSS_CODES", "RATE_CODES", "loss_and_derivative", "sgd_epoch"]

LOSS_CODES = ("hinge", "perceptron", "log_loss", "squared_hinge", "modified_huber",
              "exponential", "sigmoid", "squared_error", "huber", "epsilon_insensitive",
              "squared_epsilon_insensitive")
RATE_CODES = ("constant", "optimal", "invscaling", "adaptive")


@njit
def loss_and_derivative(code, y, p, epsilon):
    """(L(y, a), ∂L/∂a) of the loss ``LOSS_CODES[code]`` at the target y and prediction a = p."""
    if code == 0 or code == 1:  # hinge max(0, θ − M), θ = 1; perceptron θ = 0
        threshold = 1.0 if code == 0 else 0.0
        z = y * p
        if z <= threshold:
            return threshold - z, -y
        return 0.0, 0.0
    if code == 2:  # log(1 + e^{−M}), computed without overflow
        z = y * p
        loss = math.log1p(math.exp(-z)) if z >= 0 else math.log1p(math.exp(z)) - z
        return loss, -y / (1.0 + math.exp(z))
    if code == 3:  # max(0, 1 − M)²
        z = 1.0 - y * p
        if z > 0:
            return z * z, -2.0 * y * z
        return 0.0, 0.0
    if code == 4:  # modified Huber
        z = y * p
        if z >= 1.0:
            return 0.0, 0.0
        if z >= -1.0:
            return (1.0 - z) * (1.0 - z), -2.0 * (1.0 - z) * y
        return -4.0 * z, -4.0 * y
    if code == 5:  # e^{−M}, the margin clipped so that the loss stays finite
        e = math.exp(min(-y * p, 50.0))
        return e, -y * e
    if code == 6:  # 1/(1 + e^{M}) = σ(−M)
        z = y * p
        negative = 1.0 / (1.0 + math.exp(z))
        return negative, -y * negative * (1.0 / (1.0 + math.exp(-z)))
    r = p - y
    if code == 7:  # ½r²
        return 0.5 * r * r, r
    if code == 8:  # Huber
        if abs(r) <= epsilon:
            return 0.5 * r * r, r
        return epsilon * abs(r) - 0.5 * epsilon * epsilon, epsilon * np.sign(r)
    excess = abs(r) - epsilon
    if code == 9:  # max(0, |r| − ε)
        if excess > 0:
            return excess, np.sign(r)
        return 0.0, 0.0
    if excess > 0:  # max(0, |r| − ε)²
        return excess * excess, 2.0 * excess * np.sign(r)
    return 0.0, 0.0


@njit
def sgd_epoch(order, dense, X, data, indices, indptr, Y, S, W, b, W_avg, b_avg, active, Q,
              lam, objective, eta, l1_total, l1_applied, loss_code, epsilon, alpha, l1_ratio,
              decay_rate, l1_rate, rate_code, eta0, power_t, optimal_init, t, average_start,
              fit_intercept, intercept_decay, max_dloss):
    """One epoch of the SG updates (``sgd_base``) over the objects ``order``, changing W, b,
    the averages, Q, the objective sums, η and the L1 bookkeeping in place. X is the dense
    matrix when ``dense``, else the CSR arrays (data, indices, indptr). Returns the update
    counter t after the epoch.

    As in scikit-learn, each w is held as c·v during the epoch: the weight decay
    w ← (1 − ηα(1 − ρ))w only multiplies the scalar c, and ‖w‖², ‖w‖₁ of the stopping
    objective are kept up to date as the entries of v change, so that an update costs
    O(non-zeros of x) rather than O(p) (but for averaging)."""
    n_models, n_features = W.shape
    scale = np.ones(n_models)
    squares = np.zeros(n_models)  # ‖v‖²
    absolute = np.zeros(n_models)  # ‖v‖₁
    for k in range(n_models):
        for j in range(n_features):
            squares[k] += W[k, j] * W[k, j]
            absolute[k] += abs(W[k, j])
    for i in order:
        if dense:
            start, stop = 0, n_features
        else:
            start, stop = indptr[i], indptr[i + 1]
        if rate_code == 1:
            for k in range(n_models):
                eta[k] = 1.0 / (alpha * (optimal_init + t - 1.0))
        elif rate_code == 2:
            for k in range(n_models):
                eta[k] = eta0 / t ** power_t
        for k in range(n_models):
            p = 0.0
            for position in range(start, stop):
                if dense:
                    p += W[k, position] * X[i, position]
                else:
                    p += W[k, indices[position]] * data[position]
            p = p * scale[k] + b[k]
            loss, derivative = loss_and_derivative(loss_code, Y[i, k], p, epsilon)
            objective[k] += loss
            if decay_rate != 0.0 or l1_rate != 0.0:
                # scikit-learn's stopping objective adds α R(w) at each object's w.
                objective[k] += alpha * (
                    0.5 * (1.0 - l1_ratio) * scale[k] * scale[k] * squares[k]
                    + l1_ratio * scale[k] * absolute[k])
            if active[k]:
                Q[k] += lam * (loss - Q[k])
            derivative = max(min(derivative, max_dloss), -max_dloss)
            step = eta[k] * derivative
            step *= -S[i, k] if active[k] else -0.0
            if decay_rate != 0.0 and active[k]:
                scale[k] *= max(0.0, 1.0 - eta[k] * decay_rate)
                if scale[k] < 1e-9:
                    # Fold a tiny c into v before it underflows.
                    _fold(W, k, scale, squares, absolute)
            if step != 0.0:
                change = step / scale[k]
                for position in range(start, stop):
                    j = position if dense else indices[position]
                    before = W[k, j]
                    W[k, j] += (X[i, position] if dense else data[position]) * change
                    squares[k] += W[k, j] * W[k, j] - before * before
                    absolute[k] += abs(W[k, j]) - abs(before)
            if fit_intercept:
                b[k] += step * intercept_decay
        if 0 < average_start <= t:
            count = t - average_start + 1.0
            for k in range(n_models):
                for j in range(n_features):
                    W_avg[k, j] += (scale[k] * W[k, j] - W_avg[k, j]) / count
                b_avg[k] += (b[k] - b_avg[k]) / count
        if l1_rate != 0.0:
            for k in range(n_models):
                if active[k]:
                    l1_total[k] += eta[k] * l1_rate
                total = l1_total[k]
                # Cumulative truncation (Tsuruoka et al. 2009) of the weights of x's features.
                for position in range(start, stop):
                    j = position if dense else indices[position]
                    before = W[k, j]
                    if before > 0.0:
                        W[k, j] = max(0.0, before - (total + l1_applied[k, j]) / scale[k])
                    elif before < 0.0:
                        W[k, j] = min(0.0, before + (total - l1_applied[k, j]) / scale[k])
                    l1_applied[k, j] += scale[k] * (W[k, j] - before)
                    squares[k] += W[k, j] * W[k, j] - before * before
                    absolute[k] += abs(W[k, j]) - abs(before)
        t += 1.0
    for k in range(n_models):
        _fold(W, k, scale, squares, absolute)
    return t


@njit
def _fold(W, k, scale, squares, absolute):
    """w = c·v: multiply row k of v by c and set c = 1 (and ‖v‖², ‖v‖₁ with it)."""
    for j in range(W.shape[1]):
        W[k, j] *= scale[k]
    squares[k] *= scale[k] * scale[k]
    absolute[k] *= scale[k]
    scale[k] = 1.0
