"""Categorical encoders with scikit-learn's API: ``OneHotEncoder`` (one indicator column per
category) and ``OrdinalEncoder`` (one integer code per category)."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from ..base import BaseEstimator, TransformerMixin, check_array, check_is_fitted
from ..base.output import feature_names_in
from ._categories import (
    columns_of,
    encode_column,
    is_missing,
    sorted_unique,
    unknown_values,
)

__all__ = ["OneHotEncoder", "OrdinalEncoder"]


class _BaseEncoder(TransformerMixin, BaseEstimator):
    """Learns ``categories_`` per column and turns columns into category indices."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

    def _check_frequency_params(self):
        """Validate ``min_frequency`` and ``max_categories``; whether grouping is on."""
        name = type(self).__name__
        low = self.min_frequency
        if not (low is None
                or (isinstance(low, numbers.Integral) and not isinstance(low, bool)
                    and low >= 1)
                or (isinstance(low, numbers.Real) and not isinstance(low, numbers.Integral)
                    and 0 < low < 1)):
            raise ValueError(f"The 'min_frequency' parameter of {name} must be an int in the "
                             "range [1, inf), a float in the range (0.0, 1.0) or None. Got "
                             f"{low!r} instead.")
        most = self.max_categories
        if not (most is None or (isinstance(most, numbers.Integral)
                                 and not isinstance(most, bool) and most >= 1)):
            raise ValueError(f"The 'max_categories' parameter of {name} must be an int in the "
                             f"range [1, inf) or None. Got {most!r} instead.")
        return low is not None or most is not None

    def _find_infrequent(self, columns, ignore_nan=False):
        """Per feature, the indices of the infrequent categories (or None): those seen fewer
        than ``min_frequency`` times (a fraction of the samples when a float), then, if more
        than ``max_categories`` − 1 frequent ones remain, all but the most frequent
        ``max_categories`` − 1 (ties broken in category order). With ``ignore_nan`` a NaN
        category (always last) is never infrequent (``OrdinalEncoder`` keeps it apart)."""
        found = []
        for column, categories in zip(columns, self.categories_):
            codes, known = encode_column(column, categories)
            counts = np.bincount(codes[known], minlength=len(categories))
            if ignore_nan and self._nan_last(categories):
                counts = counts[:-1]
            rare = np.zeros(len(counts), dtype=bool)
            if isinstance(self.min_frequency, numbers.Integral):
                rare = counts < self.min_frequency
            elif isinstance(self.min_frequency, numbers.Real):
                rare = counts < self.min_frequency * len(column)
            n_outputs = len(counts) - rare.sum() + 1
            if self.max_categories is not None and self.max_categories < n_outputs:
                keep = self.max_categories - 1
                order = np.argsort(counts, kind="mergesort")
                rare[order if keep == 0 else order[:-keep]] = True
            indices = np.flatnonzero(rare)
            found.append(indices if len(indices) else None)
        return found

    @staticmethod
    def _nan_last(categories):
        """Whether the last category is NaN (None is an ordinary category)."""
        last = categories[-1] if len(categories) else None
        return last is not None and is_missing(last)

    def _set_infrequent(self, columns, ignore_nan=False):
        """Set ``infrequent_categories_`` (and the indices behind it) when grouping is on."""
        if self._check_frequency_params():
            self._infrequent_indices = self._find_infrequent(columns, ignore_nan)
            self.infrequent_categories_ = [
                None if indices is None else categories[indices]
                for categories, indices in zip(self.categories_, self._infrequent_indices)]
        else:
            self._infrequent_indices = [None] * len(self.categories_)
            self.__dict__.pop("infrequent_categories_", None)

    def _fit_categories(self, X):
        columns = columns_of(self, X, reset=True)
        given = not (isinstance(self.categories, str) and self.categories == "auto")
        if given and len(self.categories) != len(columns):
            raise ValueError("Shape mismatch: if categories is an array, it has to be of "
                             "shape (n_features,).")
        categories = []
        for index, column in enumerate(columns):
            if isinstance(self.categories, str) and self.categories == "auto":
                categories.append(sorted_unique(column))
                continue
            given = np.array(self.categories[index], dtype=object if column.dtype.kind in
                             "OUS" else None)
            if given.dtype.kind in "US":
                given = given.astype(object)
            if given.dtype.kind not in "OUS":
                present = given[~np.isnan(given)] if given.dtype.kind == "f" else given
                if np.any(present[1:] < present[:-1]):
                    raise ValueError("Unsorted categories are not supported for numerical "
                                     "categories")
            if self.handle_unknown == "error":
                _, known = encode_column(column, given)
                if not known.all():
                    raise ValueError(f"Found unknown categories {unknown_values(column, known)}"
                                     f" in column {index} during fit")
            categories.append(given)
        self.categories_ = categories
        return columns

    def _encode(self, X, handle_unknown):
        """(codes, known) of shape (n_samples, n_features)."""
        columns = columns_of(self, X, reset=False)
        n_samples = len(columns[0]) if columns else 0
        codes = np.zeros((n_samples, len(columns)), dtype=np.int64)
        known = np.ones((n_samples, len(columns)), dtype=bool)
        for index, (column, categories) in enumerate(zip(columns, self.categories_)):
            codes[:, index], known[:, index] = encode_column(column, categories)
            if handle_unknown == "error" and not known[:, index].all():
                raise ValueError(f"Found unknown categories "
                                 f"{unknown_values(column, known[:, index])} in column "
                                 f"{index} during transform")
        return codes, known

    def _inverse_output(self, n_samples):
        dtype = np.result_type(*[categories.dtype for categories in self.categories_])
        return np.empty((n_samples, len(self.categories_)), dtype=dtype)


