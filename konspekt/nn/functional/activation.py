"""Activation functions (functional form): the course's table and torch.nn.functional's set.

Smooth activations are compositions of the engine's elementwise operations, so their first and
second derivatives come from the operations' own rules. Three small primitives serve the rest,
each with a backward written in tensor operations (so differentiable again) and each one pass
where the composition would need several (or a slow ``where`` over a random mask):

* ``PiecewiseLinear``: y computed by NumPy, with a slope s = ∂y/∂x that is constant on each
  piece; backward g·s. relu6, hardtanh, leaky_relu, threshold, hardsigmoid, soft- and
  hardshrink. At a kink the slope is torch's choice: 0 at the ends of hardtanh's interval, the
  left slope at 0 for leaky_relu.
* ``ExponentialUnit``: elu, selu and celu, y = λx for x > 0, else λα(e^(x/c) − 1); backward
  through the output, ∂y/∂x = (y + λα)/c on the left piece (λα/c at 0, as torch).
* ``Softplus`` and ``LogSigmoid``: (1/β) ln(1 + e^(βx)) as max(βx, 0) + ln(1 + e^(−|βx|)), finite
  for every x; backward through the output, σ(βx) = 1 − e^(−βy) and σ(−x) = 1 − e^y.

``inplace=True`` behaves as in torch: the input is overwritten and returned; on a leaf that
requires grad, in grad mode, the engine refuses with torch's error.
"""

import math
import warnings

from ...autograd.backend import xp
from ...autograd.creation import randn
from ...autograd.function import Function
from ...autograd.methods import _inplace
from ...autograd.ops.arithmetic import Mul, scalar_type_name
from ...autograd.ops.elementwise import (Where, ZeroGradient, _floating, atan, erf, expm1,
                                         relu as _relu, sigmoid, tanh)
from ...autograd.ops.shape import chunk
from ...autograd.ops.softmax import softmax
from ...autograd.tensor import _check_dim, _make_tensor

__all__ = ["relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "elu", "elu_",
           "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "softplus", "softsign",
           "hardtanh", "hardtanh_", "hardsigmoid", "hardswish", "threshold", "threshold_",
           "logsigmoid", "tanhshrink", "softshrink", "hardshrink", "glu", "softmin", "sigmoid",
           "tanh", "arctan", "heaviside_step", "noisy_relu", "lecun_tanh"]

# SELU's constants (Klambauer et al., 2017): the fixed point of mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _floating_only(input, name):
    """torch computes these activations for floating tensors only."""
    if input.data.dtype.kind != "f":
        raise NotImplementedError(
            f'"{name}" not implemented for {scalar_type_name(input.data.dtype)!r}')


class PiecewiseLinear(Function):
    """A piecewise-linear y(x) whose values are computed beforehand; ``slope`` holds ∂y/∂x
    (a boolean mask or an array of x's dtype). Backward: ∂L/∂x = g·slope."""

    @staticmethod
    def forward(ctx, x, value, slope):
        ctx.slope = slope
        return value

    @staticmethod
    def backward(ctx, g):
        return Mul.apply(g, _make_tensor(ctx.slope)), None, None


def _open_clip(x, low, high):
    """min(max(x, low), high) with torch's hardtanh gradient: 1 strictly inside (low, high), 0
    elsewhere (the ends included)."""
    data = x.data
    value = xp.clip(data, low, high).astype(data.dtype, copy=False)
    return PiecewiseLinear.apply(x, value, (data > low) & (data < high))


def _maybe_inplace(function, input, inplace, *options):
    return _inplace(function)(input, *options) if inplace else function(input, *options)


# ---- rectifiers ---------------------------------------------------------------------------------

