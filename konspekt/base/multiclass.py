"""What kind of target y is (``type_of_target``), the labels it holds (``unique_labels``) and
the check that a classifier was given classes (``check_classification_targets``), as
scikit-learn defines them."""

import warnings
from collections.abc import Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp

from .validation import assert_all_finite, check_array, num_samples

__all__ = ["type_of_target", "unique_labels", "is_multilabel", "check_classification_targets"]

_CHECK_TARGET_KWARGS = dict(accept_sparse=True, allow_nd=True, ensure_all_finite=False,
                            ensure_2d=False, ensure_min_samples=0, ensure_min_features=0)


def _as_target_array(y):
    """y as an array; ragged nested lists become object arrays instead of failing."""
    if sp.issparse(y):
        return y
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.VisibleDeprecationWarning)
            return check_array(y, dtype=None, **_CHECK_TARGET_KWARGS)
    except (np.exceptions.VisibleDeprecationWarning, ValueError) as error:
        if str(error).startswith("Complex data not supported"):
            raise
        return check_array(y, dtype=object, **_CHECK_TARGET_KWARGS)


def _integral(values):
    return values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0)


def is_multilabel(y):
    """Whether y is a label-indicator matrix: 2-D, more than one column, values in {0, 1}
    (at most two distinct values, integers or integral floats)."""
    if not (hasattr(y, "shape") or isinstance(y, (list, tuple))):
        return False
    y = _as_target_array(y)
    if not (hasattr(y, "shape") and y.ndim == 2 and y.shape[1] > 1):
        return False
    if sp.issparse(y):
        if y.format in ("dok", "lil"):
            y = y.tocsr()
        labels = np.unique(y.data)
        return len(y.data) == 0 or ((labels.size == 1 or (labels.size == 2 and 0 in labels))
                                    and (y.dtype.kind in "biu" or _integral(labels)))
    labels = np.unique(y)
    return labels.shape[0] < 3 and (y.dtype.kind in "biu" or _integral(labels))


def type_of_target(y, input_name="", raise_unknown=False):
    """The type of a target: "continuous", "continuous-multioutput", "binary", "multiclass",
    "multiclass-multioutput", "multilabel-indicator" or "unknown".

    The rules: a 2-D {0, 1} matrix with several columns is multilabel; float values that are
    not all integers are continuous; more than two distinct values (or a 2-D y with several
    columns) is multiclass; otherwise binary (also for an empty 1-D y). A 2-D y with more
    than one column adds "-multioutput".

    Examples
    --------
    >>> type_of_target([0.5, 1.5])
    'continuous'
    >>> type_of_target([1, 0, 1])
    'binary'
    >>> type_of_target(["a", "b", "c"])
    'multiclass'
    """
    def unknown():
        if raise_unknown:
            raise ValueError(f"Unknown label type for {input_name or 'data'}: {y!r}")
        return "unknown"

    valid = ((isinstance(y, Sequence) or sp.issparse(y) or hasattr(y, "__array__"))
             and not isinstance(y, str))
    if not valid:
        raise ValueError(f"Expected array-like (array or non-string sequence), got {y!r}")
    if type(y).__name__ in ("SparseSeries", "SparseArray"):
        raise ValueError("y cannot be class 'SparseSeries' or 'SparseArray'")
    if is_multilabel(y):
        return "multilabel-indicator"
    y = _as_target_array(y)
    try:
        first = y[[0], :] if sp.issparse(y) else y[0]
        if isinstance(first, bytes):
            raise TypeError("Support for labels represented as bytes is not supported. "
                            "Convert the labels to a string or integer format.")
        if (not hasattr(first, "__array__") and isinstance(first, Sequence)
                and not isinstance(first, str)):
            raise ValueError("You appear to be using a legacy multi-label data "
                             "representation. Sequence of sequences are no longer "
                             "supported; use a binary array or sparse matrix instead - the "
                             "MultiLabelBinarizer transformer can convert to this format.")
    except IndexError:
        first = None
    if y.ndim not in (1, 2):
        return unknown()
    if not min(y.shape):
        return "binary" if y.ndim == 1 else unknown()
    if not sp.issparse(y) and y.dtype == object and not isinstance(y.flat[0], str):
        return unknown()
    suffix = "-multioutput" if y.ndim == 2 and y.shape[1] > 1 else ""
    if y.dtype.kind == "f":
        data = y.data if sp.issparse(y) else y
        with np.errstate(invalid="ignore"):
            # NaN / inf cast to int64 are garbage, but then they differ: continuous (checked).
            integral = data.astype(np.int64).astype(data.dtype)
        if np.any(data != integral):
            assert_all_finite(data, input_name=input_name)
            return "continuous" + suffix
    if sp.issparse(first):
        first = first.data
    n_unique = np.unique(y.data if sp.issparse(y) else y).shape[0]
    if n_unique > 2 or (y.ndim == 2 and len(first) > 1):
        return "multiclass" + suffix
    return "binary"


