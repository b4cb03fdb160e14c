"""Weight penalties added to a loss: ``l1_penalty`` (lasso), ``l2_penalty`` (ridge, weight decay)
and ``elastic_net_penalty``, over a module's weights. torch has no such helpers; the scaling
follows scikit-learn's ``ElasticNet``:

    Ω(w) = α · ( ρ ‖w‖₁ + (1 − ρ)/2 · ‖w‖₂² ),

so that ``l1_penalty`` is ρ = 1 (α‖w‖₁) and ``l2_penalty`` is ρ = 0 (α/2 ‖w‖₂², whose gradient αw
is the ``weight_decay=α`` term of the optimisers).

Which tensors count as weights: by default the lecture's regularised w — every parameter except
biases (a parameter whose name contains ``bias``) and the γ, β of normalisation layers (modules
whose class name contains ``Norm``); shifting or rescaling those does not make the model more
complex, and penalising them only biases the fit.
"""

from ...autograd.tensor import Tensor
from ..modules.module import Module

__all__ = ["l1_penalty", "l2_penalty", "elastic_net_penalty"]


def _is_normalization(module):
    return "Norm" in type(module).__name__


def _penalised(module, include_bias, include_norm):
    """The tensors to penalise: a Tensor or a list of them as given, or a module's weights."""
    if isinstance(module, Tensor):
        return [module]
    if isinstance(module, Module):
        chosen, seen = [], set()
        for _, sub in module.named_modules():
            if _is_normalization(sub) and not include_norm:
                continue
            for name, param in sub._parameters.items():
                if param is None or id(param) in seen:
                    continue
                if "bias" in name and not include_bias:
                    continue
                seen.add(id(param))
                chosen.append(param)
        return chosen
    try:
        tensors = list(module)
    except TypeError:
        raise TypeError(f"module must be a Module, a Tensor or an iterable of Tensors, got "
                        f"{type(module).__name__}") from None
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"module[{i}]: expected a Tensor, got {type(t).__name__}")
    return tensors


def _check_alpha(alpha):
    alpha = float(alpha)
    if not alpha >= 0:
        raise ValueError(f"alpha must be a non-negative number, got {alpha}")
    return alpha


def _sum_over(tensors, term):
    total = None
    for t in tensors:
        value = term(t)
        total = value if total is None else total + value
    if total is None:
        raise ValueError("no weights to penalise: the module has no parameter that is not a bias "
                         "or a normalisation layer's (pass include_bias / include_norm)")
    return total


def elastic_net_penalty(module, alpha=1.0, l1_ratio=0.5, *, include_bias=False,
                        include_norm=False):
    """The elastic-net penalty Ω(w) = α · ( ρ Σ|w_i| + (1 − ρ)/2 · Σ w_i² ).

    Parameters
    ----------
    module : Module, Tensor or iterable of Tensor
        A module (its weights are chosen as described in the module docstring) or the tensors
        to penalise.
    alpha : float, default 1.0
        α ≥ 0, the strength.
    l1_ratio : float, default 0.5
        ρ ∈ [0, 1], the share of the L1 term (scikit-learn's name).
    include_bias : bool, default False
        Also penalise biases.
    include_norm : bool, default False
        Also penalise the γ, β of normalisation layers.

    Returns
    -------
    Tensor
        A 0-d tensor, recorded: add it to the loss before ``backward``. Its gradient is
        α(ρ sign(w) + (1 − ρ) w).

    Examples
    --------
    >>> layer = kp.nn.Linear(2, 1)
    >>> with kp.no_grad():
    ...     _ = layer.weight.copy_(kp.tensor([[1.0, -2.0]]))
    >>> kp.nn.utils.elastic_net_penalty(layer, alpha=0.1, l1_ratio=0.5)
    tensor(0.275, grad_fn=<MulBackward>)
    """
    alpha = _check_alpha(alpha)
    l1_ratio = float(l1_ratio)
    if not 0 <= l1_ratio <= 1:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio}")
    tensors = _penalised(module, include_bias, include_norm)
    if l1_ratio == 1:
        return alpha * _sum_over(tensors, lambda t: t.abs().sum())
    if l1_ratio == 0:
        return (alpha / 2) * _sum_over(tensors, lambda t: (t * t).sum())
    return alpha * _sum_over(tensors, lambda t: l1_ratio * t.abs().sum()
                             + ((1 - l1_ratio) / 2) * (t * t).sum())


def l1_penalty(module, alpha=1.0, *, include_bias=False, include_norm=False):
    """The lasso penalty Ω(w) = α Σ|w_i| = α‖w‖₁, which drives weights to exactly zero.

    Parameters and returns as ``elastic_net_penalty`` with ρ = 1; the gradient is α sign(w)
    (0 at w_i = 0, a subgradient).

    Examples
    --------
    >>> w = kp.tensor([1.0, -2.0], requires_grad=True)
    >>> kp.nn.utils.l1_penalty(w, alpha=0.5)
    tensor(1.5, grad_fn=<MulBackward>)
    """
    return elastic_net_penalty(module, alpha, 1.0, include_bias=include_bias,
                               include_norm=include_norm)


def l2_penalty(module, alpha=1.0, *, include_bias=False, include_norm=False):
    """The ridge penalty Ω(w) = α/2 Σ w_i² = α/2 ‖w‖₂², whose gradient αw is weight decay.

    Parameters and returns as ``elastic_net_penalty`` with ρ = 0.

    Examples
    --------
    >>> w = kp.tensor([1.0, -2.0], requires_grad=True)
    >>> kp.nn.utils.l2_penalty(w, alpha=0.5)
    tensor(1.25, grad_fn=<MulBackward>)
    """
    return elastic_net_penalty(module, alpha, 0.0, include_bias=include_bias,
                               include_norm=include_norm)
