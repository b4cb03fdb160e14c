"""Split criteria of the decision trees: the impurity G of a node and its running sums.

A node X holds the samples ``samples[start:end]``; a candidate split at ``pos`` sends
``samples[start:pos]`` to the left child X_L and ``samples[pos:end]`` to the right child X_R.
With N_t = Σ wᵢ over the node, N_tL, N_tR over the children and N_X = Σ wᵢ over the whole
training set (weights wᵢ = sample_weight · class_weight, 1 by default):

- gini:           G(X) = 1 − Σ_c p_c²,             p_c = (Σ_{yᵢ=c} wᵢ) / N_t
- entropy, log_loss: G(X) = −Σ_c p_c log₂ p_c
- squared_error (and friedman_mse, which ranks splits the same way):
                  G(X) = Σ wᵢ yᵢ² / N_t − ȳ²,       ȳ = Σ wᵢ yᵢ / N_t
- poisson:        G(X) = Σ wᵢ yᵢ log(yᵢ / ȳ) / N_t  (half the Poisson deviance)
- absolute_error: G(X) = Σ wᵢ |yᵢ − m| / N_t,       m the weighted median

For several outputs G is the mean over the outputs. A split's information gain is

    IG = (N_t / N_X) · [G(X) − (N_tR / N_t) · G(X_R) − (N_tL / N_t) · G(X_L)],

which is what ``impurity_improvement`` returns. While scanning the positions of one feature only
the ranking matters, so a cheaper *proxy* of IG is compared: −N_tR·G(X_R) − N_tL·G(X_L) in
general, (Σ_L wy)²/N_tL + (Σ_R wy)²/N_tR for the squared error, as in scikit-learn.

The functions below are compiled kernels working on a node's state:

- ``sums``: float64 (3, n_outputs, width), the weighted class counts (width = the largest number
  of classes) or the weighted sums of y (width = 1) of the node [0], the left child [1] and the
  right child [2];
- ``stats``: float64 (8,), indexed by the constants ``W_NODE`` … below;
- ``mae_buffers``: the absolute error's running medians (``_absolute_error``).

Each kernel repeats the arithmetic of scikit-learn's criteria in the same order, so that the
chosen splits and the stored impurities agree with scikit-learn to the last bit.
"""

import math

import numpy as np

from ...utils.accel import njit
from ._absolute_error import (LEFT_ERRORS, NODE_MEDIANS, RIGHT_ERRORS,
                              absolute_error_reset)

GINI, ENTROPY, SQUARED_ERROR, POISSON, ABSOLUTE_ERROR = 0, 1, 2, 3, 4

CLASSIFICATION_CRITERIA = {"gini": GINI, "entropy": ENTROPY, "log_loss": ENTROPY}
REGRESSION_CRITERIA = {"squared_error": SQUARED_ERROR, "friedman_mse": SQUARED_ERROR,
                       "absolute_error": ABSOLUTE_ERROR, "poisson": POISSON}

# Indices into ``stats``.
W_NODE, W_LEFT, W_RIGHT, SQ_SUM_TOTAL, POS, START, END, W_TOTAL = 0, 1, 2, 3, 4, 5, 6, 7

# scikit-learn's guard for a Poisson child whose mean is (numerically) zero.
POISSON_EPSILON = 10 * np.finfo(np.float64).eps


@njit(nogil=True)
def log2(x):
    """log₂ x computed as ln x / ln 2, the way scikit-learn's trees compute it."""
    return math.log(x) / math.log(2.0)


@njit(nogil=True)
def reset(y, sample_weight, samples, sums, stats, criterion, mae_buffers):
    """Move the split position to ``start``: empty left child, full right child."""
    n_outputs = sums.shape[1]
    for k in range(n_outputs):
        for c in range(sums.shape[2]):
            sums[1, k, c] = 0.0
            sums[2, k, c] = sums[0, k, c]
    stats[W_LEFT] = 0.0
    stats[W_RIGHT] = stats[W_NODE]
    stats[POS] = stats[START]
    if criterion == ABSOLUTE_ERROR:
        absolute_error_reset(y, sample_weight, samples, int(stats[START]), int(stats[END]),
                             mae_buffers)


