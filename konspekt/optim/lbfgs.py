"""``LBFGS``: limited-memory BFGS with torch.optim.LBFGS's signature and trajectory, and box
constraints (``bounds=``) that make it L-BFGS-B.

The quasi-Newton idea of the lecture: replace the Hessian H of Newton's method by an
approximation built from the last m changes of the weights and of the gradient,
    s_k = w_{k+1} − w_k,    y_k = ∇L(w_{k+1}) − ∇L(w_k),
so that the approximation C ≈ H⁻¹ satisfies the secant condition C y_k = s_k. L-BFGS never forms
C: the product C·g is computed from the m stored pairs by the two-loop recursion (Nocedal &
Wright, *Numerical Optimization*, algorithm 7.4), in O(m·N) time and memory.
"""

from ..autograd.backend import xp
from ..autograd.grad_mode import no_grad
from .box_constraints import (box_from_bounds, cauchy_point, compact_representation,
                              largest_feasible_step, projected_gradient, subspace_minimum)
from .line_search import FlatParameters, backtracking, strong_wolfe
from .optimizer import Optimizer

__all__ = ["LBFGS"]


def two_loop_recursion(grad, steps, changes, rhos, h_diag):
    """The L-BFGS direction d = −C·g from the stored pairs (s_i, y_i), ρ_i = 1/(y_iᵀs_i).

    First loop (newest to oldest):  α_i = ρ_i s_iᵀq,  q ← q − α_i y_i,      starting at q = −g;
    scaling:                         r = γ q,  γ = sᵀy / yᵀy of the newest pair (C₀ = γI);
    second loop (oldest to newest): β_i = ρ_i y_iᵀr,  r ← r + (α_i − β_i) s_i;
    d = r.
    """
    q = -grad
    alphas = [0.0] * len(steps)
    for i in range(len(steps) - 1, -1, -1):
        alphas[i] = float(steps[i] @ q) * rhos[i]
        q -= alphas[i] * changes[i]
    r = q * h_diag
    for i in range(len(steps)):
        beta = float(changes[i] @ r) * rhos[i]
        r += (alphas[i] - beta) * steps[i]
    return r


