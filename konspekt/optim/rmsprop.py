"""``RMSprop``: steps scaled by a running root mean square of the gradients."""

from ..autograd.backend import xp
from .optimizer import Optimizer, _check_flags, _gradient, _next_step, _scalar, _zeros_like

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop: divide the gradient by a moving root mean square of its recent values.

    Adagrad's sum G only grows, so its steps die out; RMSprop forgets old gradients with an
    exponential moving average (Tieleman and Hinton, lecture 6.5 of "Neural networks for machine
    learning", 2012). With η = ``lr``, α = ``alpha``, ε = ``eps``, λ = ``weight_decay``,
    μ = ``momentum``:

        g ← ∇L(θ) + λθ                        (g ← −∇L(θ) + λθ with ``maximize``)
        E[g²] ← α E[g²] + (1 − α) g ⊙ g
        s = E[g²]                             (plain)
        s = E[g²] − E[g] ⊙ E[g],  E[g] ← α E[g] + (1 − α) g      (``centered``: the variance)
        without momentum:  θ ← θ − η g / (√s + ε)
        with momentum:     b ← μ b + g / (√s + ε),   θ ← θ − η b

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimise, or parameter groups.
    lr : float, default 1e-2
        The learning rate η.
    alpha : float, default 0.99
        α, the smoothing constant of the moving averages.
    eps : float, default 1e-8
        ε, added to the root mean square.
    weight_decay : float, default 0
        λ, the L2 penalty's coefficient.
    momentum : float, default 0
        μ, the momentum factor.
    centered : bool, default False
        Normalise by the estimated variance of the gradient instead of its second moment.
    capturable, foreach, differentiable : optional
        Accepted for torch compatibility; no effect (see ``SGD``).
    maximize : bool, default False
        Maximise the objective instead of minimising it.

    Attributes
    ----------
    state : dict
        ``state[p]``: ``'step'``, ``'square_avg'`` (E[g²]), ``'momentum_buffer'`` (b, with
        momentum) and ``'grad_avg'`` (E[g], when centered).

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0]))
    >>> opt = kp.optim.RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.98, -1.98], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        _check_flags(foreach, differentiable, None)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one RMSprop step; returns the closure's loss, or None."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, alpha, eps = float(group["lr"]), group["alpha"], group["eps"]
            momentum, centered = group["momentum"], group["centered"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = _scalar(0.0)
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        state["grad_avg"] = _zeros_like(p)
                _next_step(state)
                param = p.data
                g, _ = _gradient(param, p.grad.data, group["weight_decay"],
                                 group["maximize"])
                square_avg = state["square_avg"].data
                scratch = xp.multiply(g, g)
                scratch *= 1 - alpha
                square_avg *= alpha
                square_avg += scratch
                if centered:
                    grad_avg = state["grad_avg"].data
                    # E[g] + (1 − α)(g − E[g]): the moving average written as a lerp, as torch.
                    xp.subtract(g, grad_avg, out=scratch)
                    scratch *= 1 - alpha
                    grad_avg += scratch
                    xp.multiply(grad_avg, grad_avg, out=scratch)
                    xp.subtract(square_avg, scratch, out=scratch)
                    xp.sqrt(scratch, out=scratch)
                else:
                    xp.sqrt(square_avg, out=scratch)
                scratch += eps
                xp.divide(g, scratch, out=scratch)
                if momentum > 0:
                    buffer = state["momentum_buffer"].data
                    buffer *= momentum
                    buffer += scratch
                    xp.multiply(buffer, lr, out=scratch)
                else:
                    scratch *= lr
                param -= scratch
                p._bump_version()
        return loss
