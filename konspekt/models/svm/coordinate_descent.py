"""Dual coordinate descent for the linear SVM, as liblinear solves it (Hsieh et al., 2008).

For the L2-regularised hinge (L1-loss) or squared-hinge (L2-loss) SVM without kernel,

    min_w ½‖w‖² + Σᵢ Cᵢ ξ(w; xᵢ, yᵢ),   ξ = max(0, 1 − yᵢwᵀxᵢ) or its square,

the dual is min_α ½ αᵀQ̄α − eᵀα subject to 0 ≤ αᵢ ≤ Uᵢ, with Q̄ = Q + D, Q_ij = yᵢyⱼxᵢᵀxⱼ and

    hinge:          Dᵢᵢ = 0,         Uᵢ = Cᵢ
    squared hinge:  Dᵢᵢ = 1 / (2Cᵢ), Uᵢ = ∞.

There is no equality constraint (the bias is a feature of constant value), so one variable at
a time can move. Keeping w = Σᵢ yᵢαᵢxᵢ, the partial derivative is Gᵢ = yᵢwᵀxᵢ − 1 + Dᵢᵢαᵢ and
its projection PGᵢ (0 where the bound blocks the move); the update is

    αᵢ ← min(max(αᵢ − Gᵢ / Q̄ᵢᵢ, 0), Uᵢ),   w ← w + (αᵢ_new − αᵢ_old) yᵢ xᵢ,

sweeping the variables in a random order each epoch. Variables at a bound whose gradient
pushes further out than last epoch's extreme projected gradients are shrunk out of the sweep;
the solver stops when max PG − min PG ≤ tol on the active set and then on all variables.
``solve_dual_coordinate_descent_regression`` is the same method for the linear ε-SVR.

The samples are read as a CSR matrix (dense input is passed in that form), so that sparse
data costs time in proportion to its non-zeros.
"""

import numpy as np

from konspekt.utils.accel import njit

__all__ = ["solve_dual_coordinate_descent", "solve_dual_coordinate_descent_regression"]


@njit
def _dot(w, data, indices, start, end):
    """wᵀxᵢ for the CSR row stored in data[start:end], indices[start:end]."""
    total = 0.0
    for k in range(start, end):
        total += w[indices[k]] * data[k]
    return total


@njit
def solve_dual_coordinate_descent(data, indices, indptr, n_features, y, upper, diagonal, tol,
                                  max_iter, seed):
    """Run the dual coordinate descent above.

    Parameters
    ----------
    data, indices, indptr : arrays
        The samples as a CSR matrix (with the constant bias column appended when there is an
        intercept); dense input is passed in this form too.
    n_features : int
    y : float64 array (n,)
        Labels ±1.
    upper, diagonal : float64 arrays (n,)
        Uᵢ and Dᵢᵢ of the loss.
    tol : float
    max_iter : int
        Limit on epochs.
    seed : int
        Seed of the linear congruential generator that shuffles the sweep order (the same
        sequence compiled or interpreted).

    Returns
    -------
    w : float64 array (d,)
    n_iter : int
    """
    n = y.shape[0]
    w = np.zeros(n_features)
    alpha = np.zeros(n)
    curvature = np.empty(n)
    for i in range(n):
        curvature[i] = diagonal[i] + np.sum(data[indptr[i]:indptr[i + 1]] ** 2)
    index = np.arange(n)
    active = n
    pg_max_old = np.inf
    pg_min_old = -np.inf
    state = seed % 2147483648
    n_iter = 0
    while n_iter < max_iter:
        pg_max_new = -np.inf
        pg_min_new = np.inf
        for s in range(active):
            state = (state * 1103515245 + 12345) % 2147483648
            t = s + state % (active - s)
            index[s], index[t] = index[t], index[s]
        s = 0
        while s < active:
            i = index[s]
            gradient = y[i] * _dot(w, data, indices, indptr[i], indptr[i + 1]) - 1.0 \
                + alpha[i] * diagonal[i]
            projected = 0.0
            if alpha[i] == 0.0:
                if gradient > pg_max_old:
                    # At the lower bound and pushed further down: leave the sweep.
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
                if gradient < 0.0:
                    projected = gradient
            elif alpha[i] == upper[i]:
                if gradient < pg_min_old:
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
                if gradient > 0.0:
                    projected = gradient
            else:
                projected = gradient
            pg_max_new = max(pg_max_new, projected)
            pg_min_new = min(pg_min_new, projected)
            if abs(projected) > 1e-12:
                old = alpha[i]
                alpha[i] = min(max(old - gradient / curvature[i], 0.0), upper[i])
                step = (alpha[i] - old) * y[i]
                for k in range(indptr[i], indptr[i + 1]):
                    w[indices[k]] += step * data[k]
            s += 1
        n_iter += 1
        if pg_max_new - pg_min_new <= tol:
            if active == n:
                break
            # Converged on the active set: check every variable again before stopping.
            active = n
            pg_max_old = np.inf
            pg_min_old = -np.inf
            continue
        pg_max_old = pg_max_new if pg_max_new > 0 else np.inf
        pg_min_old = pg_min_new if pg_min_new < 0 else -np.inf
    return w, n_iter


