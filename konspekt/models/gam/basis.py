"""Penalised B-splines (P-splines, Eilers & Marx 1996): the B-spline design matrix on equally
spaced knots, extrapolated linearly past the data, and the difference penalties of its
coefficients.

A smooth term f(x) = Σₖ θₖ Bₖ(x) uses ``n_splines`` B-splines of degree ``spline_order`` on
knots spread evenly over the range of x seen in ``fit`` (the *edge knots* [min x, max x]), plus
``spline_order`` knots at the same spacing beyond each end, so that every point of the range
is covered by exactly ``spline_order + 1`` B-splines that sum to one. Outside the range each
Bₖ continues along its tangent at the nearer end, so f extrapolates linearly, as pygam's.

The roughness of f is penalised through its coefficients: with Δ the m-th order difference
matrix ((Δθ)ₖ = θₖ₊₁ − θₖ, applied m times), θᵀPθ = ‖Δθ‖² and P = ΔᵀΔ; m = 2 approximates
∫ f″(x)² dx and leaves constant and straight-line f unpenalised.
"""

import numpy as np

__all__ = ["bspline_basis", "difference_penalty", "edge_knots", "row_kronecker"]


def edge_knots(x):
    """[min x, max x], the range the knots of a smooth term span."""
    return np.array([np.min(x), np.max(x)], dtype=float)


def _cox_de_boor(u, knots, degree):
    """The B-splines of degrees ``degree`` and ``degree − 1`` at the points u (on [0, 1]).

    Cox–de Boor recursion from the indicator functions of the knot intervals:

        Bₖ,₀(u) = 1 if tₖ ≤ u < tₖ₊₁ else 0,
        Bₖ,d(u) = (u − tₖ)/(tₖ₊d − tₖ)·Bₖ,d₋₁(u) + (tₖ₊d₊₁ − u)/(tₖ₊d₊₁ − tₖ₊₁)·Bₖ₊₁,d₋₁(u).

    u = 1 is placed in the last interval of [0, 1] (not the first one beyond it), so that the
    values and slopes at the right end are those of the inner polynomial piece.
    """
    u = u[:, None]
    left, right = knots[:-1], knots[1:]
    bases = ((u >= left) & (u < right)).astype(float)
    last_inner = len(knots) - 2 - degree
    bases[u[:, 0] == 1.0] = 0.0
    bases[u[:, 0] == 1.0, last_inner] = 1.0
    previous = bases
    for d in range(1, degree + 1):
        previous = bases
        count = bases.shape[1] - 1
        rising = (u - knots[:count]) / (knots[d:d + count] - knots[:count])
        falling = (knots[d + 1:d + 1 + count] - u) / (knots[d + 1:d + 1 + count]
                                                     - knots[1:1 + count])
        bases = rising * bases[:, :count] + falling * bases[:, 1:count + 1]
    return bases, previous


def bspline_basis(x, knots_range, n_splines=20, spline_order=3):
    """The (n_samples, n_splines) B-spline design matrix of x.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
    knots_range : array-like of 2 floats
        The edge knots [a, b]; x is rescaled to u = (x − a)/(b − a) (b = a: u = x − a).
    n_splines : int, default=20
        The number of B-splines (≥ spline_order + 1).
    spline_order : int, default=3
        The polynomial degree of each piece (3: cubic).

    Returns
    -------
    ndarray of shape (n_samples, n_splines)
        Row i holds B₁(xᵢ) … B_K(xᵢ); inside [a, b] each row sums to one. Past an end,
        Bₖ(u) = Bₖ(end) + Bₖ′(end)·(u − end) (degree 0: the value at the end).

    Notes
    -----
    The knots are n_splines − spline_order + 1 equally spaced points on [0, 1] extended by
    spline_order points of the same spacing h on each side. The derivative used to
    extrapolate is Bₖ,d′(u) = d·[Bₖ,d₋₁(u)/(tₖ₊d − tₖ) − Bₖ₊₁,d₋₁(u)/(tₖ₊d₊₁ − tₖ₊₁)].
    """
    if n_splines < spline_order + 1:
        raise ValueError(f"n_splines must be >= spline_order + 1, got n_splines={n_splines} "
                         f"and spline_order={spline_order}.")
    low, high = float(knots_range[0]), float(knots_range[1])
    width = high - low if high > low else 1.0
    u = (np.ravel(np.asarray(x, dtype=float)) - low) / width
    inner = np.linspace(0.0, 1.0, n_splines - spline_order + 1)
    h = inner[1] - inner[0]
    extra = h * np.arange(1, spline_order + 1)
    knots = np.concatenate([-extra[::-1], inner, 1.0 + extra])
    inside = np.clip(u, 0.0, 1.0)
    ends = np.array([0.0, 1.0])
    bases, _ = _cox_de_boor(np.concatenate([inside, ends]), knots, spline_order)
    bases, at_ends = bases[:-2], bases[-2:]
    if spline_order == 0:
        return bases
    below, above = u < 0, u > 1
    if below.any() or above.any():
        _, lower = _cox_de_boor(ends, knots, spline_order)
        d = spline_order
        count = n_splines
        slopes = d * (lower[:, :count] / (knots[d:d + count] - knots[:count])
                      - lower[:, 1:count + 1] / (knots[d + 1:d + 1 + count]
                                                 - knots[1:1 + count]))
        bases[below] = at_ends[0] + u[below, None] * slopes[0]
        bases[above] = at_ends[1] + (u[above, None] - 1.0) * slopes[1]
    return bases


def difference_penalty(n_coefs, order=2):
    """P = ΔᵀΔ, the (n_coefs, n_coefs) penalty of the ``order``-th differences of the
    coefficients (zero when there are no such differences, n_coefs ≤ order)."""
    if n_coefs <= order:
        return np.zeros((n_coefs, n_coefs))
    delta = np.diff(np.eye(n_coefs), n=order, axis=0)
    return delta.T @ delta


def row_kronecker(left, right):
    """The row-wise Kronecker product: row i is kron(left[i], right[i]), the design of a
    tensor-product term (column index = k·K₂ + l for Bₖ(x)·B_l(z))."""
    return (left[:, :, None] * right[:, None, :]).reshape(left.shape[0], -1)
