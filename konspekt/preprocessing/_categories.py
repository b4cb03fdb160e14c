"""Shared machinery of the categorical encoders: reading the columns of X, finding each
column's sorted categories (missing values last) and mapping values to category indices."""

import numbers

import numpy as np

from ..base import check_array, validate_data


def is_missing(value):
    """Whether a scalar is a missing value: None or NaN."""
    return value is None or (isinstance(value, numbers.Real) and np.isnan(value))


def _value_types(column):
    return sorted({type(value).__name__ for value in column if not is_missing(value)})


def sorted_unique(column):
    """The sorted distinct values of a column; missing values (None, then NaN) come last, as
    in scikit-learn. Strings and numbers may not be mixed in an object column."""
    if column.dtype.kind != "O":
        return np.unique(column)
    present = [value for value in column if not is_missing(value)]
    if {"str"} < set(_value_types(column)) or (
            any(isinstance(v, str) for v in present)
            and not all(isinstance(v, str) for v in present)):
        raise TypeError("Encoders require their input argument must be uniformly strings or "
                        f"numbers. Got {_value_types(column)}")
    uniques = sorted(set(present))
    if any(value is None for value in column):
        uniques.append(None)
    if any(value is not None and is_missing(value) for value in column):
        uniques.append(np.nan)
    return np.array(uniques, dtype=object)


def encode_column(column, categories):
    """(codes, known): the index of each value in ``categories`` and whether it is there at
    all (unknown values get code 0)."""
    n = len(column)
    if column.dtype.kind != "O" and categories.dtype.kind != "O":
        position = np.searchsorted(categories, column).clip(0, max(len(categories) - 1, 0))
        if len(categories) == 0:
            return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
        found = categories[position]
        known = (found == column)
        if column.dtype.kind == "f":
            known |= np.isnan(found) & np.isnan(column)
        return np.where(known, position, 0), known
    lookup, missing_index = {}, {}
    for index, category in enumerate(categories):
        if is_missing(category):
            missing_index["none" if category is None else "nan"] = index
        else:
            lookup[category] = index
    codes = np.zeros(n, dtype=np.int64)
    known = np.zeros(n, dtype=bool)
    for row, value in enumerate(column):
        if is_missing(value):
            index = missing_index.get("none" if value is None else "nan")
        else:
            try:
                index = lookup.get(value)
            except TypeError:  # an unhashable value is no category
                index = None
        if index is not None:
            codes[row] = index
            known[row] = True
    return codes, known


def unknown_values(column, known):
    """The distinct unknown values of a column, sorted when they can be."""
    values = sorted_unique(np.asarray(column[~known], dtype=object)) \
        if column.dtype.kind == "O" else np.unique(column[~known])
    return list(values)


def columns_of(estimator, X, reset):
    """X as a list of 1-D columns (each a NumPy array with the column's own dtype), checked
    and with ``n_features_in_`` / ``feature_names_in_`` set or verified."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 2) == 2:
        validate_data(estimator, X, reset=reset, skip_check_array=True)
        columns = []
        for index in range(X.shape[1]):
            column = check_array(X.iloc[:, index], ensure_2d=False, dtype=None,
                                 ensure_all_finite=False, estimator=estimator, input_name="X")
            columns.append(column)
        if X.shape[0] < 1:
            check_array(np.empty((0, X.shape[1])), estimator=estimator)
        return columns
    array = check_array(X, dtype=None, ensure_all_finite=False, estimator=estimator,
                        input_name="X")
    if not hasattr(X, "dtype") and array.dtype.kind in "US":
        # A list of strings: read it again as objects, so that NaN stays NaN (not "nan").
        array = check_array(X, dtype=object, ensure_all_finite=False, estimator=estimator,
                            input_name="X")
    if array.dtype.kind == "f":
        # Infinity is never a category; NaN is one.
        check_array(array, ensure_all_finite="allow-nan", estimator=estimator)
    validate_data(estimator, array, reset=reset, skip_check_array=True)
    return [array[:, index] for index in range(array.shape[1])]
