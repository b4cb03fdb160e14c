"""Line searches for the second-order optimisers (``LBFGS``, ``BFGS``, ``Newton``): given a
descent direction d at w (gᵀd < 0), choose the step t of w ← w + t·d.

- ``strong_wolfe``: a step that satisfies the strong Wolfe conditions
      L(w + t d) ≤ L(w) + c₁ t gᵀd                  (sufficient decrease, Armijo),
      |∇L(w + t d)ᵀd| ≤ c₂ |gᵀd|                    (curvature: the slope has flattened),
  found by bracketing then zooming with safeguarded cubic interpolation (Nocedal & Wright,
  *Numerical Optimization*, 2nd ed., algorithms 3.5 and 3.6; the variant of torch.optim.LBFGS,
  itself after minFunc).
- ``backtracking``: t ← t/2 until the Armijo condition holds.

The searches work on flat NumPy vectors through ``FlatParameters``, which views the tensors of
an optimiser as the lecture's single vector w.
"""

import math

from ..autograd.backend import xp
from ..autograd.grad_mode import enable_grad

__all__ = ["strong_wolfe", "backtracking", "FlatParameters"]


class FlatParameters:
    """A list of tensors seen as one vector w = (vec W₁, vec W₂, …) by the second-order methods.

    Parameters
    ----------
    params : list of Tensor
    """

    def __init__(self, params):
        self.params = list(params)
        self.sizes = [p.numel() for p in self.params]
        self.numel = sum(self.sizes)
        self.dtype = xp.result_type(*[p.data.dtype for p in self.params])

    def _slices(self):
        offset = 0
        for p, size in zip(self.params, self.sizes):
            yield p, slice(offset, offset + size)
            offset += size

    def values(self):
        """A copy of w."""
        return xp.concatenate([p.data.reshape(-1) for p in self.params]).astype(self.dtype)

    def gradient(self):
        """The ``.grad`` of every tensor as one vector, zeros where a tensor has none."""
        return xp.concatenate([xp.zeros(p.numel(), self.dtype) if p.grad is None
                               else p.grad.data.reshape(-1) for p in self.params]
                              ).astype(self.dtype, copy=False)

    def add_(self, step, direction):
        """w ← w + step·direction, in place (each tensor's version moves on, as in torch)."""
        for p, where in self._slices():
            p.data += (step * direction[where]).reshape(p.shape).astype(p.data.dtype, copy=False)
            p._bump_version()

    def set_(self, values):
        """w ← values, in place."""
        for p, where in self._slices():
            p.data[...] = values[where].reshape(p.shape)
            p._bump_version()

    def split(self, vector):
        """The pieces of a flat vector, one per tensor, shaped as the tensors."""
        return [vector[where].reshape(p.shape) for p, where in self._slices()]

    def evaluate(self, closure):
        """(L(w), ∇L(w)) from a torch-style closure (it calls ``backward`` and returns L)."""
        with enable_grad():
            loss = closure()
        return float(loss), self.gradient()

    def directional(self, closure, origin, step, direction):
        """(L, ∇L) at origin + step·direction; w is put back to ``origin`` afterwards."""
        self.add_(step, direction)
        loss, grad = self.evaluate(closure)
        self.set_(origin)
        return loss, grad

    def along(self, closure, direction):
        """The function t ↦ (L, ∇L)(w + t·direction) that a line search explores from the
        present w."""
        origin = self.values()
        return lambda step: self.directional(closure, origin, step, direction)


def _cubic_minimum(t1, f1, slope1, t2, f2, slope2, bounds=None):
    """The minimiser of the cubic through (t1, f1) and (t2, f2) with slopes slope1 and slope2,
    clipped to ``bounds`` (by default the interval between t1 and t2); the midpoint of the bounds
    when the cubic has no minimum (Nocedal & Wright, eq. 3.59)."""
    low, high = bounds if bounds is not None else (min(t1, t2), max(t1, t2))
    d1 = slope1 + slope2 - 3 * (f1 - f2) / (t1 - t2)
    discriminant = d1 * d1 - slope1 * slope2
    if discriminant < 0:
        return (low + high) / 2.0
    d2 = math.sqrt(discriminant)
    if t1 <= t2:
        t = t2 - (t2 - t1) * ((slope2 + d2 - d1) / (slope2 - slope1 + 2 * d2))
    else:
        t = t1 - (t1 - t2) * ((slope1 + d2 - d1) / (slope1 - slope2 + 2 * d2))
    return min(max(t, low), high)


class _Point:
    """A trial step t with its loss, gradient and slope gᵀd."""

    __slots__ = ("t", "f", "g", "slope")

    def __init__(self, t, f, g, slope):
        self.t, self.f, self.g, self.slope = t, f, g, slope


