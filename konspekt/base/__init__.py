"""The estimator foundation of konspekt, with scikit-learn's API: ``BaseEstimator`` and the
mixins, ``clone``, tags, input validation, output feature names and the exceptions.

An estimator built on it passes scikit-learn's ``check_estimator`` without konspekt importing
scikit-learn (see ``konspekt.base.tags`` and ``konspekt.base.exceptions.compatible``). The
recipe, as in scikit-learn:

- ``class MyModel(ClassifierMixin, BaseEstimator)`` (mixins left of ``BaseEstimator``);
- ``__init__`` stores its keyword arguments unchanged, and nothing else;
- ``fit``: ``X, y = validate_data(self, X, y)`` (sets ``n_features_in_`` /
  ``feature_names_in_``), ``check_classification_targets(y)`` for a classifier,
  ``check_sample_weight`` for weights; learnt attributes end in "_"; return ``self``;
- ``predict`` / ``transform``: ``check_is_fitted(self)`` then
  ``X = validate_data(self, X, reset=False)``;
- special input (sparse, NaN allowed, positive only …): adjust ``__sklearn_tags__``.
"""

from .estimator import (BaseEstimator, ClassifierMixin, ClusterMixin, RegressorMixin,
                        TransformerMixin, clone, is_classifier, is_regressor)
from .exceptions import (ConvergenceWarning, DataConversionWarning, FitFailedWarning,
                         NotFittedError, UndefinedMetricWarning)
from .fitted_state import check_is_fitted, validate_data
from .multiclass import check_classification_targets, type_of_target, unique_labels
from .output import ClassNamePrefixFeaturesOutMixin, OneToOneFeatureMixin
from .tags import (ClassifierTags, InputTags, RegressorTags, Tags, TargetTags, TransformerTags,
                   get_tags)
from .validation import (assert_all_finite, check_array, check_consistent_length,
                         check_non_negative, check_random_state, check_sample_weight, check_scalar,
                         check_X_y, column_or_1d, indexable, num_samples)

__all__ = ["BaseEstimator", "ClassifierMixin", "ClusterMixin", "RegressorMixin",
           "TransformerMixin", "OneToOneFeatureMixin", "ClassNamePrefixFeaturesOutMixin",
           "clone", "is_classifier", "is_regressor", "ConvergenceWarning",
           "DataConversionWarning", "FitFailedWarning", "NotFittedError",
           "UndefinedMetricWarning", "check_classification_targets", "type_of_target",
           "unique_labels", "ClassifierTags", "InputTags", "RegressorTags", "Tags",
           "TargetTags", "TransformerTags", "get_tags", "assert_all_finite", "check_array",
           "check_consistent_length", "check_is_fitted", "check_non_negative",
           "check_random_state", "check_sample_weight", "check_scalar", "check_X_y",
           "column_or_1d", "indexable", "num_samples", "validate_data"]
