"""Loss functions, in torch.nn.functional's names and signatures, and the course's own losses.

Notation: x the prediction (``input``), y the target, ℓ_i the loss of element i; the
``reduction`` turns the ℓ_i into the returned value: 'none' keeps them, 'sum' gives Σ ℓ_i and
'mean' gives Σ ℓ_i / n (for the class-weighted losses: Σ ℓ_i / Σ w_{y_i}, as in torch).

Cross-entropy with class indices, the loss of every classification step, is one fused operation
(``_ClassIndexLoss``): a stable log-softmax and the pick of the target's log-probability in the
forward, softmax − one-hot in the backward. Everything else is composed from engine operations, so
first and second derivatives come from the engine's rules.

The course's losses without a torch twin:

* asymmetric squared loss, with δ = y − x (positive when the prediction is too low):
  ℓ = δ² · (a·[δ < 0] + b·[δ ≥ 0]), i.e. weight a on over-predictions and b on under-predictions;
* the margin losses of a linear classifier with labels y ∈ {−1, +1} and margin M = y·f(x):
  logistic ln(1 + e^(−M)), hinge (1 − M)₊, exponential e^(−M), sigmoid 1 / (1 + e^M).
"""

import math
import warnings

from ...autograd.backend import xp
from ...autograd.function import Function
from ...autograd.ops.arithmetic import scalar_type_name
from ...autograd.ops.elementwise import Sigmoid, clamp, exp, log, minimum, where
from ...autograd.ops.softmax import log_softmax
from ...autograd.tensor import _make_tensor

__all__ = [
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "kl_div",
    "gaussian_nll_loss", "poisson_nll_loss", "triplet_margin_loss", "cosine_embedding_loss",
    "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "multi_margin_loss",
    "cosine_similarity", "pairwise_distance", "asymmetric_squared_loss", "logistic_margin_loss",
    "hinge_margin_loss", "exponential_margin_loss", "sigmoid_margin_loss",
]

_REDUCTIONS = ("none", "mean", "sum")


# ---- reductions and checks shared by the losses -------------------------------------------------

def _reduction(size_average, reduce, reduction, allowed=_REDUCTIONS):
    """The reduction to apply; the deprecated ``size_average``/``reduce`` flags win when given,
    with torch's rule (reduce=False → 'none', else size_average=False → 'sum', else 'mean')."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_if_sizes_differ(input, target):
    """Different sizes broadcast, which is rarely what a regression loss means: warn as torch."""
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


def _weighted(loss, weight, input, reduction, weighted_mean):
    """Elementwise weights of torch's regression losses: same size as the input; 'mean' is
    Σ w·ℓ / Σ w (``weighted_mean``) or the plain mean of w·ℓ (Huber, as torch)."""
    if weight is None:
        return _reduce(loss, reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean" and weighted_mean:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


class _Softplus(Function):
    """ln(1 + e^z) = logaddexp(0, z): finite for any z (no e^z overflow); derivative σ(z)."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return xp.logaddexp(z.dtype.type(0), z)

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * Sigmoid.apply(z)


def _softplus(z):
    return _Softplus.apply(z)


