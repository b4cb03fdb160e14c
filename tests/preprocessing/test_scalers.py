"""StandardScaler, MinMaxScaler, MaxAbsScaler and RobustScaler against scikit-learn's on the
same data, dense and sparse."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.preprocessing as skp
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler

ATTRIBUTES = {"StandardScaler": ["mean_", "var_", "scale_", "n_samples_seen_"],
              "MinMaxScaler": ["min_", "scale_", "data_min_", "data_max_", "data_range_",
                               "n_samples_seen_"],
              "MaxAbsScaler": ["scale_", "max_abs_", "n_samples_seen_"],
              "RobustScaler": ["center_", "scale_"]}


def data(seed=0, nan=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 4)) * [1.0, 5.0, 0.1, 2.0] + [0.0, 3.0, -1.0, 10.0]
    X[:, 3] = 7.0  # a constant feature
    if nan:
        X[rng.random(X.shape) < 0.15] = np.nan
    return X


def assert_same_fit(ours, theirs, names):
    for name in names:
        mine, ref = getattr(ours, name), getattr(theirs, name)
        if ref is None:
            assert mine is None, name
        else:
            np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-12, err_msg=name)


CASES = [(StandardScaler, {}), (StandardScaler, {"with_mean": False}),
         (StandardScaler, {"with_std": False}),
         (StandardScaler, {"with_mean": False, "with_std": False}),
         (MinMaxScaler, {}), (MinMaxScaler, {"feature_range": (-2, 3)}),
         (MaxAbsScaler, {}),
         (RobustScaler, {}), (RobustScaler, {"quantile_range": (10.0, 90.0)}),
         (RobustScaler, {"unit_variance": True}), (RobustScaler, {"with_centering": False}),
         (RobustScaler, {"with_scaling": False})]


@pytest.mark.parametrize("nan", [False, True])
@pytest.mark.parametrize("cls, params", CASES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_matches_sklearn(cls, params, nan):
    X = data(nan=nan)
    X_new = data(seed=1, nan=nan)
    ours = cls(**params).fit(X)
    theirs = getattr(skp, cls.__name__)(**params).fit(X)
    assert_same_fit(ours, theirs, ATTRIBUTES[cls.__name__])
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new),
                               rtol=1e-12, atol=1e-12)
    back = ours.inverse_transform(ours.transform(X_new))
    np.testing.assert_allclose(back, X_new, rtol=1e-12, atol=1e-12)
    assert np.array_equal(np.isnan(ours.transform(X_new)), np.isnan(X_new))


def test_standard_scaler_sample_weight_and_partial_fit():
    X = data(nan=True)
    weights = np.random.default_rng(3).uniform(0.1, 2.0, size=len(X))
    ours = StandardScaler().fit(X, sample_weight=weights)
    theirs = skp.StandardScaler().fit(X, sample_weight=weights)
    assert_same_fit(ours, theirs, ATTRIBUTES["StandardScaler"])
    ours, theirs = StandardScaler(), skp.StandardScaler()
    for batch in np.array_split(X, 3):
        ours.partial_fit(batch)
        theirs.partial_fit(batch)
    assert_same_fit(ours, theirs, ATTRIBUTES["StandardScaler"])
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-12, atol=1e-12)


def test_minmax_partial_fit_and_clip():
    X = data()
    ours, theirs = MinMaxScaler(clip=True), skp.MinMaxScaler(clip=True)
    for batch in np.array_split(X, 4):
        ours.partial_fit(batch)
        theirs.partial_fit(batch)
    assert_same_fit(ours, theirs, ATTRIBUTES["MinMaxScaler"])
    X_out = X * 3
    np.testing.assert_allclose(ours.transform(X_out), theirs.transform(X_out), rtol=1e-12)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input(fmt):
    X = sp.random(30, 5, density=0.3, format=fmt, random_state=0)
    for ours, theirs in [(StandardScaler(with_mean=False), skp.StandardScaler(with_mean=False)),
                         (RobustScaler(with_centering=False),
                          skp.RobustScaler(with_centering=False))]:
        out, ref = ours.fit(X).transform(X), theirs.fit(X).transform(X)
        assert sp.issparse(out)
        np.testing.assert_allclose(out.toarray(), ref.toarray(), rtol=1e-12)
        np.testing.assert_allclose(ours.inverse_transform(out).toarray(), X.toarray(),
                                   rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="Cannot center sparse matrices"):
        StandardScaler().fit(X)
    with pytest.raises(TypeError, match="MinMaxScaler does not support sparse input"):
        MinMaxScaler().fit(X)


def sparse_data(fmt, seed=0):
    X = sp.random(40, 5, density=0.4, format="csr", random_state=seed) * 4.0 - \
        sp.random(40, 5, density=0.2, format="csr", random_state=seed + 1)
    X = X.tocsr()
    X.data[::7] = np.nan
    X[:, 4] = 0.0  # an all-zero feature
    X.eliminate_zeros()
    return X.asformat(fmt)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_statistics_match_sklearn(fmt, weighted):
    # Mean and variance from the stored entries (the implicit zeros counted, NaN ignored),
    # never densifying X; batches merged by partial_fit.
    X = sparse_data(fmt)
    weights = np.random.default_rng(2).uniform(0.1, 2.0, size=X.shape[0]) if weighted \
        else None
    ours = StandardScaler(with_mean=False).fit(X, sample_weight=weights)
    theirs = skp.StandardScaler(with_mean=False).fit(X, sample_weight=weights)
    assert_same_fit(ours, theirs, ATTRIBUTES["StandardScaler"])
    ours, theirs = StandardScaler(with_mean=False), skp.StandardScaler(with_mean=False)
    for rows in np.array_split(np.arange(X.shape[0]), 3):
        ours.partial_fit(X[rows])
        theirs.partial_fit(X[rows])
    assert_same_fit(ours, theirs, ATTRIBUTES["StandardScaler"])
    out = ours.transform(X)
    assert sp.issparse(out) and out.format == "csr"
    np.testing.assert_allclose(out.toarray(), theirs.transform(X).toarray(), rtol=1e-12)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_max_abs_scaler_sparse_matches_sklearn(fmt):
    X = sparse_data(fmt, seed=3)
    for clip in (False, True):
        ours, theirs = MaxAbsScaler(clip=clip), skp.MaxAbsScaler(clip=clip)
        for rows in np.array_split(np.arange(X.shape[0]), 2):
            ours.partial_fit(X[rows])
            theirs.partial_fit(X[rows])
        assert_same_fit(ours, theirs, ATTRIBUTES["MaxAbsScaler"])
        X_new = sparse_data(fmt, seed=5) * 3.0
        out, ref = ours.transform(X_new), theirs.transform(X_new)
        assert sp.issparse(out) and out.format == ref.format
        np.testing.assert_allclose(out.toarray(), ref.toarray(), rtol=1e-12)
        back = ours.inverse_transform(out)
        np.testing.assert_allclose(back.toarray(), theirs.inverse_transform(ref).toarray(),
                                   rtol=1e-12)
    dense = X.toarray()
    np.testing.assert_allclose(MaxAbsScaler().fit(X).max_abs_,
                               MaxAbsScaler().fit(dense).max_abs_)


def test_bad_feature_range():
    with pytest.raises(ValueError, match=r"Minimum of desired feature range must be smaller "
                                         r"than maximum. Got \(1, 0\)."):
        MinMaxScaler(feature_range=(1, 0)).fit(data())


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([StandardScaler(), StandardScaler(with_mean=False),
                                      MinMaxScaler(), MaxAbsScaler(), RobustScaler(),
                                      RobustScaler(with_centering=False)])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)
