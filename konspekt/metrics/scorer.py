"""Scorers: a metric bound to the estimator method that feeds it, called as
``scorer(estimator, X, y)`` and oriented so that greater is better (losses are negated:
"neg_mean_squared_error"). ``get_scorer`` knows scikit-learn's names for the metrics konspekt
has.
"""

import inspect

import numpy as np

from ..base.estimator import is_classifier
from ..base.multiclass import type_of_target
from .classification import (accuracy_score, balanced_accuracy_score, f1_score, log_loss,
                             precision_score, recall_score)
from .ranking import average_precision_score, roc_auc_score
from .regression import (explained_variance_score, mean_absolute_error, mean_gamma_deviance,
                         mean_poisson_deviance, mean_squared_error, r2_score,
                         root_mean_squared_error)

__all__ = ["make_scorer", "get_scorer", "get_scorer_names", "check_scoring"]


class _Scorer:
    """sign · score_func(y, response(X), **kwargs), the response being the first available
    of ``response_method`` ("predict", "predict_proba", "decision_function")."""

    def __init__(self, score_func, sign, kwargs, response_method):
        self._score_func = score_func
        self._sign = sign
        self._kwargs = kwargs
        self._response_method = response_method

    def _positive_label(self):
        if "pos_label" in self._kwargs:
            return self._kwargs["pos_label"]
        parameters = inspect.signature(self._score_func).parameters
        return parameters["pos_label"].default if "pos_label" in parameters else None

    def _response(self, estimator, X, y_true):
        methods = [self._response_method] if isinstance(self._response_method, str) \
            else list(self._response_method)
        available = [name for name in methods if hasattr(estimator, name)]
        if not available:
            raise AttributeError(f"{type(estimator).__name__} has none of the following "
                                 f"attributes: {', '.join(methods)}.")
        method = available[0]
        y_pred = getattr(estimator, method)(X)
        if method == "predict" or not is_classifier(estimator):
            return y_pred
        target_type = type_of_target(y_true)
        if target_type != "binary":
            return y_pred
        classes = estimator.classes_
        pos_label = self._positive_label()
        pos_label = classes[-1] if pos_label is None else pos_label
        if method in ("predict_proba", "predict_log_proba"):
            if y_pred.shape[1] < 2:
                raise ValueError(f"Got predict_proba of shape {y_pred.shape}, but need "
                                 "classifier with two classes.")
            if pos_label not in classes:
                raise ValueError(f"pos_label={pos_label!r} is not a valid label: It should be "
                                 f"one of {classes}")
            return y_pred[:, np.flatnonzero(classes == pos_label)[0]]
        return -y_pred if pos_label == classes[0] else y_pred

    def __call__(self, estimator, X, y_true, sample_weight=None):
        y_pred = self._response(estimator, X, y_true)
        kwargs = dict(self._kwargs)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return self._sign * self._score_func(y_true, y_pred, **kwargs)

    def __repr__(self):
        arguments = [self._score_func.__name__]
        if self._sign < 0:
            arguments.append("greater_is_better=False")
        if self._response_method != "predict":
            arguments.append(f"response_method={self._response_method!r}")
        arguments += [f"{key}={value!r}" for key, value in self._kwargs.items()]
        return f"make_scorer({', '.join(arguments)})"


def make_scorer(score_func, *, response_method="predict", greater_is_better=True, **kwargs):
    """A scorer from a metric ``score_func(y_true, y_pred, **kwargs)``.

    Parameters
    ----------
    score_func : callable
    response_method : str or tuple of str, default "predict"
        The estimator method whose output is compared with y; with a tuple, the first the
        estimator has. For a binary classifier, probabilities are reduced to the positive
        class's column and decision values signed for the positive class.
    greater_is_better : bool, default True
        False for a loss: the scorer returns its negative.
    **kwargs
        Passed to ``score_func``.

    Examples
    --------
    >>> from konspekt.metrics import fbeta_score
    >>> make_scorer(fbeta_score, beta=2)
    make_scorer(fbeta_score, beta=2)
    """
    return _Scorer(score_func, 1 if greater_is_better else -1, kwargs, response_method)


_SCORE_OR_DECISION = ("decision_function", "predict_proba")

