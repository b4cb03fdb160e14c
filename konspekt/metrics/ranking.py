"""Metrics of scores (not labels): the ROC and precision–recall curves, the area under a
curve, ROC AUC (binary, multiclass one-vs-rest and one-vs-one, multilabel) and average
precision, with scikit-learn's arguments, results and errors.

The curves rank the samples by decreasing score; each distinct score is a threshold t, and at
threshold t: TP(t) = Σ wᵢ [sᵢ ≥ t ∧ yᵢ = +], FP(t) = Σ wᵢ [sᵢ ≥ t ∧ yᵢ = −] (tied scores move
together).
"""

import warnings
from functools import partial
from itertools import combinations

import numpy as np
from scipy.integrate import trapezoid

from ..base.exceptions import UndefinedMetricWarning, compatible
from ..base.multiclass import type_of_target
from ..base.validation import (assert_all_finite, check_array, check_consistent_length,
                               check_sample_weight, column_or_1d)

__all__ = ["auc", "roc_curve", "roc_auc_score", "precision_recall_curve",
           "average_precision_score"]


def auc(x, y):
    """The area under the curve through the points (x, y) by the trapezoidal rule,
    Σ (xₖ₊₁ − xₖ)(yₖ + yₖ₊₁)/2; x must be monotonic (a decreasing x gives a positive area).

    Examples
    --------
    >>> auc([0, 0.5, 1], [0, 0.75, 1])
    0.625
    """
    x = column_or_1d(x, input_name="x")
    y = column_or_1d(y, input_name="y")
    check_consistent_length(x, y)
    if x.shape[0] < 2:
        raise ValueError("At least 2 points are needed to compute area under curve, but "
                         f"x.shape = {x.shape[0]}")
    direction = 1
    steps = np.diff(x)
    if np.any(steps < 0):
        if np.all(steps <= 0):
            direction = -1
        else:
            raise ValueError(f"x is neither increasing nor decreasing : {x}.")
    return float(direction * trapezoid(y, x))


def _positive_label(pos_label, y_true):
    """``pos_label``, or 1 when y_true's labels are {0, 1}, {−1, 1} or one of them."""
    if pos_label is not None:
        return pos_label
    classes = np.unique(y_true)
    standard = any(np.array_equal(classes, allowed)
                   for allowed in ([0, 1], [-1, 1], [0], [-1], [1]))
    if classes.dtype.kind in "OUS" or not standard:
        shown = ", ".join(repr(label) for label in classes.tolist())
        raise ValueError(f"y_true takes value in {{{shown}}} and pos_label is not specified: "
                         "either make y_true take value in {0, 1} or {-1, 1} or pass "
                         "pos_label explicitly.")
    return 1


