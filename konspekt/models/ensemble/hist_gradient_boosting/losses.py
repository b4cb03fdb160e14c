"""The losses of histogram gradient boosting, each with its first and second derivative in the
raw prediction f (the tree ensemble's output, on the link scale).

Every tree is fitted to a second-order Taylor expansion of the loss around the current f
(Newton boosting, as XGBoost): with gᵢ = wᵢ ∂ℓ(yᵢ, fᵢ)/∂fᵢ and hᵢ = wᵢ ∂²ℓ(yᵢ, fᵢ)/∂fᵢ²,

    Σᵢ ℓ(yᵢ, fᵢ + t(xᵢ)) ≈ const + Σᵢ [gᵢ t(xᵢ) + ½ hᵢ t(xᵢ)²].

=================  ==========================  ===================  ========================
loss               ℓ(y, f)                     gᵢ / wᵢ              hᵢ / wᵢ
=================  ==========================  ===================  ========================
squared_error      ½ (y − f)²                  f − y                1
absolute_error     |y − f|                     sign(f − y)          1 (leaf: median)
quantile (α)       pinball ρ_α(y − f)          −α if y ≥ f else     1 (leaf: α-quantile)
                                               1 − α
poisson            eᶠ − y f                    eᶠ − y               eᶠ
gamma              f + y e⁻ᶠ                   1 − y e⁻ᶠ            y e⁻ᶠ
log_loss, binary   log(1 + eᶠ) − y f           p − y, p = σ(f)      p (1 − p)
log_loss, K class  logsumexp(f) − f_y          p_k − [y = k]        p_k (1 − p_k)
=================  ==========================  ===================  ========================

The gradients and Hessians are stored in float32 (as scikit-learn does: the histograms sum them
in float64). The absolute and quantile losses are not twice differentiable; their trees are
grown on the gradients with hᵢ = wᵢ and each leaf's value is then replaced by the (weighted)
median / α-quantile of the residuals y − f of its samples (Friedman's line search).
The initial prediction f₀ is the intercept-only optimum on the link scale: the weighted mean
(squared), median (absolute), α-quantile (quantile), log of the mean (poisson, gamma), the
log-odds of the mean (binary) and log p_k − mean_l log p_l (multinomial).
"""

import numpy as np
from scipy.special import expit, logsumexp, softmax

__all__ = ["weighted_percentile", "get_loss", "SquaredError", "AbsoluteError", "QuantileLoss",
           "PoissonLoss", "GammaLoss", "BinaryLogLoss", "MultinomialLogLoss"]


def weighted_percentile(values, weights, percentile, average=False):
    """The weighted percentile by the inverted empirical distribution function.

    With v₍₁₎ ≤ … ≤ v₍ₙ₎ and the cumulative weights W_j = Σ_{i≤j} w₍ᵢ₎, the q-percentile is
    v₍ⱼ₎ for the smallest j with W_j ≥ q/100 · W_n. With ``average``, when W_j equals that
    level exactly, the mean of v₍ⱼ₎ and the next value of positive weight is taken instead
    (NumPy's "averaged_inverted_cdf", which gives the median for unit weights).

    Examples
    --------
    >>> float(weighted_percentile(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4), 50, average=True))
    2.5
    """
    order = np.argsort(values, kind="stable")
    values = np.asarray(values, dtype=np.float64)[order]
    weights = np.asarray(weights, dtype=np.float64)[order]
    cumulative = np.cumsum(weights)
    level = percentile / 100.0 * cumulative[-1]
    if level == 0:
        level = np.nextafter(level, 1.0)
    index = min(int(np.searchsorted(cumulative, level)), len(values) - 1)
    if not average or cumulative[index] - level > np.finfo(np.float64).eps:
        return values[index]
    later = np.flatnonzero(weights[index + 1:] > 0)
    following = index + 1 + later[0] if later.size else index
    return 0.5 * (values[index] + values[following])


def _weighted_mean(y, sample_weight):
    return np.average(y, weights=sample_weight, axis=0)


class SquaredError:
    """Half squared error ½ (y − f)² with the identity link."""

    n_outputs = 1
    differentiable = True

    def __init__(self, sample_weight=None):
        self.constant_hessian = sample_weight is None

    def baseline(self, y, sample_weight):
        return np.array([_weighted_mean(y, sample_weight)])

    def pointwise(self, y, raw):
        return 0.5 * (y - raw[:, 0]) ** 2

    def derivatives(self, y, raw):
        return raw[:, 0] - y, np.ones_like(y)

    def inverse_link(self, raw):
        return raw[:, 0]

    def __call__(self, y, raw, sample_weight=None):
        """The (weighted) mean loss over the samples."""
        return float(np.average(self.pointwise(y, raw), weights=sample_weight))

    def gradient_hessian(self, y, raw, sample_weight=None):
        """g and h of shape (n_samples, n_outputs), float32, multiplied by the weights."""
        gradient, hessian = self.derivatives(y, raw)
        gradient = np.asarray(gradient).reshape(len(y), -1)
        hessian = np.asarray(hessian).reshape(len(y), -1)
        if sample_weight is not None:
            gradient = gradient * sample_weight[:, None]
            hessian = hessian * sample_weight[:, None]
        return (np.asfortranarray(gradient, dtype=np.float32),
                np.asfortranarray(hessian, dtype=np.float32))


