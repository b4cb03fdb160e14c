"""Checks of the parameters and of the input of the histogram gradient boosting estimators
(scikit-learn's rules and messages), and the encoding of categorical features into codes."""

import itertools
import numbers

import numpy as np

from ....base import check_array, validate_data
from ....base.constraints import BOOLEAN, NONE, interval, options

# scikit-learn's constraints on the parameters shared by both estimators (checked by
# konspekt.base.constraints.check_params, with each estimator's own "loss" and "class_weight").
CONSTRAINTS = {
    "learning_rate": [interval("float", 0.0, None, "neither")],
    "max_iter": [interval("int", 1, None, "left")],
    "max_leaf_nodes": [interval("int", 2, None, "left"), NONE],
    "max_depth": [interval("int", 1, None, "left"), NONE],
    "min_samples_leaf": [interval("int", 1, None, "left")],
    "l2_regularization": [interval("float", 0.0, None, "left")],
    "max_features": [interval("float", 0.0, 1.0, "right")],
    "max_bins": [interval("int", 2, 255, "both")],
    "warm_start": [BOOLEAN],
    "early_stopping": [options("auto"), BOOLEAN],
    "scoring": [(lambda v: isinstance(v, str) or callable(v), "a str or a callable"), NONE],
    "validation_fraction": [interval("float", 0.0, 1.0, "neither"),
                            interval("int", 1, None, "left"), NONE],
    "n_iter_no_change": [interval("int", 1, None, "left")],
    "tol": [interval("float", 0.0, None, "left")],
    "monotonic_cst": [(lambda v: isinstance(v, dict) or hasattr(v, "__len__"),
                       "an array-like or an instance of 'dict'"), NONE],
    "interaction_cst": [(lambda v: isinstance(v, (list, tuple)), "an instance of 'list'"),
                        (lambda v: isinstance(v, str)
                         and v in ("pairwise", "no_interactions"),
                         "an instance of 'tuple' or a str among {'no_interactions', "
                         "'pairwise'}"), NONE],
    "verbose": [(lambda v: isinstance(v, (numbers.Integral, bool)) and v >= 0,
                 "an int in the range [0, inf)")],
}


def categorical_mask(X, categorical_features):
    """The categorical features as a boolean mask over X's columns, or None when there are
    none (scikit-learn's rules: "from_dtype" takes pandas' category columns)."""
    if categorical_features is None:
        return None
    if isinstance(categorical_features, str):
        if categorical_features != "from_dtype":
            raise ValueError("The 'categorical_features' parameter must be an array-like, "
                             "a str among {'from_dtype'} or None. Got "
                             f"{categorical_features!r} instead.")
        dtypes = getattr(X, "dtypes", None)
        if dtypes is None or getattr(X, "ndim", 2) != 2:
            return None
        mask = np.array([getattr(dtype, "name", "") == "category" for dtype in dtypes],
                        dtype=bool)
        return mask if mask.any() else None
    features = np.asarray(categorical_features)
    shape = np.shape(X)
    if features.size == 0 or len(shape) != 2:
        # (a badly shaped X is refused by the validation that follows)
        return None
    n_features = shape[1]
    if features.dtype.kind == "b":
        if features.shape != (n_features,):
            raise ValueError("categorical_features set as a boolean mask must have shape "
                             f"(n_features,), got: {features.shape}")
        mask = features
    elif features.dtype.kind in "iu":
        if features.max() >= n_features or features.min() < 0:
            raise ValueError("categorical_features set as integer indices must be in "
                             f"[0, n_features - 1]; got {features.tolist()} for "
                             f"n_features={n_features}.")
        mask = np.zeros(n_features, dtype=bool)
        mask[features] = True
    elif features.dtype.kind in "UO":
        names = getattr(X, "columns", None)
        if names is None:
            raise ValueError("categorical_features should be passed as an array of integers "
                             "or as a boolean mask when the model is fitted on data without "
                             "feature names.")
        names = [str(name) for name in names]
        mask = np.zeros(n_features, dtype=bool)
        for name in features:
            if name not in names:
                raise ValueError(f"categorical_features has an item value '{name}' which is "
                                 "not a valid feature name of the training data. Observed "
                                 f"feature names: {names}")
            mask[names.index(name)] = True
    else:
        raise ValueError("categorical_features must be an array-like of bool, int or str, "
                         f"got: {features.dtype.name}.")
    return mask if mask.any() else None


def _column(X, j):
    if hasattr(X, "iloc"):
        return X.iloc[:, j].to_numpy(dtype=object)
    return np.asarray(X[:, j] if hasattr(X, "shape") else [row[j] for row in X], dtype=object)


def _missing(values):
    return np.array([v is None or (isinstance(v, (float, np.floating)) and v != v) or
                     (type(v).__name__ in ("NAType", "NaTType")) for v in values], dtype=bool)


