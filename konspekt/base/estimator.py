"""The estimator protocol, as scikit-learn defines it: ``BaseEstimator`` (parameters from
``__init__``'s signature, ``get_params`` / ``set_params``, ``repr``, tags), the mixins that make
a classifier, regressor, transformer or clusterer, and ``clone``.

The contract an estimator keeps (what makes ``clone``, grid search and cross-validation work):
``__init__`` only stores its arguments, unchanged, as attributes of the same names; ``fit``
learns, stores what it learnt in attributes ending in "_", and returns ``self``.
"""

import copy
import inspect
import math

from .output import can_wrap_output, validate_output_choice, wrap_output
from .tags import get_tags, tag_class

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "TransformerMixin",
           "ClusterMixin", "clone", "is_classifier", "is_regressor"]


def clone(estimator, *, safe=True):
    """A new, unfitted estimator with the same parameters (deep-cloned themselves).

    Lists, tuples, sets and dicts of estimators are cloned element-wise. An object without
    ``get_params`` is deep-copied when ``safe=False``, refused otherwise.

    Raises
    ------
    TypeError
        When ``safe`` and the object is not an estimator.
    RuntimeError
        When the constructor does not store its arguments unchanged.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> clone(Ridge(alpha=2.0))
    Ridge(alpha=2.0)
    """
    if hasattr(estimator, "__sklearn_clone__") and not isinstance(estimator, type):
        return estimator.__sklearn_clone__()
    return _clone_parametrized(estimator, safe=safe)


def _clone_parametrized(estimator, *, safe=True):
    if isinstance(estimator, dict):
        return {key: clone(value, safe=safe) for key, value in estimator.items()}
    if isinstance(estimator, (list, tuple, set, frozenset)):
        return type(estimator)([clone(item, safe=safe) for item in estimator])
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            return copy.deepcopy(estimator)
        if isinstance(estimator, type):
            raise TypeError("Cannot clone object. You should provide an instance of "
                            "scikit-learn estimator instead of a class.")
        raise TypeError(f"Cannot clone object '{estimator!r}' (type {type(estimator)}): it "
                        "does not seem to be a scikit-learn estimator as it does not "
                        "implement a 'get_params' method.")
    params = estimator.get_params(deep=False)
    new_params = {name: clone(value, safe=False) for name, value in params.items()}
    new_estimator = type(estimator)(**new_params)
    stored = new_estimator.get_params(deep=False)
    for name, value in new_params.items():
        if stored[name] is not value:
            raise RuntimeError(f"Cannot clone object {estimator}, as the constructor either "
                               f"does not set or modifies parameter {name}")
    # Configuration that is not a parameter but must survive a clone (scikit-learn's).
    for attribute in ("_metadata_request", "_sklearn_output_config"):
        if hasattr(estimator, attribute):
            setattr(new_estimator, attribute, copy.deepcopy(getattr(estimator, attribute)))
    return new_estimator


def _is_nan(value):
    return isinstance(value, float) and math.isnan(value)


