"""Box constraints l ≤ w ≤ u for ``LBFGS(bounds=…)``: the pieces of L-BFGS-B (Byrd, Lu,
Nocedal & Zhu, "A limited memory algorithm for bound constrained optimization", SIAM J. Sci.
Comput. 16(5), 1995).

The quadratic model at w_k is m(w) = gᵀ(w − w_k) + ½ (w − w_k)ᵀ B (w − w_k), with the L-BFGS
matrix in compact form
    B = θI − W M Wᵀ,   W = [Y  θS]  (N × 2k),
    M = [[−D, Lᵀ], [L, θ SᵀS]]⁻¹,   D = diag(s_iᵀy_i),   L_ij = s_iᵀy_j for i > j (else 0),
where the columns of S and Y are the k stored pairs, oldest first, and θ = yᵀy / sᵀy of the
newest pair (θ = 1 before any).
"""

from ..autograd.backend import xp
from ..autograd.tensor import Tensor

__all__ = ["box_from_bounds", "projected_gradient", "compact_representation", "cauchy_point",
           "subspace_minimum", "largest_feasible_step"]


def _side(value, param, which, index):
    unbounded = -xp.inf if which == "low" else xp.inf
    if value is None:
        return xp.full(param.shape, unbounded)
    if isinstance(value, Tensor):
        value = value.data
    # None inside a list means "no bound" for that element
    array = xp.asarray(value, dtype=object)
    array = xp.where(xp.equal(array, None), unbounded, array).astype(float)
    if xp.isnan(array).any():
        raise ValueError(f"bounds[{index}]: the {which} bound contains NaN")
    try:
        return xp.broadcast_to(array, param.shape)
    except ValueError:
        raise ValueError(f"bounds[{index}]: the {which} bound of shape {array.shape} does not "
                         f"broadcast to the parameter's shape {tuple(param.shape)}") from None


def box_from_bounds(bounds, params):
    """The flat vectors (l, u) from one entry per parameter: None, or (low, high) with each None,
    a number or an array broadcastable to the parameter."""
    bounds = list(bounds)
    if len(bounds) != len(params):
        raise ValueError(f"bounds must have one entry per parameter ({len(params)}), got "
                         f"{len(bounds)}")
    lows, highs = [], []
    for i, (entry, param) in enumerate(zip(bounds, params)):
        if entry is None:
            entry = (None, None)
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2):
            raise ValueError(f"bounds[{i}] must be None or a pair (low, high), got {entry!r}")
        low, high = _side(entry[0], param, "low", i), _side(entry[1], param, "high", i)
        if xp.any(low > high):
            raise ValueError(f"bounds[{i}]: a low bound is above its high bound")
        lows.append(low.reshape(-1))
        highs.append(high.reshape(-1))
    return xp.concatenate(lows), xp.concatenate(highs)


def projected_gradient(x, grad, lower, upper):
    """P(w − g) − w, zero exactly at a stationary point of the box-constrained problem (the
    KKT conditions: g_i = 0 inside, g_i ≥ 0 at a lower bound, g_i ≤ 0 at an upper one)."""
    return xp.clip(x - grad, lower, upper) - x


def compact_representation(steps, changes, h_diag, dtype):
    """(θ, W, M) of the compact form of B from the lists of s and y, oldest first."""
    theta = 1.0 / h_diag
    n_pairs = len(steps)
    if n_pairs == 0:
        return theta, None, None
    S = xp.stack(steps, axis=1)
    Y = xp.stack(changes, axis=1)
    SY = S.T @ Y
    inverse = xp.block([[-xp.diag(xp.diag(SY)), xp.tril(SY, -1).T],
                        [xp.tril(SY, -1), theta * (S.T @ S)]])
    return theta, xp.hstack([Y, theta * S]), xp.linalg.inv(inverse).astype(dtype, copy=False)


