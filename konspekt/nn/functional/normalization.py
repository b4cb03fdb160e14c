"""Normalization (functional form): batch, layer, group and instance normalization, Lp
normalization of vectors and AlexNet's local response normalization.

Batch, layer, group and instance normalization share one primitive, ``Standardize``: it maps x
to x̂ = (x − μ)/√(σ² + ε), μ and σ² the mean and the biased variance over some axes, and applies
the layer's affine map y = γ ⊙ x̂ + β (γ and β per channel or per element). Its backward is the
closed form, with h = γ ⊙ g,

    ∂L/∂x = (1/σ)·(h − mean(h) − x̂·mean(h·x̂)),   ∂L/∂γ = Σ g·x̂,   ∂L/∂β = Σ g,

(σ = √(σ² + ε), means over the normalized axes, sums over the axes γ and β are shared along):
a handful of passes over the data instead of the backward of the dozen operations that compose
it. The ordinary backward pass evaluates it on arrays, in place; under ``create_graph`` the same
formula runs in tensor operations, x̂ and 1/σ recomputed from x, so that the backward is itself
differentiable and second derivatives are exact.
"""

import math
import numbers

from ...autograd.backend import xp
from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled
from ...autograd.ops.elementwise import _floating
from ...autograd.ops.shape import pad, sum_to_shape
from ...autograd.tensor import _make_tensor

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "normalize",
           "local_response_norm"]


class Statistics:
    """μ, σ² (biased) and 1/√(σ² + ε) of an array over ``axes``, kept as size-1 dimensions, and
    x − μ, a scratch array that ``Standardize.forward`` turns into its output."""

    __slots__ = ("axes", "eps", "count", "mean", "var", "invstd", "centered")

    def __init__(self, data, axes, eps):
        self.axes, self.eps = axes, eps
        self.count = math.prod(data.shape[a] for a in axes)
        self.mean = _sum(data, axes) / self.count
        self.centered = data - self.mean
        self.var = _sum(self.centered, axes, self.centered) / self.count
        self.invstd = 1.0 / xp.sqrt(self.var + eps)


def _sum(a, axes, b=None):
    """Σ a (or Σ a·b) over ``axes``, keeping them as size-1 dimensions. ``einsum`` reduces
    non-adjacent axes (BatchNorm's 0, 2, 3) in one pass, several times faster than ``sum``."""
    letters = "abcdefghijklmnopqrstuvwxyz"[:a.ndim]
    kept = "".join(letter for i, letter in enumerate(letters) if i not in axes)
    shape = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
    if b is None:
        return xp.einsum(f"{letters}->{kept}", a).reshape(shape)
    return xp.einsum(f"{letters},{letters}->{kept}", a, b).reshape(shape)


class Standardize(Function):
    """y = γ ⊙ (x − μ)/√(σ² + ε) + β over the axes of ``statistics`` (computed by the caller,
    which needs them for running averages). γ and β (or None) have x's number of dimensions and
    broadcast to it: constant along the normalized axes (batch norm's per channel) or not
    (layer norm's per element, group norm's per channel within a group)."""

    @staticmethod
    def forward(ctx, x, weight, bias, statistics):
        ctx.statistics = statistics
        ctx.bias_shape = None if bias is None else bias.shape
        ctx.save_for_backward(x, weight)
        y, statistics.centered = statistics.centered, None
        y *= statistics.invstd
        if weight is not None:
            y *= weight
        if bias is not None:
            y += bias
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        if is_grad_enabled():
            return _differentiable_backward(ctx.statistics, x, weight, g, need_x, need_weight,
                                            need_bias, ctx.bias_shape)
        stats = ctx.statistics
        axes, count, invstd = stats.axes, stats.count, stats.invstd
        g = g.data
        x_hat = x.data - stats.mean
        x_hat *= invstd
        w = None if weight is None else weight.data
        per_group = w is None or all(w.shape[a] == 1 for a in axes)
        # dx = (1/σ)(h − mean(h) − x̂·mean(h·x̂)) with h = γ ⊙ g; when γ is constant along the
        # axes it factors out of the means, and Σ g·x̂ serves ∂L/∂γ as well.
        h = g if per_group else g * w
        sum_h = _sum(h, axes)
        sum_h_x_hat = _sum(h, axes, x_hat)
        grad_x = grad_weight = grad_bias = None
        if need_weight:
            grad_weight = (_sum(g, _broadcast_axes(w.shape), x_hat) if not per_group
                           else _sum(sum_h_x_hat, _broadcast_axes(w.shape)))
            grad_weight = _make_tensor(grad_weight)
        if need_bias:
            bias_axes = _broadcast_axes(ctx.bias_shape)
            reuse = per_group and set(axes) <= set(bias_axes)  # then Σ g over axes is sum_h
            grad_bias = _make_tensor(_sum(sum_h, bias_axes) if reuse else _sum(g, bias_axes))
        if need_x:
            scale = invstd * w if per_group and w is not None else invstd
            x_hat *= -sum_h_x_hat / count
            x_hat += h
            x_hat -= sum_h / count
            x_hat *= scale
            grad_x = _make_tensor(x_hat)
        return grad_x, grad_weight, grad_bias


