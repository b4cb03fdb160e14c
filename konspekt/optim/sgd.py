"""``SGD``: gradient descent, with momentum, Nesterov's look-ahead and weight decay."""

from ..autograd.backend import xp
from ..autograd.tensor import Tensor
from .optimizer import Optimizer, _check_flags, _gradient

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (heavy ball or Nesterov).

    Plain descent moves against the gradient of the mini-batch loss:

        θ ← θ − η ∇L(θ)

    **Momentum** accumulates a velocity so that steps along a consistent direction grow and
    oscillations across a ravine cancel. This class keeps the buffer b (torch's
    ``momentum_buffer``), with μ = ``momentum``, τ = ``dampening``, η = ``lr``:

        g ← ∇L(θ) + λθ                   (λ = ``weight_decay``, the L2 penalty's gradient)
        b ← g on the first step,  b ← μ b + (1 − τ) g  afterwards
        θ ← θ − η b

    The course writes momentum in two ways; both are this update:

    * v ← γ v + η ∇L,  θ ← θ − v: take μ = γ, τ = 0 and ``lr`` = η; then v = η b exactly.
    * the moving average v ← γ v + (1 − γ) ∇L,  θ ← θ − η v (v₀ = 0): take μ = γ, τ = 0 and
      ``lr`` = η(1 − γ); then v = (1 − γ) b exactly. (μ = τ = γ with ``lr`` = η gives the same
      average except that the buffer starts at the first gradient instead of (1 − γ)·∇L, i.e.
      without the start-up bias towards 0.)

    **Nesterov** momentum evaluates the gradient at the look-ahead point θ − γv:

        v ← γ v + η ∇L(θ − γ v),   θ ← θ − v.

    With ``nesterov=True`` (which needs μ > 0 and τ = 0) this class makes the same update written
    for the look-ahead point itself: its parameter is φ = θ − γv, the gradient is taken where the
    model stands, and

        b ← μ b + g,   φ ← φ − η (g + μ b).

    Why it is the same: with v = η b and γ = μ,
    φ_{t+1} = θ_{t+1} − γ v_{t+1} = θ_t − (1 + γ) v_{t+1}
            = φ_t + γ v_t − (1 + γ)(γ v_t + η g_t) = φ_t − (1 + γ) η g_t − γ² v_t,
    and torch's rule gives φ_t − η(g_t + μ(μ b_t + g_t)) = φ_t − (1 + μ) η g_t − μ² η b_t — the
    same. (Sutskever et al., "On the importance of initialization and momentum in deep
    learning", 2013.)

    With ``maximize=True`` the gradient's sign is flipped, g ← −∇L(θ) + λθ, to climb.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-3
        The learning rate η.
    momentum : float, default 0
        The momentum factor μ (γ in the course); 0 is plain SGD.
    dampening : float, default 0
        τ: the share 1 − τ of the new gradient added to the buffer.
    weight_decay : float, default 0
        λ: adds λθ to the gradient (the gradient of the L2 penalty λ‖θ‖²/2).
    nesterov : bool, default False
        Nesterov's look-ahead momentum.
    maximize : bool, default False
        Maximise the objective instead of minimising it.
    foreach, differentiable, fused : optional
        Accepted for torch compatibility and stored in the groups. konspekt always updates each
        tensor with in-place vectorised NumPy operations; ``differentiable=True`` (a step that
        autograd can differentiate through) is not supported.

    Attributes
    ----------
    state : dict
        ``state[p]['momentum_buffer']``: the buffer b, when ``momentum`` ≠ 0.

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.tensor([1.0, -2.0]))
    >>> opt = kp.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w ** 2).sum().backward()
    ...     opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.46, -0.92], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_flags(foreach, differentiable, fused)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one step of (momentum) gradient descent.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss.

        Returns
        -------
        loss : Tensor or float or None
            What the closure returned; None without a closure.
        """
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            momentum = group["momentum"]
            dampening = group["dampening"]
            nesterov = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                param = p.data
                g, owned = _gradient(param, p.grad.data, group["weight_decay"],
                                     group["maximize"])
                if momentum != 0:
                    state = self.state[p]
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = Tensor(g.copy())
                        state["momentum_buffer"] = buffer
                    else:
                        b = buffer.data
                        b *= momentum
                        if dampening == 0:
                            b += g
                        else:
                            reuse = owned and not nesterov  # Nesterov needs g afterwards
                            b += xp.multiply(g, 1 - dampening, out=g if reuse else None)
                    if nesterov:
                        # g + μ b: the gradient at the look-ahead point plus the velocity.
                        g = xp.add(g, xp.multiply(buffer.data, momentum), out=g if owned else None)
                        owned = True
                    else:
                        g, owned = buffer.data, False
                step = xp.multiply(g, lr, out=g if owned else None)
                param -= step
                p._bump_version()
        return loss

