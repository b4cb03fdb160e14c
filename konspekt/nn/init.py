"""``konspekt.nn.init``: filling weight tensors in place, as ``torch.nn.init``.

Every initialiser writes into the tensor's array without recording a graph (as torch does under
``no_grad``), bumps its version counter so that a graph that saved the old values notices, and
returns the tensor. Random ones draw from konspekt's generator (``kp.manual_seed`` makes them
reproducible) or from the ``generator`` passed.

The variance-preserving rules of the lecture, for a layer with n_in inputs and n_out outputs
per unit (times the receptive field of a convolution):

* Xavier / Glorot (tanh, sigmoid): Var(w) = gain² · 2 / (n_in + n_out);
* Kaiming / He (ReLU family):      Var(w) = gain² / n_mode, n_mode = n_in or n_out.

A uniform U(−b, b) has variance b²/3, so the uniform forms use b = √3 · std.
"""

import math
import numbers
import warnings

from ..autograd.backend import xp
from ..autograd.creation import _rng

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "zeros_",
           "ones_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_"]

_LINEAR_FUNCTIONS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                     "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The gain g that keeps activations' variance steady through ``nonlinearity``.

    ===================  ===========================
    nonlinearity         gain
    ===================  ===========================
    linear, conv*, sigmoid   1
    tanh                 5/3
    relu                 √2
    leaky_relu           √(2 / (1 + slope²))
    selu                 3/4
    ===================  ===========================

    Parameters
    ----------
    nonlinearity : str
        The name of the function, as in ``torch.nn.functional``.
    param : float, optional
        The negative slope of ``leaky_relu`` (default 0.01).

    Returns
    -------
    float

    Examples
    --------
    >>> kp.nn.init.calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    if nonlinearity in _LINEAR_FUNCTIONS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        # SELU's own scaling already preserves variance; 3/4 is torch's empirical choice.
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(n_in, n_out) of a weight of shape (out, in, *kernel): each times the kernel's size."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _write(tensor, values):
    """Store ``values`` in the tensor's array (views write through) and bump its version."""
    tensor.data[...] = values
    tensor._bump_version()
    return tensor


def _sampling_dtype(tensor):
    # NumPy's generator draws float32 directly (twice as fast); other dtypes go through float64.
    return xp.float32 if tensor.data.dtype == xp.float32 else xp.float64


def _no_op_if_empty(tensor):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with samples of U(a, b).

    Examples
    --------
    >>> w = kp.nn.init.uniform_(kp.empty(3, 5), -0.1, 0.1)
    """
    u = _rng(generator).random(tensor.shape, dtype=_sampling_dtype(tensor))
    return _write(tensor, a + (b - a) * u)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with samples of N(mean, std²).

    Examples
    --------
    >>> w = kp.nn.init.normal_(kp.empty(3, 5), std=0.02)
    """
    z = _rng(generator).standard_normal(tensor.shape, dtype=_sampling_dtype(tensor))
    return _write(tensor, mean + std * z)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std²) truncated to [a, b] (absolute bounds, not in units of std).

    Sampled by the inverse CDF: u ~ U(Φ(α), Φ(β)) with α = (a − mean)/std, β = (b − mean)/std,
    then w = mean + std · Φ⁻¹(u), clipped to [a, b] against rounding.
    """
    from scipy.special import ndtr, ndtri

    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    low, high = ndtr((a - mean) / std), ndtr((b - mean) / std)
    u = low + (high - low) * _rng(generator).random(tensor.shape)
    return _write(tensor, xp.clip(mean + std * ndtri(u), a, b))


def constant_(tensor, val):
    """Fill with the value ``val``."""
    return _write(tensor, val)


def zeros_(tensor):
    """Fill with 0."""
    return _write(tensor, 0)


def ones_(tensor):
    """Fill with 1."""
    return _write(tensor, 1)


def eye_(tensor):
    """Fill a 2-D tensor with the identity: ones on the diagonal, zeros elsewhere."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, xp.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Fill a convolution weight (3-, 4- or 5-D) with the Dirac delta: the layer copies its
    input channels (in each of ``groups`` groups) to as many output channels as it can."""
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels = tensor.shape[0]
    if out_channels % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    identity = min(per_group, tensor.shape[1])
    values = xp.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    channels = xp.arange(identity)
    for g in range(groups):
        values[(g * per_group + channels, channels) + centre] = 1
    return _write(tensor, values)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Fill with U(−b, b), b = gain · √(6 / (n_in + n_out)) (Glorot & Bengio, 2010).

    Examples
    --------
    >>> w = kp.nn.init.xavier_uniform_(kp.empty(3, 5), gain=kp.nn.init.calculate_gain("tanh"))
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Fill with N(0, std²), std = gain · √(2 / (n_in + n_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with U(−b, b), b = √3 · gain / √n_mode (He et al., 2015).

    Parameters
    ----------
    tensor : Tensor
        At least 2-D, shaped (out, in, *kernel).
    a : float, default 0
        The negative slope of the rectifier that follows (for ``leaky_relu``).
    mode : {"fan_in", "fan_out"}
        n_in keeps the forward pass's variance, n_out the backward pass's.
    nonlinearity : str, default "leaky_relu"
        Passed to ``calculate_gain``.
    generator : Generator, optional

    Examples
    --------
    >>> w = kp.nn.init.kaiming_uniform_(kp.empty(3, 5), mode="fan_in", nonlinearity="relu")
    """
    if _no_op_if_empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with N(0, std²), std = gain / √n_mode (He et al., 2015); arguments as
    ``kaiming_uniform_``."""
    if _no_op_if_empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix times ``gain`` (Saxe et al., 2013).

    The tensor is seen as a rows × cols matrix (rows = size(0)). A Gaussian matrix, transposed
    when wide, is factored A = QR; multiplying Q's columns by sign(diag R) makes the result
    uniformly (Haar) distributed. Then WᵀW = I when tall, WWᵀ = I when wide.
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    gaussian = _rng(generator).standard_normal((rows, cols))
    if rows < cols:
        gaussian = gaussian.T
    q, r = xp.linalg.qr(gaussian)
    q = q * xp.sign(xp.diag(r))
    if rows < cols:
        q = q.T
    return _write(tensor, gain * q.reshape(tensor.shape))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor with N(0, std²) and zero a fraction ``sparsity`` of each column
    (Martens, 2010)."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    rng = _rng(generator)
    values = std * rng.standard_normal((rows, cols))
    zeros_per_column = math.ceil(sparsity * rows)
    # Each column's own random ranking of the rows; its first ``zeros_per_column`` are zeroed.
    order = xp.argsort(rng.random((rows, cols)), axis=0)[:zeros_per_column]
    values[order, xp.arange(cols)] = 0
    return _write(tensor, values)
