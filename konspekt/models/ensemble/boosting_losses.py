"""The losses of gradient boosting: for each, the initial value f₀, the loss L(y, f), the
negative gradient −∂L/∂f the next tree is fitted to, and the value written into each leaf.

Notation: f the raw prediction of the ensemble (the log-odds for binary classification, one
score per class for K classes, the predicted value for regression), wᵢ the sample weights,
rᵢ = −∂L(yᵢ, fᵢ)/∂fᵢ the negative gradient (the "pseudo-residual"), and R_j the samples that
fall in leaf j. After a regression tree is fitted to r, each leaf is given the value γ_j that
(approximately) minimises Σ_{i∈R_j} wᵢ L(yᵢ, fᵢ + γ_j) — Friedman's line search per leaf:

=====================  ==============================  =====================================
loss                   r = −∂L/∂f                      leaf value γ_j
=====================  ==============================  =====================================
squared error (½)      y − f                           Σ w r / Σ w (the tree's own mean)
absolute error         sign(y − f), +1 where y = f     weighted median of y − f
Huber (δ)              y − f, clipped to [−δ, δ]       m + Σ w sign(d − m) min(δ, |d − m|) / Σ w,
                                                       d = y − f, m = weighted median of d
quantile (α)           α if y ≥ f else α − 1           weighted α-quantile of y − f
binary log-loss        y − σ(f)                        Σ w r / Σ w p(1 − p)  (one Newton step)
multinomial (K)        [y = k] − p_k                   (K − 1)/K · Σ w r_k / Σ w p_k(1 − p_k)
exponential            y e^{−f} − (1 − y) e^{f}        Σ w r / Σ w (y e^{−f} + (1 − y) e^{f})
=====================  ==============================  =====================================

with σ(f) = 1 / (1 + e^{−f}) and p_k = e^{f_k} / Σ_l e^{f_l}. The values follow scikit-learn's
``GradientBoostingClassifier`` / ``GradientBoostingRegressor``, including their scale of
``train_score_`` (see each loss's ``__call__``) and their weighted percentile (the inverted
empirical distribution function, :func:`weighted_percentile`).

References: J. H. Friedman, "Greedy function approximation: a gradient boosting machine",
Annals of Statistics 29 (2001); J. Friedman, T. Hastie, R. Tibshirani, "Additive logistic
regression: a statistical view of boosting", Annals of Statistics 28 (2000).
"""

import math

import numpy as np
from scipy.special import expit, logit, logsumexp, softmax

from ...base import (BaseEstimator, ClassifierMixin, RegressorMixin, check_is_fitted,
                     check_sample_weight, validate_data)
from ...utils.accel import njit

__all__ = ["weighted_percentile", "PriorClassifier", "ConstantRegressor", "BoostingLoss",
           "SquaredError", "AbsoluteError", "HuberLoss", "QuantileLoss", "BinomialLogLoss",
           "MultinomialLogLoss", "ExponentialLoss"]


def weighted_percentile(values, weights, percentile):
    """The weighted percentile by the inverted empirical distribution function.

    With the values sorted, v₍₁₎ ≤ … ≤ v₍ₙ₎, and their cumulative weights
    W_k = Σ_{i≤k} w₍ᵢ₎, it is the first v₍ₖ₎ with W_k ≥ percentile/100 · W_n (for unit weights
    and an even n the median is thus the lower middle value, not the average of the two).

    Parameters
    ----------
    values : ndarray of shape (n_samples,)
    weights : ndarray of shape (n_samples,)
        Non-negative weights, not all zero.
    percentile : float
        In [0, 100].

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> float(weighted_percentile(np.array([3., 1., 2.]), np.array([1., 1., 5.]), 50))
    2.0
    """
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    target = percentile / 100 * cumulative[-1]
    if target == 0:
        # The 0-th percentile is the first value of positive weight, not a leading zero-weight one.
        target = np.nextafter(0.0, 1.0)
    index = min(int(np.searchsorted(cumulative, target)), len(values) - 1)
    return float(values[order[index]])