@njit
def solve_dual_coordinate_descent_regression(data, indices, indptr, n_features, z, upper,
                                             diagonal, epsilon, tol, max_iter, seed):
    """Dual coordinate descent for the linear ε-SVR (liblinear's solver for L2-regularised
    L1- and L2-loss support vector regression, Ho & Lin 2012).

    With β = α − α* ∈ ℝⁿ the dual is min_β ½βᵀ(Q + D)β − zᵀβ + ε‖β‖₁, −Uᵢ ≤ βᵢ ≤ Uᵢ,
    Q_ij = xᵢᵀxⱼ (Dᵢᵢ = 0, Uᵢ = Cᵢ for the ε-insensitive loss; Dᵢᵢ = 1/(2Cᵢ), Uᵢ = ∞ for its
    square). With w = Σᵢ βᵢxᵢ, Gᵢ = wᵀxᵢ − zᵢ + Dᵢᵢβᵢ and Hᵢ = ‖xᵢ‖² + Dᵢᵢ, one coordinate
    takes the exact minimiser of the one-variable problem (soft-thresholded Newton step):

        d = −(Gᵢ + ε)/Hᵢ if Gᵢ + ε < Hᵢβᵢ;  −(Gᵢ − ε)/Hᵢ if Gᵢ − ε > Hᵢβᵢ;  −βᵢ otherwise,

    then βᵢ ← clip(βᵢ + d, −Uᵢ, Uᵢ). Stop when the sum of the violations of an epoch falls
    below tol times that of the first epoch (on the active set, then on all variables).

    The samples come as a CSR matrix (``data``, ``indices``, ``indptr``, ``n_features``), as
    for ``solve_dual_coordinate_descent``.

    Returns
    -------
    w : float64 array (d,)
    n_iter : int
    """
    n = z.shape[0]
    w = np.zeros(n_features)
    beta = np.zeros(n)
    squared_norms = np.empty(n)
    for i in range(n):
        squared_norms[i] = np.sum(data[indptr[i]:indptr[i + 1]] ** 2)
    index = np.arange(n)
    active = n
    violation_max_old = np.inf
    violation_sum_first = -1.0
    state = seed % 2147483648
    n_iter = 0
    while n_iter < max_iter:
        violation_max_new = 0.0
        violation_sum_new = 0.0
        for s in range(active):
            state = (state * 1103515245 + 12345) % 2147483648
            t = s + state % (active - s)
            index[s], index[t] = index[t], index[s]
        s = 0
        while s < active:
            i = index[s]
            gradient = _dot(w, data, indices, indptr[i], indptr[i + 1]) - z[i] \
                + diagonal[i] * beta[i]
            curvature = squared_norms[i] + diagonal[i]
            g_plus = gradient + epsilon
            g_minus = gradient - epsilon
            violation = 0.0
            if beta[i] == 0.0:
                if g_plus < 0.0:
                    violation = -g_plus
                elif g_minus > 0.0:
                    violation = g_minus
                elif g_plus > violation_max_old and g_minus < -violation_max_old:
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
            elif beta[i] >= upper[i]:
                if g_plus > 0.0:
                    violation = g_plus
                elif g_plus < -violation_max_old:
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
            elif beta[i] <= -upper[i]:
                if g_minus < 0.0:
                    violation = -g_minus
                elif g_minus > violation_max_old:
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
            elif beta[i] > 0.0:
                violation = abs(g_plus)
            else:
                violation = abs(g_minus)
            violation_max_new = max(violation_max_new, violation)
            violation_sum_new += violation
            if g_plus < curvature * beta[i]:
                step = -g_plus / curvature
            elif g_minus > curvature * beta[i]:
                step = -g_minus / curvature
            else:
                step = -beta[i]
            s += 1
            if abs(step) < 1e-12:
                continue
            old = beta[i]
            beta[i] = min(max(beta[i] + step, -upper[i]), upper[i])
            step = beta[i] - old
            if step != 0.0:
                for k in range(indptr[i], indptr[i + 1]):
                    w[indices[k]] += step * data[k]
        if n_iter == 0:
            violation_sum_first = violation_sum_new
        n_iter += 1
        if violation_sum_new <= tol * violation_sum_first:
            if active == n:
                break
            active = n
            violation_max_old = np.inf
            continue
        violation_max_old = violation_max_new
    return w, n_iter