def _counts_at_thresholds(y_true, y_score, pos_label=None, sample_weight=None):
    """FP(t) and TP(t) at each distinct score t, scores decreasing (samples of zero weight
    dropped), and the thresholds."""
    check_consistent_length(y_true, y_score, sample_weight)
    pos_label = _positive_label(pos_label, np.asarray(y_true))
    y_true = column_or_1d(y_true)
    y_score = column_or_1d(y_score)
    assert_all_finite(y_true)
    assert_all_finite(y_score)
    positive = (y_true == pos_label).astype(np.float64)
    if sample_weight is not None:
        sample_weight = check_sample_weight(column_or_1d(sample_weight), y_true)
        nonzero = sample_weight != 0
        positive, y_score, sample_weight = (positive[nonzero], y_score[nonzero],
                                            sample_weight[nonzero])
    # Decreasing scores, equal scores kept in their original order: a stable ascending sort
    # of the reversed array, read backwards.
    n = y_score.shape[0]
    order = n - 1 - np.argsort(y_score[::-1], kind="stable")[::-1]
    y_score, positive = y_score[order], positive[order]
    weight = 1.0 if sample_weight is None else sample_weight[order]
    distinct = np.nonzero(np.diff(y_score))[0]
    thresholds_index = np.concatenate([distinct, [positive.size - 1]])
    tps = np.cumsum(positive * weight)[thresholds_index]
    if sample_weight is not None:
        fps = np.cumsum((1 - positive) * weight)[thresholds_index]
    else:
        fps = 1 + thresholds_index - tps
    return fps, tps, y_score[thresholds_index]


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """The receiver operating characteristic: FPR(t) = FP(t)/N and TPR(t) = TP(t)/P at each
    threshold t, from (0, 0) at t = +∞ to (1, 1).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_score : array-like of shape (n_samples,)
    pos_label : int, float, bool or str, optional
        Needed unless the labels are {0, 1} or {−1, 1}.
    sample_weight : array-like, optional
    drop_intermediate : bool, default True
        Drop thresholds whose point lies on a straight segment between its neighbours (it does
        not change the curve).

    Returns
    -------
    fpr, tpr, thresholds : ndarrays (thresholds decreasing, the first +∞)

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        corner = np.concatenate([[True], np.logical_or(np.diff(fps, 2), np.diff(tps, 2)),
                                 [True]])
        fps, tps, thresholds = fps[corner], tps[corner], thresholds[corner]
    fps = np.concatenate([[0.0], fps])
    tps = np.concatenate([[0.0], tps])
    thresholds = np.concatenate([[np.inf], thresholds.astype(np.float64)])
    if fps[-1] <= 0:
        warnings.warn("No negative samples in y_true, false positive value should be "
                      "meaningless", compatible(UndefinedMetricWarning), stacklevel=2)
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn("No positive samples in y_true, true positive value should be "
                      "meaningless", compatible(UndefinedMetricWarning), stacklevel=2)
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """Precision P(t) = TP(t) / (TP(t) + FP(t)) and recall R(t) = TP(t) / P at each
    threshold, in order of increasing threshold, ending with the point (R = 0, P = 1) that has
    no threshold.

    Parameters
    ----------
    y_true, y_score : array-like of shape (n_samples,)
    pos_label : optional
    sample_weight : array-like, optional
    drop_intermediate : bool, default False
        Drop thresholds where the recall does not change on either side.

    Returns
    -------
    precision, recall : ndarrays of shape (n_thresholds + 1,)
    thresholds : ndarray of shape (n_thresholds,), increasing
    """
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        keep = np.concatenate([[True], np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])),
                               [True]])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.zeros_like(tps), where=predicted != 0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all "
                      "thresholds.", UserWarning, stacklevel=2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return (np.concatenate([precision[::-1], [1.0]]), np.concatenate([recall[::-1], [0.0]]),
            thresholds[::-1])


def _binary_average_precision(y_true, y_score, pos_label=1, sample_weight=None):
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label,
                                                  sample_weight=sample_weight)
    # −Σ (Rₙ₊₁ − Rₙ) Pₙ over the increasing-threshold order; −0.0 from rounding becomes 0.
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def _binarize(y, classes):
    """The indicator matrix [yᵢ = classesₖ]; for two classes a single column for classes[1]."""
    indicator = (np.asarray(y).reshape(-1, 1) == np.asarray(classes).reshape(1, -1))
    indicator = indicator.astype(int)
    return indicator[:, 1:] if len(classes) == 2 else indicator


def _average_binary_score(binary_metric, y_true, y_score, average, sample_weight=None):
    """A binary metric, applied per column of a multilabel (or binarized multiclass) target
    and averaged: "micro" pools all cells, "macro" the plain mean over labels, "weighted" the
    mean weighted by each label's (weighted) number of positives, "samples" per row."""
    choices = (None, "micro", "macro", "weighted", "samples")
    if average not in choices:
        raise ValueError(f"average has to be one of {choices}")
    y_type = type_of_target(y_true)
    if y_type not in ("binary", "multilabel-indicator"):
        raise ValueError(f"{y_type} format is not supported")
    if y_type == "binary":
        return binary_metric(y_true, y_score, sample_weight=sample_weight)
    check_consistent_length(y_true, y_score, sample_weight)
    y_true = check_array(y_true)
    y_score = check_array(y_score)
    axis = 1
    score_weight = sample_weight
    average_weight = None
    if average == "micro":
        if score_weight is not None:
            score_weight = np.repeat(score_weight, y_true.shape[1])
        y_true, y_score = y_true.ravel(), y_score.ravel()
    elif average == "weighted":
        if score_weight is not None:
            average_weight = np.sum(y_true * np.reshape(score_weight, (-1, 1)), axis=0)
        else:
            average_weight = np.sum(y_true, axis=0)
        if np.isclose(average_weight.sum(), 0.0):
            return 0
    elif average == "samples":
        average_weight, score_weight, axis = score_weight, None, 0
    y_true = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    y_score = y_score.reshape(-1, 1) if y_score.ndim == 1 else y_score
    scores = np.zeros(y_score.shape[axis])
    for column in range(scores.shape[0]):
        scores[column] = binary_metric(np.take(y_true, column, axis=axis),
                                       np.take(y_score, column, axis=axis),
                                       sample_weight=score_weight)
    if average is None:
        return scores
    if average_weight is not None:
        scores[np.asarray(average_weight) == 0] = 0
    return float(np.average(scores, weights=average_weight))


