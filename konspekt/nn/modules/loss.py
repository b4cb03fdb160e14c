"""Loss modules: each holds its options and calls its function in ``konspekt.nn.functional``.

As in torch, class weights (``weight``, ``pos_weight``) are buffers, so they follow ``to(dtype)``
and appear in ``state_dict`` under the same keys; the modules print without arguments
("CrossEntropyLoss()"), as torch's do. The formulas are in the functional docstrings.
"""

from .. import functional as F
from .module import Module

__all__ = [
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "NLLLoss", "KLDivLoss", "GaussianNLLLoss", "PoissonNLLLoss",
    "TripletMarginLoss", "CosineEmbeddingLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
    "SoftMarginLoss", "MultiMarginLoss", "AsymmetricSquaredLoss", "LogisticMarginLoss",
    "HingeMarginLoss", "ExponentialMarginLoss", "SigmoidMarginLoss",
]


class _Loss(Module):
    """Base of the losses: resolves the deprecated ``size_average``/``reduce`` into
    ``reduction`` once, at construction, as torch does."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = F.loss._reduction(size_average, reduce, reduction)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with a per-class ``weight``, kept as a buffer."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error (x − y)²; see ``functional.mse_loss``.

    Examples
    --------
    >>> loss = kp.nn.MSELoss()
    >>> loss(kp.tensor([1.0, 2.0]), kp.tensor([1.0, 4.0]))
    tensor(2.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error |x − y|; see ``functional.l1_loss``."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber loss: ½d² for d = |x − y| < δ, δ(d − ½δ) beyond; see ``functional.huber_loss``."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """Smooth L1: ½d²/β for d = |x − y| < β, d − ½β beyond; see ``functional.smooth_l1_loss``."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities −w(y ln x + (1 − y) ln(1 − x)); see
    ``functional.binary_cross_entropy``."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, σ built in and computed stably, with ``pos_weight`` for
    the positives; see ``functional.binary_cross_entropy_with_logits``.

    Attributes
    ----------
    weight, pos_weight : Tensor or None
        Buffers, as in torch.
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits, with class indices or class probabilities as targets; see
    ``functional.cross_entropy`` for ``weight``, ``ignore_index`` and ``label_smoothing``.

    Examples
    --------
    >>> loss = kp.nn.CrossEntropyLoss(label_smoothing=0.1)
    >>> loss(kp.randn(8, 5), kp.randint(0, 5, (8,))).shape
    ()
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood −w_t x_t of log-probabilities; see ``functional.nll_loss``."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class KLDivLoss(_Loss):
    """Kullback–Leibler divergence y(ln y − x) of log-probabilities x; see
    ``functional.kl_div`` ('batchmean' is the true KL divergence per sample)."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood ½(ln σ² + (x − y)²/σ²); see
    ``functional.gaussian_nll_loss``. Called as ``loss(input, target, var)``."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood e^x − y·x (log_input) or x − y ln(x + eps); see
    ``functional.poisson_nll_loss``."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(d(a, p) − d(a, n) + margin, 0); see ``functional.triplet_margin_loss``. Called as
    ``loss(anchor, positive, negative)``."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 − cos(x1, x2) for y = 1, max(0, cos(x1, x2) − margin) for y = −1; see
    ``functional.cosine_embedding_loss``."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, −y(x1 − x2) + margin); see ``functional.margin_ranking_loss``."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x for y = 1, max(0, margin − x) for y = −1; see ``functional.hinge_embedding_loss``."""

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin,
                                      reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """ln(1 + e^(−y·x)); see ``functional.soft_margin_loss``."""

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss Σ_{c≠t} max(0, margin − x_t + x_c)^p / C; see
    ``functional.multi_margin_loss``."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)


class AsymmetricSquaredLoss(_Loss):
    """The course's asymmetric squared loss δ²(a·[δ < 0] + b·[δ ≥ 0]), δ = target − input
    (a weighs over-predictions, b under-predictions); see
    ``functional.asymmetric_squared_loss``.

    Examples
    --------
    >>> loss = kp.nn.AsymmetricSquaredLoss(a=1.0, b=4.0)   # under-predicting costs 4×
    >>> loss(kp.tensor([0.0]), kp.tensor([1.0]))
    tensor(4.)
    """

    def __init__(self, a=1.0, b=1.0, reduction="mean"):
        super().__init__(reduction=reduction)
        self.a = a
        self.b = b

    def forward(self, input, target):
        return F.asymmetric_squared_loss(input, target, a=self.a, b=self.b,
                                         reduction=self.reduction)

    def extra_repr(self):
        return f"a={self.a}, b={self.b}"


class LogisticMarginLoss(_Loss):
    """ln(1 + e^(−M)) of the margin M = y·f(x), labels ±1; see
    ``functional.logistic_margin_loss``."""

    def __init__(self, reduction="mean"):
        super().__init__(reduction=reduction)

    def forward(self, input, target):
        return F.logistic_margin_loss(input, target, reduction=self.reduction)


class HingeMarginLoss(_Loss):
    """(1 − M)₊ of the margin M = y·f(x), labels ±1; see ``functional.hinge_margin_loss``."""

    def __init__(self, reduction="mean"):
        super().__init__(reduction=reduction)

    def forward(self, input, target):
        return F.hinge_margin_loss(input, target, reduction=self.reduction)


class ExponentialMarginLoss(_Loss):
    """e^(−M) of the margin M = y·f(x), labels ±1; see ``functional.exponential_margin_loss``."""

    def __init__(self, reduction="mean"):
        super().__init__(reduction=reduction)

    def forward(self, input, target):
        return F.exponential_margin_loss(input, target, reduction=self.reduction)


class SigmoidMarginLoss(_Loss):
    """1 / (1 + e^M) of the margin M = y·f(x), labels ±1; see ``functional.sigmoid_margin_loss``."""

    def __init__(self, reduction="mean"):
        super().__init__(reduction=reduction)

    def forward(self, input, target):
        return F.sigmoid_margin_loss(input, target, reduction=self.reduction)
