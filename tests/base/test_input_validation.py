"""Input validation compared with scikit-learn's functions: same results, same exception types
and messages."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn.utils.multiclass as sk_multiclass
import sklearn.utils.validation as sk_validation
from minimal_estimators import CentroidClassifier, LeastSquaresRegressor

from konspekt.base import (DataConversionWarning, check_array, check_classification_targets,
                           check_consistent_length, check_random_state, check_sample_weight,
                           check_scalar, check_X_y, column_or_1d, type_of_target, unique_labels,
                           validate_data)


def same_outcome(ours, theirs):
    """Both calls return equal arrays, or both raise the same exception type and message."""
    try:
        expected = theirs()
    except Exception as error:
        with pytest.raises(type(error)) as raised:
            ours()
        assert str(raised.value) == str(error)
        return
    result = ours()
    if sp.issparse(expected):
        assert sp.issparse(result) and result.format == expected.format
        result, expected = result.toarray(), expected.toarray()
    assert np.asarray(result).dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(result, expected)


CHECK_ARRAY_CASES = {
    "2d list": ([[1, 2], [3, 4]], {}),
    "1d": ([1.0, 2.0, 3.0], {}),
    "scalar": (3.0, {}),
    "3d": (np.zeros((2, 2, 2)), {}),
    "3d allowed": (np.zeros((2, 2, 2)), {"allow_nd": True}),
    "nan": ([[1.0, np.nan]], {}),
    "nan named": ([[1.0, np.nan]], {"input_name": "X"}),
    "nan allowed": ([[1.0, np.nan]], {"ensure_all_finite": "allow-nan"}),
    "inf": ([[1.0, np.inf]], {"input_name": "X"}),
    "inf float32": (np.array([[1.0, -np.inf]], dtype=np.float32), {"input_name": "y"}),
    "no samples": (np.zeros((0, 3)), {}),
    "no features": (np.zeros((3, 0)), {"estimator": "Ridge"}),
    "min samples": (np.zeros((2, 3)), {"ensure_min_samples": 3}),
    "complex": ([[1 + 2j, 3]], {}),
    "strings": ([["a", "b"]], {}),
    "object numbers": (np.array([[1, 2.5]], dtype=object), {}),
    "dtype list keeps float32": (np.ones((2, 2), np.float32),
                                 {"dtype": [np.float64, np.float32]}),
    "dtype list converts int": (np.ones((2, 2), int), {"dtype": [np.float64, np.float32]}),
    "int dtype refuses nan": ([[1.0, np.nan]], {"dtype": np.int64, "input_name": "X"}),
    "sparse refused": (sp.csr_matrix(np.eye(3)), {"input_name": "X"}),
    "sparse accepted": (sp.csr_matrix(np.eye(3)), {"accept_sparse": True}),
    "sparse converted": (sp.coo_matrix(np.eye(3)), {"accept_sparse": ["csc"]}),
    "sparse nan": (sp.csr_matrix(np.array([[np.nan, 0], [0, 1.0]])),
                   {"accept_sparse": "csr", "input_name": "X"}),
    "negative": ([[-1.0]], {"ensure_non_negative": True, "input_name": "X"}),
    "dataframe": (pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}), {}),
    "nullable ints": (pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")}),
                      {"ensure_all_finite": "allow-nan"}),
    "series": (pd.Series([1.0, 2.0]), {}),
}


@pytest.mark.parametrize("case", CHECK_ARRAY_CASES)
def test_check_array_matches_sklearn(case):
    array, kwargs = CHECK_ARRAY_CASES[case]
    same_outcome(lambda: check_array(array, **kwargs),
                 lambda: sk_validation.check_array(array, **kwargs))


def test_check_array_copy_and_writeable():
    original = np.ones((2, 2))
    assert check_array(original) is original
    assert not np.shares_memory(check_array(original, copy=True), original)
    read_only = np.ones((2, 2))
    read_only.flags.writeable = False
    assert check_array(read_only, force_writeable=True).flags.writeable


@pytest.mark.parametrize("X, y, kwargs", [
    ([[1.0], [2.0], [3.0]], [1, 2, 3, 4], {}),
    ([[1.0], [2.0]], None, {}),
    ([[1.0], [2.0]], None, {"estimator": "Ridge"}),
    ([[1.0], [2.0]], [1.0, np.nan], {}),
    ([[1.0], [2.0]], [[1, 2], [3, 4]], {}),
    ([[1.0], [2.0]], [[1, 2], [3, 4]], {"multi_output": True}),
    ([[1.0], [2.0]], np.array([1, "a"], dtype=object), {"y_numeric": True}),
    ([[1.0], [2.0]], np.array([1, 2], dtype=object), {"y_numeric": True}),
])
def test_check_X_y_matches_sklearn(X, y, kwargs):
    same_outcome(lambda: check_X_y(X, y, **kwargs)[1],
                 lambda: sk_validation.check_X_y(X, y, **kwargs)[1])


def test_column_vector_y_warns_like_sklearn():
    with pytest.warns(DataConversionWarning, match="A column-vector y was passed"):
        np.testing.assert_array_equal(column_or_1d([[1], [2]], warn=True), [1, 2])
    same_outcome(lambda: column_or_1d([[1, 2]]), lambda: sk_validation.column_or_1d([[1, 2]]))


def test_consistent_length_message():
    same_outcome(lambda: check_consistent_length([1, 2, 3], [1, 2, 3, 4], None),
                 lambda: sk_validation.check_consistent_length([1, 2, 3], [1, 2, 3, 4], None))


def test_random_state():
    assert check_random_state(None) is np.random.mtrand._rand
    state = np.random.RandomState(3)
    assert check_random_state(state) is state
    assert check_random_state(7).randint(1000) == np.random.RandomState(7).randint(1000)
    same_outcome(lambda: check_random_state("seed"),
                 lambda: sk_validation.check_random_state("seed"))


@pytest.mark.parametrize("weight", [None, 2.0, [1, 2, 3], [[1, 2, 3]], [1, 2], [0, 0, 0],
                                    [1, -1, 1]])
def test_sample_weight_matches_sklearn(weight):
    X = np.zeros((3, 2))
    kwargs = {"ensure_non_negative": True}
    same_outcome(lambda: check_sample_weight(weight, X, **kwargs),
                 lambda: sk_validation._check_sample_weight(weight, X, **kwargs))


@pytest.mark.parametrize("value, kwargs", [
    (3, {"target_type": int, "min_val": 4}), (3, {"target_type": int, "max_val": 3,
                                                   "include_boundaries": "left"}),
    (2.5, {"target_type": int}), (2.5, {"target_type": (int, float), "min_val": 0}),
])
def test_check_scalar_matches_sklearn(value, kwargs):
    same_outcome(lambda: check_scalar(value, "alpha", **kwargs),
                 lambda: sk_validation.check_scalar(value, "alpha", **kwargs))


TARGETS = [[0, 1, 1], [1.0, 2.0], [0.5, 1.5], ["a", "b", "c"], [[0, 1], [1, 1]],
           [[1, 2], [3, 4]], [[0.5, 1.0]], np.array([[1], [2]]), [], [[]], [1, np.nan],
           np.array([["a"], ["b"]]), np.zeros((2, 2, 2)), [[1, 0, 2]], np.array([1, 2], object),
           sp.csr_matrix(np.array([[0, 1], [1, 0]]))]


@pytest.mark.parametrize("index", range(len(TARGETS)))
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_type_of_target_matches_sklearn(index):  # (the warning: scikit-learn's, on [1, nan])
    y = TARGETS[index]
    same_outcome(lambda: type_of_target(y), lambda: sk_multiclass.type_of_target(y))


@pytest.mark.parametrize("ys", [([3, 5, 5, 7],), ([1, 2, 10], [5, 11]), (["b", "a"], ["c"]),
                                ([1, 2], ["a"]), ([0.5, 1.5],), ([[0, 1], [1, 0]],),
                                ([1, 2], [[0, 1], [1, 0]])])
def test_unique_labels_matches_sklearn(ys):
    same_outcome(lambda: unique_labels(*ys), lambda: sk_multiclass.unique_labels(*ys))


@pytest.mark.parametrize("y", [[0.5, 1.5, 2.5], [0, 1, 2], [[0.5, 1.0], [1.0, 2.0]]])
def test_classification_targets_match_sklearn(y):
    same_outcome(lambda: check_classification_targets(y),
                 lambda: sk_multiclass.check_classification_targets(y))


def test_validate_data_sets_and_checks_features_like_sklearn():
    X = pd.DataFrame(np.random.RandomState(0).randn(6, 4), columns=list("abcd"))
    y = [0, 1, 0, 1, 0, 1]
    ours, theirs = CentroidClassifier(), CentroidClassifier()
    validate_data(ours, X, y)
    sk_validation.validate_data(theirs, X, y)
    np.testing.assert_array_equal(ours.feature_names_in_, theirs.feature_names_in_)
    assert ours.n_features_in_ == theirs.n_features_in_ == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the feature-names warning, tested below
        same_outcome(lambda: validate_data(ours, X.to_numpy()[:, :3], reset=False),
                     lambda: sk_validation.validate_data(theirs, X.to_numpy()[:, :3],
                                                         reset=False))
    for other in (X[["b", "a", "c", "d"]], X.rename(columns={"a": "z"})):
        same_outcome(lambda: validate_data(ours, other, reset=False),
                     lambda: sk_validation.validate_data(theirs, other, reset=False))
    without_names = CentroidClassifier().fit(X.to_numpy(), y)
    for estimator, data in ((ours, X.to_numpy()), (without_names, X)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            validate_data(estimator, data, reset=False)
        with warnings.catch_warnings(record=True) as expected:
            warnings.simplefilter("always")
            sk_validation.validate_data(estimator, data, reset=False)
        assert len(caught) == 1
        assert [str(w.message) for w in caught] == [str(w.message) for w in expected]


def test_predict_with_wrong_number_of_features():
    model = LeastSquaresRegressor().fit(np.eye(4), np.arange(4.0))
    with pytest.raises(ValueError, match="^X has 3 features, but LeastSquaresRegressor is "
                                         "expecting 4 features as input.$"):
        model.predict(np.eye(3))


@pytest.mark.parametrize("X, y, message", [
    ([[1.0, np.nan], [2.0, 3.0]], [0, 1], "Input X contains NaN."),
    ([1.0, 2.0], [0, 1], "Expected 2D array, got 1D array instead"),
    ([[1.0], [2.0], [3.0]], [0, 1], "Found input variables with inconsistent numbers of "
                                    r"samples: \[3, 2\]"),
    ([[1.0], [2.0]], [0.5, 1.5], "Unknown label type: continuous"),
])
def test_fit_errors_carry_sklearn_messages(X, y, message):
    with pytest.raises(ValueError, match=message):
        CentroidClassifier().fit(X, y)


@pytest.mark.parametrize("X_dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("weights", [None, 2.0, np.ones(3), np.ones(3, np.float32),
                                     np.ones(3, np.int64)], ids=repr)
def test_sample_weight_dtype_is_sklearns(X_dtype, weights):
    # None and numbers give float64 whatever X is; arrays keep float32/float64.
    X = np.ones((3, 2), dtype=X_dtype)
    assert (check_sample_weight(weights, X).dtype
            == sk_validation._check_sample_weight(weights, X).dtype)