def average_precision_score(y_true, y_score, *, average="macro", pos_label=1,
                            sample_weight=None):
    """Average precision AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the thresholds (the precision at each
    threshold weighted by the gain in recall; no interpolation). Multiclass y is binarized
    one-vs-rest and averaged as in ``roc_auc_score``.

    Examples
    --------
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    y_score = check_array(y_score, ensure_2d=False)
    y_type = type_of_target(y_true, input_name="y_true")
    present = np.unique(y_true)
    if y_type == "binary":
        if present.shape[0] == 2 and pos_label not in present:
            raise ValueError(f"pos_label={pos_label} is not a valid label. It should be one "
                             f"of {present}")
    elif y_type == "multilabel-indicator" and pos_label != 1:
        raise ValueError("Parameter pos_label is fixed to 1 for multilabel-indicator y_true. "
                         "Do not set pos_label or set pos_label to 1.")
    elif y_type == "multiclass":
        if pos_label != 1:
            raise ValueError("Parameter pos_label is fixed to 1 for multiclass y_true. Do not "
                             "set pos_label or set pos_label to 1.")
        y_true = (np.asarray(y_true).reshape(-1, 1) == present.reshape(1, -1)).astype(int)
        if y_score.shape != y_true.shape:
            raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                             "`y_true` contains multiple classes. Got "
                             f"`y_score.shape={y_score.shape}`.")
    metric = partial(_binary_average_precision, pos_label=pos_label)
    return _average_binary_score(metric, y_true, y_score, average, sample_weight=sample_weight)


def _binary_roc_auc(y_true, y_score, sample_weight=None, max_fpr=None):
    """The area under the ROC curve; with ``max_fpr``, the partial area up to it, rescaled by
    McClish's correction ½ (1 + (A − max_fpr²/2) / (max_fpr − max_fpr²/2))."""
    if len(np.unique(y_true)) != 2:
        warnings.warn("Only one class is present in y_true. ROC AUC score is not defined in "
                      "that case.", compatible(UndefinedMetricWarning), stacklevel=3)
        return np.nan
    fpr, tpr, _ = roc_curve(y_true, y_score, sample_weight=sample_weight)
    if max_fpr is None or max_fpr == 1:
        return auc(fpr, tpr)
    if max_fpr <= 0 or max_fpr > 1:
        raise ValueError(f"Expected max_fpr in range (0, 1], got: {max_fpr!r}")
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr = np.append(tpr[:stop], np.interp(max_fpr, fpr[stop - 1:stop + 1],
                                          tpr[stop - 1:stop + 1]))
    fpr = np.append(fpr[:stop], max_fpr)
    partial_area = auc(fpr, tpr)
    min_area, max_area = 0.5 * max_fpr ** 2, max_fpr
    return 0.5 * (1 + (partial_area - min_area) / (max_area - min_area))


def _one_vs_one_average(y_true, y_score, average):
    """Hand & Till's one-vs-one AUC: for each pair of classes (a, b), the mean of the AUC of
    a against b (scored by column a) and of b against a (column b), on the samples of those
    two classes; averaged uniformly ("macro") or by the pair's prevalence ("weighted")."""
    classes = np.unique(y_true)
    pairs = list(combinations(classes, 2))
    pair_scores = np.empty(len(pairs))
    prevalence = np.empty(len(pairs)) if average == "weighted" else None
    for index, (a, b) in enumerate(pairs):
        in_pair = (y_true == a) | (y_true == b)
        if prevalence is not None:
            prevalence[index] = np.average(in_pair)
        a_true = (y_true == a)[in_pair]
        b_true = (y_true == b)[in_pair]
        pair_scores[index] = (_binary_roc_auc(a_true, y_score[in_pair, a])
                              + _binary_roc_auc(b_true, y_score[in_pair, b])) / 2
    return float(np.average(pair_scores, weights=prevalence))


