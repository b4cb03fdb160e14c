"""``NaturalGradient``: natural-gradient descent with the empirical Fisher matrix, block-diagonal
per parameter tensor.
"""

import scipy.linalg

from ..autograd.backend import xp
from ..autograd.engine import grad as autograd_grad
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.tensor import Tensor, _make_tensor
from .optimizer import Optimizer

__all__ = ["NaturalGradient"]

_STRATEGIES = ("auto", "reverse-mode", "forward-mode")


def _solve_damped(fisher, gradient, damping):
    """(F + λI)⁻¹ g by Cholesky; the least-squares solution when F + λI is singular (λ = 0)."""
    matrix = fisher + damping * xp.eye(fisher.shape[0], dtype=fisher.dtype)
    try:
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(matrix), gradient)
    except scipy.linalg.LinAlgError:
        return xp.linalg.lstsq(matrix, gradient, rcond=None)[0]


class NaturalGradient(Optimizer):
    """Natural-gradient descent: w ← w − η (F + λI + κI)⁻¹ (∇L(w) + κw).

    The loss is a mean over examples, L(w) = (1/N) Σ_i ℓ_i(w), and F is the *empirical* Fisher
    matrix, the uncentred second moment of the per-example gradients g_i = ∇ℓ_i(w):
        F = (1/N) Σ_i g_i g_iᵀ,      ∇L = (1/N) Σ_i g_i.
    For a negative log-likelihood ℓ_i = −log p(y_i | x_i, w), F estimates the Fisher information
    E[∇log p ∇log pᵀ], the metric of the space of distributions p(· | w): the natural gradient
    F⁻¹∇L is the steepest-descent direction measured by the KL divergence rather than by the
    Euclidean length of the step in w (Amari, 1998), and it does not change when the model is
    reparametrised. When the model fits the data's distribution, F ≈ H (the Hessian), and the
    method behaves like Newton's.

    F is block-diagonal: one block F_p per parameter tensor p (its k_p × k_p matrix of the
    gradients' second moments), the cross terms between tensors neglected, so the update solves
    (F_p + λI) δ_p = ∇_p L for each tensor separately. λ (``damping``) keeps the blocks
    invertible where the gradients span too few directions (fewer examples than weights).

    An L2 penalty (κ/2)‖w‖² (``weight_decay=κ``) is kept out of the per-example losses: its
    Hessian is exactly κI, so it enters the matrix as κI and the gradient as κw, which makes the
    update (F_p + (λ + κ)I)⁻¹(∇_p L + κ w_p). (Put inside each ℓ_i, the penalty would add the
    rank-one terms κ²wwᵀ and κ(∇L wᵀ + w∇Lᵀ) to F but not its curvature κI.)

    The per-example gradients come from the autodiff engine: the closure returns the vector of
    the N per-example losses ℓ, and the Jacobian J = ∂ℓ/∂w (N × k) is built either by rows, one
    backward pass per example (``'reverse-mode'``), or by columns, differentiating the
    vector-Jacobian product Jᵀu once more with respect to u (one pass per weight,
    ``'forward-mode'``); ``'auto'`` takes the one with fewer passes.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters, or parameter groups (each may set its own ``lr`` and ``damping``).
    lr : float, default 1.0
        η.
    damping : float, default 1e-4
        λ ≥ 0.
    weight_decay : float, default 0
        κ ≥ 0, the coefficient of the L2 penalty (κ/2)‖w‖² added to the loss.
    strategy : {'auto', 'reverse-mode', 'forward-mode'}, default 'auto'
        How the per-example gradients are computed (same result).
    max_block_size : int, default 4096
        The largest parameter tensor allowed (its block has k_p² entries); ``ValueError`` above.

    Attributes
    ----------
    state : dict
        Per parameter: ``step`` (updates done).

    Examples
    --------
    The closure returns the per-example losses (a 1-D tensor, not their mean) and does not call
    ``backward``.

    >>> X = kp.randn(64, 3, dtype=kp.float64)
    >>> y = X @ kp.tensor([1.0, -2.0, 0.5], dtype=kp.float64) + 0.3 * kp.randn(64, dtype=kp.float64)
    >>> w = kp.zeros(3, dtype=kp.float64, requires_grad=True)
    >>> opt = kp.optim.NaturalGradient([w])
    >>> closure = lambda: (X @ w - y) ** 2
    >>> losses = [opt.step(closure).item() for _ in range(20)]
    >>> losses[-1] < losses[0]
    True
    """

    def __init__(self, params, lr=1.0, damping=1e-4, weight_decay=0.0, strategy="auto",
                 max_block_size=4096):
        lr, damping, weight_decay = float(lr), float(damping), float(weight_decay)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= damping:
            raise ValueError(f"Invalid damping value: {damping}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if strategy not in _STRATEGIES:
            raise ValueError(f"strategy must be one of {_STRATEGIES}, got {strategy!r}")
        super().__init__(params, {"lr": lr, "damping": damping,
                                  "weight_decay": weight_decay})
        self.strategy = strategy
        for group in self.param_groups:
            for p in group["params"]:
                if p.numel() > max_block_size:
                    raise ValueError(f"NaturalGradient builds a k × k Fisher block per tensor: a "
                                     f"parameter of shape {list(p.shape)} has k = {p.numel()} > "
                                     f"max_block_size={max_block_size}")

    def _parameters(self):
        return [p for group in self.param_groups for p in group["params"] if p.requires_grad]

    def per_example_gradients(self, losses, params=None):
        """The Jacobian of the per-example losses: one (N, k_p) array per parameter tensor.

        Parameters
        ----------
        losses : Tensor
            ℓ, shape (N,), recorded.
        params : list of Tensor, optional
            By default every parameter of the optimiser.

        Returns
        -------
        list of ndarray
            Row i of the p-th array is ∇_p ℓ_i.
        """
        params = self._parameters() if params is None else params
        n = losses.shape[0]
        total = sum(p.numel() for p in params)
        forward = (self.strategy == "forward-mode"
                   or (self.strategy == "auto" and total + 1 < n))
        jacobians = [xp.zeros((n, p.numel()), dtype=p.data.dtype) for p in params]
        with enable_grad():
            if forward:
                # v(u) = Jᵀu is linear in u, so ∂v_j/∂u is column j of J
                u = _make_tensor(xp.zeros(n, dtype=losses.data.dtype), True)
                products = autograd_grad(losses, params, grad_outputs=u, create_graph=True,
                                         allow_unused=True)
                for J, v in zip(jacobians, products):
                    if v is None or not v.requires_grad:
                        continue
                    flat = v.reshape(-1)
                    for j in range(J.shape[1]):
                        (column,) = autograd_grad(flat[j], u, retain_graph=True,
                                                  allow_unused=True)
                        if column is not None:
                            J[:, j] = column.data
            else:
                unit = xp.zeros(n, dtype=losses.data.dtype)
                for i in range(n):
                    unit[i] = 1.0
                    rows = autograd_grad(losses, params, grad_outputs=_make_tensor(unit.copy()),
                                         retain_graph=i < n - 1, allow_unused=True)
                    unit[i] = 0.0
                    for J, row in zip(jacobians, rows):
                        if row is not None:
                            J[i] = row.data.reshape(-1)
        return jacobians

    @no_grad()
    def step(self, closure=None):
        """One natural-gradient update; returns the mean loss L(w) before it.

        Parameters
        ----------
        closure : callable
            Re-evaluates the model and returns the per-example losses ℓ (shape (N,)), without
            calling ``backward``.
        """
        if closure is None:
            raise RuntimeError("NaturalGradient requires a closure that returns the vector of "
                               "per-example losses")
        with enable_grad():
            losses = closure()
        if not isinstance(losses, Tensor) or losses.ndim != 1:
            raise ValueError("the closure must return the per-example losses as a 1-D tensor of "
                             f"shape (N,), got {getattr(losses, 'shape', type(losses).__name__)}")
        n = losses.shape[0]
        params = self._parameters()
        jacobians = self.per_example_gradients(losses, params)
        blocks = dict(zip(map(id, params), jacobians))
        for group in self.param_groups:
            for p in group["params"]:
                if id(p) not in blocks:
                    continue
                J = blocks[id(p)]
                decay = group["weight_decay"]
                gradient = J.sum(axis=0) / n + decay * p.data.reshape(-1)
                fisher = (J.T @ J) / n
                delta = _solve_damped(fisher, gradient, group["damping"] + decay)
                p.data -= (group["lr"] * delta).reshape(p.shape).astype(p.data.dtype,
                                                                        copy=False)
                p._bump_version()
                state = self.state[p]
                state["step"] = state.get("step", 0) + 1
        return losses.detach().mean()