@njit(nogil=True)
def init_node(y, sample_weight, samples, start, end, sums, stats, criterion, mae_buffers):
    """Accumulate the node's sums over ``samples[start:end]`` and reset the split position."""
    n_outputs = sums.shape[1]
    for k in range(n_outputs):
        for c in range(sums.shape[2]):
            sums[0, k, c] = 0.0
    stats[START] = start
    stats[END] = end
    w_node = 0.0
    sq_sum = 0.0
    if criterion <= ENTROPY:
        for p in range(start, end):
            i = samples[p]
            w = sample_weight[i]
            for k in range(n_outputs):
                sums[0, k, int(y[i, k])] += w
            w_node += w
    else:
        for p in range(start, end):
            i = samples[p]
            w = sample_weight[i]
            for k in range(n_outputs):
                y_ik = y[i, k]
                w_y_ik = w * y_ik
                sums[0, k, 0] += w_y_ik
                sq_sum += w_y_ik * y_ik
            w_node += w
    stats[W_NODE] = w_node
    stats[SQ_SUM_TOTAL] = sq_sum
    reset(y, sample_weight, samples, sums, stats, criterion, mae_buffers)


@njit(nogil=True)
def update(y, sample_weight, samples, new_pos, sums, stats, n_classes, criterion):
    """Move the split position to ``new_pos``, adding the samples in between to the left child.

    As scikit-learn does, the sums are walked from whichever end is nearer: from the current
    position forwards, or back from ``end`` after a reverse reset (left = node, right = 0).
    """
    pos = int(stats[POS])
    end = int(stats[END])
    n_outputs = sums.shape[1]
    classification = criterion <= ENTROPY
    if (new_pos - pos) <= (end - new_pos) or criterion == ABSOLUTE_ERROR:
        for p in range(pos, new_pos):
            i = samples[p]
            w = sample_weight[i]
            for k in range(n_outputs):
                if classification:
                    sums[1, k, int(y[i, k])] += w
                else:
                    sums[1, k, 0] += w * y[i, k]
            stats[W_LEFT] += w
    else:
        for k in range(n_outputs):
            for c in range(sums.shape[2]):
                sums[2, k, c] = 0.0
                sums[1, k, c] = sums[0, k, c]
        stats[W_RIGHT] = 0.0
        stats[W_LEFT] = stats[W_NODE]
        for p in range(end - 1, new_pos - 1, -1):
            i = samples[p]
            w = sample_weight[i]
            for k in range(n_outputs):
                if classification:
                    sums[1, k, int(y[i, k])] -= w
                else:
                    sums[1, k, 0] -= w * y[i, k]
            stats[W_LEFT] -= w
    stats[W_RIGHT] = stats[W_NODE] - stats[W_LEFT]
    for k in range(n_outputs):
        for c in range(n_classes[k]):
            sums[2, k, c] = sums[0, k, c] - sums[1, k, c]
    stats[POS] = new_pos


@njit(nogil=True)
def _class_impurity(counts, weight, n_classes, criterion):
    n_outputs = counts.shape[0]
    total = 0.0
    for k in range(n_outputs):
        if criterion == GINI:
            sq_count = 0.0
            for c in range(n_classes[k]):
                count = counts[k, c]
                sq_count += count * count
            total += 1.0 - sq_count / (weight * weight)
        else:
            for c in range(n_classes[k]):
                count = counts[k, c]
                if count > 0.0:
                    count /= weight
                    total -= count * log2(count)
    return total / n_outputs


@njit(nogil=True)
def _poisson_loss(y, sample_weight, samples, start, end, y_sums, weight):
    n_outputs = y_sums.shape[0]
    loss = 0.0
    for k in range(n_outputs):
        if y_sums[k, 0] <= POISSON_EPSILON:
            return np.inf
        y_mean = y_sums[k, 0] / weight
        for p in range(start, end):
            i = samples[p]
            y_ik = y[i, k]
            if y_ik != 0.0:
                loss += sample_weight[i] * (y_ik * math.log(y_ik / y_mean))
    return loss / (weight * n_outputs)