# ---- compiled gradients ------------------------------------------------------------------------
# The C library's exp (``math.exp``, also what numba calls) and NumPy's vectorised exp differ in
# the last bit for about 2 % of inputs. The gradients use the former, as scikit-learn's compiled
# losses do, so that both fit bit-identical targets: splits that tie up to rounding (two features
# isolating the same sample) are then broken alike and the ensembles stay the same trees.

@njit
def binomial_negative_gradient(y, f):
    """y − σ(f), as −((1 − y) − y e^{−f}) / (1 + e^{−f}) (and −(e^f − y) for f ≤ −37)."""
    out = np.empty(f.shape[0])
    for i in range(f.shape[0]):
        if f[i] > -37.0:
            exp_minus = math.exp(-f[i])
            out[i] = -(((1.0 - y[i]) - y[i] * exp_minus) / (1.0 + exp_minus))
        else:
            out[i] = -(math.exp(f[i]) - y[i])
    return out


@njit
def exponential_negative_gradient(y, f):
    """y e^{−f} − (1 − y) e^{f}, as y / e^f − (1 − y) e^f."""
    out = np.empty(f.shape[0])
    for i in range(f.shape[0]):
        exp_f = math.exp(f[i])
        out[i] = y[i] / exp_f - (1.0 - y[i]) * exp_f
    return out


@njit
def multinomial_negative_gradient(codes, raw):
    """[y = k] − softmax(f)_k, the exponentials summed class by class."""
    n_samples, n_classes = raw.shape
    out = np.empty((n_samples, n_classes))
    for i in range(n_samples):
        largest = raw[i, 0]
        for k in range(1, n_classes):
            largest = max(largest, raw[i, k])
        total = 0.0
        for k in range(n_classes):
            out[i, k] = math.exp(raw[i, k] - largest)
            total += out[i, k]
        for k in range(n_classes):
            out[i, k] = (1.0 if codes[i] == k else 0.0) - out[i, k] / total
    return out


# ---- the initial estimators (the default ``init``) ----------------------------------------------

class PriorClassifier(ClassifierMixin, BaseEstimator):
    """Predicts the (weighted) class frequencies π_k = Σ_{yᵢ=k} wᵢ / Σ wᵢ for every sample: the
    default initial model of gradient boosting for classification, whose log-odds give f₀
    (f₀ = log(N₁/N₀) for two classes and unit weights).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_prior_ : ndarray of shape (n_classes,)
    """

    def fit(self, X, y, sample_weight=None):
        """Record the class frequencies of y."""
        X, y = validate_data(self, X, y, ensure_all_finite=False)
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        self.classes_, codes = np.unique(y, return_inverse=True)
        totals = np.bincount(codes, weights=sample_weight, minlength=len(self.classes_))
        self.class_prior_ = totals / totals.sum()
        return self

    def predict_proba(self, X):
        """The class frequencies, one row per sample."""
        check_is_fitted(self)
        return np.tile(self.class_prior_, (len(X), 1))

    def predict(self, X):
        """The most frequent class, for every sample."""
        check_is_fitted(self)
        return np.full(len(X), self.classes_[np.argmax(self.class_prior_)])


class ConstantRegressor(RegressorMixin, BaseEstimator):
    """Predicts one constant for every sample: the (weighted) mean of y, or its quantile — the
    default initial model of gradient boosting for regression.

    Parameters
    ----------
    strategy : {"mean", "quantile"}, default="mean"
    quantile : float, default=0.5
        The quantile level for ``strategy="quantile"``: ``np.percentile`` (linear
        interpolation) without weights, :func:`weighted_percentile` with them.

    Attributes
    ----------
    constant_ : float
    """

    def __init__(self, strategy="mean", quantile=0.5):
        self.strategy = strategy
        self.quantile = quantile

    def fit(self, X, y, sample_weight=None):
        """Compute the constant from y."""
        X, y = validate_data(self, X, y, ensure_all_finite=False, y_numeric=True)
        if self.strategy == "mean":
            self.constant_ = float(np.average(y, weights=sample_weight))
        elif sample_weight is None:
            self.constant_ = float(np.percentile(y, 100 * self.quantile))
        else:
            sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
            self.constant_ = weighted_percentile(y, sample_weight, 100 * self.quantile)
        return self

    def predict(self, X):
        """The constant, for every sample."""
        check_is_fitted(self)
        return np.full(len(X), self.constant_)


