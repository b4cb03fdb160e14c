"""``NAdam``: Adam with Nesterov's look-ahead momentum."""

from ..autograd.backend import xp
from .adam import _check_adam_hyperparameters
from .optimizer import Optimizer, _check_flags, _gradient, _next_step, _scalar, _zeros_like

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam: Adam whose momentum step looks ahead, as Nesterov's does.

    Dozat, "Incorporating Nesterov momentum into Adam", ICLR workshop 2016. Nesterov's idea in
    Adam's terms: instead of stepping along the current average m_t, step along the average the
    *next* step will use, μ_{t+1} m_t + (1 − μ_t) g_t. The momentum factor follows a warm-up
    schedule (ψ = ``momentum_decay``), and the bias correction uses the product of the factors.
    At step t, with η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, λ = ``weight_decay``:

        g ← ∇L(θ) + λθ             (or θ ← θ − ηλθ with ``decoupled_weight_decay``)
        μ_t = β₁ (1 − ½ · 0.96^{tψ}),   μ_{t+1} = β₁ (1 − ½ · 0.96^{(t+1)ψ})
        m ← β₁ m + (1 − β₁) g,    v ← β₂ v + (1 − β₂) g ⊙ g
        v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η (1 − μ_t) / (1 − ∏_{i≤t} μ_i) · g / (√v̂ + ε)
              − η μ_{t+1} / (1 − ∏_{i≤t+1} μ_i) · m / (√v̂ + ε)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimise, or parameter groups.
    lr : float, default 2e-3
        The learning rate η.
    betas : (float, float), default (0.9, 0.999)
        β₁ and β₂.
    eps : float, default 1e-8
        ε, added to √v̂.
    weight_decay : float, default 0
        λ, the weight decay.
    momentum_decay : float, default 4e-3
        ψ, the speed of the momentum factor's warm-up.
    decoupled_weight_decay : bool, default False
        Decay θ directly, as AdamW (NAdamW), instead of adding λθ to the gradient.
    foreach, capturable, differentiable : optional
        Accepted for torch compatibility; no effect (see ``SGD``).
    maximize : bool, default False
        Maximise the objective instead of minimising it.

    Attributes
    ----------
    state : dict
        ``state[p]``: ``'step'``, ``'mu_product'`` (∏ μ_i, kept in the default dtype as in
        torch), ``'exp_avg'`` (m) and ``'exp_avg_sq'`` (v).

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0], dtype=kp.float64))
    >>> opt = kp.optim.NAdam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w.detach().numpy().round(4)
    array([ 0.8944, -1.8944])
    """

    _scalar_state = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_adam_hyperparameters(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        _check_flags(foreach, differentiable, None)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one NAdam step; returns the closure's loss, or None."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps = float(group["lr"]), group["eps"]
            beta1, beta2 = group["betas"]
            weight_decay, psi = group["weight_decay"], group["momentum_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = _scalar(0.0)
                    state["mu_product"] = _scalar(1.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                t = _next_step(state)
                param = p.data
                if group["decoupled_weight_decay"] and weight_decay != 0:
                    param *= 1 - lr * weight_decay
                    g, owned = _gradient(param, p.grad.data, 0, group["maximize"])
                else:
                    g, owned = _gradient(param, p.grad.data, weight_decay, group["maximize"])
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
                mu_product = state["mu_product"].data
                mu_product *= mu
                product = float(mu_product)
                m, v = state["exp_avg"].data, state["exp_avg_sq"].data
                scratch = xp.multiply(g, g)
                scratch *= 1 - beta2
                v *= beta2
                v += scratch
                xp.subtract(g, m, out=scratch)
                scratch *= 1 - beta1
                m += scratch
                denominator = xp.divide(v, 1 - beta2 ** t, out=scratch)
                xp.sqrt(denominator, out=denominator)
                denominator += eps
                step = xp.divide(g, denominator, out=g if owned else None)
                step *= lr * (1.0 - mu) / (1.0 - product)
                param -= step
                xp.divide(m, denominator, out=step)
                step *= lr * mu_next / (1.0 - product * mu_next)
                param -= step
                p._bump_version()
        return loss
