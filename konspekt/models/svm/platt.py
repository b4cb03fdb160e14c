"""Probabilities for SVMs: Platt scaling of decision values and pairwise coupling.

Platt scaling (Platt 1999, with the Newton method of Lin, Lin & Weng 2007 that libsvm uses):
for decision values fᵢ and labels yᵢ ∈ {+1, −1}, fit

    P(y = 1 | f) = 1 / (1 + exp(A f + B))

by minimising the cross-entropy −Σᵢ tᵢ log pᵢ + (1 − tᵢ) log(1 − pᵢ) against the regularised
targets t = (N₊ + 1) / (N₊ + 2) for positives and t = 1 / (N₋ + 2) for negatives, starting at
A = 0, B = log((N₋ + 1) / (N₊ + 1)); Newton steps on (A, B) with the Hessian shifted by σ = 1e-12,
each followed by a backtracking line search with the sufficient-decrease constant 1e-4;
stop when both gradient entries are below 1e-5 (at most 100 iterations).

Pairwise coupling (Wu, Lin & Weng 2004, method 2): from the pairwise estimates
r_ij ≈ P(y = i | y ∈ {i, j}), the class probabilities p solve

    min_p ½ pᵀQp  subject to Σᵢ pᵢ = 1,  Q_ii = Σ_{j≠i} r_ji²,  Q_ij = −r_ji r_ij,

by the fixed-point iteration pₜ ← pₜ + ((pᵀQp) − (Qp)ₜ) / Q_tt followed by renormalisation,
until max_t |(Qp)ₜ − pᵀQp| < 0.005 / k (at most max(100, k) sweeps).
"""

import warnings

import numpy as np

from konspekt.base.exceptions import ConvergenceWarning, compatible

__all__ = ["couple_pairwise", "fit_sigmoid", "predict_sigmoid"]


def _cross_entropy(decision, targets, A, B):
    z = decision * A + B
    # Two algebraically equal forms, each stable on its side of zero.
    return float(np.sum(np.where(z >= 0, targets * z + np.log1p(np.exp(-np.abs(z))),
                                 (targets - 1) * z + np.log1p(np.exp(-np.abs(z))))))


def fit_sigmoid(decision, labels):
    """Fit Platt's sigmoid P(y = 1 | f) = 1 / (1 + exp(A f + B)) to decision values.

    Parameters
    ----------
    decision : array of shape (n_samples,)
        Decision values fᵢ (positive for the positive class).
    labels : array of shape (n_samples,)
        Labels, positive (> 0) or not.

    Returns
    -------
    A, B : float

    Examples
    --------
    >>> import numpy as np
    >>> A, B = fit_sigmoid(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([-1, -1, 1, 1]))
    >>> bool(A < 0)
    True
    """
    decision = np.asarray(decision, dtype=np.float64)
    positive = np.asarray(labels) > 0
    n_positive = int(positive.sum())
    n_negative = len(positive) - n_positive
    targets = np.where(positive, (n_positive + 1.0) / (n_positive + 2.0),
                       1.0 / (n_negative + 2.0))
    A = 0.0
    B = np.log((n_negative + 1.0) / (n_positive + 1.0))
    value = _cross_entropy(decision, targets, A, B)
    for _ in range(100):
        z = decision * A + B
        # p = 1 / (1 + e^z) and q = 1 − p, computed without overflow.
        e = np.exp(-np.abs(z))
        p = np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
        q = 1.0 - p
        d2 = p * q
        h11 = 1e-12 + np.sum(decision * decision * d2)
        h22 = 1e-12 + np.sum(d2)
        h21 = np.sum(decision * d2)
        d1 = targets - p
        g1 = np.sum(decision * d1)
        g2 = np.sum(d1)
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        determinant = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / determinant
        dB = -(-h21 * g1 + h11 * g2) / determinant
        slope = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            new_A, new_B = A + step * dA, B + step * dB
            new_value = _cross_entropy(decision, targets, new_A, new_B)
            if new_value < value + 1e-4 * step * slope:
                A, B, value = new_A, new_B, new_value
                break
            step /= 2.0
        if step < 1e-10:
            warnings.warn("Line search fails in the Platt scaling of the SVM's decision values.",
                          compatible(ConvergenceWarning), stacklevel=3)
            break
    return float(A), float(B)


def predict_sigmoid(decision, A, B):
    """P(y = 1 | f) = 1 / (1 + exp(A f + B)), computed without overflow."""
    z = np.asarray(decision, dtype=np.float64) * A + B
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))


def couple_pairwise(pairwise, n_classes):
    """Class probabilities from pairwise ones (Wu, Lin & Weng 2004, method 2).

    Parameters
    ----------
    pairwise : array of shape (n_samples, n_classes, n_classes)
        r_ij = P(y = i | y ∈ {i, j}), with r_ji = 1 − r_ij (the diagonal is ignored).
    n_classes : int

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Each row sums to 1.
    """
    r = pairwise
    n_samples = r.shape[0]
    k = n_classes
    # Q_tt = Σ_{j≠t} r_jt², Q_tj = −r_jt r_tj.
    Q = -np.swapaxes(r, 1, 2) * r
    squares = np.swapaxes(r, 1, 2) ** 2
    off_diagonal = ~np.eye(k, dtype=bool)
    diagonal = np.where(off_diagonal[None], squares, 0.0).sum(axis=2)
    Q[:, np.arange(k), np.arange(k)] = diagonal
    p = np.full((n_samples, k), 1.0 / k)
    # The iteration is run for all samples at once; a sample stops changing once converged.
    active = np.ones(n_samples, dtype=bool)
    tolerance = 0.005 / k
    for _ in range(max(100, k)):
        Qp = np.einsum("nij,nj->ni", Q, p)
        pQp = np.einsum("ni,ni->n", p, Qp)
        error = np.max(np.abs(Qp - pQp[:, None]), axis=1)
        active &= error >= tolerance
        if not active.any():
            break
        rows = np.flatnonzero(active)
        Qa, pa, Qpa, pQpa = Q[rows], p[rows], Qp[rows], pQp[rows]
        for t in range(k):
            Qtt = Qa[:, t, t]
            step = (-Qpa[:, t] + pQpa) / Qtt
            pa[:, t] += step
            scale = 1.0 + step
            pQpa = (pQpa + step * (step * Qtt + 2.0 * Qpa[:, t])) / scale ** 2
            Qpa = (Qpa + step[:, None] * Qa[:, t, :]) / scale[:, None]
            pa /= scale[:, None]
        p[rows] = pa
    return p
