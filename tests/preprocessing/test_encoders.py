"""OneHotEncoder and OrdinalEncoder against scikit-learn's on the same data."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn.preprocessing as skp
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.preprocessing import OneHotEncoder, OrdinalEncoder

X_MIXED = np.array([["red", 1, 2.5], ["green", 3, 2.5], ["blue", 1, 0.5], ["red", 2, 2.5],
                    ["green", 3, 0.5]], dtype=object)
X_NUMERIC = np.array([[3, 10.0], [1, 20.0], [3, 30.0], [2, 10.0], [1, np.nan]])
X_STRINGS = [["a", "x"], ["b", "y"], ["a", "y"], ["c", "x"]]
X_MISSING = np.array([["a", None], [np.nan, "u"], ["b", "v"], ["a", "u"]], dtype=object)
DATASETS = {"mixed": X_MIXED, "numeric": X_NUMERIC, "strings": X_STRINGS, "missing": X_MISSING}


def as_text(array):
    # None and NaN compare by their names (NaN != NaN otherwise).
    return [[str(value) for value in row] for row in np.asarray(array, dtype=object)]


def assert_same_categories(ours, theirs):
    assert len(ours.categories_) == len(theirs.categories_)
    for mine, ref in zip(ours.categories_, theirs.categories_):
        assert mine.dtype == ref.dtype
        assert len(mine) == len(ref)
        for a, b in zip(mine, ref):
            assert str(a) == str(b) and type(a) is type(b)


ONE_HOT_PARAMS = [{}, {"drop": "first"}, {"drop": "if_binary"}, {"sparse_output": False},
                  {"dtype": np.int32}, {"handle_unknown": "ignore"}]


@pytest.mark.parametrize("params", ONE_HOT_PARAMS, ids=str)
@pytest.mark.parametrize("name", list(DATASETS))
def test_one_hot_matches_sklearn(name, params):
    X = DATASETS[name]
    ours = OneHotEncoder(**params).fit(X)
    theirs = skp.OneHotEncoder(**params).fit(X)
    assert_same_categories(ours, theirs)
    out, ref = ours.transform(X), theirs.transform(X)
    assert sp.issparse(out) == sp.issparse(ref)
    dense = out.toarray() if sp.issparse(out) else out
    assert dense.dtype == np.dtype(params.get("dtype", np.float64))
    np.testing.assert_array_equal(dense, ref.toarray() if sp.issparse(ref) else ref)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    if theirs.drop_idx_ is None:
        assert ours.drop_idx_ is None
    else:
        assert list(ours.drop_idx_) == list(theirs.drop_idx_)
    back = ours.inverse_transform(out)
    assert back.dtype == theirs.inverse_transform(ref).dtype
    assert as_text(back) == as_text(theirs.inverse_transform(ref))


def test_one_hot_given_categories_and_drop_array():
    categories = [["blue", "green", "red", "violet"], [1, 2, 3], [0.5, 2.5]]
    params = {"categories": categories, "drop": ["red", 3, 0.5], "sparse_output": False}
    ours, theirs = OneHotEncoder(**params).fit(X_MIXED), skp.OneHotEncoder(**params).fit(X_MIXED)
    np.testing.assert_array_equal(ours.transform(X_MIXED), theirs.transform(X_MIXED))
    np.testing.assert_array_equal(ours.get_feature_names_out(list("abc")),
                                  theirs.get_feature_names_out(list("abc")))
    assert list(ours.drop_idx_) == list(theirs.drop_idx_)


def test_one_hot_unknown_categories():
    encoder = OneHotEncoder().fit(X_STRINGS)
    with pytest.raises(ValueError, match=r"Found unknown categories \['z'\] in column 0 during "
                                         r"transform"):
        encoder.transform([["z", "x"]])
    with pytest.raises(ValueError, match=r"Found unknown categories \['b'\] in column 0 during "
                                         r"fit"):
        OneHotEncoder(categories=[["a", "c"], ["x", "y"]]).fit(X_STRINGS)
    ignoring = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(X_STRINGS)
    np.testing.assert_array_equal(ignoring.transform([["z", "y"]]), [[0, 0, 0, 0, 1]])
    assert ignoring.inverse_transform([[0, 0, 0, 0, 1]]).tolist() == [[None, "y"]]
    with pytest.warns(UserWarning, match=r"Found unknown categories in columns \[0\]"):
        OneHotEncoder(handle_unknown="warn").fit(X_STRINGS).transform([["z", "y"]])


def test_one_hot_dataframe_and_combiner():
    frame = pd.DataFrame({"colour": ["r", "g", "r"], "size": [1, 2, 2]})
    params = {"feature_name_combiner": lambda feature, category: f"{feature}={category}"}
    ours, theirs = OneHotEncoder(**params).fit(frame), skp.OneHotEncoder(**params).fit(frame)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    np.testing.assert_array_equal(ours.transform(frame).toarray(),
                                  theirs.transform(frame).toarray())


def test_one_hot_errors():
    with pytest.raises(TypeError, match="Encoders require their input argument must be "
                                        r"uniformly strings or numbers. Got \['int', 'str'\]"):
        OneHotEncoder().fit(np.array([["a"], [1]], dtype=object))
    with pytest.raises(ValueError, match="The following categories were supposed to be "
                                         "dropped, but were not found in the training data."):
        OneHotEncoder(drop=["q", 1]).fit(X_STRINGS)
    with pytest.raises(ValueError, match="Expected 5 columns, got 3"):
        OneHotEncoder().fit(X_STRINGS).inverse_transform(np.zeros((1, 3)))


ORDINAL_PARAMS = [{}, {"dtype": np.int64, "encoded_missing_value": -1},
                  {"handle_unknown": "use_encoded_value", "unknown_value": -1},
                  {"handle_unknown": "use_encoded_value", "unknown_value": np.nan}]


@pytest.mark.parametrize("params", ORDINAL_PARAMS, ids=str)
@pytest.mark.parametrize("name", list(DATASETS))
def test_ordinal_matches_sklearn(name, params):
    X = DATASETS[name]
    if params.get("dtype") is np.int64 and name == "numeric":
        params = {**params, "encoded_missing_value": -1}
    ours, theirs = OrdinalEncoder(**params).fit(X), skp.OrdinalEncoder(**params).fit(X)
    assert_same_categories(ours, theirs)
    out, ref = ours.transform(X), theirs.transform(X)
    assert out.dtype == ref.dtype
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    assert as_text(ours.inverse_transform(out)) == as_text(theirs.inverse_transform(ref))


def test_ordinal_unknown_values():
    params = {"handle_unknown": "use_encoded_value", "unknown_value": 9}
    ours, theirs = OrdinalEncoder(**params).fit(X_STRINGS), skp.OrdinalEncoder(**params).fit(
        X_STRINGS)
    new = [["z", "x"], ["b", "w"]]
    np.testing.assert_array_equal(ours.transform(new), theirs.transform(new))
    assert ours.inverse_transform(ours.transform(new)).tolist() == [[None, "x"], ["b", None]]
    with pytest.raises(ValueError, match=r"Found unknown categories \['z'\] in column 0"):
        OrdinalEncoder().fit(X_STRINGS).transform(new)
    with pytest.raises(TypeError, match="unknown_value should be an integer or np.nan when "
                                        "handle_unknown is 'use_encoded_value', got None."):
        OrdinalEncoder(handle_unknown="use_encoded_value").fit(X_STRINGS)
    with pytest.raises(TypeError, match="unknown_value should only be set when handle_unknown "
                                        "is 'use_encoded_value', got 1."):
        OrdinalEncoder(unknown_value=1).fit(X_STRINGS)
    with pytest.raises(ValueError, match="The used value for unknown_value 0 is one of the "
                                         "values already used"):
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=0).fit(X_STRINGS)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([OneHotEncoder(), OrdinalEncoder(),
                                      OneHotEncoder(handle_unknown="ignore", drop="first"),
                                      OneHotEncoder(min_frequency=2,
                                                    handle_unknown="infrequent_if_exist"),
                                      OrdinalEncoder(max_categories=3)])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)


X_SKEWED = np.array([["a"] * 5 + ["b"] * 3 + ["c"] * 2 + ["d"], [1] * 6 + [2] * 4 + [3]],
                    dtype=object).T
INFREQUENT_PARAMS = [{"min_frequency": 3}, {"min_frequency": 0.25}, {"max_categories": 3},
                     {"max_categories": 1}, {"max_categories": 2, "drop": "first"},
                     {"min_frequency": 3, "handle_unknown": "infrequent_if_exist"},
                     {"min_frequency": 2, "max_categories": 2, "drop": "if_binary"}]


@pytest.mark.parametrize("params", INFREQUENT_PARAMS, ids=str)
def test_one_hot_infrequent_matches_sklearn(params):
    ours = OneHotEncoder(sparse_output=False, **params).fit(X_SKEWED)
    theirs = skp.OneHotEncoder(sparse_output=False, **params).fit(X_SKEWED)
    for mine, ref in zip(ours.infrequent_categories_, theirs.infrequent_categories_):
        assert (mine is None and ref is None) or list(mine) == list(ref)
    new = X_SKEWED[[0, 6, 8, 10]]
    if params.get("handle_unknown") == "infrequent_if_exist":
        new = np.vstack([new, [["z", 7]]])
    np.testing.assert_array_equal(ours.transform(new), theirs.transform(new))
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    assert as_text(ours.inverse_transform(ours.transform(new))) == \
        as_text(theirs.inverse_transform(theirs.transform(new)))


ORDINAL_INFREQUENT_PARAMS = [
    {"min_frequency": 3}, {"min_frequency": 0.25}, {"max_categories": 2},
    {"max_categories": 1}, {"min_frequency": 2, "max_categories": 3},
    {"min_frequency": 3, "handle_unknown": "use_encoded_value", "unknown_value": -1},
    {"max_categories": 2, "handle_unknown": "use_encoded_value", "unknown_value": np.nan}]


@pytest.mark.parametrize("params", ORDINAL_INFREQUENT_PARAMS, ids=str)
def test_ordinal_infrequent_matches_sklearn(params):
    ours, theirs = OrdinalEncoder(**params).fit(X_SKEWED), skp.OrdinalEncoder(**params).fit(
        X_SKEWED)
    for mine, ref in zip(ours.infrequent_categories_, theirs.infrequent_categories_):
        assert (mine is None and ref is None) or list(mine) == list(ref)
    new = X_SKEWED[[0, 6, 8, 10]]
    if params.get("handle_unknown") == "use_encoded_value":
        new = np.vstack([new, [["z", 7]]])
    out = ours.transform(new)
    np.testing.assert_array_equal(out, theirs.transform(new))
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    assert as_text(ours.inverse_transform(out)) == as_text(theirs.inverse_transform(out))


def test_ordinal_infrequent_keeps_nan_apart():
    # NaN is never grouped: it is encoded as encoded_missing_value, and does not count
    # against max_categories.
    X = np.array([["a"] * 4 + ["b"] * 3 + ["c", "d", np.nan, np.nan]], dtype=object).T
    for params in ({"max_categories": 2}, {"min_frequency": 2, "encoded_missing_value": -1}):
        ours, theirs = OrdinalEncoder(**params).fit(X), skp.OrdinalEncoder(**params).fit(X)
        assert list(ours.infrequent_categories_[0]) == list(theirs.infrequent_categories_[0])
        np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))
    back = OrdinalEncoder(max_categories=2).fit(X).inverse_transform([[0.0], [1.0], [np.nan]])
    assert as_text(back) == [["a"], ["infrequent_sklearn"], ["nan"]]


def test_infrequent_parameters_checked():
    with pytest.raises(ValueError, match=r"The 'min_frequency' parameter of OrdinalEncoder "
                                         r"must be an int in the range \[1, inf\), a float in "
                                         r"the range \(0.0, 1.0\) or None. Got 1.5 instead."):
        OrdinalEncoder(min_frequency=1.5).fit(X_SKEWED)
    with pytest.raises(ValueError, match=r"The 'max_categories' parameter of OneHotEncoder "
                                         r"must be an int in the range \[1, inf\) or None. "
                                         r"Got 0 instead."):
        OneHotEncoder(max_categories=0).fit(X_SKEWED)
    with pytest.raises(ValueError, match="The used value for unknown_value 0 is one of"):
        OrdinalEncoder(max_categories=2, handle_unknown="use_encoded_value",
                       unknown_value=0).fit(X_SKEWED)


def test_one_hot_cannot_drop_infrequent():
    with pytest.raises(ValueError, match="Unable to drop category 'd' from feature 0 because "
                                         "it is infrequent"):
        OneHotEncoder(min_frequency=3, drop=["d", 1]).fit(X_SKEWED)