# ---- regression -------------------------------------------------------------------------------

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ℓ_i = (x_i − y_i)², optionally times an elementwise ``weight``.

    Parameters
    ----------
    input, target : Tensor
        Of the same shape (different shapes broadcast, with a warning as in torch).
    size_average, reduce : bool, optional
        Deprecated, as in torch; use ``reduction``.
    reduction : {'mean', 'sum', 'none'}
    weight : Tensor, optional
        Same shape as ``input``; 'mean' then gives Σ w_i ℓ_i / Σ w_i.

    Returns
    -------
    Tensor
        A scalar, or the ℓ_i for reduction='none'.

    Examples
    --------
    >>> F.mse_loss(kp.tensor([1.0, 2.0]), kp.tensor([1.0, 4.0]))
    tensor(2.)
    """
    _warn_if_sizes_differ(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    return _weighted((input - target).square(), weight, input, reduction, True)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ℓ_i = |x_i − y_i|, optionally times an elementwise ``weight``
    ('mean' then gives Σ w_i ℓ_i / Σ w_i). Arguments as in ``mse_loss``."""
    _warn_if_sizes_differ(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    return _weighted((input - target).abs(), weight, input, reduction, True)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: with d = |x − y|, ℓ = ½d² for d < δ and δ(d − ½δ) beyond, so that the loss is
    quadratic near the target and linear (robust to outliers) far from it.

    An elementwise ``weight`` multiplies ℓ; 'mean' is then the plain mean of w·ℓ, as in torch.
    """
    _warn_if_sizes_differ(input, target)
    reduction = _reduction(None, None, reduction)
    difference = input - target
    distance = difference.abs()
    loss = where(distance.data < delta, 0.5 * difference.square(),
                 delta * (distance - 0.5 * delta))
    return _weighted(loss, weight, input, reduction, False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1: with d = |x − y|, ℓ = ½d²/β for d < β and d − ½β beyond (the Huber loss
    divided by β); β = 0 is the L1 loss."""
    _warn_if_sizes_differ(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    difference = input - target
    distance = difference.abs()
    if beta == 0:
        return _reduce(distance, reduction)
    loss = where(distance.data < beta, (0.5 / beta) * difference.square(), distance - 0.5 * beta)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of y under N(x, σ²): ℓ = ½(ln σ² + (x − y)²/σ²) [+ ½ ln 2π].

    ``var`` (σ²) has the input's shape, or one dimension fewer / a size-1 dimension (one variance
    shared along it), or is a float. It is clamped to at least ``eps`` for stability; as in torch
    the clamp is invisible to the gradient.
    """
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _make_tensor(xp.full(input.shape, var, dtype=input.data.dtype))
    elif (var.data < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(
                v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError(f"var is of incorrect size: expected {input.shape}, that shape "
                             f"without its last dimension, or one dimension of size 1; got "
                             f"{var.shape}")
    reduction = _reduction(None, None, reduction)
    var = var + _make_tensor(xp.maximum(var.data, eps) - var.data)
    loss = 0.5 * (log(var) + (input - target).square() / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of counts y under Poisson(λ), dropping the constant ln y!:
    log_input=True (x = ln λ): ℓ = e^x − y·x; else (x = λ): ℓ = x − y·ln(x + eps).
    ``full`` adds Stirling's approximation of ln y!, y ln y − y + ½ ln(2πy), for y > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = exp(input) - target * input
    else:
        loss = input - target * log(input + eps)
    if full:
        above_one = target.data > 1
        y = where(above_one, target, 2.0)  # keeps log finite where the term is masked away
        stirling = y * log(y) - y + 0.5 * log(2 * math.pi * y)
        loss = loss + where(above_one, stirling, 0.0)
    return _reduce(loss, reduction)


# ---- binary classification ---------------------------------------------------------------------

class _BinaryCrossEntropy(Function):
    """ℓ = −(y ln x + (1 − y) ln(1 − x)), each log clamped at −100 as torch does, so that x = 0
    or 1 gives a finite loss. ∂ℓ/∂x = (x − y) / max(x(1 − x), 10⁻¹²) (finite at 0 and 1),
    ∂ℓ/∂y = ln(1 − x) − ln x (clamped)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with xp.errstate(divide="ignore"):
            return -(y * xp.maximum(xp.log(x), -100) + (1 - y) * xp.maximum(xp.log1p(-x), -100))

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        grad_x = g * (x - y) / clamp(x * (1 - x), min=1e-12) if need_x else None
        grad_y = None
        if need_y:
            with xp.errstate(divide="ignore"):
                grad_y = g * (clamp(log(1 - x), min=-100) - clamp(log(x), min=-100))
        return grad_x, grad_y


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities: ℓ_i = −w_i (y_i ln x_i + (1 − y_i) ln(1 − x_i)),
    each log clamped at −100 (torch's rule), x_i ∈ [0, 1]. ``weight`` broadcasts to the input.

    For logits, ``binary_cross_entropy_with_logits`` is the stable choice.
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the "
                         "same size.")
    x = input.data
    if ((x < 0) | (x > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = _BinaryCrossEntropy.apply(input, target.to(input.dtype))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of logits x with σ built in, computed stably:

      ℓ = −w [p·y ln σ(x) + (1 − y) ln(1 − σ(x))] = w [(1 − y)·x + (1 + (p − 1)·y)·softplus(−x)]

    with softplus(−x) = max(−x, 0) + ln(1 + e^(−|x|)), finite for any x. ``pos_weight`` p
    (one value per class, broadcast along the last dimension) weighs the positive examples.
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    target = target.to(input.dtype)
    if pos_weight is None:
        loss = (1 - target) * input + _softplus(-input)
    else:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * _softplus(-input)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---- classification with class indices: the fused log-softmax + NLL ----------------------------

class _Probabilities(Function):
    """softmax(x) along ``axis`` whose value is handed in (e / Σe from the exponentials the
    cross-entropy forward already computed), so that its backward stays differentiable in x
    without a second softmax. Backward: p ∘ (g − Σ g p)."""

    @staticmethod
    def forward(ctx, x, probabilities, axis):
        ctx.save_for_backward(probabilities)
        ctx.axis = axis
        return probabilities

    @staticmethod
    def backward(ctx, g):
        p, = ctx.saved_tensors
        return p * (g - (g * p).sum(ctx.axis, keepdim=True)), None, None


def _pick_index(target, axis, shape):
    """The index of z[i, t_i, …] on z viewed as (N, C, R), R the positions after the class axis
    (an (N, C, d1, …) input), or of z[t] for an unbatched (C,) input: one fancy index for any
    rank, faster than take_along_axis."""
    if axis == 0:
        return (target,)
    n, positions = shape[0], target.size // max(shape[0], 1)
    return (xp.arange(n)[:, None], target.reshape(n, positions), xp.arange(positions)[None, :])


def _as_samples_by_classes(z, axis):
    return z if axis == 0 else z.reshape(z.shape[0], z.shape[1], -1)


class _ClassIndexLoss(Function):
    """Cross-entropy (``from_logits``: z = log-softmax of x) or NLL (z = x) with class indices.

    For sample i with target t_i (weight 0 when t_i is ignored), class weights w and smoothing ε
    over C classes, ℓ_i = −Σ_c q_ic z_ic with the constant q_ic = (1 − ε) w_{t_i} [c = t_i]
    + (ε/C) w_c. 'mean' divides Σ ℓ_i by Σ_i w_{t_i} over the non-ignored samples (torch's rule;
    an all-ignored batch gives 0/0 = NaN and a zero gradient, as in torch).

    Backward, with s_i the scale of the reduction: ∂/∂x_ic = s_i (Σ_c' q_ic' · p_ic − q_ic) with
    p = softmax(x) for cross-entropy, and −s_i q_ic for NLL; both written with tensor operations.
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, smoothing, reduction, axis, from_logits):
        dtype = x.dtype
        # z = base − offset, never formed whole: only its picked entries (and, for smoothing,
        # its weighted sum over the classes) are needed.
        exponentials, offset = None, 0
        base = x
        if from_logits:
            base = x - x.max(axis=axis, keepdims=True)
            exponentials = xp.exp(base)
            sums = exponentials.sum(axis=axis, keepdims=True)
            offset = xp.log(sums).reshape(target.shape)
            # softmax = e / Σe, for the backward: cheaper than exponentiating z again
            exponentials = (exponentials, sums)
        valid = target != ignore_index
        all_valid = valid.all()
        picked_class = target if all_valid else xp.where(valid, target, 0)
        index = _pick_index(picked_class, axis, x.shape)
        picked = _as_samples_by_classes(base, axis)[index].reshape(target.shape) - offset
        # w_{t_i}, with None standing for "all ones" (no weight, nothing ignored): the hot path
        if weight is not None:
            target_weight = weight[picked_class] if all_valid else weight[picked_class] * valid
        else:
            target_weight = None if all_valid else valid.astype(dtype)
        loss = -picked if target_weight is None else -target_weight * picked
        if smoothing:
            if weight is None:
                spread = base.sum(axis=axis) - x.shape[axis] * offset
            else:
                spread = (xp.tensordot(xp.moveaxis(base, axis, -1), weight, axes=1)
                          - weight.sum() * offset)
            if not all_valid:
                spread = spread * valid
            loss = (1 - smoothing) * loss - (smoothing / x.shape[axis]) * spread
        total = None
        if reduction != "none":
            loss = loss.sum()
            total = target.size if target_weight is None else target_weight.sum()
            if reduction == "mean":
                loss = loss / total if total else xp.nan
        ctx.save_for_backward(x)
        ctx.options = (exponentials, index, valid, all_valid, target_weight, total, weight,
                       smoothing, reduction, axis)
        return xp.asarray(loss, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        (exponentials, index, valid, all_valid, target_weight, total, weight, smoothing,
         reduction, axis) = ctx.options
        dtype = x.data.dtype
        classes = x.shape[axis]
        kept = list(x.shape)
        kept[axis] = 1
        # q: the constant soft target of each sample; row = Σ_c q_ic, a number when all equal.
        on_target = (1 - smoothing) if target_weight is None else (1 - smoothing) * target_weight
        q = xp.zeros_like(x.data)
        _as_samples_by_classes(q, axis)[index] = (
            on_target if target_weight is None or axis == 0
            else on_target.reshape(index[1].shape))
        row = on_target
        if smoothing:
            class_shape = [1] * x.ndim
            class_shape[axis] = classes
            spread = (xp.full(class_shape, smoothing / classes, dtype) if weight is None
                      else (smoothing / classes) * weight.reshape(class_shape))
            row = row + spread.sum() * (1 if all_valid else valid)
            q += spread if all_valid else spread * valid.reshape(kept)
        if reduction == "none":
            scale = g.unsqueeze(axis)
        else:
            # 'mean' divides by Σ w; all ignored: Σ w = 0 and q = 0, torch's gradient is 0.
            factor = 1.0 if reduction == "sum" else (1.0 / total if total else 0.0)
            q = q * factor
            row = row * factor
            scale = g
        if exponentials is None:  # NLL: the loss is linear in x
            return _make_tensor(-q) * scale, None, None, None, None, None, None, None
        if not xp.isscalar(row):
            row = _make_tensor(xp.reshape(row, kept).astype(dtype))
        probabilities = _Probabilities.apply(x, exponentials[0] / exponentials[1], axis)
        return ((probabilities * row - _make_tensor(q.astype(dtype, copy=False))) * scale,
                None, None, None, None, None, None, None)


def _class_axis(input):
    return 0 if input.ndim == 1 else 1


def _check_class_target(input, target, weight, ignore_index, name):
    """Torch's checks of a class-index target against an (N, C, d1, …) or (C,) input."""
    kind = target.data.dtype.kind
    if kind not in "iu":
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{scalar_type_name(target.data.dtype)}")
    if input.ndim == 0:
        raise ValueError(f"{name}: expected an input with a class dimension, got a scalar")
    if input.ndim >= 2 and target.ndim >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    expected = input.shape[:1] + input.shape[2:] if input.ndim >= 2 else ()
    if target.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    classes = input.shape[_class_axis(input)]
    if weight is not None and weight.shape != (classes,):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes "
                           f"or no classes but got weight tensor of shape: {list(weight.shape)}")
    t = target.data
    if t.size and (t.min() < 0 or t.max() >= classes):
        outside = ((t < 0) | (t >= classes)) & (t != ignore_index)
        if outside.any():
            raise IndexError(f"Target {t[outside].flat[0]} is out of bounds.")


def _class_index_loss(input, target, weight, ignore_index, reduction, smoothing, from_logits,
                      name):
    _check_class_target(input, target, weight, ignore_index, name)
    weight_array = None if weight is None else weight.data.astype(input.data.dtype)
    return _ClassIndexLoss.apply(input, target.data, weight_array, ignore_index, smoothing,
                                 reduction, _class_axis(input), from_logits)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits: ℓ_i = −Σ_c q_ic ln softmax(x_i)_c.

    Parameters
    ----------
    input : Tensor
        Logits, (N, C), (N, C, d1, …) for a loss per position (segmentation), or (C,).
    target : Tensor
        Class indices (integers in [0, C), shape (N,), (N, d1, …) or ()), or class
        probabilities (floating, the input's shape).
    weight : Tensor, optional
        (C,) weight w_c of each class.
    ignore_index : int
        Class-index targets equal to it contribute nothing (also not to the mean's divisor).
    reduction : {'mean', 'sum', 'none'}
        With class indices 'mean' is Σ_i ℓ_i / Σ_i w_{t_i} (non-ignored i); with probabilities
        it is Σ_i ℓ_i / (number of samples).
    label_smoothing : float
        ε ∈ [0, 1]: the target becomes (1 − ε)·target + ε/C uniformly; with class indices
        q_ic = (1 − ε) w_{t_i} [c = t_i] + (ε/C) w_c, with probabilities q_ic = w_c·target_ic.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> F.cross_entropy(kp.tensor([[0.0, 0.0]]), kp.tensor([1]))
    tensor(0.6931472)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if target.data.dtype.kind == "f" and target.shape == input.shape:
        if ignore_index != -100:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _probability_cross_entropy(input, target, weight, reduction, label_smoothing)
    return _class_index_loss(input, target, weight, ignore_index, reduction, label_smoothing,
                             True, "cross_entropy")


def _probability_cross_entropy(input, target, weight, reduction, smoothing):
    axis = _class_axis(input)
    classes = input.shape[axis]
    log_probabilities = log_softmax(input, axis)
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    if weight is not None:
        target = target * weight.reshape((classes,) + (1,) * (input.ndim - axis - 1))
    loss = -(log_probabilities * target).sum(axis)
    if reduction == "mean":
        return loss.sum() / (input.numel() // classes if classes else 0)
    return _reduce(loss, reduction)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities: ℓ_i = −w_{t_i} x_{i, t_i}.

    ``input`` (N, C), (N, C, d1, …) or (C,) holds log-probabilities (e.g. ``log_softmax``);
    ``target`` class indices, ``weight``/``ignore_index``/'mean' as in ``cross_entropy``.
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _class_index_loss(input, target, weight, ignore_index, reduction, 0.0, False,
                             "nll_loss")


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback–Leibler divergence KL(y ‖ q) with the input holding ln q:
    ℓ = y (ln y − x) (0 where y = 0), or with ``log_target`` (y given as ln y) ℓ = e^y (y − x).

    'batchmean' divides the sum by the batch size (the true KL divergence per sample); 'mean'
    divides by the number of elements and warns, as torch does.
    """
    reduction = _reduction(size_average, reduce, reduction, _REDUCTIONS + ("batchmean",))
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    if log_target:
        loss = exp(target) * (target - input)
    else:
        zero = target.data == 0
        # y ln y with the limit 0 at y = 0; the inner where keeps the log (and its gradient)
        # finite there, while a negative y still gives NaN as in torch.
        loss = where(zero, 0.0, target * log(where(zero, 1.0, target))) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


# ---- distances and embeddings ------------------------------------------------------------------

def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 − x2 + eps‖_p along the last dimension (eps keeps the gradient finite at x1 = x2)."""
    return (x1 - x2 + eps).norm(p=p, dim=-1, keepdim=keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps)) along ``dim``, x1 and x2 broadcast together."""
    norm1 = clamp(x1.norm(dim=dim, keepdim=True), min=eps)
    norm2 = clamp(x2.norm(dim=dim, keepdim=True), min=eps)
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """Triplet loss ℓ = max(d(a, p) − d(a, n) + margin, 0), d the ``pairwise_distance``; with
    ``swap``, d(a, n) is replaced by min(d(a, n), d(p, n)) (the harder negative distance)."""
    reduction = _reduction(size_average, reduce, reduction)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and "
            f"negative {negative.ndim}D inputs")
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = minimum(to_negative, pairwise_distance(positive, negative, p, eps))
    return _reduce(clamp(margin + to_positive - to_negative, min=0), reduction)


def _check_pair_target(input1, target, name):
    if input1.ndim not in (1, 2) or target.ndim != input1.ndim - 1:
        raise RuntimeError(f"{name}: expected inputs (N, D) with a target (N,), or (D,) with a "
                           f"scalar target; got inputs {input1.shape} and target {target.shape}")


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """ℓ = 1 − cos(x1, x2) for y = 1 and max(0, cos(x1, x2) − margin) for y = −1 (0 for other y),
    cos computed along the last dimension with 10⁻¹² added to each squared norm, as torch."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_pair_target(input1, target, "cosine_embedding_loss")
    products = (input1 * input2).sum(-1)
    squares1 = (input1 * input1).sum(-1) + 1e-12
    squares2 = (input2 * input2).sum(-1) + 1e-12
    cosine = products / (squares1 * squares2).sqrt()
    y = target.data
    loss = where(y == 1, 1 - cosine, 0.0) + where(y == -1, clamp(cosine - margin, min=0), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """ℓ = max(0, −y (x1 − x2) + margin): y = 1 asks x1 to rank above x2 by the margin."""
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce(clamp(-target * (input1 - input2) + margin, min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """ℓ = x for y = 1 and max(0, margin − x) for y = −1 (x usually a distance)."""
    reduction = _reduction(size_average, reduce, reduction)
    y = target.data
    loss = (where(y != 1, clamp(margin - input, min=0), 0.0) + where(y != -1, input, 0.0))
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Two-class logistic loss ℓ = ln(1 + e^(−y·x)) for y ∈ {−1, 1}, computed stably."""
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(_softplus(-target * input), reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: ℓ_i = Σ_{c ≠ t_i} w_{t_i} max(0, margin − x_{i,t_i} + x_ic)^p / C
    for p ∈ {1, 2}; ``input`` (N, C) or (C,), ``target`` class indices."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    batched = input.reshape(-1, input.shape[-1])
    t = target.data.reshape(-1)
    classes = batched.shape[1]
    outside = (t < 0) | (t >= classes)
    if outside.any():
        raise IndexError(f"Target {t[outside][0]} is out of bounds.")
    picked = batched.gather(1, _make_tensor(t[:, None]))
    hinge = clamp(margin - picked + batched, min=0)
    if p == 2:
        hinge = hinge.square()
    if weight is not None:
        hinge = hinge * _make_tensor(weight.data[t][:, None].astype(input.data.dtype))
    others = xp.ones(batched.shape, dtype=bool)
    others[xp.arange(len(t)), t] = False
    loss = where(others, hinge, 0.0).sum(1) / classes
    return _reduce(loss.reshape(target.shape), reduction)


# ---- the course's losses -----------------------------------------------------------------------

def asymmetric_squared_loss(input, target, a=1.0, b=1.0, reduction="mean"):
    """Asymmetric squared loss ℓ = δ² (a·[δ < 0] + b·[δ ≥ 0]) with δ = y − x.

    δ < 0 means the prediction is too high (weight ``a``), δ ≥ 0 too low (weight ``b``); with
    a = b = 1 it is the squared error. Choosing b > a makes under-prediction dearer, which pushes
    the minimiser above the conditional mean (an expectile).

    Examples
    --------
    >>> F.asymmetric_squared_loss(kp.tensor([3.0, 1.0]), kp.tensor([1.0, 2.0]), a=2.0, b=0.5,
    ...                           reduction='none')
    tensor([8. , 0.5])
    """
    reduction = _reduction(None, None, reduction)
    delta = target - input
    side_weight = xp.where(delta.data < 0, a, b).astype(delta.data.dtype)
    return _reduce(delta.square() * _make_tensor(side_weight), reduction)


def _margin(input, target, name):
    """M = y·f(x) for labels y ∈ {−1, +1}."""
    y = target.data
    if not (xp.abs(y) == 1).all():
        raise ValueError(f"{name}: target must hold the labels -1 and +1, got values "
                         f"{xp.unique(y[xp.abs(y) != 1])[:5].tolist()}")
    return target.to(input.dtype) * input


def logistic_margin_loss(input, target, reduction="mean"):
    """Logistic loss of the margin M = y·f(x): ℓ = ln(1 + e^(−M)), computed as softplus(−M)
    so that it is finite for any M; y ∈ {−1, +1}, ``input`` the scores f(x)."""
    reduction = _reduction(None, None, reduction)
    return _reduce(_softplus(-_margin(input, target, "logistic_margin_loss")), reduction)


def hinge_margin_loss(input, target, reduction="mean"):
    """Hinge loss of the margin M = y·f(x): ℓ = (1 − M)₊ = max(0, 1 − M) (the SVM's loss)."""
    reduction = _reduction(None, None, reduction)
    return _reduce(clamp(1 - _margin(input, target, "hinge_margin_loss"), min=0), reduction)


def exponential_margin_loss(input, target, reduction="mean"):
    """Exponential loss of the margin M = y·f(x): ℓ = e^(−M) (AdaBoost's loss)."""
    reduction = _reduction(None, None, reduction)
    return _reduce(exp(-_margin(input, target, "exponential_margin_loss")), reduction)


def sigmoid_margin_loss(input, target, reduction="mean"):
    """Sigmoid loss of the margin M = y·f(x): ℓ = 1 / (1 + e^M) = σ(−M), computed stably
    (no overflow of e^M); bounded in (0, 1), so robust to outliers but not convex."""
    reduction = _reduction(None, None, reduction)
    return _reduce(Sigmoid.apply(-_margin(input, target, "sigmoid_margin_loss")), reduction)
