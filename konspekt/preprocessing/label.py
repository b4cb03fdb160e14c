"""``LabelEncoder``: target labels to integers 0 … K−1, with scikit-learn's API."""

import numpy as np

from ..base import BaseEstimator, TransformerMixin, check_is_fitted, column_or_1d
from ._categories import sorted_unique

__all__ = ["LabelEncoder"]


class LabelEncoder(TransformerMixin, BaseEstimator):
    """Encode target labels as 0 … K−1: label y becomes its index in the sorted list of
    distinct labels ``classes_``. Works on y, not on X.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from konspekt.preprocessing import LabelEncoder
    >>> encoder = LabelEncoder().fit(["paris", "tokyo", "paris", "amsterdam"])
    >>> encoder.classes_
    array(['amsterdam', 'paris', 'tokyo'], dtype='<U9')
    >>> encoder.transform(["tokyo", "amsterdam"])
    array([2, 0])
    >>> encoder.inverse_transform([1])
    array(['paris'], dtype='<U9')
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags

    def fit(self, y):
        """Learn the sorted distinct labels.

        Returns
        -------
        self
        """
        y = column_or_1d(y, warn=True)
        self.classes_ = sorted_unique(y)
        return self

    def fit_transform(self, y):
        """Fit, then return the codes of y.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self.fit(y).transform(y)

    def transform(self, y):
        """The index of each label in ``classes_``.

        Returns
        -------
        ndarray of shape (n_samples,)

        Raises
        ------
        ValueError
            "y contains previously unseen labels: …"
        """
        check_is_fitted(self)
        y = column_or_1d(y, dtype=self.classes_.dtype if self.classes_.dtype.kind in "iuf"
                         and np.asarray(y).dtype.kind in "iuf" else None, warn=True)
        if len(y) == 0:
            return np.array([])
        if y.dtype.kind in "OUS" or self.classes_.dtype.kind in "OUS":
            lookup = {label: index for index, label in enumerate(self.classes_)}
            codes = np.empty(len(y), dtype=np.int64)
            for row, label in enumerate(y):
                if label not in lookup:
                    raise ValueError(f"y contains previously unseen labels: {label!r}")
                codes[row] = lookup[label]
            return codes
        unseen = np.setdiff1d(y, self.classes_)
        if len(unseen):
            raise ValueError(f"y contains previously unseen labels: {list(unseen)}")
        return np.searchsorted(self.classes_, y)

    def inverse_transform(self, y):
        """The label of each code.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        y = column_or_1d(y, warn=True)
        if len(y) == 0:
            return np.array([])
        unseen = np.setdiff1d(y, np.arange(len(self.classes_)))
        if len(unseen):
            raise ValueError(f"y contains previously unseen labels: {unseen}")
        return self.classes_[np.asarray(y, dtype=np.int64)]