class AbsoluteError(SquaredError):
    """Absolute error |y − f| (leaf values: the weighted median of the residuals)."""

    differentiable = False

    def baseline(self, y, sample_weight):
        if sample_weight is None:
            return np.array([np.median(y)])
        return np.array([weighted_percentile(y, sample_weight, 50)])

    def pointwise(self, y, raw):
        return np.abs(y - raw[:, 0])

    def derivatives(self, y, raw):
        return np.where(raw[:, 0] > y, 1.0, -1.0), np.ones_like(y)


class QuantileLoss(SquaredError):
    """Pinball loss ρ_α(u) = α u for u ≥ 0, (α − 1) u for u < 0, u = y − f (leaf values: the
    weighted α-quantile of the residuals)."""

    differentiable = False

    def __init__(self, sample_weight=None, quantile=0.5):
        super().__init__(sample_weight)
        self.quantile = quantile

    def baseline(self, y, sample_weight):
        if sample_weight is None:
            return np.array([np.percentile(y, 100 * self.quantile)])
        return np.array([weighted_percentile(y, sample_weight, 100 * self.quantile)])

    def pointwise(self, y, raw):
        residual = y - raw[:, 0]
        return np.where(residual >= 0, self.quantile * residual,
                        (self.quantile - 1.0) * residual)

    def derivatives(self, y, raw):
        return np.where(y >= raw[:, 0], -self.quantile, 1.0 - self.quantile), np.ones_like(y)


class PoissonLoss(SquaredError):
    """Half Poisson deviance up to a constant, eᶠ − y f, with the log link."""

    def __init__(self, sample_weight=None):
        self.constant_hessian = False

    def baseline(self, y, sample_weight):
        mean = max(_weighted_mean(y, sample_weight), 10 * np.finfo(np.float64).eps)
        return np.array([np.log(mean)])

    def pointwise(self, y, raw):
        return np.exp(raw[:, 0]) - y * raw[:, 0]

    def derivatives(self, y, raw):
        mean = np.exp(raw[:, 0])
        return mean - y, mean

    def inverse_link(self, raw):
        return np.exp(raw[:, 0])


class GammaLoss(PoissonLoss):
    """Half Gamma deviance up to a constant, f + y e⁻ᶠ, with the log link."""

    def pointwise(self, y, raw):
        return raw[:, 0] + y * np.exp(-raw[:, 0])

    def derivatives(self, y, raw):
        scaled = y * np.exp(-raw[:, 0])
        return 1.0 - scaled, scaled


class BinaryLogLoss(PoissonLoss):
    """Binary cross-entropy log(1 + eᶠ) − y f with the logit link, p = σ(f)."""

    def baseline(self, y, sample_weight):
        eps = 10 * np.finfo(np.float64).eps
        mean = np.clip(_weighted_mean(y, sample_weight), eps, 1 - eps)
        return np.array([np.log(mean / (1 - mean))])

    def pointwise(self, y, raw):
        return np.logaddexp(0.0, raw[:, 0]) - y * raw[:, 0]

    def derivatives(self, y, raw):
        probability = expit(raw[:, 0])
        return probability - y, probability * (1.0 - probability)

    def inverse_link(self, raw):
        probability = expit(raw[:, 0])
        return np.column_stack([1.0 - probability, probability])


class MultinomialLogLoss(BinaryLogLoss):
    """Multinomial cross-entropy logsumexp(f) − f_y, one raw score per class, p = softmax(f);
    the scores are identified by the symmetric constraint (their mean is the baseline's)."""

    def __init__(self, sample_weight=None, n_classes=3):
        super().__init__(sample_weight)
        self.n_outputs = n_classes

    def baseline(self, y, sample_weight):
        eps = np.finfo(np.float64).eps
        share = np.array([_weighted_mean(y == k, sample_weight)
                          for k in range(self.n_outputs)])
        log_share = np.log(np.clip(share, eps, 1 - eps))
        return log_share - log_share.mean()

    def pointwise(self, y, raw):
        return logsumexp(raw, axis=1) - raw[np.arange(len(y)), y.astype(np.intp)]

    def derivatives(self, y, raw):
        probability = softmax(raw, axis=1)
        onehot = y.astype(np.intp)[:, None] == np.arange(self.n_outputs)[None, :]
        return probability - onehot, probability * (1.0 - probability)

    def inverse_link(self, raw):
        return softmax(raw, axis=1)


_REGRESSION_LOSSES = {"squared_error": SquaredError, "absolute_error": AbsoluteError,
                      "poisson": PoissonLoss, "gamma": GammaLoss, "quantile": QuantileLoss}


def get_loss(name, sample_weight=None, n_classes=None, quantile=None):
    """The loss object for a loss name ("log_loss" picks the binary or multinomial form)."""
    if name == "log_loss":
        if n_classes <= 2:
            return BinaryLogLoss(sample_weight)
        return MultinomialLogLoss(sample_weight, n_classes=n_classes)
    if name == "quantile":
        return QuantileLoss(sample_weight, quantile=quantile)
    return _REGRESSION_LOSSES[name](sample_weight)