def relu(input, inplace=False):
    """Rectified linear unit: y = max(0, x); y′ = [x > 0].

    Parameters
    ----------
    input : Tensor
    inplace : bool, default False
        Overwrite ``input`` with the result and return it.

    Returns
    -------
    Tensor
        Same shape and dtype as ``input`` (integer tensors stay integer).

    Examples
    --------
    >>> F.relu(kp.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    if input.data.dtype == bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return input.relu_() if inplace else _relu(input)


def relu_(input):
    """In-place ``relu``."""
    return relu(input, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Hard tanh: y = min(max(x, min_val), max_val); y′ = 1 on (min_val, max_val), 0 outside
    and at the two ends (as torch).

    Parameters
    ----------
    input : Tensor
    min_val, max_val : float, default −1, 1
        The interval the output is clipped to; min_val ≤ max_val.
    inplace : bool, default False

    Returns
    -------
    Tensor
        Same shape and dtype as ``input``.

    Examples
    --------
    >>> F.hardtanh(kp.tensor([-3.0, 0.5, 3.0]))
    tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val, got min_val="
                         f"{min_val} and max_val={max_val}")
    return _maybe_inplace(_open_clip, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place ``hardtanh``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """ReLU capped at 6: y = min(max(0, x), 6) = hardtanh(x, 0, 6); y′ = [0 < x < 6].

    Examples
    --------
    >>> F.relu6(kp.tensor([-1.0, 3.0, 9.0]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def _leaky_relu(x, negative_slope):
    data = x.data
    slope = (data > 0).astype(data.dtype)  # 1 on the right piece, then a on the left one
    slope *= 1 - negative_slope
    slope += negative_slope
    return PiecewiseLinear.apply(x, data * slope, slope)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Leaky ReLU: y = x for x > 0, else a·x with a = ``negative_slope``; y′ = 1 or a (a at 0).

    Parameters
    ----------
    input : Tensor
    negative_slope : float, default 0.01
        The slope a of the left piece, which keeps a gradient flowing for negative inputs.
    inplace : bool, default False

    Examples
    --------
    >>> F.leaky_relu(kp.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2,  3. ])
    """
    _floating_only(input, "leaky_relu")
    return _maybe_inplace(_leaky_relu, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place ``leaky_relu``."""
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """Parametric ReLU (He et al., 2015): y = x for x > 0, else a_c·x with a learnable slope a.

    ∂y/∂x = 1 or a_c; ∂y/∂a_c = x on the left piece (summed over the batch and positions).

    Parameters
    ----------
    input : Tensor
        Shape (N, C, …); the channel dimension is 1 (a 0-d or 1-d input has one channel).
    weight : Tensor
        The slopes: one element (shared by all channels) or C elements, one per channel.

    Returns
    -------
    Tensor
        Same shape as ``input``.

    Examples
    --------
    >>> F.prelu(kp.tensor([[-2.0, 1.0]]), kp.tensor([0.25, 0.5]))
    tensor([[-0.5,  1. ]])
    """
    if input.data.dtype != weight.data.dtype and input.data.dtype.kind != "f":
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{scalar_type_name(input.data.dtype)} and "
                           f"{scalar_type_name(weight.data.dtype)}")
    count = weight.data.size
    channels = input.data.shape[1] if input.data.ndim >= 2 else 1
    if count == 1:
        slope = weight.reshape(())
    elif count == channels:
        slope = weight.reshape((channels,) + (1,) * (input.data.ndim - 2))
    else:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {count} and channel size = {channels}.")
    return Where.apply(input.data > 0, input, input * slope)


# ---- exponential units --------------------------------------------------------------------------

class ExponentialUnit(Function):
    """y = λx for x > 0, else λα(e^(x/c) − 1), with c = 1/``input_scale``; the exponential sees
    min(x, 0), so the right piece cannot overflow. ∂y/∂x = λ on the right, (y + λα)/c on the
    left, written with the saved output so that the second derivative follows."""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        zero = x.dtype.type(0)
        y = xp.maximum(x, zero) * scale
        y += xp.expm1(xp.minimum(x, zero) * input_scale) * (scale * alpha)
        ctx.save_for_backward(y)
        ctx.positive = x > 0
        ctx.constants = scale, scale * alpha, input_scale
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        scale, scaled_alpha, input_scale = ctx.constants
        positive = ctx.positive
        right = _make_tensor(positive * y.data.dtype.type(scale))
        left = _make_tensor(~positive * y.data.dtype.type(input_scale))
        return g * ((y + scaled_alpha) * left + right), None, None, None


def _elu(x, alpha, scale=1.0, input_scale=1.0):
    return ExponentialUnit.apply(x, alpha, scale, input_scale)


def elu(input, alpha=1.0, inplace=False):
    """Exponential linear unit: y = x for x > 0, else α(eˣ − 1); y′ = 1 or αeˣ (αeˣ at 0).

    Parameters
    ----------
    input : Tensor
    alpha : float, default 1.0
        −α is the value approached as x → −∞.
    inplace : bool, default False

    Examples
    --------
    >>> F.elu(kp.tensor([-1.0, 2.0]))
    tensor([-0.63212055,  2.        ])
    """
    _floating_only(input, "elu")
    return _maybe_inplace(_elu, input, inplace, alpha)


def elu_(input, alpha=1.0):
    """In-place ``elu``."""
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    """Scaled ELU (Klambauer et al., 2017): y = λ·elu(x, α) with λ ≈ 1.0507, α ≈ 1.6733, the
    constants for which activations keep mean 0 and variance 1 through the layers.

    Examples
    --------
    >>> F.selu(kp.tensor([1.0]))
    tensor([1.050701])
    """
    _floating_only(input, "selu")
    return _maybe_inplace(_elu, input, inplace, SELU_ALPHA, SELU_SCALE)


