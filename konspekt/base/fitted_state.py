"""Checks of an estimator's input against its fitted state, with scikit-learn's functions and
messages: ``validate_data`` records the number of features and their names in ``fit`` and checks
them in ``predict`` / ``transform``; ``check_is_fitted`` refuses an unfitted estimator.
"""

import warnings

import numpy as np

from .exceptions import NotFittedError, compatible
from .tags import get_tags
from .validation import _check_y, check_array, check_consistent_length, check_X_y

__all__ = ["validate_data", "check_is_fitted"]


def _feature_names(X):
    """The column names of a DataFrame as an object array, or None for other containers."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "iloc") or len(columns) == 0:
        return None
    names = np.asarray(columns, dtype=object)
    types = sorted({type(name).__qualname__ for name in names})
    if len(types) > 1 and "str" in types:
        raise TypeError(
            "Feature names are only supported if all input features have string names, but "
            f"your input has {types} as feature name / column name types. If you want "
            "feature names to be stored and validated, you must convert them all to strings, "
            "by using X.columns = X.columns.astype(str) for example. Otherwise you can remove "
            "feature / column names from your input data, or convert them all to a "
            "non-string data type.")
    if types != ["str"]:
        # Only string column names are feature names (integer labels are positions).
        return None
    return names


def _check_feature_names(estimator, X, reset):
    names = _feature_names(X)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    name = type(estimator).__name__
    if fitted is None and names is None:
        return
    if fitted is None:
        warnings.warn(f"X has feature names, but {name} was fitted without feature names",
                      UserWarning, stacklevel=3)
        return
    if names is None:
        warnings.warn(f"X does not have valid feature names, but {name} was fitted with "
                      "feature names", UserWarning, stacklevel=3)
        return
    if len(fitted) == len(names) and np.all(fitted == names):
        return
    message = "The feature names should match those that were passed during fit.\n"
    unseen = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))

    def listed(items):
        shown = [f"- {item}\n" for item in items[:5]]
        return "".join(shown) + ("- ...\n" if len(items) > 5 else "")

    if unseen:
        message += "Feature names unseen at fit time:\n" + listed(unseen)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + listed(missing)
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


def _check_n_features(estimator, X, reset):
    if not hasattr(X, "shape") or len(X.shape) < 2:
        return
    n_features = X.shape[1]
    if reset:
        estimator.n_features_in_ = n_features
        return
    if hasattr(estimator, "n_features_in_") and n_features != estimator.n_features_in_:
        raise ValueError(f"X has {n_features} features, but {type(estimator).__name__} is "
                         f"expecting {estimator.n_features_in_} features as input.")


def validate_data(estimator, /, X="no_validation", y="no_validation", reset=True,
                  validate_separately=False, skip_check_array=False, **check_params):
    """Validate the input of an estimator's method and record or check its shape.

    In ``fit`` (``reset=True``) it sets ``n_features_in_`` and, for a DataFrame with string
    column names, ``feature_names_in_``; in ``predict`` / ``transform`` (``reset=False``) it
    checks them: "X has 3 features, but LinearRegression is expecting 4 features as input."

    Parameters
    ----------
    estimator : estimator instance
    X : array-like or "no_validation"
    y : array-like, None or "no_validation"
        None is refused when the estimator's tags say y is required.
    reset : bool, default True
    validate_separately : False or tuple of two dicts
        ``check_array`` keyword arguments for X and for y, when they differ.
    skip_check_array : bool, default False
        Only check the feature names and their number.
    **check_params
        Passed to ``check_array`` / ``check_X_y``.

    Returns
    -------
    X, y, or (X, y) : the validated inputs that were given
    """
    _check_feature_names(estimator, X, reset=reset)
    tags = get_tags(estimator)
    if y is None and tags.target_tags.required:
        raise ValueError(f"This {type(estimator).__name__} estimator requires y to be passed, "
                         "but the target y is None.")
    no_X = isinstance(X, str) and X == "no_validation"
    no_y = y is None or (isinstance(y, str) and y == "no_validation")
    if no_X and no_y:
        raise ValueError("Validation should be done on X, y or both.")
    if skip_check_array:
        result = X if no_y else (y if no_X else (X, y))
    elif not no_X and no_y:
        result = X = check_array(X, input_name="X", estimator=estimator, **check_params)
    elif no_X:
        result = _check_y(y, estimator=estimator, **check_params)
    elif validate_separately:
        X_params, y_params = validate_separately
        X = check_array(X, input_name="X", estimator=estimator, **X_params)
        y = check_array(y, input_name="y", estimator=estimator, **y_params)
        check_consistent_length(X, y)
        result = X, y
    else:
        X, y = check_X_y(X, y, estimator=estimator, **check_params)
        result = X, y
    if not no_X and check_params.get("ensure_2d", True):
        _check_n_features(estimator, X, reset=reset)
    return result


def check_is_fitted(estimator, attributes=None, *, msg=None, all_or_any=all):
    """Raise ``NotFittedError`` unless the estimator has been fitted.

    Fitted means: ``estimator.__sklearn_is_fitted__()`` is true when defined; otherwise, the
    given ``attributes`` exist, or (by default) some attribute ends with "_" (but not "__"),
    the convention for what ``fit`` learns.

    Parameters
    ----------
    estimator : estimator instance
    attributes : str or list of str, optional
    msg : str, optional
        The message; "%(name)s" is replaced by the estimator's class name.
    all_or_any : {all, any}, default all
        Whether all or any of ``attributes`` must exist.

    Raises
    ------
    NotFittedError
        "This LinearRegression instance is not fitted yet. Call 'fit' with appropriate
        arguments before using this estimator."
    """
    if isinstance(estimator, type):
        raise TypeError(f"{estimator} is a class, not an instance.")
    if msg is None:
        msg = ("This %(name)s instance is not fitted yet. Call 'fit' with appropriate "
               "arguments before using this estimator.")
    if not hasattr(estimator, "fit"):
        raise TypeError(f"{estimator} is not an estimator instance.")
    if not get_tags(estimator).requires_fit and attributes is None:
        return
    if attributes is not None:
        if isinstance(attributes, str):
            attributes = [attributes]
        fitted = all_or_any(hasattr(estimator, attribute) for attribute in attributes)
    elif hasattr(estimator, "__sklearn_is_fitted__"):
        fitted = estimator.__sklearn_is_fitted__()
    else:
        fitted = any(name.endswith("_") and not name.startswith("__")
                     for name in vars(estimator))
    if not fitted:
        raise compatible(NotFittedError)(msg % {"name": type(estimator).__name__})