def _labels_of(y, label_type):
    if label_type == "multilabel-indicator":
        return np.arange(check_array(y, accept_sparse=["csr", "csc", "coo"]).shape[1])
    y = np.asarray(y) if not hasattr(y, "__array__") else y
    if hasattr(y, "iloc"):
        y = np.asarray(y)
    return np.unique(y)


def unique_labels(*ys, ys_types=None):
    """The sorted labels found in any of the targets.

    Refused: no argument, a mix of target types (binary and multiclass count as one), indicator
    matrices of different widths, continuous targets, and a mix of string and number labels.
    ``ys_types``, the set of the targets' types when the caller knows it, saves recomputing it.

    Examples
    --------
    >>> unique_labels([3, 5, 5, 5, 7, 7])
    array([3, 5, 7])
    >>> unique_labels([1, 2, 10], [5, 11])
    array([ 1,  2,  5, 10, 11])
    """
    if len(ys) == 0:
        raise ValueError("No argument has been passed.")
    types = set(ys_types) if ys_types is not None else {type_of_target(y) for y in ys}
    if types == {"binary", "multiclass"}:
        types = {"multiclass"}
    if len(types) > 1:
        raise ValueError(f"Mix type of y not allowed, got types {types}")
    label_type = types.pop()
    if label_type == "multilabel-indicator" and len(
            {check_array(y, accept_sparse=["csr", "csc", "coo"]).shape[1] for y in ys}) > 1:
        raise ValueError("Multi-label binary indicator input with different numbers of labels")
    if label_type not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(f"Unknown label type: {ys!r}")
    labels = set(chain.from_iterable(_labels_of(y, label_type) for y in ys))
    if len({isinstance(label, str) for label in labels}) > 1:
        details = " and ".join(str(np.unique(np.asarray(y, dtype=object))) for y in ys)
        raise ValueError(f"Mix of label input types (string and number); Got {details}.")
    return np.asarray(sorted(labels))


def check_classification_targets(y):
    """Refuse a regression target where a classifier expects classes.

    Raises
    ------
    ValueError
        "Unknown label type: continuous. Maybe you are trying to fit a classifier, which
        expects discrete classes on a regression target with continuous values."
    """
    y_type = type_of_target(y, input_name="y")
    if y_type not in ("binary", "multiclass", "multiclass-multioutput",
                      "multilabel-indicator", "multilabel-sequences"):
        raise ValueError(f"Unknown label type: {y_type}. Maybe you are trying to fit a "
                         "classifier, which expects discrete classes on a regression target "
                         "with continuous values.")
    if "multiclass" in y_type:
        n_samples = num_samples(y)
        if n_samples > 20 and np.unique(np.asarray(y)).shape[0] > round(0.5 * n_samples):
            warnings.warn("The number of unique classes is greater than 50% of the number of "
                          "samples. `y` could represent a regression problem, not a "
                          "classification problem.", UserWarning, stacklevel=2)
