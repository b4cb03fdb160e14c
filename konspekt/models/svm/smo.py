"""Sequential minimal optimisation (SMO) for the dual of the kernel SVM, as libsvm solves it.

The problem, over variables α ∈ ℝᵐ with signs yₜ ∈ {+1, −1}, a linear term p and boxes Cₜ:

    min_α  f(α) = ½ αᵀQα + pᵀα    subject to  0 ≤ αₜ ≤ Cₜ,  yᵀα = 0,

with Q_ts = yₜ y_s K(x_k(t), x_k(s)); k(t) maps a variable to the sample whose kernel row it
uses. The C-SVC dual is p = −e (so f = ½αᵀQα − eᵀα) and k the identity; ε-SVR has m = 2l
variables (α and α*), y = (+e, −e), p = (ε − z, ε + z) and k(t) = k(t + l) = t.

Each iteration (Fan, Chen & Lin, JMLR 2005):

1. The gradient ∇f(α) = Qα + p is kept in G. With I_up = {t: αₜ < Cₜ, yₜ = 1 or αₜ > 0, yₜ = −1}
   and I_low = {t: αₜ < Cₜ, yₜ = −1 or αₜ > 0, yₜ = 1}, the maximal violation is
   m(α) = max_{I_up} −yₜGₜ and M(α) = min_{I_low} −yₜGₜ; stop when m(α) − M(α) < tol.
2. Working set by second-order information (WSS2): i = argmax_{I_up} −yᵢGᵢ and
   j = argmin over t ∈ I_low with b_it = m(α) + yₜGₜ > 0 of −b_it² / a_it,
   a_it = K_ii + K_tt − 2K_it (τ = 1e-12 when a_it ≤ 0).
3. The two-variable subproblem is solved analytically: along the line that keeps yᵀα fixed,
   αᵢ ← αᵢ + yᵢ b_ij / a_ij, αⱼ ← αⱼ − yⱼ b_ij / a_ij, then clipped back into the box
   [0, Cᵢ] × [0, Cⱼ] along the same line.
4. G ← G + Q_:i Δαᵢ + Q_:j Δαⱼ.

The bias ρ (decision f(x) = Σₜ yₜαₜ K(xₜ, x) − ρ) is the mean of yₜGₜ over free variables
(0 < αₜ < Cₜ); with none free, the midpoint of the bounds that the KKT conditions leave.

ν-SVC (Schölkopf et al. 2000; Chang & Lin 2001) adds the constraint eᵀα = ν·Σᵢ Cᵢ and has no
linear term (p = 0). Then both yᵀα and eᵀα stay fixed only if the two working variables share
their sign: the selection above is run within the positive and within the negative variables
(i from the class whose pair gains most), the stopping rule takes the larger violation of the
two classes, and the two classes get their own bias r₊, r₋ (means of Gₜ over free variables);
ρ = (r₊ − r₋)/2 and r = (r₊ + r₋)/2, by which the caller rescales α and ρ.

Kernel rows are read from the full kernel matrix when it fits in ``cache_size`` (as float32,
libsvm's precision for Q), otherwise computed on demand and kept in a least-recently-used
cache of rows.

References: Platt (1998); Fan, Chen & Lin, "Working set selection using second order
information for training SVM", JMLR 6 (2005); Chang & Lin, "LIBSVM", ACM TIST (2011).
"""

import numpy as np

from konspekt.utils.accel import njit

__all__ = ["KERNEL_CODES", "solve_smo"]

# The kernel kinds the compiled row computation knows; "precomputed" always passes a full matrix.
KERNEL_CODES = {"linear": 0, "poly": 1, "rbf": 2, "sigmoid": 3, "precomputed": 4}

_TAU = 1e-12


@njit
def _compute_row(X, squared_norms, r, kind, gamma, coef0, degree, out):
    """K(x_r, x_s) for every sample s, written into ``out``."""
    n, d = X.shape
    for s in range(n):
        dot = 0.0
        for f in range(d):
            dot += X[r, f] * X[s, f]
        if kind == 0:
            value = dot
        elif kind == 1:
            value = (gamma * dot + coef0) ** degree
        elif kind == 2:
            value = np.exp(-gamma * (squared_norms[r] + squared_norms[s] - 2.0 * dot))
        else:
            value = np.tanh(gamma * dot + coef0)
        out[s] = value


@njit
def _kernel_row(k, K, cache, slot_of, owner, last_used, counters, X, squared_norms, kind,
                gamma, coef0, degree, buffer):
    """Row k of the kernel: from the full matrix, or from the cache (computed on a miss into
    the least recently used slot). ``counters`` holds the clock and the number of filled
    slots."""
    if K.shape[0] > 0:
        return K[k]
    counters[0] += 1
    slot = slot_of[k]
    if slot < 0:
        if counters[1] < cache.shape[0]:
            slot = counters[1]
            counters[1] += 1
        else:
            slot = np.argmin(last_used)
            slot_of[owner[slot]] = -1
        _compute_row(X, squared_norms, k, kind, gamma, coef0, degree, buffer)
        for s in range(buffer.shape[0]):
            cache[slot, s] = buffer[s]
        slot_of[k] = slot
        owner[slot] = k
    last_used[slot] = counters[0]
    return cache[slot]