def _broadcast_axes(shape):
    """The axes along which an array of ``shape`` is broadcast (its size-1 dimensions)."""
    return tuple(i for i, n in enumerate(shape) if n == 1)


def _differentiable_backward(stats, x, weight, g, need_x, need_weight, need_bias, bias_shape):
    """The same closed form in tensor operations, x̂ and 1/σ recomputed from x, so that
    create_graph records a graph of it: second derivatives of every normalization."""
    axes = stats.axes
    centered = x - x.mean(axes, keepdim=True)
    invstd = ((centered * centered).mean(axes, keepdim=True) + stats.eps).rsqrt()
    x_hat = centered * invstd
    grad_x = grad_weight = grad_bias = None
    if need_x:
        h = g if weight is None else g * weight
        grad_x = invstd * (h - h.mean(axes, keepdim=True)
                           - x_hat * (h * x_hat).mean(axes, keepdim=True))
    if need_weight:
        grad_weight = sum_to_shape(g * x_hat, weight.data.shape)
    if need_bias:
        grad_bias = sum_to_shape(g, bias_shape)
    return grad_x, grad_weight, grad_bias


def _standardize(input, weight, bias, axes, eps):
    """Standardize over ``axes`` with the batch's own statistics; returns (y, statistics)."""
    statistics = Statistics(input.data, axes, eps)
    return Standardize.apply(input, weight, bias, statistics), statistics


def _check_vector(tensor, name, size):
    if tensor is not None and tensor.data.size != size:
        raise RuntimeError(f"{name} should contain {size} elements not {tensor.data.size}")


