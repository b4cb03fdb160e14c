"""Estimator tags: what an estimator accepts and promises, with scikit-learn's (≥ 1.6) fields.

An estimator describes itself in ``__sklearn_tags__()``, which returns a ``Tags`` object; a
subclass adjusts the tags of its parents (``tags = super().__sklearn_tags__(); tags.input_tags
.sparse = True; return tags``), exactly as in scikit-learn.

konspekt defines its own tag dataclasses, with scikit-learn's field names and defaults, so that
it never needs scikit-learn. scikit-learn's ``check_estimator`` however checks the tags with
``isinstance`` against *its* classes; so when scikit-learn is already loaded (the only case in
which its tooling can be asking), the tags are built from scikit-learn's classes instead. Both
families have the same fields, so code that reads or sets tags works with either.
"""

import sys
from dataclasses import dataclass, field

__all__ = ["Tags", "InputTags", "TargetTags", "TransformerTags", "ClassifierTags",
           "RegressorTags", "get_tags", "tag_class"]


@dataclass
class InputTags:
    """Tags for X: which kinds of input the estimator accepts (scikit-learn's fields)."""
    one_d_array: bool = False
    two_d_array: bool = True
    three_d_array: bool = False
    sparse: bool = False
    categorical: bool = False
    string: bool = False
    dict: bool = False
    positive_only: bool = False
    allow_nan: bool = False
    pairwise: bool = False


@dataclass
class TargetTags:
    """Tags for y: whether it is required, and which shapes are accepted."""
    required: bool
    one_d_labels: bool = False
    two_d_labels: bool = False
    positive_only: bool = False
    multi_output: bool = False
    single_output: bool = True


@dataclass
class TransformerTags:
    """Tags for a transformer: the dtypes that ``transform`` keeps (first: the default)."""
    preserves_dtype: list = field(default_factory=lambda: ["float64"])


@dataclass
class ClassifierTags:
    """Tags for a classifier."""
    poor_score: bool = False
    multi_class: bool = True
    multi_label: bool = False


@dataclass
class RegressorTags:
    """Tags for a regressor."""
    poor_score: bool = False


@dataclass
class Tags:
    """All tags of an estimator (scikit-learn's ``sklearn.utils.Tags`` fields).

    Attributes
    ----------
    estimator_type : {"classifier", "regressor", "transformer", "clusterer", ...} or None
    target_tags, transformer_tags, classifier_tags, regressor_tags, input_tags
        The tag groups; the family-specific ones are None unless a mixin sets them.
    array_api_support, no_validation, non_deterministic, requires_fit, _skip_test : bool
    """
    estimator_type: str | None
    target_tags: TargetTags
    transformer_tags: TransformerTags | None = None
    classifier_tags: ClassifierTags | None = None
    regressor_tags: RegressorTags | None = None
    array_api_support: bool = False
    no_validation: bool = False
    non_deterministic: bool = False
    requires_fit: bool = True
    _skip_test: bool = False
    input_tags: InputTags = field(default_factory=InputTags)


def tag_class(name):
    """The tag class called ``name`` ("Tags", "InputTags", …): scikit-learn's when scikit-learn
    is loaded (so that its ``isinstance`` checks pass), konspekt's otherwise."""
    sklearn_utils = sys.modules.get("sklearn.utils")
    if sklearn_utils is not None and hasattr(sklearn_utils, name):
        return getattr(sklearn_utils, name)
    return globals()[name]


def get_tags(estimator):
    """The tags of an estimator instance, from its ``__sklearn_tags__()``.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    Tags

    Examples
    --------
    >>> from konspekt.base import BaseEstimator, ClassifierMixin, get_tags
    >>> class Stub(ClassifierMixin, BaseEstimator):
    ...     pass
    >>> get_tags(Stub()).estimator_type
    'classifier'
    """
    if isinstance(estimator, type):
        raise TypeError(f"Expected an estimator instance ({estimator.__name__}()), got "
                        f"estimator class instead ({estimator.__name__}).")
    tags_method = getattr(estimator, "__sklearn_tags__", None)
    if tags_method is None:
        # An object outside the estimator family: the defaults of a plain estimator.
        return tag_class("Tags")(estimator_type=None,
                                 target_tags=tag_class("TargetTags")(required=False))
    return tags_method()