# ---- the losses ---------------------------------------------------------------------------------

def _group_by_leaf(leaves):
    """The distinct leaves and, for each, the positions of its samples."""
    order = np.argsort(leaves, kind="stable")
    ids, starts = np.unique(leaves[order], return_index=True)
    return ids, np.split(order, starts[1:])


def _newton_step(numerator, denominator, sample_weight, scale=1.0):
    """scale · Σ w·numerator / Σ w·denominator over one leaf, as a ratio of weighted means (the
    order of operations of scikit-learn, scale applied to the numerator); 0 where the
    denominator vanishes (p ∈ {0, 1}: no step lowers the loss there)."""
    bottom = np.average(denominator, weights=sample_weight)
    if abs(bottom) < 1e-150:
        return 0.0
    return float(np.average(numerator, weights=sample_weight) * scale) / float(bottom)


class BoostingLoss:
    """A loss L(y, f) of gradient boosting, on raw predictions f of shape (n_samples, K).

    A loss gives the default initial model (``initial_estimator``) and the link that turns its
    predictions into f₀, the mean loss (``__call__``), the negative gradient, and the leaf values
    of a fitted tree (``leaf_values``). ``n_trees_per_stage`` is K: one tree per stage except
    for the multinomial loss.
    """

    n_trees_per_stage = 1
    is_classification = False

    def initial_estimator(self):
        """The unfitted default initial model (``init=None``)."""
        return ConstantRegressor(strategy="mean")

    def link(self, prediction):
        """f₀ from the initial model's prediction, shape (n_samples, K)."""
        return np.asarray(prediction, dtype=np.float64).reshape(len(prediction), -1)

    def prepare_stage(self, y, raw, sample_weight):
        """Adapt the loss to the current predictions before a stage (Huber's δ)."""

    def point_loss(self, y, raw):
        """L(yᵢ, fᵢ) for every sample."""
        raise NotImplementedError

    def __call__(self, y, raw, sample_weight=None):
        """The weighted mean loss Σ wᵢ L(yᵢ, fᵢ) / Σ wᵢ."""
        return float(np.average(self.point_loss(y, raw), weights=sample_weight))

    def negative_gradient(self, y, raw):
        """rᵢ = −∂L(yᵢ, fᵢ)/∂fᵢ, shape (n_samples, K)."""
        raise NotImplementedError

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        """The value of one leaf, from the targets, raw predictions before the stage, negative
        gradients (of tree k) and weights of its samples."""
        raise NotImplementedError

    def leaf_values(self, leaves, y, raw, negative_gradient, sample_weight, k=0):
        """The leaf values of tree k of a stage fitted to ``negative_gradient`` (column k).

        Parameters
        ----------
        leaves : ndarray of int, shape (n_samples,)
            The leaf of each (in-bag) sample.
        y : ndarray of shape (n_samples,)
        raw : ndarray of shape (n_samples, K)
            The raw predictions before the stage.
        negative_gradient : ndarray of shape (n_samples,)
        sample_weight : ndarray of shape (n_samples,)
        k : int, default=0

        Returns
        -------
        (leaf ids, their values), or None when the tree's own leaf means are already the
        values (squared error).
        """
        ids, members = _group_by_leaf(leaves)
        values = np.array([self.leaf_value(y[rows], raw[rows], negative_gradient[rows],
                                           sample_weight[rows], k) for rows in members])
        return ids, values


class SquaredError(BoostingLoss):
    """L(y, f) = ½ (y − f)²; r = y − f; f₀ = the weighted mean of y. A leaf's mean of r is
    already the best constant, so the tree keeps its values. ``__call__`` is the mean squared
    error, 2 × the mean of L (scikit-learn's ``train_score_``)."""

    def point_loss(self, y, raw):
        return 0.5 * (y - raw[:, 0]) ** 2

    def __call__(self, y, raw, sample_weight=None):
        return 2 * super().__call__(y, raw, sample_weight)

    def negative_gradient(self, y, raw):
        return (y - raw[:, 0])[:, None]

    def leaf_values(self, leaves, y, raw, negative_gradient, sample_weight, k=0):
        return None