class OneHotEncoder(_BaseEncoder):
    """Encode each categorical feature as indicator columns: a value equal to the k-th category
    of feature j gives 1 in column k of feature j's block, 0 elsewhere.

    The categories of a feature are its sorted distinct values (missing values last), or those
    given. ``drop`` removes one column per feature (the first category, or only for binary
    features), which makes the encoding non-redundant for unregularised linear models.

    Parameters
    ----------
    categories : "auto" or list of array-like, default "auto"
    drop : {"first", "if_binary"}, array-like of shape (n_features,) or None, default None
    sparse_output : bool, default True
        Return a CSR sparse matrix rather than a dense array.
    dtype : number type, default np.float64
    handle_unknown : {"error", "ignore", "infrequent_if_exist", "warn"}, default "error"
        "error" raises for a category unseen in fit; "ignore" encodes it as all zeros;
        "infrequent_if_exist" maps it to the infrequent column where there is one (all zeros
        otherwise); "warn" does the same and warns.
    min_frequency : int, float or None, default None
        Categories seen fewer times (int) or in a smaller fraction of the samples (float)
        are infrequent: they share one output column, "<feature>_infrequent_sklearn", last.
    max_categories : int or None, default None
        At most this many output columns per feature, the infrequent column included: the
        least frequent categories are grouped.
    feature_name_combiner : "concat" or callable, default "concat"
        Output name of (feature, category): "feature_category", or ``callable(feature,
        category)``.

    Attributes
    ----------
    categories_ : list of ndarray
    drop_idx_ : ndarray of shape (n_features,) or None
        Index in ``categories_[j]`` of the dropped category (None for none dropped).
    infrequent_categories_ : list of ndarray or None
        The infrequent categories of each feature (only when ``min_frequency`` or
        ``max_categories`` is set).
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> from konspekt.preprocessing import OneHotEncoder
    >>> encoder = OneHotEncoder(sparse_output=False).fit([["red"], ["green"], ["red"]])
    >>> encoder.transform([["green"], ["red"]])
    array([[1., 0.],
           [0., 1.]])
    >>> encoder.get_feature_names_out()
    array(['x0_green', 'x0_red'], dtype=object)
    """

    def __init__(self, *, categories="auto", drop=None, sparse_output=True, dtype=np.float64,
                 handle_unknown="error", min_frequency=None, max_categories=None,
                 feature_name_combiner="concat"):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.feature_name_combiner = feature_name_combiner

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags

    def fit(self, X, y=None):
        """Learn the categories of each feature (and which to drop).

        Returns
        -------
        self
        """
        if self.handle_unknown not in ("error", "ignore", "infrequent_if_exist", "warn"):
            raise ValueError("The 'handle_unknown' parameter of OneHotEncoder must be a str "
                             "among {'error', 'ignore', 'infrequent_if_exist', 'warn'}. Got "
                             f"{self.handle_unknown!r} instead.")
        if isinstance(self.drop, str) and self.drop not in ("first", "if_binary"):
            raise ValueError("The 'drop' parameter of OneHotEncoder must be a str among "
                             "{'first', 'if_binary'}, an array-like or None. Got "
                             f"{self.drop!r} instead.")
        self._check_frequency_params()
        columns = self._fit_categories(X)
        self._set_infrequent(columns)
        self.drop_idx_ = self._drop_indices()
        return self

    def _drop_indices(self):
        if self.drop is None:
            return None
        if isinstance(self.drop, str):
            if self.drop == "first":
                return np.zeros(len(self.categories_), dtype=object)
            # Binary in the output: two columns once infrequent categories are grouped.
            n_outputs = [len(categories) if rare is None else len(categories) - len(rare) + 1
                         for categories, rare in zip(self.categories_,
                                                     self._infrequent_indices)]
            return np.array([0 if n == 2 else None for n in n_outputs], dtype=object)
        drop = np.asarray(self.drop, dtype=object)
        if drop.ndim != 1 or len(drop) != len(self.categories_):
            raise ValueError("`drop` should have length equal to the number of features "
                             f"({len(self.categories_)}), got {len(drop)}")
        indices, missing = [], []
        for index, (value, categories) in enumerate(zip(drop, self.categories_)):
            if value is None:
                indices.append(None)
                continue
            column = np.array([value], dtype=categories.dtype if categories.dtype.kind != "O"
                              else object)
            code, known = encode_column(column, categories)
            if not known[0]:
                missing.append(f"Category: {value}, Feature: {index}")
            rare = self._infrequent_indices[index]
            if known[0] and rare is not None and code[0] in rare:
                raise ValueError(f"Unable to drop category {value!r} from feature {index} "
                                 "because it is infrequent")
            indices.append(int(code[0]))
        if missing:
            raise ValueError("The following categories were supposed to be dropped, but were "
                             "not found in the training data.\n" + "\n".join(missing))
        return np.array(indices, dtype=object)

    def _layout(self, index):
        """For feature ``index``: the output column of each category (−1 when dropped), the
        label of each output column (a category, or "infrequent_sklearn" for the column that
        gathers the infrequent categories, which comes last) and that column's position (or
        None)."""
        n_categories = len(self.categories_[index])
        infrequent = self._infrequent_indices[index]
        rare = np.zeros(n_categories, dtype=bool)
        if infrequent is not None:
            rare[infrequent] = True
        column = np.empty(n_categories, dtype=np.int64)
        column[~rare] = np.arange((~rare).sum())
        labels = list(self.categories_[index][~rare])
        rare_column = None
        if infrequent is not None:
            rare_column = len(labels)
            column[rare] = rare_column
            labels.append("infrequent_sklearn")
        dropped = None if self.drop_idx_ is None else self.drop_idx_[index]
        if dropped is not None:
            gone = column[dropped]
            del labels[gone]
            column = np.where(column == gone, -1, np.where(column > gone, column - 1, column))
            if rare_column is not None:
                rare_column = None if gone == rare_column else rare_column - (gone < rare_column)
        return column, labels, rare_column

    def transform(self, X):
        """The indicator columns of X, feature after feature.

        Returns
        -------
        sparse matrix or ndarray of shape (n_samples, n_output_features)
        """
        check_is_fitted(self)
        codes, known = self._encode(X, self.handle_unknown)
        if not known.all() and self.handle_unknown in ("warn", "ignore") and (
                self.handle_unknown == "warn" or self.drop_idx_ is not None):
            columns = [int(j) for j in np.flatnonzero(~known.all(axis=0))]
            warnings.warn(f"Found unknown categories in columns {columns} during transform. "
                          "These unknown categories will be encoded as all zeros", UserWarning)
        n_samples = codes.shape[0]
        rows, cols, offset = [], [], 0
        for index in range(len(self.categories_)):
            position, labels, rare_column = self._layout(index)
            unknown_to = -1
            if self.handle_unknown in ("infrequent_if_exist", "warn") and rare_column is not None:
                unknown_to = rare_column
            column = np.where(known[:, index], position[codes[:, index]], unknown_to)
            hit = column >= 0
            rows.append(np.flatnonzero(hit))
            cols.append(column[hit] + offset)
            offset += len(labels)
        rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        matrix = sp.csr_matrix((np.ones(len(rows), dtype=self.dtype), (rows, cols)),
                               shape=(n_samples, offset))
        matrix.sort_indices()
        return matrix if self.sparse_output else matrix.toarray()

    def inverse_transform(self, X):
        """The category of each feature: the one whose column holds the largest value (the
        dropped category when the block is all zeros, else None for an unknown one;
        "infrequent_sklearn" for the infrequent column).

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = check_array(X, accept_sparse="csr")
        layouts = [self._layout(index) for index in range(len(self.categories_))]
        sizes = [len(labels) for _, labels, _ in layouts]
        if X.shape[1] != sum(sizes):
            raise ValueError("Shape of the passed X data is not correct. Expected "
                             f"{sum(sizes)} columns, got {X.shape[1]}.")
        X = X.toarray() if sp.issparse(X) else X
        result = self._inverse_output(X.shape[0])
        if any(rare is not None for rare in self._infrequent_indices):
            result = result.astype(object)
        offset = 0
        for index, ((_, labels, _), size) in enumerate(zip(layouts, sizes)):
            block = X[:, offset:offset + size]
            offset += size
            categories = self.categories_[index]
            empty = ~block.any(axis=1) if size else np.ones(X.shape[0], dtype=bool)
            label_array = np.array(labels, dtype=object if result.dtype.kind == "O"
                                   else categories.dtype)
            values = label_array[block.argmax(axis=1)] if size else \
                np.empty(X.shape[0], dtype=categories.dtype)
            dropped = None if self.drop_idx_ is None else self.drop_idx_[index]
            if empty.any():
                if dropped is not None:
                    values = values.astype(object) if values.dtype.kind != "O" else values
                    rare = self._infrequent_indices[index]
                    values[empty] = "infrequent_sklearn" if rare is not None and \
                        dropped in rare else categories[dropped]
                elif self.handle_unknown != "error":
                    result = result.astype(object)
                    values = values.astype(object)
                    values[empty] = None
                else:
                    raise ValueError(f"Samples {np.flatnonzero(empty).tolist()} can not be "
                                     f"inverted when drop=None and handle_unknown='error' "
                                     "because they contain all zeros")
            result[:, index] = values
        return result

    def get_feature_names_out(self, input_features=None):
        """The output feature names: "<feature>_<category>" for every output column.

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self)
        names = feature_names_in(self, input_features)
        combine = self.feature_name_combiner
        if combine == "concat":
            def combine(feature, category):
                return f"{feature}_{category}"
        out = []
        for index, name in enumerate(names):
            for category in self._layout(index)[1]:
                label = combine(name, category)
                if not isinstance(label, str):
                    raise TypeError("When `feature_name_combiner` is a callable, it should "
                                    "return a Python string. Got "
                                    f"{type(label)} instead.")
                out.append(label)
        return np.asarray(out, dtype=object)