def _update_running(running, batch_value, momentum):
    """running ← (1 − momentum)·running + momentum·batch, in place on the array (not recorded,
    as torch); the version counter notices it."""
    data = running._writable_data()
    data *= 1.0 - momentum
    data += momentum * batch_value.astype(data.dtype, copy=False)
    running._bump_version()


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization (Ioffe & Szegedy, 2015) over the channel dimension 1.

    In training, each channel c is standardized with the statistics of the batch, taken over
    the batch and every spatial position (m values):

        μ_B = (1/m) Σ x,   σ²_B = (1/m) Σ (x − μ_B)²,   x̂ = (x − μ_B)/√(σ²_B + ε),
        y = γ·x̂ + β,

    and the running statistics, when given, move towards the batch's in place:
    running ← (1 − momentum)·running + momentum·batch, the variance with the unbiased
    σ²_B·m/(m − 1). In evaluation the running statistics replace μ_B and σ²_B.

    Parameters
    ----------
    input : Tensor
        Shape (N, C) or (N, C, *).
    running_mean, running_var : Tensor or None
        Shape (C,); required in evaluation, optional in training.
    weight, bias : Tensor, optional
        γ and β, shape (C,).
    training : bool, default False
        Use the batch's statistics (and update the running ones).
    momentum : float, default 0.1
    eps : float, default 1e-5

    Returns
    -------
    Tensor
        Same shape as ``input``.

    Raises
    ------
    ValueError
        In training, when a channel has a single value.
    RuntimeError
        When a vector does not have C elements, or the running statistics are missing in
        evaluation.
    IndexError
        When the input has fewer than 2 dimensions.

    Examples
    --------
    >>> x = kp.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> F.batch_norm(x, None, None, training=True, eps=0.0)
    tensor([[-1., -1.],
            [ 1.,  1.]])
    """
    input = _floating(input)
    shape = input.data.shape
    if len(shape) < 2:
        raise IndexError(f"batch_norm: expected an input of shape (N, C) or (N, C, *), got shape "
                         f"{list(shape)}: the channel dimension 1 is out of range")
    channels = shape[1]
    for tensor, name in ((running_mean, "running_mean"), (running_var, "running_var"),
                         (weight, "weight"), (bias, "bias")):
        _check_vector(tensor, name, channels)
    kept = (1, channels) + (1,) * (len(shape) - 2)
    if weight is not None:
        weight = weight.reshape(kept)
    if bias is not None:
        bias = bias.reshape(kept)
    if training:
        count = input.data.size // channels
        if count == 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size torch.Size({list(shape)})")
        axes = (0,) + tuple(range(2, len(shape)))
        output, stats = _standardize(input, weight, bias, axes, eps)
        if running_mean is not None:
            _update_running(running_mean, stats.mean.reshape(-1), momentum)
        if running_var is not None:
            _update_running(running_var, stats.var.reshape(-1) * (count / (count - 1)), momentum)
        return output
    for tensor, name in ((running_mean, "running_mean"), (running_var, "running_var")):
        if tensor is None:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    scale = (running_var.reshape(kept) + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    output = (input - running_mean.reshape(kept)) * scale
    return output if bias is None else output + bias


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalization (Ulyanov et al., 2016): each channel of each sample is standardized
    over its own spatial positions, y = γ_c·(x − μ_nc)/√(σ²_nc + ε) + β_c.

    Running statistics, when given, are updated with the batch average of the per-sample
    statistics (the variance unbiased); with ``use_input_stats=False`` they are used instead.

    Parameters
    ----------
    input : Tensor
        Shape (N, C, *), at least one spatial dimension.
    running_mean, running_var : Tensor, optional
        Shape (C,).
    weight, bias : Tensor, optional
        γ and β, shape (C,).
    use_input_stats : bool, default True
    momentum : float, default 0.1
    eps : float, default 1e-5

    Examples
    --------
    >>> F.instance_norm(kp.tensor([[[1.0, 3.0]]]), eps=0.0)
    tensor([[[-1.,  1.]]])
    """
    input = _floating(input)
    shape = input.data.shape
    if len(shape) < 3:
        raise ValueError(f"instance_norm: expected an input of shape (N, C, *) with at least one "
                         f"spatial dimension, got {len(shape)}D input of shape {list(shape)}")
    channels = shape[1]
    for tensor, name in ((running_mean, "running_mean"), (running_var, "running_var"),
                         (weight, "weight"), (bias, "bias")):
        _check_vector(tensor, name, channels)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    count = math.prod(shape[2:])
    if count == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(shape)})")
    kept = (1, channels) + (1,) * (len(shape) - 2)
    output, stats = _standardize(
        input, None if weight is None else weight.reshape(kept),
        None if bias is None else bias.reshape(kept), tuple(range(2, len(shape))), eps)
    if running_mean is not None:
        _update_running(running_mean, stats.mean.reshape(shape[:2]).mean(axis=0), momentum)
    if running_var is not None:
        unbiased = stats.var.reshape(shape[:2]) * (count / (count - 1))
        _update_running(running_var, unbiased.mean(axis=0), momentum)
    return output


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization (Ba et al., 2016): each sample is standardized over its trailing
    dimensions D = ``normalized_shape``, with the biased variance,

        μ = (1/|D|) Σ_D x,   σ² = (1/|D|) Σ_D (x − μ)²,   y = (x − μ)/√(σ² + ε) ⊙ γ + β,

    γ and β of shape D (one value per normalized element).

    Parameters
    ----------
    input : Tensor
        Shape (*, D).
    normalized_shape : int or sequence of int
    weight, bias : Tensor, optional
        Shape D.
    eps : float, default 1e-5

    Raises
    ------
    RuntimeError
        When the trailing dimensions of ``input`` or the shape of weight or bias are not D.

    Examples
    --------
    >>> F.layer_norm(kp.tensor([[1.0, 3.0]]), (2,), eps=0.0)
    tensor([[-1.,  1.]])
    """
    input = _floating(input)
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    shape = input.data.shape
    n = len(normalized_shape)
    if n == 0 or len(shape) < n or shape[len(shape) - n:] != normalized_shape:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(shape)}")
    for tensor, name in ((weight, "weight"), (bias, "bias")):
        if tensor is not None and tensor.data.shape != normalized_shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(tensor.data.shape)} and normalized_shape = "
                f"{list(normalized_shape)}")
    full = (1,) * (len(shape) - n) + normalized_shape
    return _standardize(input, None if weight is None else weight.reshape(full),
                        None if bias is None else bias.reshape(full),
                        tuple(range(len(shape) - n, len(shape))), eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization (Wu & He, 2018): the C channels of each sample fall into G groups of
    C/G consecutive channels, each group standardized over its channels and spatial positions
    (biased variance), then y = γ_c·x̂ + β_c per channel. G = 1 is layer normalization over
    (C, *), G = C instance normalization.

    Parameters
    ----------
    input : Tensor
        Shape (N, C, *).
    num_groups : int
        G; it must divide C.
    weight, bias : Tensor, optional
        γ and β, shape (C,).
    eps : float, default 1e-5

    Raises
    ------
    RuntimeError
        When the input has fewer than 2 dimensions, C is not divisible by G, or weight or
        bias do not have C elements.

    Examples
    --------
    >>> F.group_norm(kp.tensor([[1.0, 3.0, 5.0, 9.0]]), 2, eps=0.0)
    tensor([[-1.,  1., -1.,  1.]])
    """
    input = _floating(input)
    shape = input.data.shape
    if len(shape) < 2:
        raise RuntimeError("Expected at least 2 dimensions for input tensor but received "
                           f"{len(shape)}")
    channels = shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(shape)} and num_groups={num_groups}")
    for tensor, name in ((weight, "weight"), (bias, "bias")):
        if tensor is not None and tensor.data.shape != (channels,):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(tensor.data.shape)} and input of shape "
                f"{list(shape)}")
    # (N, G, C/G, positions): each group is standardized over its last two axes, with one γ
    # and β per channel
    per_group = channels // num_groups
    grouped = input.reshape(shape[0], num_groups, per_group, -1)
    kept = (1, num_groups, per_group, 1)
    return _standardize(grouped, None if weight is None else weight.reshape(kept),
                        None if bias is None else bias.reshape(kept), (2, 3), eps)[0].reshape(shape)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """Lp normalization along ``dim``: v ↦ v / max(‖v‖_p, ε).

    Parameters
    ----------
    input : Tensor
    p : float, default 2
    dim : int or tuple of int, default 1
    eps : float, default 1e-12
        Keeps a zero vector from being divided by zero.

    Examples
    --------
    >>> F.normalize(kp.tensor([[3.0, 4.0]]))
    tensor([[0.6, 0.8]])
    """
    input = _floating(input)
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization across channels (Krizhevsky et al., 2012, AlexNet):

        b_c = a_c / (k + (α/n) Σ_{c′} a_{c′}²)^β,

    the sum over the n = ``size`` channels c − ⌊n/2⌋ … c + ⌈n/2⌉ − 1 (those outside [0, C)
    count as zeros, and the divisor stays n, as torch does).

    Parameters
    ----------
    input : Tensor
        Shape (N, C, *), at least 3 dimensions.
    size : int
        n, the number of neighbouring channels summed over.
    alpha, beta, k : float, default 1e-4, 0.75, 1.0

    Examples
    --------
    >>> x = kp.ones(1, 3, 1)
    >>> F.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=0.0).flatten()
    tensor([2., 1., 1.])
    """
    input = _floating(input)
    shape = input.data.shape
    if len(shape) < 3:
        raise ValueError(f"local_response_norm: expected 3D or higher dimensionality input "
                         f"(got {len(shape)} dimensions)")
    channels = shape[1]
    squares = (input * input).reshape(shape[0], channels, -1)
    # zero channels before and after, then the window sum as n shifted slices
    padded = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    window = padded[:, 0:channels]
    for offset in range(1, size):
        window = window + padded[:, offset:offset + channels]
    divisor = (window.reshape(shape) * (alpha / size) + k) ** beta
    return input / divisor
