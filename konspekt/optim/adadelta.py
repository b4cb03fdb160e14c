"""``Adadelta``: RMSprop whose step carries its own units, without a global learning rate."""

from ..autograd.backend import xp
from .optimizer import Optimizer, _check_flags, _gradient, _next_step, _scalar, _zeros_like

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta: the step is RMS[Δθ] / RMS[g] · g, so it has the units of θ.

    Zeiler ("ADADELTA: an adaptive learning rate method", 2012) replaces the learning rate of
    RMSprop with a running root mean square of the past updates; the course's form has η = 1.
    With ρ = ``rho``, ε = ``eps``, λ = ``weight_decay``, η = ``lr``:

        g ← ∇L(θ) + λθ                         (g ← −∇L(θ) + λθ with ``maximize``)
        E[g²] ← ρ E[g²] + (1 − ρ) g ⊙ g
        Δθ = √(E[Δθ²] + ε) / √(E[g²] + ε) ⊙ g
        E[Δθ²] ← ρ E[Δθ²] + (1 − ρ) Δθ ⊙ Δθ
        θ ← θ − η Δθ

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimise, or parameter groups.
    lr : float, default 1.0
        η, a factor on the step (1 in Zeiler's method).
    rho : float, default 0.9
        ρ, the decay of both running averages.
    eps : float, default 1e-6
        ε, inside both square roots.
    weight_decay : float, default 0
        λ, the L2 penalty's coefficient.
    foreach, capturable, differentiable : optional
        Accepted for torch compatibility; no effect (see ``SGD``).
    maximize : bool, default False
        Maximise the objective instead of minimising it.

    Attributes
    ----------
    state : dict
        ``state[p]``: ``'step'``, ``'square_avg'`` (E[g²]) and ``'acc_delta'`` (E[Δθ²]).

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0], dtype=kp.float64))
    >>> opt = kp.optim.Adadelta([w])
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w.detach().numpy().round(5)
    array([ 0.99684, -1.99684])
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_flags(foreach, differentiable, None)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one Adadelta step; returns the closure's loss, or None."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, rho, eps = float(group["lr"]), group["rho"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = _scalar(0.0)
                    state["square_avg"] = _zeros_like(p)
                    state["acc_delta"] = _zeros_like(p)
                _next_step(state)
                param = p.data
                g, _ = _gradient(param, p.grad.data, group["weight_decay"],
                                 group["maximize"])
                square_avg, acc_delta = state["square_avg"].data, state["acc_delta"].data
                scratch = xp.multiply(g, g)
                scratch *= 1 - rho
                square_avg *= rho
                square_avg += scratch
                std = xp.add(square_avg, eps, out=scratch)
                xp.sqrt(std, out=std)
                delta = xp.add(acc_delta, eps)
                xp.sqrt(delta, out=delta)
                delta /= std
                delta *= g
                xp.multiply(delta, delta, out=scratch)
                scratch *= 1 - rho
                acc_delta *= rho
                acc_delta += scratch
                if lr != 1.0:
                    delta *= lr
                param -= delta
                p._bump_version()
        return loss
