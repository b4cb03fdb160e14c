"""Shared checks of the metrics' inputs: the kind of target, matching lengths, weights."""

import numpy as np
import scipy.sparse as sp

from ..base.multiclass import type_of_target, unique_labels
from ..base.validation import check_consistent_length, column_or_1d, num_samples

__all__ = ["check_targets", "weighted_average"]


def check_targets(y_true, y_pred):
    """The common kind of two classification targets, and the targets as arrays.

    Binary and multiclass mix into multiclass; other mixes, and kinds that are not binary,
    multiclass or multilabel-indicator, are refused with scikit-learn's messages.

    Returns
    -------
    y_type : {"binary", "multiclass", "multilabel-indicator"}
    labels : ndarray, the sorted labels present in either target
    y_true, y_pred : ndarrays (1-D, or 2-D dense indicator matrices)
    """
    check_consistent_length(y_true, y_pred)
    type_true = type_of_target(y_true, input_name="y_true")
    type_pred = type_of_target(y_pred, input_name="y_pred")
    for array in (y_true, y_pred):
        if num_samples(array) < 1:
            raise ValueError("Found empty input array (e.g., `y_true` or `y_pred`) while a "
                             "minimum of 1 sample is required.")
    types = {type_true, type_pred}
    if types == {"binary", "multiclass"}:
        types = {"multiclass"}
    if len(types) > 1:
        raise ValueError(f"Classification metrics can't handle a mix of {type_true} and "
                         f"{type_pred} targets")
    y_type = types.pop()
    if y_type not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(f"{y_type} is not supported")
    if y_type in ("binary", "multiclass"):
        try:
            y_true = column_or_1d(y_true, input_name="y_true")
            y_pred = column_or_1d(y_pred, input_name="y_pred")
        except TypeError as error:
            if "Sparse data was passed" in str(error):
                raise TypeError("Sparse input is only supported when targets are of "
                                "multilabel type") from error
            raise
    else:
        y_true = y_true.toarray() if sp.issparse(y_true) else np.asarray(y_true)
        y_pred = y_pred.toarray() if sp.issparse(y_pred) else np.asarray(y_pred)
    labels = unique_labels(y_true, y_pred, ys_types={y_type})
    if y_type == "binary" and labels.shape[0] > 2:
        y_type = "multiclass"
    return y_type, labels, y_true, y_pred


def weighted_average(values, sample_weight=None, normalize=True):
    """Σ wᵢ vᵢ / Σ wᵢ (or Σ wᵢ vᵢ when not ``normalize``), as a float."""
    values = np.asarray(values, dtype=np.float64)
    if normalize:
        return float(np.average(values, weights=sample_weight))
    if sample_weight is not None:
        return float(np.dot(values, sample_weight))
    return float(values.sum())