def cauchy_point(x, grad, lower, upper, theta, W, M):
    """The generalised Cauchy point w^c and c = Wᵀ(w^c − w_k) (algorithm CP of the paper).

    Along the path w(τ) = P(w_k − τ g) each variable i moves with d_i = −g_i until its
    breakpoint τ_i (where it reaches its bound), then stays. Between breakpoints the model is a
    quadratic in τ with slope f′ and curvature f″; walking the breakpoints in increasing order,
    the first segment whose minimiser −f′/f″ lies before its end holds w^c. The updates of f′,
    f″ when variable b stops (z_b = its move, w_b = row b of W):
        f′ ← f′ + Δτ f″ + g_b² + θ g_b z_b − g_b w_bᵀ M c,
        f″ ← f″ − θ g_b² − 2 g_b w_bᵀ M p − g_b² w_bᵀ M w_b,    p ← p + g_b w_b,
    with p = Wᵀd and c = Wᵀ(w(τ) − w_k) kept up to date.
    """
    breakpoints = xp.full(x.shape, xp.inf)
    down, up = grad > 0, grad < 0
    breakpoints[down] = (x[down] - lower[down]) / grad[down]
    breakpoints[up] = (x[up] - upper[up]) / grad[up]
    d = xp.where(breakpoints > 0, -grad, 0.0)
    corner = x.copy()
    has_pairs = W is not None
    p = W.T @ d if has_pairs else None
    c = xp.zeros(W.shape[1]) if has_pairs else None
    slope = -float(d @ d)
    if slope == 0:
        return corner, c
    curvature = -theta * slope - (float(p @ (M @ p)) if has_pairs else 0.0)
    # the safeguard of L-BFGS-B 3.0: a curvature that rounding made tiny would jump far
    floor = -theta * slope * xp.finfo(float).eps
    curvature = max(curvature, floor)
    step_to_minimum = -slope / curvature
    order = xp.argsort(breakpoints, kind="stable")
    moving = breakpoints > 0
    passed = 0.0
    for b in order:
        tb = breakpoints[b]
        if not (0 < tb < xp.inf):
            continue
        if step_to_minimum < tb - passed:
            break
        corner[b] = upper[b] if d[b] > 0 else lower[b]
        z = corner[b] - x[b]
        gb = grad[b]
        dt = tb - passed
        if has_pairs:
            c += dt * p
            wb = W[b]
            slope += (dt * curvature + gb * gb + theta * gb * z - gb * float(wb @ (M @ c)))
            curvature -= (theta * gb * gb + 2 * gb * float(wb @ (M @ p))
                          + gb * gb * float(wb @ (M @ wb)))
            p += gb * wb
        else:
            slope += dt * curvature + gb * gb + theta * gb * z
            curvature -= theta * gb * gb
        curvature = max(curvature, floor)
        d[b] = 0.0
        moving[b] = False
        passed = tb
        step_to_minimum = -slope / curvature
    step_to_minimum = max(step_to_minimum, 0.0)
    passed += step_to_minimum
    corner[moving] = x[moving] + passed * d[moving]
    if has_pairs:
        c += step_to_minimum * p
    return corner, c


def subspace_minimum(x, grad, lower, upper, theta, W, M, corner, c):
    """Minimise the model over the variables free at w^c (direct primal method of the paper).

    With Z the free coordinates, the reduced gradient at w^c is r = Zᵀ(g + θ(w^c − w_k) − W M c)
    and the reduced matrix B̂ = θI − ZᵀW M WᵀZ; by the Sherman–Morrison–Woodbury formula
        d̂ = −B̂⁻¹r = −r/θ − ZᵀW (I − M WᵀZ ZᵀW / θ)⁻¹ M WᵀZ r / θ².
    w̄ = P(w^c + d̂) when that is still a descent direction from w_k (L-BFGS-B 3.0), else the
    longest feasible step along d̂ from w^c.
    """
    free = (corner > lower) & (corner < upper)
    if not free.any():
        return corner
    residual = grad + theta * (corner - x)
    if W is not None:
        residual = residual - W @ (M @ c)
    r = residual[free]
    step = -r / theta
    if W is not None:
        WF = W[free]
        v = M @ (WF.T @ r)
        N = xp.eye(M.shape[0]) - (M @ (WF.T @ WF)) / theta
        step -= WF @ xp.linalg.solve(N, v) / theta ** 2
    target = corner.copy()
    target[free] = xp.clip(corner[free] + step, lower[free], upper[free])
    if float(grad @ (target - x)) < 0:
        return target
    largest = largest_feasible_step(corner[free], step, lower[free], upper[free])
    target[free] = corner[free] + min(1.0, largest) * step
    return target


def largest_feasible_step(x, d, lower, upper):
    """The largest t with l ≤ x + t d ≤ u (∞ when d never meets a bound)."""
    with xp.errstate(divide="ignore", invalid="ignore"):
        to_upper = xp.where(d > 0, (upper - x) / d, xp.inf)
        to_lower = xp.where(d < 0, (lower - x) / d, xp.inf)
    return float(min(to_upper.min(initial=xp.inf), to_lower.min(initial=xp.inf)))