class LBFGS(Optimizer):
    """Limited-memory BFGS, with an optional strong-Wolfe line search and optional bounds.

    One call of ``step(closure)`` runs up to ``max_iter`` iterations, each
      1. d = −C·g by the two-loop recursion over the last ``history_size`` pairs (s, y)
         (d = −g on the very first iteration); a pair is stored only if yᵀs > 10⁻¹⁰, which
         keeps C positive definite;
      2. a step t: t = lr, except t = min(1, 1/‖g‖₁)·lr on the first iteration (the scale of
         C is unknown then); with ``line_search_fn='strong_wolfe'`` this t is the first trial of
         the strong-Wolfe search;
      3. w ← w + t·d,
    stopping early when max|g_i| ≤ ``tolerance_grad``, when gᵀd > −``tolerance_change`` (no
    descent), when the step max|t d_i| or the change of the loss falls below
    ``tolerance_change``, or after ``max_eval`` evaluations of the closure. These are
    torch.optim.LBFGS's rules, so that the iterates are the same (tested to 10⁻⁶ in float64).

    With ``bounds`` (l ≤ w ≤ u) each iteration is that of L-BFGS-B (Byrd, Lu, Nocedal & Zhu,
    1995), on the compact form of the BFGS matrix B = θI − W M Wᵀ built from the same pairs:
      1. the generalised Cauchy point w^c: the first local minimiser of the quadratic model
         m(w) = gᵀ(w − w_k) + ½ (w − w_k)ᵀ B (w − w_k) along the projected steepest-descent
         path P(w_k − τ g), P(w)_i = min(max(w_i, l_i), u_i) (the path bends at each bound);
      2. subspace minimisation: the variables at a bound at w^c are fixed, the model is minimised
         over the free ones, and the result w̄ is projected into the box;
      3. a line search along d = w̄ − w_k, within the box (t ≤ the largest feasible step),
         first trying t = lr (min(1, 1/‖d‖₁)·lr on the first iteration): strong Wolfe with
         ``line_search_fn='strong_wolfe'``, else backtracking (Armijo), since a step taken
         without any test could increase the loss;
    and the optimality test is on the projected gradient, max|P(w − g) − w| ≤ ``tolerance_grad``.
    A starting point outside the box is first projected into it.

    Parameters
    ----------
    params : iterable of Tensor
        One parameter group only (the weights form one vector w).
    lr : float, default 1
    max_iter : int, default 20
        Iterations per ``step``.
    max_eval : int, optional
        Closure evaluations per ``step``; ``max_iter * 5 // 4`` when omitted.
    tolerance_grad : float, default 1e-7
    tolerance_change : float, default 1e-9
    history_size : int, default 100
        m, the number of pairs kept.
    line_search_fn : {None, 'strong_wolfe'}, default None
    bounds : list, optional
        One entry per parameter: None (unbounded) or a pair (low, high), each None (no bound on
        that side), a number, or an array broadcastable to the parameter's shape (bounds per
        element).

    Attributes
    ----------
    state : dict
        Under the first parameter: ``func_evals``, ``n_iter``, the last direction ``d`` and step
        ``t``, the pairs ``old_dirs`` (y), ``old_stps`` (s), ``ro`` (ρ), ``H_diag`` (γ),
        ``prev_flat_grad`` and ``prev_loss`` (torch's names).

    Examples
    --------
    >>> w = kp.tensor([-1.2, 1.0], dtype=kp.float64, requires_grad=True)
    >>> opt = kp.optim.LBFGS([w], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    ...     loss.backward()
    ...     return loss
    >>> for _ in range(5):
    ...     _ = opt.step(closure)
    >>> [round(v, 3) for v in w.tolist()]
    [1.0, 1.0]
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None, bounds=None):
        lr = float(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"line_search_fn must be None or 'strong_wolfe', got "
                             f"{line_search_fn!r}")
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._flat = FlatParameters(self._params)
        self._box = None if bounds is None else box_from_bounds(bounds, self._params)

    def _history(self, state, flat_grad, history_size):
        """Store the newest pair (s, y) if yᵀs > 10⁻¹⁰, dropping the oldest beyond m."""
        y = flat_grad - state["prev_flat_grad"]
        s = state["d"] * state["t"]
        ys = float(y @ s)
        if ys > 1e-10:
            if len(state["old_dirs"]) == history_size:
                for key in ("old_dirs", "old_stps", "ro"):
                    state[key].pop(0)
            state["old_dirs"].append(y)
            state["old_stps"].append(s)
            state["ro"].append(1.0 / ys)
            state["H_diag"] = ys / float(y @ y)

    @no_grad()
    def step(self, closure=None):
        """Run up to ``max_iter`` iterations; returns the loss at the start of the step.

        Parameters
        ----------
        closure : callable
            Clears the gradients, evaluates the model, calls ``backward`` and returns the loss;
            called several times per step.
        """
        if closure is None:
            raise RuntimeError("LBFGS requires a closure that re-evaluates the model and "
                               "returns the loss")
        if self._box is not None:
            return self._step_bounded(closure)
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        flat = self._flat
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss = self._evaluate(closure)
        loss = float(first_loss)
        flat_grad = flat.gradient()
        evaluations = 1
        state["func_evals"] += 1
        if xp.abs(flat_grad).max() <= tolerance_grad:
            return first_loss

        iteration = 0
        while iteration < max_iter:
            iteration += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1.0)
            else:
                self._history(state, flat_grad, group["history_size"])
                d = two_loop_recursion(flat_grad, state["old_stps"], state["old_dirs"],
                                       state["ro"], state["H_diag"])
            state["prev_flat_grad"] = flat_grad.copy()
            state["prev_loss"] = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(xp.abs(flat_grad).sum())) * lr
            else:
                t = lr
            state["d"], state["t"] = d, t
            slope = float(flat_grad @ d)
            if slope > -tolerance_change:
                break

            used = 0
            if group["line_search_fn"] == "strong_wolfe":
                # torch's search uses its default tolerance_change, not the group's
                loss, flat_grad, t, used = strong_wolfe(
                    flat.along(closure, d), t, d, loss, flat_grad, slope,
                    max_ls=max_eval - evaluations)
                state["t"] = t
                flat.add_(t, d)
                converged = xp.abs(flat_grad).max() <= tolerance_grad
            else:
                flat.add_(t, d)
                converged = False
                if iteration != max_iter:
                    # the loss at the new point; skipped on the last iteration, whose result
                    # the next step evaluates anyway
                    loss, flat_grad = flat.evaluate(closure)
                    converged = xp.abs(flat_grad).max() <= tolerance_grad
                    used = 1
            evaluations += used
            state["func_evals"] += used

            if (iteration == max_iter or evaluations >= max_eval or converged
                    or xp.abs(d * t).max() <= tolerance_change
                    or abs(loss - state["prev_loss"]) < tolerance_change):
                break
        return first_loss

    def _step_bounded(self, closure):
        """The L-BFGS-B iterations (see the class docstring)."""
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        lower, upper = self._box
        flat = self._flat
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        x = flat.values()
        inside = xp.clip(x, lower, upper)
        if not xp.array_equal(inside, x):
            flat.set_(inside)
            x = inside
        first_loss = self._evaluate(closure)
        loss = float(first_loss)
        flat_grad = flat.gradient()
        evaluations = 1
        state["func_evals"] += 1
        if xp.abs(projected_gradient(x, flat_grad, lower, upper)).max() <= tolerance_grad:
            return first_loss

        iteration = 0
        while iteration < max_iter:
            iteration += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1.0)
            else:
                self._history(state, flat_grad, group["history_size"])
            theta, W, M = compact_representation(state["old_stps"], state["old_dirs"],
                                                 state["H_diag"], x.dtype)
            corner, c = cauchy_point(x, flat_grad, lower, upper, theta, W, M)
            target = subspace_minimum(x, flat_grad, lower, upper, theta, W, M, corner, c)
            d = target - x
            state["prev_flat_grad"] = flat_grad.copy()
            state["prev_loss"] = loss
            slope = float(flat_grad @ d)
            if slope > -tolerance_change:
                state["d"], state["t"] = d, 0.0
                break
            t_max = largest_feasible_step(x, d, lower, upper)
            t = lr
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(xp.abs(d).sum())) * lr
            t = min(t, t_max)
            evaluate = flat.along(closure, d)
            budget = max(max_eval - evaluations, 1)
            if group["line_search_fn"] == "strong_wolfe":
                loss, flat_grad, t, used = strong_wolfe(evaluate, t, d, loss, flat_grad, slope,
                                                        max_ls=budget, max_step=t_max)
            else:
                loss, flat_grad, t, used = backtracking(evaluate, t, loss, slope, max_ls=budget)
            # the step lands exactly on the bounds it reaches, not a rounding error past them
            x = xp.clip(x + t * d, lower, upper)
            flat.set_(x)
            state["d"], state["t"] = d, t
            evaluations += used
            state["func_evals"] += used

            converged = (xp.abs(projected_gradient(x, flat_grad, lower, upper)).max()
                         <= tolerance_grad)
            if (iteration == max_iter or evaluations >= max_eval or converged
                    or xp.abs(d * t).max() <= tolerance_change
                    or abs(loss - state["prev_loss"]) < tolerance_change):
                break
        return first_loss
