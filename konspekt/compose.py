"""Column-wise composition with scikit-learn's API: ``ColumnTransformer`` and
``make_column_transformer``.

A ColumnTransformer with transformers T₁ … T_m on column sets C₁ … C_m outputs the columns
[w₁ T₁(X[:, C₁]) | … | w_m T_m(X[:, C_m]) | R(X[:, rest])], where R is the remainder (dropped,
passed through, or an estimator) and w_k the optional transformer weights.
"""

import numbers
import time

import numpy as np
import scipy.sparse as sp

from .base import BaseEstimator, TransformerMixin, check_array, check_is_fitted, clone
from .base.fitted_state import validate_data
from .base.output import feature_names_in, validate_output_choice
from .pipeline import Bunch, _name_steps, message_with_time

__all__ = ["ColumnTransformer", "make_column_transformer"]


class _Passthrough(TransformerMixin, BaseEstimator):
    """The identity transformer that stands for "passthrough" among the fitted transformers;
    its output feature names are its input ones."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def fit(self, X, y=None):
        validate_data(self, X, skip_check_array=True)
        self.n_features_in_ = X.shape[1] if getattr(X, "ndim", 2) == 2 else 1
        return self

    def transform(self, X):
        return X

    def get_feature_names_out(self, input_features=None):
        return feature_names_in(self, input_features)


def _is_dataframe(X):
    return hasattr(X, "iloc") and hasattr(X, "columns") and getattr(X, "ndim", 2) == 2


def _is_scalar_key(key):
    return isinstance(key, (numbers.Integral, str)) and not isinstance(key, bool)


def _column_indices(X, key):
    """The positions of the columns that ``key`` selects in X."""
    n_columns = X.shape[1]
    if callable(key):
        key = key(X)
    if _is_scalar_key(key):
        key = [key]
    if isinstance(key, slice):
        if isinstance(key.start, str) or isinstance(key.stop, str):
            if not _is_dataframe(X):
                raise ValueError("Specifying the columns using strings is only supported for "
                                 "dataframes.")
            columns = list(X.columns)
            start = 0 if key.start is None else columns.index(key.start)
            stop = n_columns if key.stop is None else columns.index(key.stop) + 1
            return list(range(start, stop))
        return list(range(n_columns))[key]
    key = np.asarray(list(key) if not hasattr(key, "dtype") else key)
    if key.size == 0:
        return []
    if key.dtype.kind == "b":
        if len(key) != n_columns:
            raise IndexError(f"boolean index did not match indexed array along axis 1; size "
                             f"of axis is {n_columns} but size of corresponding boolean axis "
                             f"is {len(key)}")
        return [int(j) for j in np.flatnonzero(key)]
    if key.dtype.kind in "iu":
        return [int(j) % n_columns if -n_columns <= j < n_columns else int(j) for j in key]
    if key.dtype.kind in "UO":
        if not _is_dataframe(X):
            raise ValueError("Specifying the columns using strings is only supported for "
                             "dataframes.")
        columns = list(X.columns)
        missing = [name for name in key if name not in columns]
        if missing:
            raise ValueError("A given column is not a column of the dataframe")
        return [columns.index(name) for name in key]
    raise ValueError("No valid specification of the columns. Only a scalar, list or slice of "
                     "all integers or all strings, or boolean mask is allowed")


def _key_kind(key):
    """"str", "bool" or "int": how a column specification names its columns."""
    if isinstance(key, str):
        return "str"
    if isinstance(key, slice):
        return "str" if isinstance(key.start, str) or isinstance(key.stop, str) else "int"
    if _is_scalar_key(key):
        return "int"
    values = np.asarray(key)
    if values.dtype.kind == "b":
        return "bool"
    if values.size and values.dtype.kind in "UO":
        return "str"
    return "int"


def _select(X, indices, scalar):
    """The columns at ``indices`` (1-D when selected by a scalar key, as in scikit-learn)."""
    if _is_dataframe(X):
        return X.iloc[:, indices[0]] if scalar else X.iloc[:, indices]
    if scalar:
        column = X[:, indices[0]]
        return column.toarray().ravel() if sp.issparse(column) else column
    return X[:, indices]


class ColumnTransformer(TransformerMixin, BaseEstimator):
    """Apply different transformers to different columns and join their outputs side by side.

    Parameters
    ----------
    transformers : list of (name, transformer, columns) tuples
        ``transformer``: an estimator with ``fit`` / ``transform``, "drop" or "passthrough".
        ``columns``: an int or str (the transformer then gets a 1-D column), a list of ints or
        strs (strings name DataFrame columns), a slice, a boolean mask, or a callable of X
        that returns one of these.
    remainder : {"drop", "passthrough"} or estimator, default "drop"
        What happens to the columns no transformer selects.
    sparse_threshold : float, default 0.3
        If some output is sparse and the overall density (stored values / size) is below
        this, the result is a sparse CSR matrix; otherwise a dense array.
    n_jobs : None
        Accepted for compatibility; the transformers are fitted one after another.
    transformer_weights : dict, optional
        Multiplier of each transformer's output, by name.
    verbose : bool, default False
        Print the time each transformer takes to fit.
    verbose_feature_names_out : bool, str or callable, default True
        True: output names "<transformer>__<feature>"; a str: a format with
        ``{transformer_name}`` and ``{feature_name}``; a callable(transformer_name,
        feature_name); False: the features' own names (they must be unique).

    Attributes
    ----------
    transformers_ : list of (name, fitted transformer, columns) tuples
        With ("remainder", …, remaining columns) last.
    named_transformers_ : Bunch
    sparse_output_ : bool
    output_indices_ : dict of name -> slice
        The output columns of each transformer.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame with string columns

    Examples
    --------
    >>> import numpy as np
    >>> from konspekt.compose import ColumnTransformer
    >>> from konspekt.preprocessing import MinMaxScaler, StandardScaler
    >>> ct = ColumnTransformer([("std", StandardScaler(), [0]), ("mm", MinMaxScaler(), [1])])
    >>> ct.fit_transform(np.array([[0.0, 1.0], [2.0, 3.0]]))
    array([[-1.,  0.],
           [ 1.,  1.]])
    >>> ct.get_feature_names_out()
    array(['std__x0', 'mm__x1'], dtype=object)
    """

    def __init__(self, transformers, *, remainder="drop", sparse_threshold=0.3, n_jobs=None,
                 transformer_weights=None, verbose=False, verbose_feature_names_out=True):
        self.transformers = transformers
        self.remainder = remainder
        self.sparse_threshold = sparse_threshold
        self.n_jobs = n_jobs
        self.transformer_weights = transformer_weights
        self.verbose = verbose
        self.verbose_feature_names_out = verbose_feature_names_out

    # --- parameters -----------------------------------------------------------------------

    def _pairs(self):
        try:
            return [(name, transformer) for name, transformer, _ in self.transformers]
        except (TypeError, ValueError):
            return []

    def get_params(self, deep=True):
        """The parameters, and with ``deep`` every transformer by name and its parameters as
        "<name>__<parameter>".

        Returns
        -------
        dict
        """
        params = super().get_params(deep=False)
        if not deep:
            return params
        if hasattr(self.remainder, "get_params"):
            params.update((f"remainder__{key}", value)
                          for key, value in self.remainder.get_params(deep=True).items())
        for name, transformer in self._pairs():
            params[name] = transformer
            if hasattr(transformer, "get_params") and not isinstance(transformer, type):
                params.update((f"{name}__{key}", value)
                              for key, value in transformer.get_params(deep=True).items())
        return params

    def set_params(self, **params):
        """Set parameters; a transformer's name replaces that transformer.

        Returns
        -------
        self
        """
        if "transformers" in params:
            self.transformers = params.pop("transformers")
        names = [name for name, _ in self._pairs()]
        for key in list(params):
            if "__" not in key and key in names:
                index = names.index(key)
                self.transformers = list(self.transformers)
                name, _, columns = self.transformers[index]
                self.transformers[index] = (name, params.pop(key), columns)
        return super().set_params(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags

    # --- validation ---------------------------------------------------------------------------

    def _validate(self):
        names = [name for name, _ in self._pairs()]
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {names!r}")
        conflicts = set(names) & set(self._get_param_names())
        if conflicts:
            raise ValueError("Estimator names conflict with constructor arguments: "
                             f"{sorted(conflicts)!r}")
        doubled = [name for name in names if "__" in name]
        if doubled:
            raise ValueError(f"Estimator names must not contain __: got {doubled!r}")
        for _, transformer in self._pairs():
            if isinstance(transformer, str) and transformer in ("drop", "passthrough"):
                continue
            if not ((hasattr(transformer, "fit") or hasattr(transformer, "fit_transform"))
                    and hasattr(transformer, "transform")):
                raise TypeError("All estimators should implement fit and transform, or can be "
                                "'drop' or 'passthrough' specifiers. "
                                f"'{transformer}' (type {type(transformer)}) doesn't.")
        remainder = self.remainder
        if not (isinstance(remainder, str) and remainder in ("drop", "passthrough")) and not (
                (hasattr(remainder, "fit") or hasattr(remainder, "fit_transform"))
                and hasattr(remainder, "transform")):
            raise ValueError("The remainder keyword needs to be one of 'drop', 'passthrough', "
                             f"or estimator. '{remainder}' was passed instead")

    def _plan(self, X):
        """(name, transformer, columns spec, indices, scalar) for every transformer and the
        remainder, in output order."""
        plan, used, kinds = [], set(), set()
        for name, transformer, columns in self.transformers:
            indices = _column_indices(X, columns)
            spec = columns(X) if callable(columns) else columns
            kinds.add("callable" if callable(columns) else _key_kind(spec))
            used.update(indices)
            plan.append((name, transformer, spec, indices, _is_scalar_key(spec)))
        rest = [j for j in range(X.shape[1]) if j not in used]
        # The remaining columns are named the way the others were: by name, by mask or by
        # position (scikit-learn's convention).
        if kinds == {"str"} and _is_dataframe(X):
            rest_spec = [X.columns[j] for j in rest]
        elif kinds == {"bool"}:
            rest_spec = [j in rest for j in range(X.shape[1])]
        else:
            rest_spec = rest
        plan.append(("remainder", self.remainder, rest_spec, rest, False))
        return plan

    # --- fitting and transforming ---------------------------------------------------------------

    def _check_X(self, X, reset):
        if _is_dataframe(X):
            if X.shape[1] < 1 or X.shape[0] < 1:
                check_array(np.empty(X.shape), estimator=self)
        else:
            X = check_array(X, accept_sparse=("csr", "csc"), dtype=None, ensure_all_finite=False,
                            estimator=self)
        validate_data(self, X, reset=reset, skip_check_array=True)
        return X

    def fit(self, X, y=None, **params):
        """Fit every transformer on its columns.

        Returns
        -------
        self
        """
        self.fit_transform(X, y, **params)
        return self

    def fit_transform(self, X, y=None, **params):
        """Fit every transformer on its columns and join their outputs.

        Returns
        -------
        ndarray or sparse matrix of shape (n_samples, sum of output features)
        """
        self._validate()
        X = self._check_X(X, reset=True)
        fitted, outputs = [], []
        plan = self._plan(X)
        # The progress lines count only the transformers that are fitted, as scikit-learn's.
        n_fitted = sum(1 for _, transformer, _, indices, _ in plan if indices and not (
            isinstance(transformer, str) and transformer == "drop"))
        position = 0
        for name, transformer, columns, indices, scalar in plan:
            if isinstance(transformer, str) and transformer == "drop":
                fitted.append((name, transformer, columns))
                outputs.append((name, None))
                continue
            if not indices:
                fitted.append((name, transformer, columns))
                outputs.append((name, None))
                continue
            if isinstance(transformer, str):  # "passthrough"
                transformer = _Passthrough()
            else:
                transformer = clone(transformer)
            start = time.perf_counter()
            part = _select(X, indices, scalar)
            if hasattr(transformer, "fit_transform"):
                result = transformer.fit_transform(part, y, **params)
            else:
                result = transformer.fit(part, y, **params).transform(part)
            position += 1
            if self.verbose:
                print(message_with_time("ColumnTransformer",
                                        f"({position} of {n_fitted}) Processing {name}",
                                        time.perf_counter() - start))
            fitted.append((name, transformer, columns))
            outputs.append((name, self._checked_output(name, result)))
        self.transformers_ = fitted
        self._indices = [indices for _, _, _, indices, _ in plan]
        self._scalar = [scalar for _, _, _, _, scalar in plan]
        self._fit_dataframe_columns = list(X.columns) if _is_dataframe(X) else None
        parts = [part for _, part in outputs if part is not None]
        if any(sp.issparse(part) for part in parts):
            stored = sum(part.nnz if sp.issparse(part) else part.size for part in parts)
            total = sum(part.shape[0] * part.shape[1] for part in parts)
            self.sparse_output_ = total > 0 and stored / total < self.sparse_threshold
        else:
            self.sparse_output_ = False
        offset, self.output_indices_ = 0, {}
        for name, part in outputs:
            if part is None:
                # A transformer with no output has the empty slice at 0, as in scikit-learn.
                self.output_indices_[name] = slice(0, 0)
                continue
            self.output_indices_[name] = slice(offset, offset + part.shape[1])
            offset += part.shape[1]
        return self._join(outputs, X)

    def _checked_output(self, name, result):
        if hasattr(result, "to_numpy") and getattr(result, "ndim", 0) == 2:
            result = result.to_numpy()
        if getattr(result, "ndim", 0) != 2:
            raise ValueError(f"The output of the '{name}' transformer should be 2D (numpy "
                             "array, scipy sparse array, dataframe).")
        weight = (self.transformer_weights or {}).get(name)
        if weight is not None:
            result = result * weight
        return result

    def _join(self, outputs, X):
        parts = [part for _, part in outputs if part is not None]
        n_samples = X.shape[0]
        if not parts:
            return np.zeros((n_samples, 0))
        if self.sparse_output_:
            return sp.hstack([sp.csr_matrix(part) for part in parts], format="csr")
        return np.hstack([part.toarray() if sp.issparse(part) else np.asarray(part)
                          for part in parts])

    def transform(self, X, **params):
        """Transform every column set with its fitted transformer and join the outputs.

        Returns
        -------
        ndarray or sparse matrix
        """
        check_is_fitted(self)
        if _is_dataframe(X) and self._fit_dataframe_columns is not None:
            # DataFrame in and out: columns are found by name, so order and extra columns
            # do not matter (as in scikit-learn).
            missing = [c for c in self._fit_dataframe_columns if c not in list(X.columns)]
            if missing:
                raise ValueError(f"columns are missing: {set(missing)}")
            X = X[self._fit_dataframe_columns]
        else:
            X = self._check_X(X, reset=False)
        outputs = []
        for (name, transformer, _), indices, scalar in zip(self.transformers_, self._indices,
                                                           self._scalar):
            if (isinstance(transformer, str) and transformer == "drop") or not indices:
                outputs.append((name, None))
                continue
            part = _select(X, indices, scalar)
            outputs.append((name, self._checked_output(name, transformer.transform(part))))
        return self._join(outputs, X)

    # --- names --------------------------------------------------------------------------------

    @property
    def named_transformers_(self):
        """The fitted transformers by name."""
        return Bunch(**{name: transformer for name, transformer, _ in self.transformers_})

    def _prefixed(self, name, feature):
        verbose = self.verbose_feature_names_out
        if callable(verbose):
            return verbose(name, feature)
        if isinstance(verbose, str):
            return verbose.format(transformer_name=name, feature_name=feature)
        return f"{name}__{feature}" if verbose else feature

    def get_feature_names_out(self, input_features=None):
        """The output feature names, "<transformer>__<feature>" by default.

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self)
        inputs = feature_names_in(self, input_features)
        out = []
        for (name, transformer, _), indices, scalar in zip(self.transformers_, self._indices,
                                                           self._scalar):
            if (isinstance(transformer, str) and transformer == "drop") or not indices:
                continue
            if not hasattr(transformer, "get_feature_names_out"):
                raise AttributeError(f"Transformer {name} (type {type(transformer).__name__})"
                                     " does not provide get_feature_names_out.")
            names = transformer.get_feature_names_out(None if scalar else inputs[indices])
            out.extend(self._prefixed(name, feature) for feature in names)
        if self.verbose_feature_names_out is False:
            seen, repeated = set(), []
            for feature in out:
                if feature in seen and feature not in repeated:
                    repeated.append(feature)
                seen.add(feature)
            if repeated:
                shown = repeated[:5] + (["..."] if len(repeated) > 5 else [])
                raise ValueError(f"Output feature names: {shown} are not unique. Please set "
                                 "verbose_feature_names_out=True to add prefixes to feature "
                                 "names")
        return np.asarray(out, dtype=object)

    def set_output(self, *, transform=None):
        """Set the output container of this and every sub-transformer.

        Returns
        -------
        self
        """
        validate_output_choice(transform)
        super().set_output(transform=transform)
        for _, transformer in self._pairs() + [("remainder", self.remainder)]:
            if hasattr(transformer, "set_output"):
                transformer.set_output(transform=transform)
        return self

    def __sklearn_clone__(self):
        cloned = type(self)([(name, clone(transformer, safe=False), columns)
                             for name, transformer, columns in self.transformers],
                            **{key: clone(value, safe=False)
                               for key, value in self.get_params(deep=False).items()
                               if key != "transformers"})
        return cloned


def make_column_transformer(*transformers, remainder="drop", sparse_threshold=0.3, n_jobs=None,
                            verbose=False, verbose_feature_names_out=True):
    """A ``ColumnTransformer`` from (transformer, columns) pairs, named after the transformers'
    lower-cased class names.

    Examples
    --------
    >>> from konspekt.compose import make_column_transformer
    >>> from konspekt.preprocessing import OneHotEncoder, StandardScaler
    >>> ct = make_column_transformer((StandardScaler(), [0]), (OneHotEncoder(), [1]))
    >>> [name for name, _, _ in ct.transformers]
    ['standardscaler', 'onehotencoder']
    """
    named = _name_steps([transformer for transformer, _ in transformers])
    return ColumnTransformer([(name, transformer, columns) for (name, transformer), (_, columns)
                              in zip(named, transformers)], remainder=remainder,
                             sparse_threshold=sparse_threshold, n_jobs=n_jobs, verbose=verbose,
                             verbose_feature_names_out=verbose_feature_names_out)
