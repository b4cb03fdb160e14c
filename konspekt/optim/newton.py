"""``Newton``: the Newton–Raphson method with the exact Hessian from the autodiff engine, damped
(Levenberg–Marquardt) where the Hessian is not positive definite.
"""

import scipy.linalg

from ..autograd.backend import xp
from ..autograd.engine import grad as autograd_grad
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.ops.shape import cat
from ..autograd.tensor import _make_tensor
from .line_search import FlatParameters, strong_wolfe
from .optimizer import Optimizer

__all__ = ["Newton"]


def _cholesky(matrix):
    """The Cholesky factorisation (for ``cho_solve``), or None when the matrix is not
    (numerically) positive definite."""
    try:
        return scipy.linalg.cho_factor(matrix)
    except scipy.linalg.LinAlgError:
        return None


class Newton(Optimizer):
    """Newton–Raphson: w ← w − μ_t · (H + λI)⁻¹ ∇L(w), with H = ∇²L(w) exact.

    The quadratic model L(w + δ) ≈ L(w) + ∇Lᵀδ + ½ δᵀHδ has its minimum at δ = −H⁻¹∇L when H
    is positive definite; near a minimum the method then converges quadratically. At a saddle or
    a maximum (H not positive definite) that δ is not a descent direction, so the damping λ is
    raised until H + λI is (a Cholesky factorisation succeeds): λ = ``damping`` first, then
    max(10 λ, 10⁻⁶ (1 + max_i |H_ii|)) and ×10 until it works (Levenberg–Marquardt; large λ
    turns the step into gradient descent with rate μ_t/λ).

    H is built row by row from the autodiff engine: ∇L is computed with ``create_graph=True``,
    then row i of H is ∇(∂L/∂w_i), one more backward pass per weight, N passes and an N × N
    matrix in all. That limits the method to small models (``max_params``).

    One call of ``step(closure)`` is one Newton iteration. The step size μ_t is ``lr``, or, with
    ``line_search_fn='strong_wolfe'``, the strong-Wolfe step found from the first trial ``lr``.

    Parameters
    ----------
    params : iterable of Tensor
        One parameter group only (H couples all the weights).
    lr : float, default 1.0
        μ, the step size (1 is the pure Newton step).
    damping : float, default 0.0
        λ ≥ 0 added to the diagonal of H at every step (raised further when needed).
    line_search_fn : {None, 'strong_wolfe'}, default None
    max_params : int, default 5000
        The most weights allowed; above it, ``ValueError`` (H would need N backward passes and
        N² numbers).

    Attributes
    ----------
    state : dict
        Under the first parameter: ``step`` (iterations done), ``damping`` (the λ used last)
        and ``func_evals``.

    Examples
    --------
    The closure returns the loss *without* calling ``backward``: Newton differentiates it twice
    itself.

    >>> w = kp.tensor([-1.2, 1.0], dtype=kp.float64, requires_grad=True)
    >>> opt = kp.optim.Newton([w])
    >>> closure = lambda: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    >>> for _ in range(10):
    ...     _ = opt.step(closure)
    >>> [round(v, 6) for v in w.tolist()]
    [1.0, 1.0]
    """

    def __init__(self, params, lr=1.0, damping=0.0, line_search_fn=None, max_params=5000):
        lr, damping = float(lr), float(damping)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= damping:
            raise ValueError(f"Invalid damping value: {damping}")
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"line_search_fn must be None or 'strong_wolfe', got "
                             f"{line_search_fn!r}")
        super().__init__(params, {"lr": lr, "damping": damping, "line_search_fn": line_search_fn})
        if len(self.param_groups) != 1:
            raise ValueError("Newton doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._flat = FlatParameters(self._params)
        if self._flat.numel > max_params:
            raise ValueError(f"Newton builds the N × N Hessian: N = {self._flat.numel} weights is "
                             f"above max_params={max_params}; use LBFGS or BFGS, or raise "
                             "max_params")

    def _loss_gradient(self, closure, create_graph):
        """L(w) and ∇L(w): a recorded tensor when ``create_graph``, else an array."""
        with enable_grad():
            loss = closure()
            grads = autograd_grad(loss, self._params, create_graph=create_graph,
                                  allow_unused=True)
            pieces = [_make_tensor(xp.zeros(p.numel(), p.data.dtype)) if g is None
                      else g.reshape(-1) for g, p in zip(grads, self._params)]
            if create_graph:
                return loss, cat(pieces)
        return loss, xp.concatenate([piece.data for piece in pieces]).astype(self._flat.dtype)

    def hessian(self, closure):
        """L(w), ∇L(w) and the Hessian H = ∇²L(w) as arrays, H row by row by double backward.

        Parameters
        ----------
        closure : callable
            Returns the loss (without calling ``backward``).

        Returns
        -------
        loss : Tensor
        gradient : ndarray, shape (N,)
        hessian : ndarray, shape (N, N)
        """
        n = self._flat.numel
        with enable_grad():
            loss, gradient = self._loss_gradient(closure, create_graph=True)
            H = xp.zeros((n, n), dtype=self._flat.dtype)
            if gradient.requires_grad:
                unit = xp.zeros(n, dtype=gradient.data.dtype)
                for i in range(n):
                    unit[i] = 1.0
                    rows = autograd_grad(gradient, self._params,
                                         grad_outputs=_make_tensor(unit.copy()),
                                         retain_graph=i < n - 1, allow_unused=True)
                    unit[i] = 0.0
                    H[i] = xp.concatenate([xp.zeros(p.numel()) if r is None
                                           else r.data.reshape(-1)
                                           for r, p in zip(rows, self._params)])
        # symmetric in exact arithmetic; averaging removes the rounding asymmetry
        return loss.detach(), gradient.data.copy(), (H + H.T) / 2

    def _direction(self, H, gradient, damping):
        """−(H + λI)⁻¹∇L with λ raised until H + λI is positive definite; returns it and λ."""
        scale = 1e-6 * (1.0 + float(xp.abs(xp.diag(H)).max(initial=0.0)))
        identity = xp.eye(H.shape[0], dtype=H.dtype)
        factor = _cholesky(H + damping * identity)
        while factor is None:
            damping = max(10.0 * damping, scale)
            factor = _cholesky(H + damping * identity)
        # (H + λI) δ = −∇L by two triangular solves with the factor
        return scipy.linalg.cho_solve(factor, -gradient), damping

    @no_grad()
    def step(self, closure=None):
        """One Newton iteration; returns the loss before it.

        Parameters
        ----------
        closure : callable
            Re-evaluates the model and returns the loss, without calling ``backward``.
        """
        if closure is None:
            raise RuntimeError("Newton requires a closure that re-evaluates the model and "
                               "returns the loss")
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("step", 0)
        state.setdefault("func_evals", 0)
        loss, gradient, H = self.hessian(closure)
        state["func_evals"] += 1
        d, state["damping"] = self._direction(H, gradient, group["damping"])
        state["step"] += 1
        slope = float(gradient @ d)
        if group["line_search_fn"] is None:
            self._flat.add_(group["lr"], d)
            return loss
        if slope >= 0:  # only at a stationary point, where d = 0
            return loss
        origin = self._flat.values()

        def evaluate(t):
            self._flat.add_(t, d)
            value, g = self._loss_gradient(closure, create_graph=False)
            self._flat.set_(origin)
            return float(value), g

        _, _, t, used = strong_wolfe(evaluate, group["lr"], d, float(loss), gradient, slope)
        state["func_evals"] += used
        self._flat.add_(t, d)
        return loss
