"""``BFGS``: the quasi-Newton method of Broyden, Fletcher, Goldfarb and Shanno, with the full
N × N approximation of the inverse Hessian (for models of up to a few thousand weights; use
``LBFGS`` beyond).
"""

import warnings

from ..autograd.backend import xp
from ..autograd.grad_mode import no_grad
from .line_search import FlatParameters, strong_wolfe
from .optimizer import Optimizer

__all__ = ["BFGS"]


class BFGS(Optimizer):
    """BFGS with a strong-Wolfe line search.

    C ≈ H⁻¹ is kept as a dense matrix. One call of ``step(closure)`` runs up to ``max_iter``
    iterations, each
      1. d = −C g;
      2. a step t satisfying the strong Wolfe conditions (first trial t = lr, and
         t = min(1, 1/‖g‖₁)·lr on the first iteration, when C = I says nothing of the scale);
      3. w ← w + t d, and with s = t d, y = ∇L(w_new) − ∇L(w), ρ = 1/(yᵀs):
             C ← (I − ρ s yᵀ) C (I − ρ y sᵀ) + ρ s sᵀ,
         the BFGS update, which satisfies the secant condition C y = s and keeps C symmetric
         positive definite when yᵀs > 0; the update is skipped when yᵀs ≤ 10⁻¹⁰. Before the
         first update C = I is rescaled to (yᵀs / yᵀy)·I (Nocedal & Wright, eq. 6.20).
    The stopping rules are those of ``LBFGS``: max|g_i| ≤ ``tolerance_grad``, gᵀd >
    −``tolerance_change``, max|t d_i| or |ΔL| below ``tolerance_change``, ``max_eval``
    evaluations.

    Parameters
    ----------
    params : iterable of Tensor
        One parameter group only.
    lr : float, default 1
    max_iter : int, default 20
        Iterations per ``step``.
    max_eval : int, optional
        Closure evaluations per ``step``; ``max_iter * 5 // 4`` when omitted.
    tolerance_grad : float, default 1e-7
    tolerance_change : float, default 1e-9
    line_search_fn : {'strong_wolfe', None}, default 'strong_wolfe'
        None takes the step t = lr without a search.
    max_params : int, default 10000
        Above this many weights a warning says that C (N² numbers) is large.

    Attributes
    ----------
    state : dict
        Under the first parameter: ``inverse_hessian`` (C), ``updated`` (whether C has been
        rescaled and updated yet), ``func_evals``, ``n_iter``.

    Examples
    --------
    >>> w = kp.tensor([-1.2, 1.0], dtype=kp.float64, requires_grad=True)
    >>> opt = kp.optim.BFGS([w], max_iter=100)
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> [round(v, 3) for v in w.tolist()]
    [1.0, 1.0]
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, line_search_fn="strong_wolfe", max_params=10000):
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
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("BFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._flat = FlatParameters(self._params)
        if self._flat.numel > max_params:
            warnings.warn(f"BFGS keeps an N × N matrix: N = {self._flat.numel} weights is above "
                          f"max_params={max_params} ({self._flat.numel ** 2 * 8 / 2 ** 20:.0f} "
                          "MiB in float64); LBFGS needs O(N·history_size)", stacklevel=2)

    @staticmethod
    def _update(state, s, y):
        """The BFGS update of C from the pair (s, y), skipped when yᵀs ≤ 10⁻¹⁰."""
        ys = float(y @ s)
        if ys <= 1e-10:
            return
        C = state["inverse_hessian"]
        if not state["updated"]:
            C *= ys / float(y @ y)
            state["updated"] = True
        rho = 1.0 / ys
        Cy = C @ y
        # (I − ρ s yᵀ) C (I − ρ y sᵀ) + ρ s sᵀ, expanded (C is symmetric): O(N²), not O(N³)
        C -= rho * (xp.outer(s, Cy) + xp.outer(Cy, s))
        C += (rho * rho * float(y @ Cy) + rho) * xp.outer(s, s)

    @no_grad()
    def step(self, closure=None):
        """Run up to ``max_iter`` iterations; returns the loss at the start of the step.

        Parameters
        ----------
        closure : callable
            Clears the gradients, evaluates the model, calls ``backward`` and returns the loss.
        """
        if closure is None:
            raise RuntimeError("BFGS requires a closure that re-evaluates the model and returns "
                               "the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        flat = self._flat
        state = self.state[self._params[0]]
        if "inverse_hessian" not in state:
            state.update(inverse_hessian=xp.eye(flat.numel, dtype=flat.dtype), updated=False,
                         func_evals=0, n_iter=0)

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
            d = -(state["inverse_hessian"] @ flat_grad)
            slope = float(flat_grad @ d)
            if slope > -tolerance_change:
                break
            t = lr
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(xp.abs(flat_grad).sum())) * lr
            previous_grad, previous_loss = flat_grad, loss
            if group["line_search_fn"] == "strong_wolfe":
                loss, flat_grad, t, used = strong_wolfe(
                    flat.along(closure, d), t, d, loss, flat_grad, slope,
                    max_ls=max(max_eval - evaluations, 1))
                flat.add_(t, d)
            else:
                flat.add_(t, d)
                loss, flat_grad = flat.evaluate(closure)
                used = 1
            evaluations += used
            state["func_evals"] += used
            self._update(state, t * d, flat_grad - previous_grad)
            if (evaluations >= max_eval or xp.abs(flat_grad).max() <= tolerance_grad
                    or xp.abs(d * t).max() <= tolerance_change
                    or abs(loss - previous_loss) < tolerance_change):
                break
        return first_loss