def selu_(input):
    """In-place ``selu``."""
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """Continuously differentiable ELU (Barron, 2017): y = x for x > 0, else α(e^(x/α) − 1);
    its derivative is 1 at 0 from both sides for every α.

    Raises
    ------
    RuntimeError
        If alpha is 0.

    Examples
    --------
    >>> F.celu(kp.tensor([-1.0, 2.0]), alpha=2.0)
    tensor([-0.78693867,  2.        ])
    """
    _floating_only(input, "celu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _maybe_inplace(_elu, input, inplace, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place ``celu``."""
    return celu(input, alpha, inplace=True)


# ---- smooth gated units -------------------------------------------------------------------------

def gelu(input, approximate="none"):
    """Gaussian error linear unit (Hendrycks & Gimpel, 2016): y = x·Φ(x).

    approximate='none':  y = x · ½(1 + erf(x/√2))
    approximate='tanh':  y = x · ½(1 + tanh(√(2/π)(x + 0.044715x³)))

    Parameters
    ----------
    input : Tensor
    approximate : {'none', 'tanh'}, default 'none'

    Examples
    --------
    >>> F.gelu(kp.tensor([1.0]))
    tensor([0.8413447])
    """
    _floating_only(input, "gelu")
    if approximate == "none":
        return input * (0.5 + 0.5 * erf(input * (1 / math.sqrt(2))))
    if approximate == "tanh":
        inner = (input + 0.044715 * input * input * input) * math.sqrt(2 / math.pi)
        return input * (0.5 + 0.5 * tanh(inner))
    raise RuntimeError(f"gelu: approximate argument must be either none or tanh, got "
                       f"{approximate!r}.")


def _silu(x):
    return x * sigmoid(x)


def silu(input, inplace=False):
    """Sigmoid linear unit, also called swish: y = x·σ(x); y′ = σ(x)(1 + x(1 − σ(x))).

    Examples
    --------
    >>> F.silu(kp.tensor([1.0]))
    tensor([0.7310586])
    """
    _floating_only(input, "silu")
    return _maybe_inplace(_silu, input, inplace)


def _mish(x):
    return x * tanh(softplus(x))


def mish(input, inplace=False):
    """Mish (Misra, 2019): y = x·tanh(softplus(x)).

    Examples
    --------
    >>> F.mish(kp.tensor([1.0]))
    tensor([0.8650984])
    """
    _floating_only(input, "mish")
    return _maybe_inplace(_mish, input, inplace)


def _softplus_array(z):
    """ln(1 + eᶻ) = max(z, 0) + ln(1 + e^(−|z|)): the exponential never exceeds 1."""
    return xp.maximum(z, z.dtype.type(0)) + xp.log1p(xp.exp(-xp.abs(z)))


class Softplus(Function):
    """(1/β) ln(1 + e^(βx)), and x itself where βx > threshold.

    Backward: ∂L/∂x = g·σ(βx) with σ(βx) = 1 − e^(−βy) (from the output y), g above the
    threshold.
    """

    @staticmethod
    def forward(ctx, x, beta, threshold):
        scaled = x * beta
        y = _softplus_array(scaled) / beta
        linear = scaled > threshold
        ctx.linear = linear if linear.any() else None
        if ctx.linear is not None:
            y = xp.where(linear, x, y)
        ctx.save_for_backward(y)
        ctx.beta = beta
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        slope = -expm1(y * -ctx.beta)
        if ctx.linear is None:
            return g * slope, None, None
        return Where.apply(ctx.linear, g, g * slope), None, None


def softplus(input, beta=1.0, threshold=20.0):
    """Softplus: y = (1/β) ln(1 + e^(βx)), a smooth ReLU; y′ = σ(βx).

    Where βx > ``threshold`` the function equals x to within rounding and is returned as x.

    Parameters
    ----------
    input : Tensor
    beta : float, default 1.0
    threshold : float, default 20.0

    Examples
    --------
    >>> F.softplus(kp.tensor([0.0]))
    tensor([0.6931472])
    """
    _floating_only(input, "softplus")
    return Softplus.apply(input, beta, threshold)


def softsign(input):
    """Softsign: y = x / (1 + |x|); y′ = 1 / (1 + |x|)².

    Examples
    --------
    >>> F.softsign(kp.tensor([1.0]))
    tensor([0.5])
    """
    input = _floating(input)
    return input / (1 + abs(input))


def _hardsigmoid(x):
    data = x.data
    value = xp.clip(data + 3, 0, 6) / 6
    slope = ((data > -3) & (data < 3)).astype(data.dtype)
    slope /= 6
    return PiecewiseLinear.apply(x, value.astype(data.dtype, copy=False), slope)


def hardsigmoid(input, inplace=False):
    """Hard sigmoid: y = relu6(x + 3)/6, 0 below −3 and 1 above 3; y′ = 1/6 on (−3, 3).

    Examples
    --------
    >>> F.hardsigmoid(kp.tensor([-4.0, 0.0, 4.0]))
    tensor([0. , 0.5, 1. ])
    """
    _floating_only(input, "hardsigmoid")
    return _maybe_inplace(_hardsigmoid, input, inplace)


def _hardswish(x):
    return x * _hardsigmoid(x)


def hardswish(input, inplace=False):
    """Hard swish (Howard et al., 2019): y = x·relu6(x + 3)/6; y′ = (2x + 3)/6 on (−3, 3),
    0 for x ≤ −3, 1 for x ≥ 3.

    Examples
    --------
    >>> F.hardswish(kp.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.       ,  0.6666667,  4.       ])
    """
    _floating_only(input, "hardswish")
    return _maybe_inplace(_hardswish, input, inplace)


def _threshold(x, threshold, value):
    data = x.data
    keep = data > threshold
    return PiecewiseLinear.apply(x, xp.where(keep, data, xp.asarray(value).astype(data.dtype)),
                                 keep)


def threshold(input, threshold, value, inplace=False):
    """Threshold: y = x for x > threshold, else ``value``; y′ = [x > threshold].

    Parameters
    ----------
    input : Tensor
    threshold : float
    value : float
        What replaces the inputs at or below the threshold (cast to the input's dtype).
    inplace : bool, default False

    Examples
    --------
    >>> F.threshold(kp.tensor([0.5, 2.0]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    return _maybe_inplace(_threshold, input, inplace, threshold, value)


def threshold_(input, threshold, value):
    """In-place ``threshold``."""
    return _maybe_inplace(_threshold, input, True, threshold, value)


class LogSigmoid(Function):
    """ln σ(x) = −ln(1 + e^(−x)), finite for any x; ∂L/∂x = g·σ(−x) with σ(−x) = 1 − e^y
    (from the output y)."""

    @staticmethod
    def forward(ctx, x):
        y = x.dtype.type(0) - _softplus_array(-x)  # 0 − rather than −: ln σ(+∞) is +0, as torch
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * -expm1(y)


def logsigmoid(input):
    """Log-sigmoid: y = ln σ(x) = −softplus(−x); y′ = σ(−x) = 1 − σ(x).

    Examples
    --------
    >>> F.logsigmoid(kp.tensor([0.0]))
    tensor([-0.6931472])
    """
    _floating_only(input, "log_sigmoid")
    return LogSigmoid.apply(input)


# ---- shrinkage ----------------------------------------------------------------------------------

def tanhshrink(input):
    """y = x − tanh x; y′ = tanh² x.

    Examples
    --------
    >>> F.tanhshrink(kp.tensor([1.0]))
    tensor([0.23840582])
    """
    input = _floating(input)
    return input - tanh(input)


def softshrink(input, lambd=0.5):
    """Soft thresholding: y = x − λ for x > λ, x + λ for x < −λ, else 0 (x − clamp(x, −λ, λ));
    y′ = [|x| > λ].

    Raises
    ------
    RuntimeError
        If lambd is negative.

    Examples
    --------
    >>> F.softshrink(kp.tensor([-1.0, 0.2, 1.0]))
    tensor([-0.5,  0. ,  0.5])
    """
    _floating_only(input, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be greater or equal to 0, but found to be "
                           f"{lambd}.")
    data = input.data
    value = data - xp.clip(data, -lambd, lambd).astype(data.dtype, copy=False)
    return PiecewiseLinear.apply(input, value, xp.abs(data) > lambd)


def hardshrink(input, lambd=0.5):
    """Hard thresholding: y = x for |x| > λ, else 0; y′ = [|x| > λ].

    Examples
    --------
    >>> F.hardshrink(kp.tensor([-1.0, 0.2, 1.0]))
    tensor([-1.,  0.,  1.])
    """
    _floating_only(input, "hardshrink")
    data = input.data
    keep = (data > lambd) | (data < -lambd)
    return PiecewiseLinear.apply(input, data * keep, keep)


# ---- gating and normalised exponentials ---------------------------------------------------------

def glu(input, dim=-1):
    """Gated linear unit (Dauphin et al., 2017): split x in halves a, b along ``dim``;
    y = a ∘ σ(b).

    Raises
    ------
    RuntimeError
        For a 0-d input or an odd size along ``dim``.

    Examples
    --------
    >>> F.glu(kp.tensor([2.0, 0.0]))
    tensor([1.])
    """
    if input.data.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _check_dim(dim, input.data.ndim)
    size = input.data.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {size}")
    a, b = chunk(input, 2, dim)
    return a * sigmoid(b)


def _implicit_softmax_dim(name, ndim, stacklevel):
    """torch's legacy choice when no ``dim`` is given: 0 for 0-, 1- and 3-d inputs, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """Softmin: y_i = exp(−x_i) / Σ_j exp(−x_j) along ``dim``, i.e. softmax(−x).

    Parameters
    ----------
    input : Tensor
    dim : int, optional
        Without it, torch's deprecated implicit choice is made, with its warning.
    dtype : konspekt.dtype, optional
        Cast the input to this dtype first.

    Examples
    --------
    >>> F.softmin(kp.tensor([0.0, 0.0]), dim=0)
    tensor([0.5, 0.5])
    """
    if dim is None:
        dim = _implicit_softmax_dim("softmin", input.data.ndim, _stacklevel)
    return softmax(-input, dim, dtype)


# ---- the course's own ---------------------------------------------------------------------------

def arctan(input):
    """Arctangent activation: y = arctan x ∈ (−π/2, π/2); y′ = 1 / (1 + x²).

    Examples
    --------
    >>> F.arctan(kp.tensor([1.0]))
    tensor([0.7853982])
    """
    return atan(input)


def heaviside_step(input):
    """The perceptron's step function: y = 1 for x ≥ 0, else 0 (NaN stays NaN).

    The value at 0 is 1, the convention of the course's perceptron (a point on the separating
    hyperplane counts as the positive class) and of ``torch.heaviside(x, 1)``. The derivative is
    0 wherever it exists, and that is the gradient passed back (the Dirac delta at 0 is not
    representable): a network can contain the step, but gradient descent learns nothing through
    it; the perceptron learns by its own rule, and a network trained by backpropagation uses a
    smooth stand-in such as ``sigmoid``.

    Examples
    --------
    >>> F.heaviside_step(kp.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 1., 1.])
    """
    return ZeroGradient.apply(_floating(input), _step)


def _step(x):
    return xp.heaviside(x, 1)


def noisy_relu(input, sigma=1.0, training=True):
    """Noisy ReLU (Nair & Hinton, 2010): y = max(0, x + ε), ε ~ N(0, σ²), in training only.

    In evaluation (``training=False``) it is the plain relu. ε is drawn independently for each
    element from konspekt's default generator, so ``kp.manual_seed`` makes a run reproducible.
    The gradient is [x + ε > 0] for the drawn ε. E[y] = xΦ(x/σ) + σφ(x/σ) > relu(x): the noise
    shifts the mean up, by σ/√(2π) at x = 0.

    Parameters
    ----------
    input : Tensor
    sigma : float, default 1.0
        The standard deviation σ of the noise; σ ≥ 0.
    training : bool, default True

    Raises
    ------
    ValueError
        If sigma is negative.

    Examples
    --------
    >>> F.noisy_relu(kp.tensor([-1.0, 2.0]), training=False)
    tensor([0., 2.])
    """
    if sigma < 0:
        raise ValueError(f"noisy_relu: sigma must be non-negative, got {sigma}")
    input = _floating(input)
    if not training or sigma == 0:
        return _relu(input)
    noise = randn(*input.data.shape, dtype=input.dtype)
    return _relu(input + noise * sigma)


def lecun_tanh(input, a=0.01):
    """LeCun's tanh with a linear term: y = tanh(x) + a·x; y′ = 1 − tanh²(x) + a.

    LeCun et al., "Efficient BackProp" (1998), §4.4, propose adding "a small linear term" to the
    sigmoid, f(x) = tanh(x) + ax, so that the derivative never falls below a and the saturated
    regions have no flat spots; this is that function. (The same paper's scaled sigmoid
    1.7159·tanh(2x/3) is a different function.) The paper gives no value of a; the default
    0.01 is small enough to leave tanh's shape near 0 unchanged and equals the slope that
    ``leaky_relu`` keeps for the same purpose.

    Parameters
    ----------
    input : Tensor
    a : float, default 0.01
        The slope of the linear term.

    Examples
    --------
    >>> F.lecun_tanh(kp.tensor([0.0, 1.0]), a=0.1)
    tensor([0.       , 0.8615942])
    """
    input = _floating(input)
    return tanh(input) + input * a
