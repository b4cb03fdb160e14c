"""Input validation shared by every estimator, metric and splitter, with scikit-learn's
functions, arguments and error messages (``check_array``, ``check_X_y``, ``column_or_1d``,
``check_sample_weight`` …).

What is checked where data enters an estimator:

- X is 2-D (a 1-D X is refused with the hint to reshape), numeric (strings refused, object
  arrays converted to float64, complex refused), finite (NaN / ±inf refused unless allowed),
  with at least one sample and one feature; scipy.sparse only where the estimator accepts it;
- X and y have the same number of samples;
- at predict time, the number of features and the feature names (pandas columns) are those
  seen in ``fit`` (``konspekt.base.fitted_state.validate_data``).
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from .exceptions import DataConversionWarning, compatible

__all__ = ["check_array", "check_X_y", "column_or_1d", "check_consistent_length",
           "check_random_state", "check_sample_weight", "check_non_negative", "check_scalar",
           "num_samples", "assert_all_finite", "indexable"]

_RESHAPE_HINT = ("Reshape your data either using array.reshape(-1, 1) if your data has a "
                 "single feature or array.reshape(1, -1) if it contains a single sample.")


def num_samples(x):
    """The number of samples (first dimension) of an array-like, as scikit-learn counts them.

    Examples
    --------
    >>> num_samples([[1, 2], [3, 4], [5, 6]])
    3
    """
    if hasattr(x, "fit") and callable(x.fit):
        raise TypeError(f"Expected sequence or array-like, got estimator {x}")
    if not hasattr(x, "__len__") and not hasattr(x, "shape"):
        if hasattr(x, "__array__"):
            x = np.asarray(x)
        else:
            raise TypeError(f"Expected sequence or array-like, got {type(x)}")
    if hasattr(x, "shape") and x.shape is not None:
        if len(x.shape) == 0:
            raise TypeError(f"Singleton array {x!r} cannot be considered a valid collection.")
        if isinstance(x.shape[0], numbers.Integral):
            return x.shape[0]
    return len(x)


def check_consistent_length(*arrays):
    """Check that all non-None arguments have the same number of samples.

    Raises
    ------
    ValueError
        "Found input variables with inconsistent numbers of samples: [3, 4]".
    """
    lengths = [num_samples(array) for array in arrays if array is not None]
    if len(set(lengths)) > 1:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"{[int(length) for length in lengths]!r}")


def indexable(*iterables):
    """Make each argument indexable by row positions: sparse matrices to CSR, array-likes
    without ``__getitem__`` to arrays; None and indexable objects pass through. The lengths
    must agree."""
    result = []
    for item in iterables:
        if sp.issparse(item):
            result.append(item.tocsr())
        elif item is None or hasattr(item, "__getitem__") or hasattr(item, "iloc"):
            result.append(item)
        else:
            result.append(np.array(item))
    check_consistent_length(*result)
    return result


def assert_all_finite(X, *, allow_nan=False, estimator_name=None, input_name=""):
    """Raise ``ValueError`` if X contains NaN (unless ``allow_nan``) or ±inf.

    The message names the input: "Input X contains NaN.", "Input y contains infinity or a value
    too large for dtype('float64')."
    """
    X = X.data if sp.issparse(X) else np.asarray(X)
    if X.dtype.kind not in "fc":
        return
    # One cheap reduction first: the sum of a finite array is finite (barring overflow).
    total = np.sum(X, dtype=np.float64 if X.dtype.kind == "f" else None)
    if np.isfinite(total) and not np.isnan(total):
        return
    has_inf = bool(np.isinf(X).any())
    has_nan = not allow_nan and bool(np.isnan(X).any())
    if not (has_inf or has_nan):
        return
    kind = "NaN" if has_nan else f"infinity or a value too large for {X.dtype!r}"
    padded_name = input_name + " " if input_name else ""
    message = f"Input {padded_name}contains {kind}."
    if estimator_name and input_name == "X" and has_nan:
        message += (f"\n{estimator_name} does not accept missing values encoded as NaN "
                    "natively. Impute them or drop the samples with missing values before "
                    "fitting.")
    raise ValueError(message)


def _estimator_name(estimator):
    if estimator is None:
        return None
    if isinstance(estimator, str):
        return estimator
    return type(estimator).__name__


def _pandas_to_numpy(array):
    """A pandas DataFrame / Series as a NumPy array; nullable extension dtypes (Int64, Float64,
    boolean: pd.NA for missing) become float64 with NaN, so that the finiteness check sees
    them."""
    dtypes = list(array.dtypes) if hasattr(array, "dtypes") and array.ndim == 2 \
        else [array.dtype]
    if all(isinstance(dtype, np.dtype) for dtype in dtypes):
        return np.asarray(array)
    from pandas.api.types import is_bool_dtype, is_numeric_dtype
    if all(is_numeric_dtype(dtype) or is_bool_dtype(dtype) for dtype in dtypes):
        return array.to_numpy(dtype=np.float64, na_value=np.nan)
    return array.to_numpy(dtype=object)


def _check_sparse(array, accept_sparse, dtype, copy, ensure_all_finite, estimator_name,
                  input_name):
    if accept_sparse is False or accept_sparse is None:
        padded = " for " + input_name if input_name else ""
        raise TypeError(f"Sparse data was passed{padded}, but dense data is required. Use "
                        "'.toarray()' to convert to a dense numpy array.")
    if isinstance(accept_sparse, str):
        accept_sparse = [accept_sparse]
    converted = False
    if isinstance(accept_sparse, (list, tuple)):
        if len(accept_sparse) == 0:
            raise ValueError("When providing 'accept_sparse' as a tuple or list, it must "
                             "contain at least one string value.")
        if array.format not in accept_sparse:
            array = array.asformat(accept_sparse[0])
            converted = True
    elif accept_sparse is not True:
        raise ValueError("Parameter 'accept_sparse' should be a string, boolean or list of "
                         f"strings. You provided 'accept_sparse={accept_sparse}'.")
    if dtype is not None and dtype != array.dtype:
        array = array.astype(dtype)
    elif copy and not converted:
        array = array.copy()
    if ensure_all_finite:
        if not hasattr(array, "data"):
            warnings.warn(f"Can't check {array.format} sparse matrix for nan or inf.",
                          stacklevel=3)
        else:
            assert_all_finite(array.data, allow_nan=ensure_all_finite == "allow-nan",
                              estimator_name=estimator_name, input_name=input_name)
    return array


def check_array(array, accept_sparse=False, *, dtype="numeric", order=None, copy=False,
                force_writeable=False, ensure_all_finite=True, ensure_non_negative=False,
                ensure_2d=True, allow_nd=False, ensure_min_samples=1, ensure_min_features=1,
                estimator=None, input_name=""):
    """Validate an array, list, DataFrame or sparse matrix and return it as a NumPy array
    (or sparse matrix).

    Parameters
    ----------
    array : array-like or sparse matrix
    accept_sparse : bool, str or list of str, default False
        Which sparse formats are accepted ("csr", "csc", …); a sparse input in another
        format is converted to the first; False refuses sparse input with a ``TypeError``.
    dtype : "numeric", dtype, list of dtypes or None, default "numeric"
        "numeric": keep numeric dtypes, convert object arrays to float64, refuse strings.
        A list: keep the dtype if it is in the list, else convert to the first.
    order : {"C", "F"} or None
    copy : bool, default False
        Force a copy (otherwise a copy is made only when needed).
    force_writeable : bool, default False
        Make sure the result is writeable (copy a read-only array).
    ensure_all_finite : bool or "allow-nan", default True
    ensure_non_negative : bool, default False
    ensure_2d : bool, default True
        Refuse 0-D and 1-D input.
    allow_nd : bool, default False
        Accept arrays with more than 2 dimensions.
    ensure_min_samples, ensure_min_features : int, default 1
    estimator : str or estimator instance, optional
        Named in the error messages.
    input_name : str, default ""
        The argument's name in the error messages ("X", "y", "sample_weight").

    Returns
    -------
    ndarray or sparse matrix

    Examples
    --------
    >>> check_array([[1, 2], [3, 4]])
    array([[1, 2],
           [3, 4]])
    >>> check_array([1, 2])
    Traceback (most recent call last):
    ...
    ValueError: Expected 2D array, got 1D array instead:
    array=[1 2].
    Reshape your data either using array.reshape(-1, 1) if your data has a single feature or array.reshape(1, -1) if it contains a single sample.
    """
    if isinstance(array, np.matrix):
        raise TypeError("np.matrix is not supported. Please convert to a numpy array with "
                        "np.asarray.")
    if ensure_all_finite not in (True, False, "allow-nan"):
        raise ValueError("ensure_all_finite should be a bool or 'allow-nan'. Got "
                         f"{ensure_all_finite!r} instead.")
    estimator_name = _estimator_name(estimator)
    context = f" by {estimator_name}" if estimator is not None else ""
    array_original = array

    is_series = hasattr(array, "iloc") and getattr(array, "ndim", 2) == 1
    if hasattr(array, "iloc"):
        array = _pandas_to_numpy(array)

    dtype_original = getattr(array, "dtype", None)
    if not hasattr(dtype_original, "kind"):
        dtype_original = None
    numeric = isinstance(dtype, str) and dtype == "numeric"
    if numeric:
        dtype = np.float64 if dtype_original is not None and dtype_original.kind == "O" \
            else None
    if isinstance(dtype, (list, tuple)):
        dtype = None if dtype_original is not None and dtype_original in dtype else dtype[0]
    if dtype is not None:
        dtype = np.dtype(dtype)

    if sp.issparse(array):
        if array.dtype.kind == "c":
            raise ValueError(f"Complex data not supported\n{array}\n")
        array = _check_sparse(array, accept_sparse, dtype, copy, ensure_all_finite,
                              estimator_name, input_name)
        if ensure_2d and array.ndim < 2:
            raise ValueError(f"Expected 2D input, got input with shape {array.shape}.\n"
                             + _RESHAPE_HINT)
    else:
        if dtype_original is None and not hasattr(array, "__array__") and \
                not isinstance(array, (list, tuple, numbers.Number)):
            array = list(array) if hasattr(array, "__iter__") else array
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", np.exceptions.ComplexWarning)
                if dtype is not None and dtype.kind in "iu":
                    # NaN / inf cannot become integers: check before converting.
                    as_is = np.asarray(array, order=order)
                    if as_is.dtype.kind in "fc":
                        assert_all_finite(as_is, estimator_name=estimator_name,
                                          input_name=input_name)
                    array = as_is.astype(dtype, copy=False)
                else:
                    array = np.asarray(array, order=order, dtype=dtype)
        except np.exceptions.ComplexWarning as warning:
            raise ValueError(f"Complex data not supported\n{array}\n") from warning
        if array.dtype.kind == "c":
            raise ValueError(f"Complex data not supported\n{array}\n")

        if ensure_2d:
            if array.ndim == 0:
                raise ValueError("Expected 2D array, got scalar array instead:\n"
                                 f"array={array}.\n" + _RESHAPE_HINT)
            if array.ndim == 1:
                if is_series:
                    raise ValueError(
                        f"Expected a 2-dimensional container but got {type(array_original)} "
                        "instead. Pass a DataFrame containing a single row (i.e. single "
                        "sample) or a single column (i.e. single feature) instead.")
                raise ValueError("Expected 2D array, got 1D array instead:\n"
                                 f"array={array}.\n" + _RESHAPE_HINT)
        if numeric and array.dtype.kind in "USV":
            raise ValueError("dtype='numeric' is not compatible with arrays of bytes/strings."
                             "Convert your data to numeric values explicitly instead.")
        if numeric and array.dtype.kind == "O":
            array = array.astype(np.float64)
        if not allow_nd and array.ndim >= 3:
            raise ValueError(f"Found array with dim {array.ndim}, while dim <= 2 is "
                             f"required{context}.")
        if ensure_all_finite:
            assert_all_finite(array, allow_nan=ensure_all_finite == "allow-nan",
                              estimator_name=estimator_name, input_name=input_name)
        if copy and np.may_share_memory(array, array_original):
            array = np.array(array, order=order or "K", copy=True)

    if ensure_min_samples > 0:
        n_samples = num_samples(array)
        if n_samples < ensure_min_samples:
            raise ValueError(f"Found array with {n_samples} sample(s) (shape={array.shape}) "
                             f"while a minimum of {ensure_min_samples} is required{context}.")
    if ensure_min_features > 0 and array.ndim == 2:
        n_features = array.shape[1]
        if n_features < ensure_min_features:
            raise ValueError(f"Found array with {n_features} feature(s) (shape={array.shape})"
                             f" while a minimum of {ensure_min_features} is required"
                             f"{context}.")
    if ensure_non_negative:
        whom = input_name + (f" in {estimator_name}" if estimator_name else "")
        check_non_negative(array, whom)
    if force_writeable:
        data = array.data if sp.issparse(array) else array
        if not data.flags.writeable:
            array = array.copy()
    return array


def column_or_1d(y, *, dtype=None, input_name="y", warn=False):
    """y as a 1-D array: a column vector (n, 1) is raveled (with a ``DataConversionWarning``
    when ``warn``); anything else that is not 1-D is refused.

    Examples
    --------
    >>> column_or_1d([[1], [2]])
    array([1, 2])
    """
    y = check_array(y, ensure_2d=False, dtype=dtype, input_name=input_name,
                    ensure_all_finite=False, ensure_min_samples=0)
    if y.ndim == 1:
        return np.ascontiguousarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        if warn:
            warnings.warn("A column-vector y was passed when a 1d array was expected. Please "
                          "change the shape of y to (n_samples, ), for example using ravel().",
                          compatible(DataConversionWarning), stacklevel=2)
        return np.ascontiguousarray(y.ravel())
    raise ValueError(f"y should be a 1d array, got an array of shape {y.shape} instead.")


def _check_y(y, multi_output=False, y_numeric=False, estimator=None):
    if multi_output:
        y = check_array(y, accept_sparse="csr", ensure_all_finite=True, ensure_2d=False,
                        dtype=None, input_name="y", estimator=estimator)
    else:
        y = column_or_1d(y, warn=True)
        assert_all_finite(y, input_name="y", estimator_name=_estimator_name(estimator))
        if y.dtype.kind == "c":
            raise ValueError(f"Complex data not supported\n{y}\n")
    if y_numeric and y.dtype.kind == "O":
        y = y.astype(np.float64)
    return y


def check_X_y(X, y, accept_sparse=False, *, dtype="numeric", order=None, copy=False,
              force_writeable=False, ensure_all_finite=True, ensure_2d=True, allow_nd=False,
              multi_output=False, ensure_min_samples=1, ensure_min_features=1,
              y_numeric=False, estimator=None):
    """Validate X with ``check_array`` and y as a 1-D (or, with ``multi_output``, 2-D) finite
    target of the same length.

    Returns
    -------
    X, y : arrays

    Examples
    --------
    >>> X, y = check_X_y([[0.0], [1.0]], [0, 1])
    >>> check_X_y([[0.0], [1.0]], [0, 1, 1])
    Traceback (most recent call last):
    ...
    ValueError: Found input variables with inconsistent numbers of samples: [2, 3]
    """
    if y is None:
        name = "estimator" if estimator is None else _estimator_name(estimator)
        raise ValueError(f"{name} requires y to be passed, but the target y is None")
    X = check_array(X, accept_sparse=accept_sparse, dtype=dtype, order=order, copy=copy,
                    force_writeable=force_writeable, ensure_all_finite=ensure_all_finite,
                    ensure_2d=ensure_2d, allow_nd=allow_nd,
                    ensure_min_samples=ensure_min_samples,
                    ensure_min_features=ensure_min_features, estimator=estimator,
                    input_name="X")
    y = _check_y(y, multi_output=multi_output, y_numeric=y_numeric, estimator=estimator)
    check_consistent_length(X, y)
    return X, y


def check_random_state(seed):
    """A ``numpy.random.RandomState`` from None (NumPy's global one), an int or an instance.

    Examples
    --------
    >>> check_random_state(0).randint(10)
    5
    """
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral):
        return np.random.RandomState(seed)
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(f"{seed!r} cannot be used to seed a numpy.random.RandomState instance")


def check_non_negative(X, whom):
    """Raise ``ValueError`` "Negative values in data passed to {whom}." if X has any."""
    values = X.data if sp.issparse(X) else np.asarray(X)
    if values.size and values.min() < 0:
        raise ValueError(f"Negative values in data passed to {whom}.")


def check_sample_weight(sample_weight, X, *, dtype=None, ensure_non_negative=False, copy=False,
                        allow_all_zero_weights=False):
    """Sample weights as a 1-D float array of length n_samples.

    None gives ones, a number gives that constant; an array must be 1-D with one weight per
    sample. Unless ``dtype`` is given, None and a number give float64, and an array keeps float32
    or float64 and is converted to float64 otherwise, as scikit-learn does.

    Raises
    ------
    ValueError
        "sample_weight.shape == (3,), expected (4,)!", "Sample weights must be 1D array or
        scalar, …", "Sample weights must contain at least one non-zero number.", "Negative
        values in data passed to `sample_weight`."
    """
    n_samples = num_samples(X)
    if sample_weight is None:
        sample_weight = np.ones(n_samples, dtype=np.float64 if dtype is None else dtype)
    elif isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight,
                                dtype=np.float64 if dtype is None else dtype)
    else:
        sample_weight = check_array(sample_weight, ensure_2d=False,
                                    dtype=[np.float64, np.float32] if dtype is None else dtype,
                                    order="C",
                                    copy=copy, input_name="sample_weight")
        if sample_weight.ndim != 1:
            raise ValueError(f"Sample weights must be 1D array or scalar, got "
                             f"{sample_weight.ndim}D array. Expected either a scalar value "
                             f"or a 1D array of length {n_samples}.")
        if sample_weight.shape != (n_samples,):
            raise ValueError(f"sample_weight.shape == {sample_weight.shape}, expected "
                             f"{(n_samples,)}!")
    if not allow_all_zero_weights and np.all(sample_weight == 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    if ensure_non_negative:
        check_non_negative(sample_weight, "`sample_weight`")
    return sample_weight


def check_scalar(x, name, target_type, *, min_val=None, max_val=None,
                 include_boundaries="both"):
    """Check a scalar parameter's type and range, with scikit-learn's messages
    ("alpha == -1, must be >= 0.").

    Parameters
    ----------
    x : object
    name : str
    target_type : type or tuple of types
    min_val, max_val : float or None
    include_boundaries : {"left", "right", "both", "neither"}, default "both"

    Returns
    -------
    x
    """
    if not isinstance(x, target_type):
        if isinstance(target_type, tuple):
            expected = "{" + ", ".join(t.__qualname__ for t in target_type) + "}"
        else:
            expected = target_type.__qualname__
        raise TypeError(f"{name} must be an instance of {expected}, not "
                        f"{type(x).__qualname__}.")
    if include_boundaries not in ("left", "right", "both", "neither"):
        raise ValueError(f"Unknown value for `include_boundaries`: {include_boundaries!r}. "
                         "Possible values are: ('left', 'right', 'both', 'neither').")
    if max_val is None and include_boundaries == "right":
        raise ValueError("`include_boundaries`='right' without specifying explicitly `max_val` "
                         "is inconsistent.")
    if min_val is None and include_boundaries == "left":
        raise ValueError("`include_boundaries`='left' without specifying explicitly `min_val` "
                         "is inconsistent.")
    closed_left = include_boundaries in ("left", "both")
    closed_right = include_boundaries in ("right", "both")
    if min_val is not None and (x < min_val or (x == min_val and not closed_left)):
        raise ValueError(f"{name} == {x}, must be {'>=' if closed_left else '>'} {min_val}.")
    if max_val is not None and (x > max_val or (x == max_val and not closed_right)):
        raise ValueError(f"{name} == {x}, must be {'<=' if closed_right else '<'} {max_val}.")
    return x