@njit
def solve_smo(K, X, squared_norms, kind, gamma, coef0, degree, cache_rows, kernel_index, y,
              p, C, alpha_start, diagonal, tol, max_iter, nu_variant):
    """Solve the dual above.

    Parameters
    ----------
    K : float32 array (n, n)
        The full kernel matrix, or an array with no rows to compute rows from ``X``.
    X, squared_norms : float64 arrays (n, d), (n,)
        The samples and their squared norms (used only when ``K`` has no rows).
    kind : int
        ``KERNEL_CODES`` of the kernel (used only when ``K`` has no rows).
    gamma, coef0, degree : float
        The kernel's parameters.
    cache_rows : int
        How many kernel rows the cache holds (≥ 2) when ``K`` has no rows.
    kernel_index : int64 array (m,)
        k(t): the kernel row of each variable.
    y, p, C : float64 arrays (m,)
        Signs, linear term and upper bounds.
    alpha_start : float64 array (m,)
        A feasible starting point (zeros for C-SVC and ε-SVR).
    diagonal : float64 array (n,)
        K(x_k, x_k) in double precision.
    tol : float
        Stop when m(α) − M(α) < tol.
    max_iter : int
        Iteration limit (no limit when ≤ 0).
    nu_variant : bool
        Select, stop and compute the bias as for ν-SVC.

    Returns
    -------
    alpha : float64 array (m,)
    rho : float
    r : float
        (r₊ + r₋)/2 for ν-SVC, 0 otherwise.
    n_iter : int
    reached_limit : bool
        True when ``max_iter`` stopped the solver before the tolerance was met.
    """
    m = y.shape[0]
    full = K.shape[0] > 0
    n_kernel = K.shape[0] if full else X.shape[0]
    n_slots = 0 if full else max(cache_rows, 2)
    cache = np.empty((n_slots, n_kernel if n_slots > 0 else 0), dtype=np.float32)
    slot_of = np.full(n_kernel, -1, dtype=np.int64)
    owner = np.full(max(n_slots, 1), -1, dtype=np.int64)
    last_used = np.zeros(max(n_slots, 1), dtype=np.int64)
    counters = np.zeros(2, dtype=np.int64)
    buffer = np.empty(n_kernel, dtype=np.float64)

    alpha = alpha_start.copy()
    G = p.copy()
    for t in range(m):
        if alpha[t] != 0.0:
            row = _kernel_row(kernel_index[t], K, cache, slot_of, owner, last_used, counters,
                              X, squared_norms, kind, gamma, coef0, degree, buffer)
            for s in range(m):
                G[s] += alpha[t] * y[t] * y[s] * row[kernel_index[s]]
    limit = max_iter if max_iter > 0 else max(10_000_000, 100 * m)
    n_iter = 0
    reached_limit = False
    while True:
        # --- working set selection (WSS2) ---
        # i maximises −yₜGₜ over I_up: among all variables (C-SVC), or separately among the
        # positive (i_plus) and the negative (i_minus) ones (ν-SVC).
        g_plus = -np.inf
        g_minus = -np.inf
        i_plus = -1
        i_minus = -1
        for t in range(m):
            if y[t] > 0:
                if alpha[t] < C[t] and -G[t] >= g_plus:
                    g_plus = -G[t]
                    i_plus = t
            elif alpha[t] > 0 and G[t] >= g_minus:
                g_minus = G[t]
                i_minus = t
        if not nu_variant:
            # One candidate: the larger of the two (ties go to the later index, as libsvm).
            if g_minus > g_plus or (g_minus == g_plus and i_minus > i_plus):
                g_plus = g_minus
                i_plus = i_minus
            g_minus = g_plus
            i_minus = i_plus
        row_plus = np.empty(0, dtype=np.float32)
        if i_plus >= 0:
            row_plus = _kernel_row(kernel_index[i_plus], K, cache, slot_of, owner, last_used,
                                   counters, X, squared_norms, kind, gamma, coef0, degree,
                                   buffer)
        row_minus = row_plus
        if nu_variant and i_minus >= 0:
            # Row i_plus, the most recently used, stays in the cache (≥ 2 slots).
            row_minus = _kernel_row(kernel_index[i_minus], K, cache, slot_of, owner,
                                    last_used, counters, X, squared_norms, kind, gamma,
                                    coef0, degree, buffer)
        g2_plus = -np.inf
        g2_minus = -np.inf
        j = -1
        best = np.inf
        for t in range(m):
            if y[t] > 0:
                if not alpha[t] > 0:
                    continue
                if G[t] >= g2_plus:
                    g2_plus = G[t]
                first = i_plus
                difference = g_plus + G[t]
                row = row_plus
            else:
                if not alpha[t] < C[t]:
                    continue
                if -G[t] >= g2_minus:
                    g2_minus = -G[t]
                first = i_minus
                difference = g_minus - G[t]
                row = row_minus
            if difference > 0 and first >= 0:
                curvature = diagonal[kernel_index[first]] + diagonal[kernel_index[t]] \
                    - 2.0 * row[kernel_index[t]]
                if curvature <= 0:
                    curvature = _TAU
                gain = -(difference * difference) / curvature
                if gain <= best:
                    j = t
                    best = gain
        if nu_variant:
            gap = max(g_plus + g2_plus, g_minus + g2_minus)
        else:
            gap = g_plus + max(g2_plus, g2_minus)
        if gap < tol or j == -1:
            break
        if n_iter >= limit:
            reached_limit = True
            break
        n_iter += 1
        i = i_plus if (not nu_variant or y[j] > 0) else i_minus

        row_i = row_plus if i == i_plus else row_minus
        row_j = _kernel_row(kernel_index[j], K, cache, slot_of, owner, last_used, counters, X,
                            squared_norms, kind, gamma, coef0, degree, buffer)
        if not full:
            # Row j may have taken row i's slot: read row i again (it then keeps row j's).
            row_i = _kernel_row(kernel_index[i], K, cache, slot_of, owner, last_used,
                                counters, X, squared_norms, kind, gamma, coef0, degree,
                                buffer)
        ki = kernel_index[i]
        kj = kernel_index[j]

        # --- the analytic two-variable update, clipped to the box ---
        C_i = C[i]
        C_j = C[j]
        old_i = alpha[i]
        old_j = alpha[j]
        curvature = diagonal[ki] + diagonal[kj] - 2.0 * row_i[kj]
        if curvature <= 0:
            curvature = _TAU
        if y[i] != y[j]:
            delta = (-G[i] - G[j]) / curvature
            difference = alpha[i] - alpha[j]
            alpha[i] += delta
            alpha[j] += delta
            if difference > 0:
                if alpha[j] < 0:
                    alpha[j] = 0.0
                    alpha[i] = difference
            elif alpha[i] < 0:
                alpha[i] = 0.0
                alpha[j] = -difference
            if difference > C_i - C_j:
                if alpha[i] > C_i:
                    alpha[i] = C_i
                    alpha[j] = C_i - difference
            elif alpha[j] > C_j:
                alpha[j] = C_j
                alpha[i] = C_j + difference
        else:
            delta = (G[i] - G[j]) / curvature
            total = alpha[i] + alpha[j]
            alpha[i] -= delta
            alpha[j] += delta
            if total > C_i:
                if alpha[i] > C_i:
                    alpha[i] = C_i
                    alpha[j] = total - C_i
            elif alpha[j] < 0:
                alpha[j] = 0.0
                alpha[i] = total
            if total > C_j:
                if alpha[j] > C_j:
                    alpha[j] = C_j
                    alpha[i] = total - C_j
            elif alpha[i] < 0:
                alpha[i] = 0.0
                alpha[j] = total

        # --- gradient update: G_t += y_t (y_i Δα_i K_it + y_j Δα_j K_jt) ---
        step_i = y[i] * (alpha[i] - old_i)
        step_j = y[j] * (alpha[j] - old_j)
        for t in range(m):
            k = kernel_index[t]
            G[t] += y[t] * (step_i * row_i[k] + step_j * row_j[k])

    # --- the bias ---
    if nu_variant:
        bias_plus = _class_bias(alpha, G, C, y, 1.0)
        bias_minus = _class_bias(alpha, G, C, y, -1.0)
        return alpha, (bias_plus - bias_minus) / 2.0, (bias_plus + bias_minus) / 2.0, \
            n_iter, reached_limit
    upper = np.inf
    lower = -np.inf
    free_sum = 0.0
    n_free = 0
    for t in range(m):
        yG = y[t] * G[t]
        if alpha[t] >= C[t]:
            if y[t] < 0:
                upper = min(upper, yG)
            else:
                lower = max(lower, yG)
        elif alpha[t] <= 0:
            if y[t] > 0:
                upper = min(upper, yG)
            else:
                lower = max(lower, yG)
        else:
            n_free += 1
            free_sum += yG
    rho = free_sum / n_free if n_free > 0 else (upper + lower) / 2.0
    return alpha, rho, 0.0, n_iter, reached_limit


@njit
def _class_bias(alpha, G, C, y, sign):
    """ν-SVC's bias of one class: the mean of Gₜ over its free variables, else the midpoint
    of the bounds its KKT conditions leave."""
    upper = np.inf
    lower = -np.inf
    free_sum = 0.0
    n_free = 0
    for t in range(y.shape[0]):
        if y[t] != sign:
            continue
        if alpha[t] >= C[t]:
            lower = max(lower, G[t])
        elif alpha[t] <= 0:
            upper = min(upper, G[t])
        else:
            n_free += 1
            free_sum += G[t]
    return free_sum / n_free if n_free > 0 else (upper + lower) / 2.0
