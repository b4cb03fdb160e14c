"""``Adagrad``: per-coordinate learning rates from the sum of squared gradients."""

from ..autograd.backend import xp
from ..autograd.tensor import Tensor
from .optimizer import Optimizer, _check_flags, _gradient, _next_step, _scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad: each coordinate's step shrinks with the gradients it has already seen.

    Coordinates with large or frequent gradients get small steps, rare ones keep large steps
    (Duchi, Hazan and Singer, "Adaptive subgradient methods", JMLR 2011). At step t, with
    η = ``lr``, λ = ``weight_decay``, ε = ``eps``:

        g ← ∇L(θ) + λθ                       (g ← −∇L(θ) + λθ with ``maximize``)
        η_t = η / (1 + (t − 1)·``lr_decay``)
        G ← G + g ⊙ g                        (G₀ = ``initial_accumulator_value``)
        θ ← θ − η_t · g / (√G + ε)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimise, or parameter groups.
    lr : float, default 1e-2
        The learning rate η.
    lr_decay : float, default 0
        Decays the learning rate as η / (1 + (t − 1)·lr_decay).
    weight_decay : float, default 0
        λ, the L2 penalty's coefficient.
    initial_accumulator_value : float, default 0
        The starting value of every coordinate of G.
    eps : float, default 1e-10
        ε, added to √G for numerical stability.
    foreach : optional
        Accepted for torch compatibility; no effect.
    maximize : bool, default False
        Maximise the objective instead of minimising it.
    differentiable, fused : optional
        Accepted for torch compatibility (see ``SGD``).

    Attributes
    ----------
    state : dict
        ``state[p]``: ``'step'`` (t, a 0-d tensor) and ``'sum'`` (G), created with the optimiser
        as in torch.

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0]))
    >>> opt = kp.optim.Adagrad([w], lr=0.5)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.5, -1.5], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_flags(foreach, differentiable, fused)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        state = self.state[p]
        state["step"] = _scalar(0.0)
        state["sum"] = Tensor(xp.full_like(p.data, group["initial_accumulator_value"]))
        return state

    def step(self, closure=None):
        """Perform one Adagrad step; returns the closure's loss, or None."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps, lr_decay = float(group["lr"]), group["eps"], group["lr_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "sum" not in state:  # a group added after construction
                    state = self._init_state(p, group)
                t = _next_step(state)
                param = p.data
                g, _ = _gradient(param, p.grad.data, group["weight_decay"],
                                 group["maximize"])
                clr = lr / (1 + (t - 1) * lr_decay)
                total = state["sum"].data
                square = xp.multiply(g, g)
                total += square
                std = xp.sqrt(total, out=square)
                std += eps
                ratio = xp.divide(g, std, out=std)
                ratio *= clr
                param -= ratio
                p._bump_version()
        return loss
