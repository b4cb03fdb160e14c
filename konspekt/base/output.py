"""Feature names out of a transformer and DataFrame output, as scikit-learn provides them:
``get_feature_names_out`` (``OneToOneFeatureMixin``, ``ClassNamePrefixFeaturesOutMixin``) and
``set_output(transform="pandas")``, which makes ``transform`` / ``fit_transform`` return a
DataFrame whose columns are ``get_feature_names_out()`` and whose index is the input's.

pandas (and polars) are imported only when such output is asked for.
"""

import sys
from functools import wraps

import numpy as np
import scipy.sparse as sp

from .fitted_state import check_is_fitted

__all__ = ["OneToOneFeatureMixin", "ClassNamePrefixFeaturesOutMixin"]

_OUTPUT_CHOICES = ("default", "pandas", "polars")


def feature_names_in(estimator, input_features=None, *, generate_names=True):
    """The input feature names: ``input_features`` (checked against what ``fit`` saw), else
    ``feature_names_in_``, else "x0", "x1", … (when ``generate_names``)."""
    fitted_names = getattr(estimator, "feature_names_in_", None)
    n_features = getattr(estimator, "n_features_in_", None)
    if input_features is not None:
        input_features = np.asarray(input_features, dtype=object)
        if fitted_names is not None and not np.array_equal(fitted_names, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if n_features is not None and len(input_features) != n_features:
            raise ValueError("input_features should have length equal to number of features "
                             f"({n_features}), got {len(input_features)}")
        return input_features
    if fitted_names is not None:
        return fitted_names
    if not generate_names:
        return None
    if n_features is None:
        raise ValueError("Unable to generate feature names without n_features_in_")
    return np.asarray([f"x{i}" for i in range(n_features)], dtype=object)


class OneToOneFeatureMixin:
    """For transformers whose output column i comes from input column i (scalers): the output
    feature names are the input ones."""

    def get_feature_names_out(self, input_features=None):
        """The output feature names: the input feature names (or "x0", "x1", …)."""
        check_is_fitted(self, "n_features_in_")
        return feature_names_in(self, input_features)


class ClassNamePrefixFeaturesOutMixin:
    """For transformers that make new features (projections): the output feature names are the
    lower-cased class name followed by 0 … ``_n_features_out`` − 1 ("pca0", "pca1", …)."""

    def get_feature_names_out(self, input_features=None):
        """The output feature names "<classname>0", "<classname>1", …"""
        check_is_fitted(self, "_n_features_out")
        feature_names_in(self, input_features, generate_names=False)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self._n_features_out)], dtype=object)


def output_container(estimator):
    """The container asked for ``transform``'s output: the estimator's own ``set_output``,
    else scikit-learn's global ``transform_output`` when scikit-learn is loaded, else
    "default"."""
    own = getattr(estimator, "_sklearn_output_config", {}).get("transform")
    if own is not None:
        return own
    sklearn = sys.modules.get("sklearn")
    if sklearn is not None and hasattr(sklearn, "get_config"):
        return sklearn.get_config().get("transform_output", "default")
    return "default"


def _wrap(data, original_input, estimator):
    container = output_container(estimator)
    if container == "default" or not can_wrap_output(estimator):
        return data
    if sp.issparse(data):
        raise ValueError("The transformer outputs a scipy sparse matrix. Try to set the "
                         "transformer output to a dense array or disable pandas output with "
                         "set_output(transform='default').")
    columns = estimator.get_feature_names_out()
    if container == "pandas":
        import pandas as pd
        if isinstance(data, pd.DataFrame):
            data.columns = columns
            return data
        return pd.DataFrame(data, index=getattr(original_input, "index", None),
                            columns=columns, copy=False)
    import polars as pl
    if isinstance(data, pl.DataFrame):
        return data.rename(dict(zip(data.columns, columns)))
    return pl.DataFrame(data, schema=columns.tolist(), orient="row")


def wrap_output(method):
    """``method`` (``transform`` or ``fit_transform``) with its result put in the configured
    container; for a tuple, its first element."""
    @wraps(method)
    def wrapped(self, X, *args, **kwargs):
        data = method(self, X, *args, **kwargs)
        if isinstance(data, tuple):
            first = _wrap(data[0], X, self)
            rest = data[1:]
            return type(data)._make((first, *rest)) if hasattr(type(data), "_make") \
                else (first, *rest)
        return _wrap(data, X, self)

    wrapped.__konspekt_wrapped__ = True
    return wrapped


def can_wrap_output(estimator):
    """Whether the estimator's output can be put in a DataFrame: it must name its output
    features."""
    return hasattr(estimator, "get_feature_names_out")


def validate_output_choice(transform):
    if transform is not None and transform not in _OUTPUT_CHOICES:
        raise ValueError(f"output config must be in {_OUTPUT_CHOICES}, got {transform}")