class AbsoluteError(BoostingLoss):
    """L(y, f) = |y − f|; r = sign(y − f) (+1 where y = f, as scikit-learn); f₀ and each leaf's
    value are the weighted median (of y, of y − f in the leaf)."""

    def initial_estimator(self):
        return ConstantRegressor(strategy="quantile", quantile=0.5)

    def point_loss(self, y, raw):
        return np.abs(y - raw[:, 0])

    def negative_gradient(self, y, raw):
        return np.where(raw[:, 0] > y, -1.0, 1.0)[:, None]

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        return weighted_percentile(y - raw[:, 0], sample_weight, 50)


class QuantileLoss(BoostingLoss):
    """The pinball loss of level α: L(y, f) = α (y − f) if y ≥ f, else (1 − α)(f − y);
    r = α if y ≥ f else α − 1; f₀ and each leaf's value are the weighted α-quantile (of y, of
    y − f in the leaf).

    Parameters
    ----------
    alpha : float in (0, 1)
    """

    def __init__(self, alpha):
        self.alpha = alpha

    def initial_estimator(self):
        return ConstantRegressor(strategy="quantile", quantile=self.alpha)

    def point_loss(self, y, raw):
        error = y - raw[:, 0]
        return np.where(error >= 0, self.alpha * error, (self.alpha - 1) * error)

    def negative_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], self.alpha, self.alpha - 1)[:, None]

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        return weighted_percentile(y - raw[:, 0], sample_weight, 100 * self.alpha)


class HuberLoss(BoostingLoss):
    """Huber's loss: L(y, f) = ½ (y − f)² if |y − f| ≤ δ, else δ (|y − f| − δ/2), with δ the
    weighted α-quantile of |y − f| recomputed before every stage; r = y − f clipped to [−δ, δ];
    f₀ = the weighted median of y; a leaf's value is Friedman's one-step estimate
    m + Σ w sign(d − m) min(δ, |d − m|) / Σ w with d = y − f and m its weighted median.

    Parameters
    ----------
    alpha : float in (0, 1)
    """

    def __init__(self, alpha):
        self.alpha = alpha
        # Only the out-of-bag loss before the first stage sees this value (as in scikit-learn).
        self.delta = 0.5

    def initial_estimator(self):
        return ConstantRegressor(strategy="quantile", quantile=0.5)

    def prepare_stage(self, y, raw, sample_weight):
        self.delta = weighted_percentile(np.abs(y - raw[:, 0]), sample_weight, 100 * self.alpha)

    def point_loss(self, y, raw):
        error = np.abs(y - raw[:, 0])
        return np.where(error <= self.delta, 0.5 * error ** 2,
                        self.delta * (error - 0.5 * self.delta))

    def negative_gradient(self, y, raw):
        return np.clip(y - raw[:, 0], -self.delta, self.delta)[:, None]

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        difference = y - raw[:, 0]
        median = weighted_percentile(difference, sample_weight, 50)
        deviation = difference - median
        step = np.sign(deviation) * np.minimum(self.delta, np.abs(deviation))
        return median + np.average(step, weights=sample_weight)


class BinomialLogLoss(BoostingLoss):
    """The binary log-loss of the course, with p = σ(f) = 1 / (1 + e^{−f}) and y ∈ {0, 1}:

        L(y, f) = −[y log p + (1 − y) log(1 − p)] = log(1 + e^f) − y f,
        ∂L/∂f = σ(f) − y,   ∂²L/∂f² = p (1 − p).

    f₀ = log(π₁ / π₀) (= log(N₁/N₀) with unit weights); r = y − σ(f); a leaf's value is one
    Newton step Σ w r / Σ w p (1 − p). ``__call__`` is the binomial deviance, twice the mean
    log-loss (scikit-learn's ``train_score_``).
    """

    is_classification = True

    def initial_estimator(self):
        return PriorClassifier()

    def link(self, prediction):
        probability = np.asarray(prediction, dtype=np.float64)[:, 1]
        eps = np.finfo(np.float64).eps
        return logit(np.clip(probability, eps, 1 - eps))[:, None]

    def point_loss(self, y, raw):
        return np.logaddexp(0.0, raw[:, 0]) - y * raw[:, 0]

    def __call__(self, y, raw, sample_weight=None):
        return 2 * super().__call__(y, raw, sample_weight)

    def negative_gradient(self, y, raw):
        return binomial_negative_gradient(y, np.ascontiguousarray(raw[:, 0]))[:, None]

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        probability = y - negative_gradient
        return _newton_step(negative_gradient, probability * (1 - probability), sample_weight)

    def predict_proba(self, raw):
        """[1 − σ(f), σ(f)] for every sample."""
        probability = expit(raw[:, 0])
        return np.column_stack([1 - probability, probability])


