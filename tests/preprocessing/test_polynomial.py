"""PolynomialFeatures (and SplineTransformer) against scikit-learn's on the same data."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.preprocessing as skp
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.preprocessing import PolynomialFeatures, SplineTransformer

X = np.random.default_rng(0).normal(size=(12, 3))

POLY_PARAMS = [{}, {"degree": 3}, {"degree": (2, 3)}, {"degree": (0, 2)},
               {"interaction_only": True}, {"include_bias": False},
               {"degree": 3, "interaction_only": True, "include_bias": False},
               {"order": "F"}, {"degree": 0}]


@pytest.mark.parametrize("params", POLY_PARAMS, ids=str)
def test_polynomial_matches_sklearn(params):
    ours, theirs = PolynomialFeatures(**params).fit(X), skp.PolynomialFeatures(**params).fit(X)
    np.testing.assert_array_equal(ours.powers_, theirs.powers_)
    assert ours.n_output_features_ == theirs.n_output_features_
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-12)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    np.testing.assert_array_equal(ours.get_feature_names_out(["a", "b", "c"]),
                                  theirs.get_feature_names_out(["a", "b", "c"]))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_polynomial_sparse(fmt):
    X_sparse = sp.random(10, 4, density=0.4, format=fmt, random_state=1)
    params = {"degree": 3, "include_bias": True}
    out = PolynomialFeatures(**params).fit_transform(X_sparse)
    ref = skp.PolynomialFeatures(**params).fit_transform(X_sparse)
    assert sp.issparse(out) and out.format == ref.format
    np.testing.assert_allclose(out.toarray(), ref.toarray(), rtol=1e-12)


@pytest.mark.parametrize("degree, message", [
    (-1, "degree must be a non-negative integer, got -1."),
    ((3, 2), (r"degree=\(min_degree, max_degree\) must be non-negative integers that "
              r"fulfil min_degree <= max_degree, got \(3, 2\).")),
    (1.5, r"degree must be a non-negative int or tuple \(min_degree, max_degree\), got 1.5.")])
def test_polynomial_bad_degree(degree, message):
    with pytest.raises(ValueError, match=message):
        PolynomialFeatures(degree=degree).fit(X)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([PolynomialFeatures(),
                                      PolynomialFeatures(degree=(2, 3), interaction_only=True)])


@checks
def test_sklearn_compatible(estimator, check):
    check(estimator)


SPLINE_PARAMS = [{}, {"n_knots": 4, "degree": 2}, {"knots": "quantile"},
                 {"extrapolation": "linear"}, {"extrapolation": "continue"},
                 {"extrapolation": "periodic"}, {"extrapolation": "periodic", "degree": 2,
                                                 "n_knots": 6},
                 {"include_bias": False}, {"degree": 0, "n_knots": 4, "extrapolation": "continue"},
                 {"degree": 1, "extrapolation": "constant"}, {"order": "F"},
                 {"knots": np.array([[-3.0, -1.0], [0.0, 0.0], [1.0, 2.0], [4.0, 3.0]])},
                 {"sparse_output": True}]


@pytest.mark.parametrize("params", SPLINE_PARAMS, ids=str)
def test_spline_matches_sklearn(params):
    X_new = np.random.default_rng(5).normal(scale=2.0, size=(30, 2))  # beyond the fit range
    fit_X = X[:, :2]
    ours = SplineTransformer(**params).fit(fit_X)
    theirs = skp.SplineTransformer(**params).fit(fit_X)
    assert ours.n_features_out_ == theirs.n_features_out_
    for mine, ref in zip(ours.bsplines_, theirs.bsplines_):
        np.testing.assert_allclose(mine.t, ref.t, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(mine.c, ref.c)
    for data in (fit_X, X_new):
        out, ref = ours.transform(data), theirs.transform(data)
        assert sp.issparse(out) == sp.issparse(ref)
        if sp.issparse(out):
            out, ref = out.toarray(), ref.toarray()
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())


def test_spline_linear_single_feature_low_degree():
    # Degree-1 linear extrapolation on one feature (scikit-learn increments the degree it
    # uses for the knot range from the second feature on, so compare one feature at a time).
    fit_X, new = X[:, :1], np.linspace(-6, 6, 25)[:, None]
    params = {"degree": 1, "extrapolation": "linear", "n_knots": 4}
    np.testing.assert_allclose(SplineTransformer(**params).fit(fit_X).transform(new),
                               skp.SplineTransformer(**params).fit(fit_X).transform(new),
                               rtol=1e-12, atol=1e-12)


def test_spline_weights_and_missing():
    weights = np.random.default_rng(2).uniform(0, 2, size=len(X))
    weights[:3] = 0
    for knots in ("uniform", "quantile"):
        ours = SplineTransformer(knots=knots).fit(X, sample_weight=weights)
        theirs = skp.SplineTransformer(knots=knots).fit(X, sample_weight=weights)
        for mine, ref in zip(ours.bsplines_, theirs.bsplines_):
            np.testing.assert_allclose(mine.t, ref.t, rtol=1e-12)
    X_nan = X.copy()
    X_nan[[1, 4], [0, 2]] = np.nan
    for extrapolation in ("constant", "continue", "periodic"):
        params = {"handle_missing": "zeros", "extrapolation": extrapolation}
        np.testing.assert_allclose(SplineTransformer(**params).fit_transform(X_nan),
                                   skp.SplineTransformer(**params).fit_transform(X_nan),
                                   rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="Input X contains NaN values and `SplineTransformer` "
                                         "is configured to error"):
        SplineTransformer().fit(X_nan)
    with pytest.raises(ValueError, match="`X` contains values beyond the limits of the knots."):
        SplineTransformer(extrapolation="error").fit(X).transform(X * 10)
    with pytest.raises(ValueError, match="Periodic splines require degree < n_knots. Got "
                                         "n_knots=3 and degree=3."):
        SplineTransformer(n_knots=3, extrapolation="periodic").fit(X)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    spline_checks = parametrize_with_checks([SplineTransformer(),
                                             SplineTransformer(extrapolation="periodic",
                                                               handle_missing="zeros")])


@spline_checks
def test_spline_sklearn_compatible(estimator, check):
    check(estimator)
