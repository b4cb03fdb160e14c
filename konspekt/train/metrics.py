"""Metrics that ``fit`` and ``evaluate`` report each epoch, by name or as any callable.

A metric is a function ``(y_pred, y_true) -> float`` giving the mean over one batch. The loop
turns batch means into the epoch's mean over samples by weighting each with its batch size n_b:

    m = Σ_b n_b · m_b / Σ_b n_b,

which is the mean over all samples whatever the size of the last batch.
"""

import numpy as np

from ..autograd.tensor import Tensor

__all__ = ["METRICS", "accuracy", "binary_accuracy", "mean_absolute_error",
           "mean_squared_error", "resolve_metrics", "top_k_accuracy"]


def _array(value):
    if isinstance(value, Tensor):
        return value.detach().data
    return np.asarray(value)


def accuracy(y_pred, y_true):
    """Share of samples whose predicted class is right.

    ``y_pred`` holds class scores, shape (N, C) or (N, C, d1, …), logits or probabilities;
    the prediction is ŷ = argmax_c y_pred[:, c] and the result (1/N) Σ [ŷ_i = y_i] over all
    positions. When ``y_pred`` has the shape of ``y_true`` it holds the labels already.
    """
    scores, labels = _array(y_pred), _array(y_true)
    if scores.ndim == labels.ndim + 1 and scores.shape[:1] + scores.shape[2:] == labels.shape:
        scores = scores.argmax(axis=1)
    elif scores.shape != labels.shape:
        raise ValueError(f"accuracy: expected y_pred of shape (N, C, ...) with y_true of shape "
                         f"(N, ...), or both of one shape; got y_pred {list(scores.shape)} and "
                         f"y_true {list(labels.shape)}")
    return float(np.mean(scores == labels)) if labels.size else 0.0


def top_k_accuracy(y_pred, y_true, k=5):
    """Share of samples whose true class is among the k highest scores of ``y_pred`` (N, C)."""
    scores, labels = _array(y_pred), _array(y_true)
    if scores.ndim != 2 or labels.shape != scores.shape[:1]:
        raise ValueError(f"top_k_accuracy: expected y_pred of shape (N, C) and y_true of shape "
                         f"(N,); got {list(scores.shape)} and {list(labels.shape)}")
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    return float(np.mean(np.any(top == labels[:, None], axis=1))) if labels.size else 0.0


def binary_accuracy(y_pred, y_true, threshold=0.5):
    """Share of right answers when ``y_pred`` holds probabilities: ŷ = [p > threshold]."""
    probabilities, labels = _array(y_pred), _array(y_true)
    if probabilities.shape != labels.shape:
        probabilities = probabilities.reshape(labels.shape)
    return float(np.mean((probabilities > threshold) == (labels > 0.5))) if labels.size else 0.0


def mean_absolute_error(y_pred, y_true):
    """(1/n) Σ |ŷ − y| over all elements."""
    difference = _array(y_pred) - _array(y_true)
    return float(np.mean(np.abs(difference))) if difference.size else 0.0


def mean_squared_error(y_pred, y_true):
    """(1/n) Σ (ŷ − y)² over all elements."""
    difference = _array(y_pred) - _array(y_true)
    return float(np.mean(difference ** 2)) if difference.size else 0.0


def _top5_accuracy(y_pred, y_true):
    return top_k_accuracy(y_pred, y_true, k=5)


METRICS = {
    "accuracy": accuracy,
    "acc": accuracy,
    "top5_accuracy": _top5_accuracy,
    "binary_accuracy": binary_accuracy,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
}


def resolve_metrics(metrics):
    """Turn ``metrics`` (None, a name, a callable, or a list / dict of them) into an ordered
    dict name → function.

    A callable is named after its ``__name__``; a dict gives the names. Names are looked up in
    ``METRICS``.
    """
    if metrics is None:
        return {}
    if isinstance(metrics, (str, dict)) or callable(metrics):
        items = metrics.items() if isinstance(metrics, dict) else [(None, metrics)]
    else:
        items = [(None, metric) for metric in metrics]
    resolved = {}
    for name, metric in items:
        if isinstance(metric, str):
            if metric not in METRICS:
                raise ValueError(f"unknown metric {metric!r}; known names: "
                                 f"{', '.join(sorted(METRICS))}, or pass a callable "
                                 "(y_pred, y_true) -> float")
            name = name or metric
            metric = METRICS[metric]
        elif callable(metric):
            name = name or getattr(metric, "__name__", type(metric).__name__)
        else:
            raise TypeError(f"metrics: expected a metric name or a callable (y_pred, y_true) -> "
                            f"float, got {type(metric).__name__}")
        if name in ("loss", "lr") or name.startswith("val_"):
            raise ValueError(f"metric name {name!r} is reserved for the loop's own logs")
        if name in resolved:
            raise ValueError(f"metric name {name!r} is given twice")
        resolved[name] = metric
    return resolved