class MultinomialLogLoss(BoostingLoss):
    """The multinomial log-loss (cross-entropy) over K classes with p_k = softmax(f)_k:

        L(y, f) = −log p_y = log Σ_l e^{f_l} − f_y,   ∂L/∂f_k = p_k − [y = k].

    K trees per stage, tree k fitted to r_k = [y = k] − p_k; f₀_k = log(π_k / (Π_l π_l)^{1/K})
    (the log-priors centred on their mean); a leaf's value is (K − 1)/K · Σ w r_k /
    Σ w p_k (1 − p_k) (Friedman's factor (K − 1)/K, kept as scikit-learn keeps it).
    ``__call__`` is the mean log-loss.

    Parameters
    ----------
    n_classes : int
    """

    is_classification = True

    def __init__(self, n_classes):
        self.n_classes = n_classes
        self.n_trees_per_stage = n_classes

    def initial_estimator(self):
        return PriorClassifier()

    def link(self, prediction):
        eps = np.finfo(np.float64).eps
        probability = np.clip(np.asarray(prediction, dtype=np.float64), eps, 1 - eps)
        geometric_mean = np.exp(np.mean(np.log(probability), axis=1, keepdims=True))
        return np.log(probability / geometric_mean)

    def point_loss(self, y, raw):
        codes = y.astype(np.intp)
        return logsumexp(raw, axis=1) - raw[np.arange(len(codes)), codes]

    def negative_gradient(self, y, raw):
        return multinomial_negative_gradient(y.astype(np.intp), np.ascontiguousarray(raw))

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        probability = (y == k) - negative_gradient
        return _newton_step(negative_gradient, probability * (1 - probability), sample_weight,
                            scale=(self.n_classes - 1) / self.n_classes)

    def predict_proba(self, raw):
        """softmax(f) for every sample."""
        return softmax(raw, axis=1)


class ExponentialLoss(BoostingLoss):
    """The exponential loss of AdaBoost with y ∈ {0, 1} (ỹ = 2y − 1 ∈ {−1, +1}):

        L(y, f) = e^{−ỹ f} = y e^{−f} + (1 − y) e^{f},   P(y = 1 | x) = σ(2f).

    f₀ = ½ log(π₁ / π₀); r = y e^{−f} − (1 − y) e^{f}; a leaf's value is one Newton step
    Σ w r / Σ w e^{−ỹ f}. ``__call__`` is the mean loss.
    """

    is_classification = True

    def initial_estimator(self):
        return PriorClassifier()

    def link(self, prediction):
        probability = np.asarray(prediction, dtype=np.float64)[:, 1]
        eps = np.finfo(np.float64).eps
        return 0.5 * logit(np.clip(probability, eps, 1 - eps))[:, None]

    def point_loss(self, y, raw):
        return y * np.exp(-raw[:, 0]) + (1 - y) * np.exp(raw[:, 0])

    def negative_gradient(self, y, raw):
        return exponential_negative_gradient(y, np.ascontiguousarray(raw[:, 0]))[:, None]

    def leaf_value(self, y, raw, negative_gradient, sample_weight, k=0):
        # The second derivative e^{−ỹ f} equals |r|: r itself for y = 1, −r for y = 0.
        hessian = np.where(y == 0, -negative_gradient, negative_gradient)
        return _newton_step(negative_gradient, hessian, sample_weight)

    def predict_proba(self, raw):
        """[1 − σ(2f), σ(2f)] for every sample."""
        probability = expit(2 * raw[:, 0])
        return np.column_stack([1 - probability, probability])