def _multiclass_roc_auc(y_true, y_score, labels, multi_class, average, sample_weight):
    if y_score.ndim != 2:
        raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                         f"`y_true` contains multiple classes. Got `y_score.shape="
                         f"{y_score.shape}`.")
    if not np.allclose(1, y_score.sum(axis=1)):
        raise ValueError("Target scores need to be probabilities for multiclass roc_auc, i.e. "
                         "they should sum up to 1.0 over classes")
    average_choices = ("macro", "weighted", None)
    if multi_class == "ovr":
        average_choices = ("micro",) + average_choices
    if average not in average_choices:
        raise ValueError(f"average must be one of {average_choices} for multiclass problems")
    if multi_class not in ("ovo", "ovr"):
        raise ValueError(f"multi_class='{multi_class}' is not supported for multiclass ROC "
                         "AUC, multi_class must be in ('ovo', 'ovr')")
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    if labels is not None:
        labels = column_or_1d(labels)
        classes = np.unique(labels)
        if len(classes) != len(labels):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(classes, labels):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(classes) != y_score.shape[1]:
            raise ValueError(f"Number of given labels, {len(classes)}, not equal to the number "
                             f"of columns in 'y_score', {y_score.shape[1]}")
        if len(np.setdiff1d(y_true, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
    else:
        classes = np.unique(y_true)
        if len(classes) != y_score.shape[1]:
            raise ValueError("Number of classes in y_true not equal to the number of columns "
                             "in 'y_score'")
    if multi_class == "ovo":
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for multiclass one-vs-one ROC "
                             "AUC, 'sample_weight' must be None in this case.")
        return _one_vs_one_average(np.searchsorted(classes, y_true), y_score, average)
    indicator = (np.asarray(y_true).reshape(-1, 1) == classes.reshape(1, -1)).astype(int)
    return _average_binary_score(_binary_roc_auc, indicator, y_score, average,
                                 sample_weight=sample_weight)


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None):
    """The area under the ROC curve: the probability that a random positive is scored above a
    random negative (ties count ½).

    Binary: ``y_score`` holds the scores of the greater label. Multiclass (``y_score`` of
    shape (n_samples, n_classes), rows summing to 1): ``multi_class="ovr"`` averages the AUC of
    each class against the rest ("macro", "weighted" by prevalence, "micro" pooled, or None);
    ``"ovo"`` averages over pairs of classes (Hand & Till, 2001). Multilabel: per label,
    averaged.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
    average : {"micro", "macro", "samples", "weighted"} or None, default "macro"
    sample_weight : array-like, optional
    max_fpr : float in (0, 1], optional
        Binary only: the standardized partial AUC over FPR ∈ [0, max_fpr].
    multi_class : {"raise", "ovr", "ovo"}, default "raise"
    labels : array-like, optional
        Multiclass: the classes of ``y_score``'s columns.

    Returns
    -------
    float (or ndarray for average=None)

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y_type = type_of_target(y_true, input_name="y_true")
    y_true = check_array(y_true, ensure_2d=False, dtype=None)
    y_score = check_array(y_score, ensure_2d=False)
    if sample_weight is not None:
        sample_weight = column_or_1d(sample_weight)
    if y_type == "multiclass" or (y_type == "binary" and y_score.ndim == 2
                                  and y_score.shape[1] > 2):
        if max_fpr is not None and max_fpr != 1.0:
            raise ValueError("Partial AUC computation not available in multiclass setting, "
                             "'max_fpr' must be set to `None`, received "
                             f"`max_fpr={max_fpr}` instead")
        if multi_class == "raise":
            raise ValueError("multi_class must be in ('ovo', 'ovr')")
        return _multiclass_roc_auc(y_true, y_score, labels, multi_class, average,
                                   sample_weight)
    metric = partial(_binary_roc_auc, max_fpr=max_fpr)
    if y_type == "binary":
        classes = np.unique(y_true)
        y_true = (y_true == classes[-1]).astype(int) if len(classes) == 2 \
            else np.zeros(y_true.shape[0], dtype=int)
    return _average_binary_score(metric, y_true, y_score, average,
                                 sample_weight=sample_weight)