@njit(nogil=True)
def node_impurity(y, sample_weight, samples, sums, stats, n_classes, criterion, mae_buffers):
    """G(X) of the whole node."""
    w_node = stats[W_NODE]
    if criterion <= ENTROPY:
        return _class_impurity(sums[0], w_node, n_classes, criterion)
    n_outputs = sums.shape[1]
    if criterion == SQUARED_ERROR:
        impurity = stats[SQ_SUM_TOTAL] / w_node
        for k in range(n_outputs):
            impurity -= (sums[0, k, 0] / w_node) ** 2.0
        return impurity / n_outputs
    if criterion == POISSON:
        return _poisson_loss(y, sample_weight, samples, int(stats[START]), int(stats[END]),
                             sums[0], w_node)
    return mae_buffers[RIGHT_ERRORS, int(stats[START])] / (w_node * n_outputs)


@njit(nogil=True)
def children_impurity(y, sample_weight, samples, sums, stats, n_classes, criterion,
                      mae_buffers):
    """(G(X_L), G(X_R)) at the current split position."""
    w_left = stats[W_LEFT]
    w_right = stats[W_RIGHT]
    start = int(stats[START])
    pos = int(stats[POS])
    end = int(stats[END])
    if criterion <= ENTROPY:
        return (_class_impurity(sums[1], w_left, n_classes, criterion),
                _class_impurity(sums[2], w_right, n_classes, criterion))
    n_outputs = sums.shape[1]
    if criterion == SQUARED_ERROR:
        sq_sum_left = 0.0
        for p in range(start, pos):
            i = samples[p]
            w = sample_weight[i]
            for k in range(n_outputs):
                y_ik = y[i, k]
                sq_sum_left += w * y_ik * y_ik
        sq_sum_right = stats[SQ_SUM_TOTAL] - sq_sum_left
        impurity_left = sq_sum_left / w_left
        impurity_right = sq_sum_right / w_right
        for k in range(n_outputs):
            impurity_left -= (sums[1, k, 0] / w_left) ** 2.0
            impurity_right -= (sums[2, k, 0] / w_right) ** 2.0
        return impurity_left / n_outputs, impurity_right / n_outputs
    if criterion == POISSON:
        return (_poisson_loss(y, sample_weight, samples, start, pos, sums[1], w_left),
                _poisson_loss(y, sample_weight, samples, pos, end, sums[2], w_right))
    impurity_left = 0.0
    impurity_right = 0.0
    if pos > start:
        impurity_left += mae_buffers[LEFT_ERRORS, pos - 1]
    if pos < end:
        impurity_right += mae_buffers[RIGHT_ERRORS, pos]
    return impurity_left / (w_left * n_outputs), impurity_right / (w_right * n_outputs)


@njit(nogil=True)
def impurity_improvement(stats, impurity_parent, impurity_left, impurity_right):
    """IG = (N_t/N_X)·[G(X) − (N_tR/N_t)·G(X_R) − (N_tL/N_t)·G(X_L)]."""
    w_node = stats[W_NODE]
    return ((w_node / stats[W_TOTAL])
            * (impurity_parent - (stats[W_RIGHT] / w_node * impurity_right)
               - (stats[W_LEFT] / w_node * impurity_left)))


@njit(nogil=True)
def node_value(sums, stats, n_classes, criterion, mae_buffers, out):
    """The node's prediction: class fractions, the weighted mean, or the weighted median."""
    n_outputs = sums.shape[1]
    w_node = stats[W_NODE]
    for k in range(n_outputs):
        if criterion <= ENTROPY:
            for c in range(n_classes[k]):
                out[k, c] = sums[0, k, c] / w_node
        elif criterion == ABSOLUTE_ERROR:
            out[k, 0] = mae_buffers[NODE_MEDIANS, k]
        else:
            out[k, 0] = sums[0, k, 0] / w_node
