"""ColumnTransformer and make_column_transformer against scikit-learn's, built from the same
(scikit-learn) transformers."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer as SkColumnTransformer
from sklearn.compose import make_column_transformer as sk_make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import MinMaxScaler as SkMinMaxScaler
from sklearn.preprocessing import OneHotEncoder as SkOneHotEncoder
from sklearn.preprocessing import StandardScaler as SkStandardScaler
from sklearn.utils.estimator_checks import (
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

from konspekt.compose import ColumnTransformer, make_column_transformer
from konspekt.pipeline import make_pipeline
from konspekt.preprocessing import OneHotEncoder, StandardScaler

rng = np.random.default_rng(0)
FRAME = pd.DataFrame({"age": rng.normal(40, 10, 30), "city": rng.choice(["a", "b", "c"], 30),
                      "income": rng.normal(3.0, 1.0, 30), "size": rng.integers(1, 5, 30)})
ARRAY = rng.normal(size=(30, 4))


def as_dense(out):
    return out.toarray() if sp.issparse(out) else np.asarray(out)


def assert_same(ours, theirs, X):
    out, ref = ours.fit_transform(X), theirs.fit_transform(X)
    assert sp.issparse(out) == sp.issparse(ref)
    assert ours.sparse_output_ == theirs.sparse_output_
    dense, expected = as_dense(out), as_dense(ref)
    if dense.dtype.kind == "O":
        assert dense.tolist() == expected.tolist()
    else:
        np.testing.assert_allclose(dense, expected, rtol=1e-12)
    np.testing.assert_array_equal(as_dense(ours.transform(X)), as_dense(theirs.transform(X)))
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    assert ours.output_indices_ == theirs.output_indices_
    for (_, _, mine), (_, _, ref) in zip(ours.transformers_, theirs.transformers_):
        assert np.array_equal(np.asarray(mine, dtype=object), np.asarray(ref, dtype=object))


FRAME_CASES = [
    ([("num", SkStandardScaler, ["age", "income"]), ("cat", SkOneHotEncoder, ["city"])], {}),
    ([("num", SkStandardScaler, ["age"])], {"remainder": "passthrough"}),
    ([("num", SkStandardScaler, ["age"]), ("drop", "drop", ["city"])],
     {"remainder": SkMinMaxScaler}),
    ([("cat", SkOneHotEncoder, ["city"]), ("pass", "passthrough", slice("income", "size"))],
     {"verbose_feature_names_out": False}),
    ([("cat", SkOneHotEncoder, ["city", "size"])], {"sparse_threshold": 0.9}),
    ([("num", SkStandardScaler, lambda X: [c for c in X.columns if c != "city"])],
     {"verbose_feature_names_out": "{feature_name}@{transformer_name}"}),
]


def build(cls, parts, params):
    made = [(name, step() if isinstance(step, type) else step, columns)
            for name, step, columns in parts]
    params = {key: value() if isinstance(value, type) else value
              for key, value in params.items()}
    return cls(made, **params)


@pytest.mark.parametrize("case", range(len(FRAME_CASES)))
def test_dataframe_matches_sklearn(case):
    parts, params = FRAME_CASES[case]
    assert_same(build(ColumnTransformer, parts, params),
                build(SkColumnTransformer, parts, params), FRAME)


ARRAY_CASES = [
    ([("a", SkStandardScaler, [0, 2]), ("b", SkMinMaxScaler, slice(1, 2))], {}),
    ([("a", SkStandardScaler, np.array([True, False, True, False]))],
     {"remainder": "passthrough"}),
    ([("a", SkStandardScaler, [0]), ("b", SkStandardScaler, [1]), ("e", "drop", [])],
     {"transformer_weights": {"a": 2.0, "b": 0.5}}),
    ([("a", SkStandardScaler, []), ("b", SkMinMaxScaler, [3])], {"remainder": SkMinMaxScaler}),
]


@pytest.mark.parametrize("case", range(len(ARRAY_CASES)))
def test_array_matches_sklearn(case):
    parts, params = ARRAY_CASES[case]
    assert_same(build(ColumnTransformer, parts, params),
                build(SkColumnTransformer, parts, params), ARRAY)


def test_sparse_output():
    X = sp.random(20, 6, density=0.1, format="csr", random_state=0)
    for threshold in (0.3, 0.0):
        parts = [("a", SkStandardScaler(with_mean=False), [0, 1])]
        ours = ColumnTransformer(parts, remainder="passthrough", sparse_threshold=threshold)
        theirs = SkColumnTransformer(parts, remainder="passthrough",
                                     sparse_threshold=threshold)
        assert_same(ours, theirs, X)


def test_make_column_transformer_and_params():
    ours = make_column_transformer((StandardScaler(), ["age"]), (StandardScaler(), ["income"]),
                                   (OneHotEncoder(), ["city"]), remainder="drop")
    theirs = sk_make_column_transformer((SkStandardScaler(), ["age"]),
                                        (SkStandardScaler(), ["income"]),
                                        (SkOneHotEncoder(), ["city"]))
    assert [name for name, _, _ in ours.transformers] == \
        [name for name, _, _ in theirs.transformers]
    assert sorted(ours.get_params()) == sorted(theirs.get_params())
    ours.set_params(**{"standardscaler-1__with_mean": False, "onehotencoder": "drop"})
    theirs.set_params(**{"standardscaler-1__with_mean": False, "onehotencoder": "drop"})
    np.testing.assert_allclose(ours.fit_transform(FRAME), theirs.fit_transform(FRAME))
    assert ours.named_transformers_["standardscaler-2"].mean_.shape == (1,)


def test_errors():
    with pytest.raises(ValueError, match="Specifying the columns using strings is only "
                                         "supported for dataframes."):
        ColumnTransformer([("a", StandardScaler(), ["age"])]).fit(ARRAY)
    with pytest.raises(TypeError, match="All estimators should implement fit and transform"):
        ColumnTransformer([("a", LogisticRegression, [0])]).fit(ARRAY)
    with pytest.raises(ValueError, match="The remainder keyword needs to be one of 'drop', "
                                         "'passthrough', or estimator."):
        ColumnTransformer([("a", StandardScaler(), [0])], remainder="keep").fit(ARRAY)
    with pytest.raises(ValueError, match="Names provided are not unique"):
        ColumnTransformer([("a", StandardScaler(), [0]), ("a", StandardScaler(), [1])]).fit(
            ARRAY)
    with pytest.raises(ValueError, match=r"Output feature names: \['age'\] are not unique"):
        ColumnTransformer([("a", StandardScaler(), ["age"]), ("b", StandardScaler(), ["age"])],
                          verbose_feature_names_out=False).fit(FRAME).get_feature_names_out()
    fitted = ColumnTransformer([("a", StandardScaler(), ["age"])]).fit(FRAME)
    with pytest.raises(ValueError, match="columns are missing"):
        fitted.transform(FRAME.drop(columns="age"))


def test_in_sklearn_grid_search():
    y = (FRAME["age"] > 40).to_numpy().astype(int)

    def pipeline(scaler, encoder):
        return make_pipeline(ColumnTransformer([("num", scaler, ["age", "income"]),
                                                ("cat", encoder, ["city"])]),
                             LogisticRegression())
    ours = GridSearchCV(pipeline(StandardScaler(), OneHotEncoder()),
                        {"logisticregression__C": [0.1, 1.0]}, cv=3).fit(FRAME, y)
    theirs = GridSearchCV(pipeline(SkStandardScaler(), SkOneHotEncoder()),
                          {"logisticregression__C": [0.1, 1.0]}, cv=3).fit(FRAME, y)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], rtol=1e-12)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([
        ColumnTransformer([("scale", StandardScaler(), [0])], remainder="passthrough")])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("check", [check_set_output_transform_pandas,
                                   check_transformer_get_feature_names_out_pandas],
                         ids=lambda check: check.__name__)
@pytest.mark.filterwarnings("ignore:X (has|does not have valid) feature names:UserWarning")
def test_output_checks(check):
    # (check_dataframe_column_names_consistency is left out: scikit-learn's ColumnTransformer
    # fails it too, since it finds DataFrame columns by name whatever their order.)
    check("ColumnTransformer",
          ColumnTransformer([("s", StandardScaler(), [0])], remainder="passthrough"))


def test_pandas_output():
    ours = ColumnTransformer([("num", StandardScaler(), ["age"]), ("cat", OneHotEncoder(
        sparse_output=False), ["city"])]).set_output(transform="pandas")
    theirs = SkColumnTransformer([("num", SkStandardScaler(), ["age"]), ("cat", SkOneHotEncoder(
        sparse_output=False), ["city"])]).set_output(transform="pandas")
    pd.testing.assert_frame_equal(ours.fit_transform(FRAME), theirs.fit_transform(FRAME))


def test_verbose_output(capsys):
    ColumnTransformer([("num", StandardScaler(), ["age"]), ("cat", OneHotEncoder(), ["city"])],
                      verbose=True).fit(FRAME)
    ours = capsys.readouterr().out.splitlines()
    SkColumnTransformer([("num", SkStandardScaler(), ["age"]),
                         ("cat", SkOneHotEncoder(), ["city"])], verbose=True).fit(FRAME)
    theirs = capsys.readouterr().out.splitlines()
    assert [line.rsplit("total=", 1)[0] for line in ours] == \
        [line.rsplit("total=", 1)[0] for line in theirs]
