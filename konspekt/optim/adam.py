"""``Adam`` and ``AdamW``: momentum and RMSprop combined, with bias correction; AdamW decouples
the weight decay from the gradient."""

import functools

from ..autograd.backend import xp
from .optimizer import (Optimizer, _check_flags, _gradient, _next_step, _pieces, _run, _scalar,
                        _scratch, _zeros_like)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam: a step along the bias-corrected mean of the gradients, divided per coordinate by the
    root of their bias-corrected mean square.

    Kingma and Ba, "Adam: a method for stochastic optimization", ICLR 2015. At step t, with
    η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, λ = ``weight_decay``:

        g ← ∇L(θ) + λθ                  (g ← −∇L(θ) + λθ with ``maximize``)
        m ← β₁ m + (1 − β₁) g           (first moment: momentum)
        v ← β₂ v + (1 − β₂) g ⊙ g       (second moment: as RMSprop)
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (m₀ = v₀ = 0 bias the averages towards 0 early on)
        θ ← θ − η m̂ / (√v̂ + ε)

    With ``amsgrad`` (Reddi, Kale and Kumar, "On the convergence of Adam and beyond", 2018) the
    denominator uses the largest v seen so far, v_max ← max(v_max, v), so steps never grow
    because v shrank. With ``decoupled_weight_decay=True`` this is ``AdamW``: the decay is not
    added to g but applied to θ directly, θ ← θ − ηλθ, before the step.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimise, or parameter groups.
    lr : float, default 1e-3
        The learning rate η.
    betas : (float, float), default (0.9, 0.999)
        β₁ and β₂, the decay rates of the first- and second-moment averages.
    eps : float, default 1e-8
        ε, added to √v̂.
    weight_decay : float, default 0
        λ: L2 penalty added to the gradient (or decoupled, see above).
    amsgrad : bool, default False
        Use the AMSGrad variant.
    foreach, capturable, differentiable, fused : optional
        Accepted for torch compatibility; no effect (see ``SGD``).
    maximize : bool, default False
        Maximise the objective instead of minimising it.
    decoupled_weight_decay : bool, default False
        Decay θ directly (AdamW) instead of adding λθ to the gradient.

    Attributes
    ----------
    state : dict
        ``state[p]``: ``'step'`` (t), ``'exp_avg'`` (m), ``'exp_avg_sq'`` (v) and, with amsgrad,
        ``'max_exp_avg_sq'`` (v_max).

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0]))
    >>> opt = kp.optim.Adam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w.detach().numpy().round(4)
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_adam_hyperparameters(lr, betas, eps, weight_decay)
        _check_flags(foreach, differentiable, fused)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one Adam step; returns the closure's loss, or None."""
        loss = self._evaluate(closure)
        jobs, elements = [], 0
        for group in self.param_groups:
            lr, eps = float(group["lr"]), group["eps"]
            beta1, beta2 = group["betas"]
            weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
            decoupled = group["decoupled_weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = _scalar(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                t = _next_step(state)
                param = p.data
                if decoupled and weight_decay != 0:
                    param *= 1 - lr * weight_decay
                    g, _ = _gradient(param, p.grad.data, 0, group["maximize"])
                else:
                    g, _ = _gradient(param, p.grad.data, weight_decay, group["maximize"])
                arrays = (param, g, state["exp_avg"].data, state["exp_avg_sq"].data,
                          state["max_exp_avg_sq"].data if amsgrad else None)
                # η m̂ / (√v̂ + ε) = (η √c₂ / c₁) · m / (√v + ε √c₂), with cᵢ = 1 − βᵢᵗ: the
                # bias corrections fold into two scalars, saving passes over the arrays.
                root_c2 = (1 - beta2 ** t) ** 0.5
                step_size = lr * root_c2 / (1 - beta1 ** t)
                for piece in _pieces(arrays):
                    jobs.append(functools.partial(_adam_update, *piece, beta1, beta2,
                                                  eps * root_c2, step_size))
                elements += param.size
                p._bump_version()
        _run(jobs, elements)
        return loss


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay.

    Loshchilov and Hutter, "Decoupled weight decay regularization", ICLR 2019. Adding λθ to the
    gradient (``Adam``'s ``weight_decay``) lets the adaptive denominator shrink the decay of
    parameters with large gradients; AdamW decays every weight at the same rate instead:

        θ ← θ − ηλθ
        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g ⊙ g,   g = ∇L(θ) (not decayed)
        θ ← θ − η m̂ / (√v̂ + ε)

    Parameters
    ----------
    params, lr, betas, eps, amsgrad, maximize, foreach, capturable, differentiable, fused
        As in ``Adam``.
    weight_decay : float, default 1e-2
        λ, the decoupled decay rate.

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0]))
    >>> opt = kp.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.85, -1.8 ], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        # A state dict saved by Adam must not turn AdamW's decay back into an L2 penalty.
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True


def _adam_update(param, g, m, v, v_max, beta1, beta2, eps, step_size):
    """The in-place update of one parameter (or piece of one): m, v (and v_max), then θ."""
    scratch = xp.multiply(g, g, out=_scratch(g))
    scratch *= 1 - beta2
    v *= beta2
    v += scratch
    xp.subtract(g, m, out=scratch)
    scratch *= 1 - beta1
    m += scratch
    if v_max is not None:
        xp.maximum(v_max, v, out=v_max)
        v = v_max
    xp.sqrt(v, out=scratch)
    scratch += eps
    xp.divide(m, scratch, out=scratch)
    scratch *= step_size
    param -= scratch


def _check_adam_hyperparameters(lr, betas, eps, weight_decay):
    """torch's checks, shared by Adam, AdamW and NAdam."""
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
