"""Dropout (functional form): inverted dropout of single units (``dropout``), of whole channels
(``dropout1d``, ``dropout2d``), and SELU's alpha dropout.

Inverted dropout (Srivastava et al., 2014) keeps each unit with probability 1 − p and scales the
kept ones by 1/(1 − p) during training,

    y = x ⊙ m / (1 − p),   m_i ~ Bernoulli(1 − p),

so that E[y] = x and evaluation needs no rescaling: there y = x. It is the product of x with a
constant tensor, so the engine's multiplication gives ∂L/∂x = g ⊙ m/(1 − p) and every higher
derivative. The masks are drawn from konspekt's default generator: ``kp.manual_seed`` makes them
reproducible.
"""

import math
import warnings

from ...autograd.backend import xp
from ...autograd.creation import _rng
from ...autograd.methods import _inplace
from ...autograd.ops.arithmetic import Add, Mul
from ...autograd.tensor import _make_tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "alpha_dropout"]

# The value SELU saturates to for x → −∞: −λα (Klambauer et al., 2017).
SELU_SATURATION = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


def check_probability(p):
    """torch's check, shared with the layers: 0 ≤ p ≤ 1."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _check_floating(input, name):
    if input.data.dtype.kind != "f":
        raise RuntimeError(f"{name}: expected a floating point input, got {input.dtype.name} "
                           "(result type Float can't be cast to the desired output type)")


def _keep_mask(shape, p):
    """A boolean mask, each entry True with probability 1 − p."""
    return _rng(None).random(shape, dtype=xp.float32) >= p


def _apply(function, input, inplace, *options):
    return _inplace(function)(input, *options) if inplace else function(input, *options)


def _scale_by_mask(input, p, mask_shape):
    """x ⊙ m/(1 − p) with m of ``mask_shape`` (broadcast over x); zeros when p = 1."""
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    multiplier = xp.multiply(_keep_mask(mask_shape, p), scale, dtype=input.data.dtype)
    return Mul.apply(input, _make_tensor(multiplier))


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout: y = x ⊙ m/(1 − p), m_i ~ Bernoulli(1 − p) in training; y = x in
    evaluation.

    Parameters
    ----------
    input : Tensor
    p : float, default 0.5
        The probability of zeroing a unit, 0 ≤ p ≤ 1 (p = 1 zeroes everything).
    training : bool, default True
        False returns ``input`` itself.
    inplace : bool, default False
        Overwrite ``input`` with the result.

    Returns
    -------
    Tensor
        Same shape and dtype as ``input``.

    Raises
    ------
    ValueError
        If p is outside [0, 1].

    Examples
    --------
    >>> _ = kp.manual_seed(0)
    >>> F.dropout(kp.ones(6), p=0.5)  # kept units become 2, dropped ones 0
    tensor([2., 2., 2., 0., 0., 0.])
    """
    check_probability(p)
    if not training:
        return input
    _check_floating(input, "dropout")
    return _apply(lambda x: _scale_by_mask(x, p, x.data.shape), input, inplace)


def _channel_dropout(input, p, training, inplace, batched, name):
    """Dropout of whole channels: one mask entry per (sample, channel), broadcast over the
    positions; ``batched`` says whether dimension 0 is the batch (else the channels)."""
    check_probability(p)
    if not training:
        return input
    _check_floating(input, name)
    shape = input.data.shape
    lead = 2 if batched else 1
    mask_shape = shape[:lead] + (1,) * (len(shape) - lead)
    return _apply(lambda x: _scale_by_mask(x, p, mask_shape), input, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for sequences: each channel of each sample, all its L positions, is
    zeroed with probability p, the kept channels scaled by 1/(1 − p) (Tompson et al., 2015).
    Neighbouring positions are correlated, so dropping single units would regularize little.

    Parameters
    ----------
    input : Tensor
        Shape (N, C, L) or (C, L).
    p : float, default 0.5
    training : bool, default True
    inplace : bool, default False

    Raises
    ------
    RuntimeError
        If the input is not 2D or 3D.

    Examples
    --------
    >>> F.dropout1d(kp.ones(2, 3, 4), p=0.5).shape
    (2, 3, 4)
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout on "
                           "inputs with 1 spatial dimension, a channel dimension, and an optional "
                           "batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, input.dim() == 3, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for images: each channel of each sample, its whole H × W map, is zeroed
    with probability p, the kept channels scaled by 1/(1 − p) (Tompson et al., 2015).

    As torch, a 3D input is read as (N, C, L) with a warning (1D channel dropout), and inputs
    other than 3D or 4D are accepted with a deprecation warning, one mask entry per
    (dimension 0, dimension 1) pair.

    Parameters
    ----------
    input : Tensor
        Shape (N, C, H, W).
    p : float, default 0.5
    training : bool, default True
    inplace : bool, default False

    Examples
    --------
    >>> F.dropout2d(kp.ones(2, 3, 4, 4), p=0.5).shape
    (2, 3, 4, 4)
    """
    check_probability(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that "
                      "dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", UserWarning, stacklevel=2)
    elif ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                      "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                      "where C is the channel dim. This behavior will change in a future release "
                      "to interpret the input as one without a batch dimension, i.e. shape "
                      "(C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", UserWarning, stacklevel=2)
    if ndim < 2 and training:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _channel_dropout(input, p, training, inplace, True, "dropout2d")


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout for self-normalizing networks (Klambauer et al., 2017): a dropped unit is
    set to SELU's saturation value α′ = −λα instead of 0, and an affine map restores zero mean
    and unit variance:

        y = a·(x ⊙ m + α′(1 − m)) + b,   a = ((1 − p)(1 + p·α′²))^(−1/2),   b = −a·α′·p,

    m_i ~ Bernoulli(1 − p); the identity in evaluation (note ``training=False`` by default, as
    in torch).

    Parameters
    ----------
    input : Tensor
    p : float, default 0.5
    training : bool, default False
    inplace : bool, default False

    Examples
    --------
    >>> F.alpha_dropout(kp.randn(4), p=0.2, training=True).shape
    (4,)
    """
    check_probability(p)
    if not training:
        return input
    _check_floating(input, "alpha_dropout")

    def function(x):
        if p == 1:
            return Mul.apply(x, _make_tensor(xp.zeros_like(x.data)))
        keep = _keep_mask(x.data.shape, p)
        a = 1.0 / math.sqrt((1.0 - p) * (1.0 + p * SELU_SATURATION ** 2))
        dtype = x.data.dtype
        shift = (xp.where(keep, 0.0, a * SELU_SATURATION) - a * SELU_SATURATION * p).astype(dtype)
        return Add.apply(Mul.apply(x, _make_tensor(xp.multiply(keep, a, dtype=dtype))),
                         _make_tensor(shift))

    return _apply(function, input, inplace)
