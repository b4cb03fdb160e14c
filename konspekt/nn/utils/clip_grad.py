"""Gradient clipping, as ``torch.nn.utils``: ``clip_grad_norm_`` (global, by the norm of all the
gradients together), ``clip_grad_value_`` (local, element by element), and the two halves of the
former, ``get_total_norm`` and ``clip_grads_with_norm_``.

Clipping is the lecture's remedy for exploding gradients (recurrent nets above all): a step along
g is kept, but its length is bounded.
"""

import types
import warnings

from ...autograd.backend import xp
from ...autograd.creation import tensor
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(parameters, name="parameters"):
    if isinstance(parameters, Tensor):
        return [parameters]
    try:
        items = list(parameters)
    except TypeError:
        raise TypeError(f"{name} must be a Tensor or an iterable of Tensors, got "
                        f"{type(parameters).__name__}") from None
    for i, p in enumerate(items):
        if not isinstance(p, Tensor):
            raise TypeError(f"{name}[{i}] must be a Tensor, got {type(p).__name__}")
    return items


def _check_foreach(foreach):
    # NumPy has no fused multi-tensor kernels: foreach is accepted for torch's signature, and
    # every value of it runs the same loop.
    if foreach not in (None, True, False):
        raise TypeError(f"foreach must be None or a bool, got {foreach!r}")


def _vector_norm(array, p):
    """‖x‖_p of the flattened array, as torch.linalg.vector_norm: max|x| for p = ∞, min|x| for
    p = −∞, the count of non-zeros for p = 0, (Σ|x|^p)^(1/p) otherwise."""
    a = xp.abs(array.reshape(-1))
    if p == xp.inf:
        return a.max() if a.size else a.dtype.type(0)
    if p == -xp.inf:
        return a.min() if a.size else a.dtype.type(xp.inf)
    if p == 0:
        return a.dtype.type(xp.count_nonzero(a))
    if p == 1:
        return a.sum()
    if p == 2:
        # through the dot product, as BLAS does: no overflow of x² for moderate x, and fast
        return xp.sqrt(xp.dot(a, a))
    return (a ** p).sum() ** (1.0 / p)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of several tensors taken together, as if concatenated into one vector.

    ‖(t₁, …, t_k)‖_p = ‖(‖t₁‖_p, …, ‖t_k‖_p)‖_p, which equals the norm of the concatenation for
    every p (p = ∞: the largest |t_ij|).

    Parameters
    ----------
    tensors : Tensor or iterable of Tensor
    norm_type : float, default 2.0
        p; ``float('inf')`` (or ``'inf'``) for the maximum norm.
    error_if_nonfinite : bool, default False
        Raise when the total norm is NaN or ±∞.
    foreach : bool, optional
        Accepted for torch's signature; ignored.

    Returns
    -------
    Tensor
        A 0-d tensor of the tensors' dtype (the default dtype when there are none: 0).
    """
    _check_foreach(foreach)
    tensors = _as_list(tensors, "tensors")
    norm_type = float(norm_type)
    if not tensors:
        return tensor(0.0)
    norms = xp.stack([_vector_norm(t.data, norm_type) for t in tensors])
    total = _vector_norm(norms, norm_type)
    if error_if_nonfinite and not xp.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`")
    return _make_tensor(xp.asarray(total, dtype=norms.dtype))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients in place by min(1, c / (‖g‖ + 10⁻⁶)), given ‖g‖ = ``total_norm``.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        Tensors whose ``.grad`` is scaled (those without a gradient are skipped).
    max_norm : float
        c, the largest norm allowed.
    total_norm : Tensor or float
        ‖g‖, e.g. from ``get_total_norm``.
    foreach : bool, optional
        Accepted for torch's signature; ignored.
    """
    _check_foreach(foreach)
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    total = total_norm.data if isinstance(total_norm, Tensor) else xp.asarray(float(total_norm))
    # computed in the norm's dtype, as torch does, so that float32 results agree bit for bit
    coefficient = xp.minimum(total.dtype.type(max_norm) / (total + total.dtype.type(1e-6)),
                             total.dtype.type(1.0))
    # a non-finite norm gives NaN gradients, as in torch: asked for (error_if_nonfinite=False),
    # so NumPy's warning about ∞ · 0 is silenced
    with no_grad(), xp.errstate(invalid="ignore"):
        for g in grads:
            g.mul_(_make_tensor(xp.asarray(coefficient, dtype=g.data.dtype)))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Clip the gradients of ``parameters`` together so that their norm is at most ``max_norm``.

    Global clipping: with g the concatenation of all the gradients,
        if ‖g‖_p > c:  g ← c · g / ‖g‖_p,
    implemented as torch does it, g ← g · min(1, c / (‖g‖_p + 10⁻⁶)); the direction of the step
    is kept, only its length shrinks.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        The tensors whose ``.grad`` is clipped in place (those without a gradient are skipped).
    max_norm : float
        c, the largest norm allowed.
    norm_type : float, default 2.0
        p; ``float('inf')`` for the maximum norm max |g_i|.
    error_if_nonfinite : bool, default False
        Raise ``RuntimeError`` when ‖g‖ is NaN or ±∞ instead of scaling by it.
    foreach : bool, optional
        Accepted for torch's signature; ignored.

    Returns
    -------
    Tensor
        ‖g‖_p before clipping, a 0-d tensor.

    Examples
    --------
    >>> w = kp.zeros(2, requires_grad=True)
    >>> (w * kp.tensor([3.0, 4.0])).sum().backward()
    >>> kp.nn.utils.clip_grad_norm_([w], max_norm=1.0)
    tensor(5.)
    >>> w.grad
    tensor([0.5999999 , 0.79999983])
    """
    if isinstance(parameters, types.GeneratorType):
        parameters = list(parameters)
        if not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=2)
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient element to [−v, v] in place: g_i ← min(max(g_i, −v), v).

    Local clipping: each component is bounded on its own, so the direction of the step may
    change (unlike ``clip_grad_norm_``).

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        The tensors whose ``.grad`` is clipped (those without a gradient are skipped).
    clip_value : float
        v, the largest magnitude allowed.
    foreach : bool, optional
        Accepted for torch's signature; ignored.

    Examples
    --------
    >>> w = kp.zeros(3, requires_grad=True)
    >>> (w * kp.tensor([-2.0, 0.5, 3.0])).sum().backward()
    >>> kp.nn.utils.clip_grad_value_(w, 1.0)
    >>> w.grad
    tensor([-1. ,  0.5,  1. ])
    """
    _check_foreach(foreach)
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