def encode_categories(estimator, X, reset):
    """The numeric data the trees see: each categorical feature replaced by its codes
    0 … k − 1 (the sorted categories seen in ``fit``; unknown or missing: NaN), and the
    categorical features moved first (as scikit-learn's column transformer does)."""
    if reset:
        estimator.is_categorical_ = categorical_mask(X, estimator.categorical_features)
        estimator._categories = None
    if estimator.is_categorical_ is None:
        X = validate_data(estimator, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        if reset:
            estimator._column_order = np.arange(X.shape[1])
        return np.ascontiguousarray(X)
    validate_data(estimator, X, reset=reset, skip_check_array=True)
    if reset:
        estimator._categories = {}
    columns = []
    for j in range(len(estimator.is_categorical_)):
        if not estimator.is_categorical_[j]:
            columns.append(check_array(np.asarray(_column(X, j)).reshape(-1, 1),
                                       dtype=np.float64, ensure_all_finite=False)[:, 0])
            continue
        values = _column(X, j)
        missing = _missing(values)
        if reset:
            categories = np.unique(values[~missing])
            if categories.size > estimator.max_bins:
                name = repr(estimator.feature_names_in_[j]) if hasattr(
                    estimator, "feature_names_in_") else f"at index {j}"
                raise ValueError(f"Categorical feature {name} is expected to have a "
                                 f"cardinality <= {estimator.max_bins} but actually has a "
                                 f"cardinality of {categories.size}.")
            estimator._categories[j] = categories
        categories = estimator._categories[j]
        codes = np.full(len(values), np.nan)
        known = ~missing
        if categories.size and known.any():
            positions = np.searchsorted(categories, values[known])
            positions = np.minimum(positions, categories.size - 1)
            found = categories[positions] == values[known]
            codes[np.flatnonzero(known)[found]] = positions[found]
        columns.append(codes)
    if reset:
        estimator._column_order = np.concatenate([np.flatnonzero(estimator.is_categorical_),
                                                  np.flatnonzero(~estimator.is_categorical_)])
    return np.ascontiguousarray(np.column_stack([columns[j]
                                                 for j in estimator._column_order]))


def check_monotonic_cst(estimator):
    """The constraints as an int8 array over the features (scikit-learn's checks)."""
    n_features = estimator.n_features_in_
    constraints = np.zeros(n_features, dtype=np.int8)
    given = estimator.monotonic_cst
    if isinstance(given, dict):
        if not hasattr(estimator, "feature_names_in_"):
            raise ValueError(f"{type(estimator).__name__} was not fitted on data with feature "
                             "names. Pass monotonic_cst as an integer array instead.")
        names = list(estimator.feature_names_in_)
        unexpected = sorted(set(given) - set(names))
        if unexpected:
            shown = unexpected[:5] + (["..."] if len(unexpected) > 5 else [])
            raise ValueError(f"monotonic_cst contains {len(unexpected)} unexpected "
                             f"feature names: {shown}.")
        for name, value in given.items():
            if value not in (-1, 0, 1):
                raise ValueError(f"monotonic_cst['{name}'] must be either -1, 0 or 1. "
                                 f"Got {value!r}.")
            constraints[names.index(name)] = value
    elif given is not None:
        unexpected = np.setdiff1d(given, [-1, 0, 1])
        if unexpected.shape[0]:
            raise ValueError("monotonic_cst must be an array-like of -1, 0 or 1. "
                             f"Observed values: {unexpected.tolist()}.")
        constraints = np.asarray(given, dtype=np.int8)
        if constraints.shape[0] != n_features:
            raise ValueError(f"monotonic_cst has shape {constraints.shape} but the input "
                             f"data X has {n_features} features.")
    if given is not None and estimator.n_trees_per_iteration_ != 1:
        raise ValueError("monotonic constraints are not supported for multiclass "
                         "classification.")
    if estimator.is_categorical_ is not None and \
            np.any(constraints[estimator.is_categorical_]):
        raise ValueError("Categorical features cannot have monotonic constraints.")
    return constraints

def check_interaction_cst(interaction_cst, n_features):
    """The interaction groups as a list of sets of feature indices (the features in no
    group form one more group), or None."""
    if interaction_cst is None:
        return None
    if isinstance(interaction_cst, str):
        if interaction_cst == "no_interactions":
            groups = [[j] for j in range(n_features)]
        elif interaction_cst == "pairwise":
            groups = itertools.combinations(range(n_features), 2)
        else:
            raise ValueError("The 'interaction_cst' parameter must be a list, a tuple or "
                             "a str among {'no_interactions', 'pairwise'}. Got "
                             f"{interaction_cst!r} instead.")
    else:
        groups = interaction_cst
    try:
        groups = [set(group) for group in groups]
    except TypeError:
        raise ValueError("Interaction constraints must be a sequence of tuples or lists, "
                         f"got: {interaction_cst!r}.") from None
    for group in groups:
        for j in group:
            if not (isinstance(j, numbers.Integral) and 0 <= j < n_features):
                raise ValueError(
                    "Interaction constraints must consist of integer indices in "
                    f"[0, n_features - 1] = [0, {n_features - 1}], specifying the "
                    f"position of features, got invalid indices: {group!r}")
    rest = set(range(n_features)) - set().union(*groups)
    if rest:
        groups.append(rest)
    return groups
