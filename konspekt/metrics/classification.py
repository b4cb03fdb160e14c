"""Classification metrics from predicted labels: accuracy, balanced accuracy, the confusion
matrix, precision / recall / F-β with their averages, the text report, and the log loss of
predicted probabilities. Names, arguments, defaults, warnings and errors are scikit-learn's.

Notation: for a class k, TPₖ = Σ wᵢ [yᵢ = k ∧ ŷᵢ = k], FPₖ = Σ wᵢ [yᵢ ≠ k ∧ ŷᵢ = k],
FNₖ = Σ wᵢ [yᵢ = k ∧ ŷᵢ ≠ k] (wᵢ = 1 without sample weights).
"""

import warnings

import numpy as np

from ..base.exceptions import UndefinedMetricWarning, compatible
from ..base.validation import check_array, check_consistent_length, check_sample_weight
from ._targets import check_targets, weighted_average

__all__ = ["accuracy_score", "balanced_accuracy_score", "confusion_matrix",
           "multilabel_confusion_matrix", "precision_recall_fscore_support", "precision_score",
           "recall_score", "f1_score", "fbeta_score", "classification_report", "log_loss"]


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """The fraction (or, when not ``normalize``, the weighted count) of correct predictions:
    acc = Σ wᵢ [ŷᵢ = yᵢ] / Σ wᵢ. For multilabel targets a sample counts as correct only when
    its whole label set is.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or indicator matrices
    normalize : bool, default True
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3])
    0.5
    """
    y_type, _, y_true, y_pred = check_targets(y_true, y_pred)
    check_consistent_length(y_true, y_pred, sample_weight)
    if y_type == "multilabel-indicator":
        correct = np.all(y_true == y_pred, axis=1)
    else:
        correct = y_true == y_pred
    return weighted_average(correct, sample_weight, normalize)