def strong_wolfe(evaluate, t, direction, loss, grad, slope, c1=1e-4, c2=0.9,
                 tolerance_change=1e-9, max_ls=25, max_step=None):
    """Find a step t along ``direction`` that satisfies the strong Wolfe conditions.

    Phase 1 (bracketing): try t, and while the loss keeps decreasing with a negative slope,
    extrapolate by cubic interpolation within [t + 0.01(t − t_prev), 10 t]; stop when an
    interval [t_lo, t_hi] must contain an acceptable step (sufficient decrease fails, the loss
    rises, or the slope turns positive), or when t itself satisfies both conditions.
    Phase 2 (zoom): shrink the bracket by cubic interpolation between its end points, moved away
    from an end point when progress stalls, until the conditions hold, the bracket is shorter than
    ``tolerance_change`` (measured as |t_hi − t_lo|·max|d|), or ``max_ls`` evaluations are spent.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(t)`` returns (L(w + t d), ∇L(w + t d)) as a float and a flat array.
    t : float
        The first step tried.
    direction : ndarray
        d.
    loss, grad, slope : float, ndarray, float
        L(w), ∇L(w) and gᵀd (< 0).
    c1, c2 : float, default 1e-4, 0.9
        The constants of the sufficient-decrease and curvature conditions, 0 < c₁ < c₂ < 1.
    tolerance_change : float, default 1e-9
    max_ls : int, default 25
        The most evaluations.
    max_step : float, optional
        The largest step allowed (the edge of a feasible box); a step stopped there is accepted.

    Returns
    -------
    loss, grad, t, evaluations
        The loss and gradient at the step chosen, the step, and the number of evaluations.
    """
    scale = float(xp.abs(direction).max())
    start = _Point(0, loss, grad.copy(), slope)
    previous = start
    f_new, g_new = evaluate(t)
    current = _Point(t, f_new, g_new, float(g_new @ direction))
    evaluations = 1
    done = False
    bracket = None
    iteration = 0
    while iteration < max_ls:
        if (current.f > loss + c1 * current.t * slope
                or (iteration > 1 and current.f >= previous.f)):
            bracket = [previous, current]
            break
        if abs(current.slope) <= -c2 * slope:
            bracket = [current]
            done = True
            break
        if current.slope >= 0:
            bracket = [previous, current]
            break
        if max_step is not None and current.t >= max_step:
            # at the edge of the box, still going down: the edge is the step
            bracket = [current]
            done = True
            break
        low = current.t + 0.01 * (current.t - previous.t)
        high = current.t * 10 if max_step is None else min(current.t * 10, max_step)
        t = _cubic_minimum(previous.t, previous.f, previous.slope,
                           current.t, current.f, current.slope, bounds=(low, high))
        previous = current
        f_new, g_new = evaluate(t)
        current = _Point(t, f_new, g_new, float(g_new @ direction))
        evaluations += 1
        iteration += 1
    if iteration == max_ls:
        # no bracket in the evaluations allowed: the best of the start and the last trial
        bracket = [start, current]
    # the end with the lower loss, which the zoom keeps, and the other end
    lo, hi = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    stalled = False
    while not done and iteration < max_ls:
        a, b = bracket[0].t, bracket[1].t
        if abs(b - a) * scale < tolerance_change:
            break
        t = _cubic_minimum(a, bracket[0].f, bracket[0].slope, b, bracket[1].f, bracket[1].slope)
        # A trial too near an end point makes little progress: the second time in a row (or
        # when it falls outside), move it to 10 % of the bracket's length from that end.
        left, right = min(a, b), max(a, b)
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:
            if stalled or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                stalled = False
            else:
                stalled = True
        else:
            stalled = False
        f_new, g_new = evaluate(t)
        trial = _Point(t, f_new, g_new, float(g_new @ direction))
        evaluations += 1
        iteration += 1
        if trial.f > loss + c1 * t * slope or trial.f >= bracket[lo].f:
            bracket[hi] = trial
            lo, hi = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if abs(trial.slope) <= -c2 * slope:
                done = True
            elif trial.slope * (bracket[hi].t - bracket[lo].t) >= 0:
                # the minimum lies between the old low end and the trial: the low end becomes
                # the high one
                bracket[hi] = bracket[lo]
            bracket[lo] = trial
    best = bracket[lo]
    return best.f, best.g, best.t, evaluations


def backtracking(evaluate, t, loss, slope, c1=1e-4, shrink=0.5, max_ls=25):
    """Halve t until the sufficient-decrease (Armijo) condition L(w + t d) ≤ L(w) + c₁ t gᵀd
    holds, or ``max_ls`` evaluations are spent.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(t)`` returns (L(w + t d), ∇L(w + t d)).
    t : float
        The first step tried.
    loss, slope : float
        L(w) and gᵀd (< 0).
    c1 : float, default 1e-4
    shrink : float, default 0.5
        The factor t is multiplied by after each failure.
    max_ls : int, default 25

    Returns
    -------
    loss, grad, t, evaluations
        At the last step tried.
    """
    evaluations = 0
    while True:
        f_new, g_new = evaluate(t)
        evaluations += 1
        if f_new <= loss + c1 * t * slope or evaluations >= max_ls:
            return f_new, g_new, t, evaluations
        t *= shrink