_SCORERS = {
    "accuracy": make_scorer(accuracy_score),
    "balanced_accuracy": make_scorer(balanced_accuracy_score),
    "explained_variance": make_scorer(explained_variance_score),
    "r2": make_scorer(r2_score),
    "neg_mean_squared_error": make_scorer(mean_squared_error, greater_is_better=False),
    "neg_root_mean_squared_error": make_scorer(root_mean_squared_error,
                                               greater_is_better=False),
    "neg_mean_absolute_error": make_scorer(mean_absolute_error, greater_is_better=False),
    "neg_mean_poisson_deviance": make_scorer(mean_poisson_deviance, greater_is_better=False),
    "neg_mean_gamma_deviance": make_scorer(mean_gamma_deviance, greater_is_better=False),
    "roc_auc": make_scorer(roc_auc_score, response_method=_SCORE_OR_DECISION),
    "average_precision": make_scorer(average_precision_score,
                                     response_method=_SCORE_OR_DECISION),
    "roc_auc_ovr": make_scorer(roc_auc_score, response_method="predict_proba",
                               multi_class="ovr"),
    "roc_auc_ovo": make_scorer(roc_auc_score, response_method="predict_proba",
                               multi_class="ovo"),
    "roc_auc_ovr_weighted": make_scorer(roc_auc_score, response_method="predict_proba",
                                        multi_class="ovr", average="weighted"),
    "roc_auc_ovo_weighted": make_scorer(roc_auc_score, response_method="predict_proba",
                                        multi_class="ovo", average="weighted"),
    "neg_log_loss": make_scorer(log_loss, greater_is_better=False,
                                response_method="predict_proba"),
}
for _name, _metric in (("precision", precision_score), ("recall", recall_score),
                       ("f1", f1_score)):
    _SCORERS[_name] = make_scorer(_metric, average="binary")
    for _average in ("macro", "micro", "samples", "weighted"):
        _SCORERS[f"{_name}_{_average}"] = make_scorer(_metric, pos_label=None,
                                                      average=_average)


def get_scorer_names():
    """The names ``get_scorer`` accepts, sorted."""
    return sorted(_SCORERS)


def get_scorer(scoring):
    """The scorer called ``scoring`` (a callable or None passes through).

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if isinstance(scoring, str):
        if scoring not in _SCORERS:
            raise ValueError(f"{scoring!r} is not a valid scoring value. Use "
                             "sklearn.metrics.get_scorer_names() to get valid options.")
        return _SCORERS[scoring]
    return scoring


class _PassthroughScorer:
    """The estimator's own ``score`` method as a scorer."""

    def __call__(self, estimator, X, y_true, sample_weight=None):
        if sample_weight is not None:
            return estimator.score(X, y_true, sample_weight=sample_weight)
        return estimator.score(X, y_true)

    def __repr__(self):
        return "_PassthroughScorer()"


def check_scoring(estimator=None, scoring=None, *, allow_none=False, raise_exc=True):
    """The scorer for ``scoring``: a name, a callable, a list / tuple / set of names or a dict
    of name → scorer (several metrics: a dict of scorers), or None for the estimator's
    ``score``.

    Raises
    ------
    TypeError
        When scoring is None and the estimator has no ``score`` (unless ``allow_none``).
    """
    if isinstance(scoring, str):
        return get_scorer(scoring)
    if callable(scoring):
        return scoring
    if isinstance(scoring, (list, tuple, set)):
        names = list(scoring)
        if len(names) == 0:
            raise ValueError(f"An empty {type(scoring).__name__} was passed as scoring.")
        if len(set(names)) != len(names):
            raise ValueError(f"List/tuple of scoring names must not contain duplicates. Got "
                             f"{scoring!r}.")
        if not all(isinstance(name, str) for name in names):
            raise ValueError(f"Non-string types were found in the given list. Got "
                             f"{scoring!r}.")
        return {name: get_scorer(name) for name in names}
    if isinstance(scoring, dict):
        if not scoring:
            raise ValueError("An empty dict was passed as scoring.")
        return {name: get_scorer(value) for name, value in scoring.items()}
    if scoring is None:
        if hasattr(estimator, "score"):
            return _PassthroughScorer()
        if allow_none:
            return None
        raise TypeError("If no scoring is specified, the estimator passed should have a "
                        f"'score' method. The estimator {estimator!r} does not.")
    raise ValueError(f"scoring value should either be a callable, string or None. "
                     f"{scoring!r} was passed")