def _positions(labels, values):
    """The index of each value in ``labels`` (any order), −1 for values not in it."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    found_at = np.clip(np.searchsorted(sorted_labels, values), 0, len(labels) - 1)
    return np.where(sorted_labels[found_at] == values, order[found_at], -1)


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """The confusion matrix C, Cᵢⱼ = Σ w over the samples of true class i predicted as j.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like, optional
        The classes, in the order of the rows and columns (default: the sorted labels present);
        samples whose true or predicted label is not listed are left out.
    sample_weight : array-like, optional
    normalize : {"true", "pred", "all"} or None
        Divide by the row sums (recall per class), column sums, or the total; 0 / 0 gives 0.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)

    Examples
    --------
    >>> confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    array([[2, 0, 0],
           [0, 0, 1],
           [1, 0, 2]])
    """
    y_type, present, y_true, y_pred = check_targets(y_true, y_pred)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(f"{y_type} is not supported")
    if normalize not in ("true", "pred", "all", None):
        raise ValueError("normalize must be one of {'true', 'pred', 'all', None}")
    if sample_weight is None:
        sample_weight = np.ones(y_true.shape[0], dtype=np.int64)
    else:
        sample_weight = np.asarray(sample_weight)
    check_consistent_length(y_true, y_pred, sample_weight)
    if labels is None:
        labels = present
    else:
        labels = np.asarray(labels)
        if labels.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if len(np.intersect1d(y_true, labels)) == 0:
            raise ValueError("At least one label specified must be in y_true")
    n_labels = labels.size
    true_index = _positions(labels, y_true)
    pred_index = _positions(labels, y_pred)
    kept = (true_index >= 0) & (pred_index >= 0)
    # Integer weights count exactly; any other weights accumulate in float64.
    dtype = np.int64 if sample_weight.dtype.kind in "iub" else np.float64
    cells = true_index[kept] * n_labels + pred_index[kept]
    matrix = np.bincount(cells, weights=sample_weight[kept].astype(np.float64),
                         minlength=n_labels * n_labels)
    matrix = matrix.reshape(n_labels, n_labels).astype(dtype)
    with np.errstate(all="ignore"):
        if normalize == "true":
            matrix = matrix / matrix.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            matrix = matrix / matrix.sum(axis=0, keepdims=True)
        elif normalize == "all":
            matrix = matrix / matrix.sum()
        matrix = np.nan_to_num(matrix)
    if matrix.shape == (1, 1):
        warnings.warn("A single label was found in 'y_true' and 'y_pred'. For the confusion "
                      "matrix to have the correct shape, use the 'labels' parameter to pass "
                      "all known labels.", UserWarning, stacklevel=2)
    return matrix


def multilabel_confusion_matrix(y_true, y_pred, *, sample_weight=None, labels=None,
                                samplewise=False):
    """One 2×2 matrix [[TN, FP], [FN, TP]] per label (one-vs-rest), or per sample when
    ``samplewise`` (multilabel targets only).

    Returns
    -------
    ndarray of shape (n_labels, 2, 2)
    """
    y_type, present, y_true, y_pred = check_targets(y_true, y_pred)
    if sample_weight is not None:
        sample_weight = check_sample_weight(sample_weight, y_true)
    check_consistent_length(y_true, y_pred, sample_weight)
    if labels is None:
        labels, n_selected = present, None
    else:
        n_selected = len(labels)
        labels = np.hstack([np.asarray(labels),
                            np.setdiff1d(present, labels, assume_unique=True)])
    if y_true.ndim == 1:
        if samplewise:
            raise ValueError("Samplewise metrics are not available outside of multilabel "
                             "classification.")
        sorted_labels = np.sort(labels)
        true_codes = np.searchsorted(sorted_labels, y_true)
        pred_codes = np.searchsorted(sorted_labels, y_pred)
        correct = true_codes == pred_codes
        weights_correct = None if sample_weight is None else sample_weight[correct]
        tp = np.bincount(true_codes[correct], weights=weights_correct,
                         minlength=len(labels))
        predicted = np.bincount(pred_codes, weights=sample_weight, minlength=len(labels))
        actual = np.bincount(true_codes, weights=sample_weight, minlength=len(labels))
        order = np.searchsorted(sorted_labels, labels[:n_selected])
        tp, predicted, actual = tp[order], predicted[order], actual[order]
    else:
        if labels.shape != present.shape or np.any(labels != present):
            if np.max(labels) > np.max(present):
                raise ValueError("All labels must be in [0, n labels) for multilabel targets."
                                 f" Got {np.max(labels)} > {np.max(present)}")
            if np.min(labels) < 0:
                raise ValueError("All labels must be in [0, n labels) for multilabel targets."
                                 f" Got {np.min(labels)} < 0")
        if n_selected is not None:
            y_true = y_true[:, labels[:n_selected]]
            y_pred = y_pred[:, labels[:n_selected]]

        def count(matrix):
            """Weighted count of the non-zero cells per label (or per sample when
            ``samplewise``), summed in row order."""
            rows, columns = np.nonzero(matrix)
            if samplewise:
                counts = np.bincount(rows, minlength=matrix.shape[0])
                return counts if sample_weight is None else counts * sample_weight
            weights = None if sample_weight is None else sample_weight[rows]
            counts = np.bincount(columns, weights=weights, minlength=matrix.shape[1])
            return counts if sample_weight is not None else counts.astype(np.int64)

        tp = count(np.multiply(y_true, y_pred))
        predicted = count(y_pred)
        actual = count(y_true)
    fp = predicted - tp
    fn = actual - tp
    if sample_weight is not None and samplewise:
        tn = sample_weight * y_true.shape[1] - tp - fp - fn
    elif sample_weight is not None:
        tn = np.sum(sample_weight) - tp - fp - fn
    elif samplewise:
        tn = y_true.shape[1] - tp - fp - fn
    else:
        tn = y_true.shape[0] - tp - fp - fn
    return np.array([tn, fp, fn, tp]).T.reshape(-1, 2, 2)


def _zero_division_value(zero_division):
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, (int, float)) and zero_division in (0, 1):
        return float(zero_division)
    if isinstance(zero_division, float) and np.isnan(zero_division):
        return np.nan
    raise ValueError("The 'zero_division' parameter must be a str among {'warn'}, a float "
                     f"among {{0.0, 1.0, nan}}. Got {zero_division!r} instead.")


def _divide(numerator, denominator, metric, modifier, average, warn_for, zero_division):
    """numerator / denominator, with ``zero_division``'s value where the denominator is 0,
    and scikit-learn's ``UndefinedMetricWarning`` when that happens under "warn"."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    zero = denominator == 0
    result = numerator / np.where(zero, 1.0, denominator)
    if not np.any(zero):
        return result
    result[zero] = _zero_division_value(zero_division)
    if zero_division == "warn" and metric in warn_for:
        axis_0, axis_1 = ("label", "sample") if average == "samples" else ("sample", "label")
        where = "due to" if result.shape[0] == 1 else f"in {axis_1}s with"
        warnings.warn(f"{metric.capitalize()} is ill-defined and being set to 0.0 {where} no "
                      f"{modifier} {axis_0}s. Use `zero_division` parameter to control this "
                      "behavior.", compatible(UndefinedMetricWarning), stacklevel=4)
    return result