class BaseEstimator:
    """Base class of every konspekt estimator.

    A subclass lists its hyperparameters as explicit keyword arguments of ``__init__`` (no
    ``*args`` / ``**kwargs``) and stores each unchanged under its own name; ``get_params``,
    ``set_params``, ``clone`` and the ``repr`` are derived from that signature.

    Examples
    --------
    >>> class Shrink(BaseEstimator):
    ...     def __init__(self, alpha=1.0, fit_intercept=True):
    ...         self.alpha = alpha
    ...         self.fit_intercept = fit_intercept
    >>> Shrink(alpha=0.5)
    Shrink(alpha=0.5)
    >>> Shrink().set_params(fit_intercept=False).get_params()
    {'alpha': 1.0, 'fit_intercept': False}
    """

    @classmethod
    def _get_param_names(cls):
        init = getattr(cls.__init__, "deprecated_original", cls.__init__)
        if init is object.__init__:
            return []
        parameters = [p for p in inspect.signature(init).parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD]
        for parameter in parameters:
            if parameter.kind == parameter.VAR_POSITIONAL:
                raise RuntimeError("scikit-learn estimators should always specify their "
                                   "parameters in the signature of their __init__ (no "
                                   f"varargs). {cls} with constructor "
                                   f"{inspect.signature(init)} doesn't  follow this "
                                   "convention.")
        return sorted(p.name for p in parameters)

    def get_params(self, deep=True):
        """The estimator's parameters, by name.

        Parameters
        ----------
        deep : bool, default True
            Also list the parameters of sub-estimators, as "<name>__<parameter>".

        Returns
        -------
        dict
        """
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", item)
                              for key, item in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params):
        """Set parameters, including those of sub-estimators ("<name>__<parameter>").

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For a name that is not a parameter.
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, separator, sub_key = key.partition("__")
            if name not in valid:
                local_valid = self._get_param_names()
                raise ValueError(f"Invalid parameter {name!r} for estimator {self}. Valid "
                                 f"parameters are: {local_valid!r}.")
            if separator:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __sklearn_clone__(self):
        return _clone_parametrized(self)

    def __sklearn_tags__(self):
        return tag_class("Tags")(estimator_type=None,
                                 target_tags=tag_class("TargetTags")(required=False),
                                 transformer_tags=None, regressor_tags=None,
                                 classifier_tags=None)

    def _changed_params(self):
        """The parameters whose value differs from the ``__init__`` default."""
        init = getattr(type(self).__init__, "deprecated_original", type(self).__init__)
        defaults = {} if init is object.__init__ else {
            p.name: p.default for p in inspect.signature(init).parameters.values()}
        changed = {}
        for name, value in self.get_params(deep=False).items():
            default = defaults.get(name, inspect.Parameter.empty)
            if value is default or (_is_nan(value) and _is_nan(default)):
                continue
            if default is not inspect.Parameter.empty and repr(value) == repr(default):
                continue
            changed[name] = value
        return changed

    def __repr__(self, line_width=79):
        """``Name(param=value, …)`` with the parameters changed from their defaults, wrapped
        at ``line_width`` characters with continuation lines aligned after the parenthesis."""
        name = type(self).__name__
        items = [f"{key}={value!r}" for key, value in self._changed_params().items()]
        single_line = f"{name}({', '.join(items)})"
        if len(single_line) <= line_width and "\n" not in single_line:
            return single_line
        indent = " " * (len(name) + 1)
        lines, current = [], name + "("
        for index, item in enumerate(items):
            item = item.replace("\n", "\n" + indent)
            piece = item + ("," if index < len(items) - 1 else ")")
            if current.strip() and current != name + "(" and \
                    len(current) + 1 + len(piece) > line_width:
                lines.append(current)
                current = indent + piece
            else:
                current += ("" if current.endswith("(") else " ") + piece
        lines.append(current)
        return "\n".join(lines)


class ClassifierMixin:
    """Mixin of classifiers: ``score`` is the accuracy, the tags say "classifier".

    Put it before ``BaseEstimator`` among the bases: ``class C(ClassifierMixin, BaseEstimator)``.
    """
    _estimator_type = "classifier"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = tag_class("ClassifierTags")()
        tags.target_tags.required = True
        return tags

    def score(self, X, y, sample_weight=None):
        """The mean accuracy of ``predict(X)`` against y (weighted by ``sample_weight``)."""
        from ..metrics import accuracy_score
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)


class RegressorMixin:
    """Mixin of regressors: ``score`` is R² = 1 − Σ w (y − ŷ)² / Σ w (y − ȳ)², the tags say
    "regressor"."""
    _estimator_type = "regressor"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = tag_class("RegressorTags")()
        tags.target_tags.required = True
        return tags

    def score(self, X, y, sample_weight=None):
        """R² of ``predict(X)`` against y (see ``konspekt.metrics.r2_score``)."""
        from ..metrics import r2_score
        return r2_score(y, self.predict(X), sample_weight=sample_weight)


class TransformerMixin:
    """Mixin of transformers: ``fit_transform`` = ``fit`` then ``transform``, and
    ``set_output`` for DataFrame output when the transformer names its output features
    (``get_feature_names_out``, e.g. from ``OneToOneFeatureMixin``)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass's own transform / fit_transform return the configured container.
        for name in ("transform", "fit_transform"):
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__konspekt_wrapped__", False):
                setattr(cls, name, wrap_output(method))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags = tag_class("TransformerTags")()
        return tags

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to X (and y when given), then return the transformed X."""
        if y is None:
            return self.fit(X, **fit_params).transform(X)
        return self.fit(X, y, **fit_params).transform(X)

    def set_output(self, *, transform=None):
        """Choose the container of ``transform`` / ``fit_transform``'s output.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None
            "default": what ``transform`` returns (a NumPy array); "pandas" / "polars": a
            DataFrame with columns ``get_feature_names_out()``; None: unchanged.

        Returns
        -------
        self
        """
        validate_output_choice(transform)
        if transform is not None:
            if transform != "default" and not can_wrap_output(self):
                raise AttributeError(f"{type(self).__name__} has no get_feature_names_out, so "
                                     "its output cannot be put in a DataFrame.")
            self._sklearn_output_config = {**getattr(self, "_sklearn_output_config", {}),
                                           "transform": transform}
        return self


class ClusterMixin:
    """Mixin of clusterers: ``fit_predict`` returns the ``labels_`` found by ``fit``."""
    _estimator_type = "clusterer"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "clusterer"
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []
        return tags

    def fit_predict(self, X, y=None, **kwargs):
        """Fit to X and return each sample's cluster label."""
        self.fit(X, **kwargs)
        return self.labels_


def is_classifier(estimator):
    """Whether the estimator's tags say it is a classifier."""
    return get_tags(estimator).estimator_type == "classifier"


def is_regressor(estimator):
    """Whether the estimator's tags say it is a regressor."""
    return get_tags(estimator).estimator_type == "regressor"