class OrdinalEncoder(_BaseEncoder):
    """Encode each categorical feature as the integer index 0 … K−1 of its value among the
    feature's (sorted or given) categories; missing values become ``encoded_missing_value``.

    Parameters
    ----------
    categories : "auto" or list of array-like, default "auto"
    dtype : number type, default np.float64
    handle_unknown : {"error", "use_encoded_value"}, default "error"
        "use_encoded_value": an unseen category becomes ``unknown_value``.
    unknown_value : int, np.nan or None, default None
    encoded_missing_value : int or np.nan, default np.nan
    min_frequency : int, float or None, default None
        Categories seen fewer times (int) or in a smaller fraction of the samples (float)
        are infrequent: they all get one code, the one after the frequent categories' codes.
        A NaN category is never infrequent (it is encoded as ``encoded_missing_value``).
    max_categories : int or None, default None
        At most this many codes per feature, the infrequent one included: the least
        frequent categories are grouped.

    Attributes
    ----------
    categories_ : list of ndarray
    infrequent_categories_ : list of ndarray or None
        The infrequent categories of each feature (only when ``min_frequency`` or
        ``max_categories`` is set).
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> from konspekt.preprocessing import OrdinalEncoder
    >>> OrdinalEncoder().fit_transform([["b"], ["a"], ["c"]]).ravel()
    array([1., 0., 2.])
    """

    def __init__(self, *, categories="auto", dtype=np.float64, handle_unknown="error",
                 unknown_value=None, encoded_missing_value=np.nan, min_frequency=None,
                 max_categories=None):
        self.categories = categories
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.unknown_value = unknown_value
        self.encoded_missing_value = encoded_missing_value
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    def fit(self, X, y=None):
        """Learn the categories of each feature.

        Returns
        -------
        self
        """
        if self.handle_unknown not in ("error", "use_encoded_value"):
            raise ValueError("The 'handle_unknown' parameter of OrdinalEncoder must be a str "
                             "among {'error', 'use_encoded_value'}. Got "
                             f"{self.handle_unknown!r} instead.")
        if self.handle_unknown == "use_encoded_value":
            value = self.unknown_value
            if not ((isinstance(value, numbers.Integral) and not isinstance(value, bool))
                    or (isinstance(value, float) and np.isnan(value))):
                raise TypeError("unknown_value should be an integer or np.nan when "
                                "handle_unknown is 'use_encoded_value', got "
                                f"{self.unknown_value}.")
        elif self.unknown_value is not None:
            raise TypeError("unknown_value should only be set when handle_unknown is "
                            f"'use_encoded_value', got {self.unknown_value}.")
        self._check_frequency_params()
        columns = self._fit_categories(X)
        self._set_infrequent(columns, ignore_nan=True)
        # The codes in use per feature: the frequent categories (the infrequent ones share
        # the next code) without NaN, which is encoded apart.
        cardinalities = [len(categories) - self._nan_last(categories)
                         - (0 if rare is None else len(rare))
                         for categories, rare in zip(self.categories_, self._infrequent_indices)]
        if (self.handle_unknown == "use_encoded_value" and not np.isnan(self.unknown_value)
                and any(0 <= self.unknown_value < n for n in cardinalities)):
            raise ValueError(f"The used value for unknown_value {self.unknown_value} is one of "
                             "the values already used for encoding the seen categories.")
        if not is_missing(self.encoded_missing_value):
            clashes = [index for index, (categories, n) in
                       enumerate(zip(self.categories_, cardinalities))
                       if self._nan_last(categories) and 0 <= self.encoded_missing_value < n]
            if clashes:
                raise ValueError(f"encoded_missing_value ({self.encoded_missing_value}) is "
                                 "already used to encode a known category in features: "
                                 f"{clashes}")
        return self

    def _code_map(self, index):
        """Feature ``index``'s category index → code: the frequent categories 0, 1, … in
        order, every infrequent one the next code; None without infrequent categories."""
        rare = self._infrequent_indices[index]
        if rare is None:
            return None
        n_counted = len(self.categories_[index]) - self._nan_last(self.categories_[index])
        frequent = np.ones(n_counted, dtype=bool)
        frequent[rare] = False
        mapping = np.full(n_counted, frequent.sum(), dtype=np.int64)
        mapping[frequent] = np.arange(frequent.sum())
        return mapping

    def transform(self, X):
        """The category index of every value (infrequent categories share the code after the
        frequent ones).

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        codes, known = self._encode(X, self.handle_unknown)
        result = codes.astype(self.dtype, copy=True)
        for index, categories in enumerate(self.categories_):
            missing = np.zeros(len(codes), dtype=bool)
            if self._nan_last(categories):
                missing = known[:, index] & (codes[:, index] == len(categories) - 1)
            mapping = self._code_map(index)
            if mapping is not None:
                grouped = known[:, index] & ~missing
                result[grouped, index] = mapping[codes[grouped, index]]
            result[missing, index] = self.encoded_missing_value
        if not known.all():
            result[~known] = self.unknown_value
        return result

    def inverse_transform(self, X):
        """The category of every code (None for ``unknown_value``, "infrequent_sklearn" for the
        infrequent code).

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = check_array(X, ensure_all_finite="allow-nan")
        if X.shape[1] != len(self.categories_):
            raise ValueError("Shape of the passed X data is not correct. Expected "
                             f"{len(self.categories_)} columns, got {X.shape[1]}.")
        result = self._inverse_output(X.shape[0])
        if any(rare is not None for rare in self._infrequent_indices):
            result = result.astype(object)
        for index, categories in enumerate(self.categories_):
            codes = X[:, index]
            missing_code = np.zeros(len(codes), dtype=bool)
            if self._nan_last(categories):
                missing_code = np.isnan(codes) if is_missing(self.encoded_missing_value) \
                    else codes == self.encoded_missing_value
            unknown = np.zeros(len(codes), dtype=bool)
            if self.handle_unknown == "use_encoded_value":
                unknown = np.isnan(codes) if is_missing(self.unknown_value) \
                    else codes == self.unknown_value
                unknown &= ~missing_code
            labels = categories
            infrequent = np.zeros(len(codes), dtype=bool)
            rare = self._infrequent_indices[index]
            if rare is not None:
                frequent = np.ones(len(categories), dtype=bool)
                frequent[rare] = False
                labels = categories[frequent]
                infrequent = ~(missing_code | unknown) & (codes == frequent.sum()
                                                           - self._nan_last(categories))
            plain = ~(missing_code | unknown | infrequent)
            values = np.empty(len(codes), dtype=object if rare is not None
                              else categories.dtype)
            values[plain] = labels[codes[plain].astype(np.int64)]
            if missing_code.any():
                values[missing_code] = categories[-1]
            if infrequent.any():
                values[infrequent] = "infrequent_sklearn"
            if unknown.any():
                result = result.astype(object)
                values = values.astype(object)
                values[unknown] = None
            result[:, index] = values
        return result

    def get_feature_names_out(self, input_features=None):
        """The output feature names: the input ones.

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self)
        return feature_names_in(self, input_features)