def _set_wise_labels(y_true, y_pred, average, labels, pos_label):
    choices = (None, "micro", "macro", "weighted", "samples")
    if average not in choices and average != "binary":
        raise ValueError("average has to be one of " + str(choices))
    y_type, present, _, _ = check_targets(y_true, y_pred)
    if average == "binary":
        if y_type == "binary":
            if pos_label not in present and len(present) >= 2:
                raise ValueError(f"pos_label={pos_label} is not a valid label. It should be "
                                 f"one of {present}")
            return [pos_label]
        options = [option for option in choices
                   if not (y_type == "multiclass" and option == "samples")]
        raise ValueError(f"Target is {y_type} but average='binary'. Please choose another "
                         f"average setting, one of {options!r}.")
    if pos_label not in (None, 1):
        warnings.warn(f"Note that pos_label (set to {pos_label!r}) is ignored when average != "
                      f"'binary' (got {average!r}). You may use labels=[pos_label] to specify "
                      "a single positive class.", UserWarning, stacklevel=3)
    return labels


def _nan_average(values, weights=None):
    if values.shape[0] == 0:
        return np.nan
    keep = ~np.isnan(values)
    if not keep.any():
        return np.nan
    if weights is None:
        return float(np.mean(values[keep]))
    weights = np.asarray(weights, dtype=np.float64)[keep]
    if weights.sum() == 0:
        return float(np.mean(values[keep]))
    return float(np.average(values[keep], weights=weights))


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Precision, recall, F-β and support per class, or averaged.

    For class k: Pₖ = TPₖ / (TPₖ + FPₖ), Rₖ = TPₖ / (TPₖ + FNₖ),
    Fβₖ = (1 + β²) TPₖ / ((1 + β²) TPₖ + β² FNₖ + FPₖ), supportₖ = TPₖ + FNₖ.

    ``average``: "binary" reports the class ``pos_label`` only; "micro" sums TP, FP, FN over
    the classes first; "macro" is the plain mean over classes; "weighted" the mean weighted by
    support; "samples" (multilabel) computes the scores per sample then averages them
    (weighted by ``sample_weight``); None returns the per-class arrays. A 0 / 0 gives
    ``zero_division`` (0 with an ``UndefinedMetricWarning`` for "warn"; NaN values are left
    out of the averages).

    Parameters
    ----------
    y_true, y_pred : array-like or indicator matrices
    beta : float, default 1.0
    labels : array-like, optional
        The classes to report and average over (default: all present).
    pos_label : int, float, bool or str, default 1
    average : {"binary", "micro", "macro", "weighted", "samples"} or None, default None
    warn_for : tuple
        Which of "precision", "recall", "f-score" may warn.
    sample_weight : array-like, optional
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"

    Returns
    -------
    precision, recall, fbeta_score : float or ndarray
    support : ndarray or None (None when averaged)
    """
    _zero_division_value(zero_division)
    if beta < 0:
        raise ValueError("beta should be >=0 in the F-beta score")
    labels = _set_wise_labels(y_true, y_pred, average, labels, pos_label)
    samplewise = average == "samples"
    matrices = multilabel_confusion_matrix(y_true, y_pred, sample_weight=sample_weight,
                                           labels=labels, samplewise=samplewise)
    tp = matrices[:, 1, 1]
    predicted = tp + matrices[:, 0, 1]
    actual = tp + matrices[:, 1, 0]
    if average == "micro":
        tp, predicted, actual = (np.array([array.sum()]) for array in (tp, predicted, actual))
    precision = _divide(tp, predicted, "precision", "predicted", average, warn_for,
                        zero_division)
    recall = _divide(tp, actual, "recall", "true", average, warn_for, zero_division)
    if np.isposinf(beta):
        f_score = recall
    elif beta == 0:
        f_score = precision
    else:
        beta2 = beta ** 2
        f_score = _divide((1 + beta2) * tp, beta2 * actual + predicted, "f-score",
                          "true nor predicted", average, warn_for, zero_division)
    if average is None:
        return precision, recall, f_score, actual
    weights = actual if average == "weighted" else (
        sample_weight if average == "samples" else None)
    return (_nan_average(precision, weights), _nan_average(recall, weights),
            _nan_average(f_score, weights), None)


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    """Precision TP / (TP + FP): of the samples predicted positive, the fraction that are.
    See ``precision_recall_fscore_support`` for the averages.

    Examples
    --------
    >>> precision_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    precision, _, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("precision",), sample_weight=sample_weight, zero_division=zero_division)
    return precision


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    """Recall TP / (TP + FN): of the positive samples, the fraction found.
    See ``precision_recall_fscore_support`` for the averages."""
    _, recall, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("recall",), sample_weight=sample_weight, zero_division=zero_division)
    return recall


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    """F-β = (1 + β²) P R / (β² P + R) = (1 + β²) TP / ((1 + β²) TP + β² FN + FP): recall
    weighs β times as much as precision. See ``precision_recall_fscore_support``."""
    _, _, f_score, _ = precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        warn_for=("f-score",), sample_weight=sample_weight, zero_division=zero_division)
    return f_score


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None, zero_division="warn"):
    """F₁ = 2 P R / (P + R) = 2 TP / (2 TP + FP + FN), the harmonic mean of precision and
    recall. See ``precision_recall_fscore_support`` for the averages.

    Examples
    --------
    >>> f1_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    return fbeta_score(y_true, y_pred, beta=1, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight,
                       zero_division=zero_division)


def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """The mean of the per-class recalls, (1/K) Σₖ Cₖₖ / Σⱼ Cₖⱼ; when ``adjusted``, rescaled
    so that chance scores 0 and perfect scores 1: (score − 1/K) / (1 − 1/K).

    Examples
    --------
    >>> balanced_accuracy_score([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1])
    0.625
    """
    matrix = confusion_matrix(y_true, y_pred, sample_weight=sample_weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = np.diag(matrix) / matrix.sum(axis=1)
    if np.any(np.isnan(per_class)):
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
        per_class = per_class[~np.isnan(per_class)]
    score = np.mean(per_class)
    if adjusted:
        chance = 1 / len(per_class)
        score = (score - chance) / (1 - chance)
    return float(score)


def classification_report(y_true, y_pred, *, labels=None, target_names=None,
                          sample_weight=None, digits=2, output_dict=False,
                          zero_division="warn"):
    """Per-class precision, recall, F₁ and support, then the accuracy (or micro average) and
    the macro and weighted averages, as scikit-learn's text table or a dict.

    Parameters
    ----------
    y_true, y_pred : array-like
    labels : array-like, optional
    target_names : list of str, optional
        The row names (default: the labels as strings).
    sample_weight : array-like, optional
    digits : int, default 2
        Decimal places in the text.
    output_dict : bool, default False
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"

    Returns
    -------
    str or dict
    """
    y_type, present, y_true, y_pred = check_targets(y_true, y_pred)
    labels_given = labels is not None
    labels = np.asarray(labels) if labels_given else present
    micro_is_accuracy = y_type in ("multiclass", "binary") and (
        not labels_given or set(labels) >= set(present))
    if target_names is not None and len(labels) != len(target_names):
        if labels_given:
            warnings.warn(f"labels size, {len(labels)}, does not match size of target_names, "
                          f"{len(target_names)}", UserWarning, stacklevel=2)
        else:
            raise ValueError(f"Number of classes, {len(labels)}, does not match size of "
                             f"target_names, {len(target_names)}. Try specifying the labels "
                             "parameter")
    if target_names is None:
        target_names = [f"{label}" for label in labels]
    headers = ["precision", "recall", "f1-score", "support"]
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, sample_weight=sample_weight,
        zero_division=zero_division)
    rows = list(zip(target_names, precision, recall, f1, support))
    averages = ("micro", "macro", "weighted") + (
        ("samples",) if y_type.startswith("multilabel") else ())
    summary = []
    for average in averages:
        heading = "accuracy" if average == "micro" and micro_is_accuracy \
            else average + " avg"
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, sample_weight=sample_weight,
            zero_division=zero_division)
        summary.append((heading, p, r, f, np.sum(support)))
    if output_dict:
        report = {row[0]: dict(zip(headers, (float(value) for value in row[1:])))
                  for row in rows}
        for heading, *values in summary:
            report[heading] = dict(zip(headers, (float(value) for value in values)))
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        return report
    width = max(max(len(name) for name in target_names), len("weighted avg"), digits)
    text = f"{'':>{width}s} " + "".join(f" {header:>9}" for header in headers) + "\n\n"
    row_format = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in rows:
        text += row_format.format(*row, width=width, digits=digits)
    text += "\n"
    for heading, p, r, f, total in summary:
        if heading == "accuracy":
            text += (f"{heading:>{width}s} " + f" {'':>9}" * 2
                     + f" {f:>9.{digits}f} {total:>9}\n")
        else:
            text += row_format.format(heading, p, r, f, total, width=width, digits=digits)
    return text


def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    """The cross-entropy of the predicted probabilities,
    L = −(1/Σ wᵢ) Σᵢ wᵢ Σₖ [yᵢ = k] log pᵢₖ, with pᵢₖ clipped to [ε, 1 − ε] (ε the float
    type's machine epsilon).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        The probabilities of the sorted classes (a 1-D array: of the positive class).
    normalize : bool, default True
        Mean (True) or sum (False) over samples.
    sample_weight : array-like, optional
    labels : array-like, optional
        All classes, when y_true lacks some.

    Returns
    -------
    float

    Examples
    --------
    >>> round(log_loss(["spam", "ham", "ham", "spam"],
    ...                [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]), 5)
    0.21616
    """
    y_proba = check_array(y_proba, ensure_2d=False, dtype=[np.float64, np.float32])
    if y_proba.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {y_proba.max()}")
    if y_proba.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {y_proba.min()}")
    check_consistent_length(y_proba, y_true, sample_weight)
    y_true = np.asarray(y_true)
    if labels is not None:
        classes = np.unique(labels)
        if not np.array_equal(classes, np.asarray(labels)):
            warnings.warn(f"Labels passed were {labels}. But this function assumes labels are "
                          "ordered lexicographically. Pass the ordered "
                          f"labels={classes.tolist()} and ensure that the columns of y_prob "
                          "correspond to this ordering.", UserWarning, stacklevel=2)
        if not np.all(np.isin(y_true, labels)):
            raise ValueError(f"y_true contains values {set(y_true) - set(labels)} not "
                             f"belonging to the passed labels {labels}.")
    else:
        classes = np.unique(y_true)
    if classes.shape[0] == 1:
        if labels is None:
            raise ValueError(f"y_true contains only one label ({classes[0]}). Please provide "
                             "the list of all expected class labels explicitly through the "
                             "labels argument.")
        raise ValueError(f"The labels array needs to contain at least two labels, got "
                         f"{classes}.")
    one_hot = (y_true.reshape(-1, 1) == classes.reshape(1, -1)).astype(y_proba.dtype)
    if y_proba.ndim == 1:
        y_proba = y_proba[:, None]
    if y_proba.shape[1] == 1:
        y_proba = np.hstack([1 - y_proba, y_proba])
    eps = np.finfo(y_proba.dtype).eps
    if not np.all(np.isclose(y_proba.sum(axis=1), 1, rtol=np.sqrt(eps))):
        warnings.warn("The y_prob values do not sum to one. Make sure to pass probabilities.",
                      UserWarning, stacklevel=2)
    if classes.shape[0] != y_proba.shape[1]:
        if labels is None:
            raise ValueError(f"y_true and y_prob contain different number of classes: "
                             f"{classes.shape[0]} vs {y_proba.shape[1]}. Please provide the "
                             "true labels explicitly through the labels argument. Classes "
                             f"found in y_true: {classes}")
        raise ValueError("The number of classes in labels is different from that in y_prob. "
                         f"Classes found in labels: {classes}")
    y_proba = np.clip(y_proba, eps, 1 - eps)
    losses = -np.sum(one_hot * np.log(y_proba), axis=1)
    return weighted_average(losses, sample_weight, normalize)
