"""Exceptions and warnings of the estimator family, named as scikit-learn names them."""

import sys

__all__ = ["NotFittedError", "DataConversionWarning", "UndefinedMetricWarning",
           "ConvergenceWarning", "FitFailedWarning"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit``.

    A subclass of both ``ValueError`` and ``AttributeError``, as scikit-learn's, so that
    ``hasattr``-style code and ``except ValueError`` code both keep working.

    Examples
    --------
    >>> from konspekt.base import NotFittedError
    >>> issubclass(NotFittedError, (ValueError, AttributeError))
    True
    """

    def __reduce__(self):
        # Rebuilt through a function, so that the class made for scikit-learn's tooling (see
        # ``compatible``) pickles too, e.g. back from a joblib worker.
        return _rebuild_not_fitted_error, self.args


class DataConversionWarning(UserWarning):
    """Warned when the input was converted implicitly (e.g. a column vector y raveled)."""


class UndefinedMetricWarning(UserWarning):
    """Warned when a metric is ill-defined (e.g. precision with no predicted positives)."""


class ConvergenceWarning(UserWarning):
    """Warned when an iterative solver stops before it has converged."""


class FitFailedWarning(RuntimeWarning):
    """Warned when a fit failed inside cross-validation and its score was replaced."""


_bridged_classes = {}


def compatible(konspekt_class):
    """The class to raise or warn with for one of konspekt's exceptions or warnings.

    konspekt never imports scikit-learn. But when scikit-learn is already loaded, its tooling
    (``check_estimator``, pipelines, warning filters) may be the caller, and it catches or
    filters *its own* classes. Then the class returned subclasses both konspekt's and
    scikit-learn's namesakes (built once), so that either ``except`` clause or filter applies.
    """
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    name = konspekt_class.__name__
    if sklearn_exceptions is None or not hasattr(sklearn_exceptions, name):
        return konspekt_class
    if name not in _bridged_classes:
        _bridged_classes[name] = type(name, (konspekt_class,
                                             getattr(sklearn_exceptions, name)),
                                      {"__module__": __name__})
    return _bridged_classes[name]


def _rebuild_not_fitted_error(*args):
    return compatible(NotFittedError)(*args)
