"""SVR against scikit-learn's (libsvm): the same support vectors, dual coefficients,
intercept and predictions for each kernel and weighting, and the same errors."""

import numpy as np
import pytest
from sklearn import svm as sk_svm
from sklearn.datasets import load_diabetes, make_regression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

from konspekt.models.svm import SVR


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)[::2]
    return X, (y[::2] - y.mean()) / y.std()


def synthetic():
    X, y = make_regression(150, 5, noise=10.0, random_state=0)
    return X, y / y.std()


def assert_same(ours, theirs, X):
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    scale = np.abs(theirs.dual_coef_).max()
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=1e-3 * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-3)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-3)


@pytest.mark.parametrize("data", [diabetes, synthetic], ids=["diabetes", "synthetic"])
@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly", "sigmoid"])
def test_same_solution_as_libsvm(data, kernel):
    X, y = data()
    params = {"kernel": kernel, "C": 3.0, "epsilon": 0.2, "tol": 1e-6}
    if kernel == "sigmoid":
        params["gamma"] = 0.01
    ours = SVR(**params).fit(X, y)
    theirs = sk_svm.SVR(**params).fit(X, y)
    assert_same(ours, theirs, X)
    np.testing.assert_array_equal(ours.n_support_, theirs.n_support_)


def test_linear_coef_and_precomputed():
    X, y = synthetic()
    ours = SVR(kernel="linear", tol=1e-6).fit(X, y)
    theirs = sk_svm.SVR(kernel="linear", tol=1e-6).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-3, atol=1e-4)
    gram = X @ X.T
    precomputed = SVR(kernel="precomputed", tol=1e-6).fit(gram, y)
    np.testing.assert_allclose(precomputed.predict(gram), theirs.predict(X), atol=1e-3)


def test_sample_weight_with_zeros():
    X, y = diabetes()
    weight = np.random.RandomState(0).uniform(0, 2, len(y))
    weight[::5] = 0.0
    ours = SVR(tol=1e-6).fit(X, y, sample_weight=weight)
    theirs = sk_svm.SVR(tol=1e-6).fit(X, y, sample_weight=weight)
    # scikit-learn numbers the support vectors among the samples of positive weight only.
    kept = np.flatnonzero(weight > 0)
    np.testing.assert_array_equal(ours.support_, kept[theirs.support_])
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=1e-3)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-3)


def test_sample_weight_is_repetition_at_tight_tolerance():
    check_sample_weight_equivalence_on_dense_data("SVR", SVR(gamma=1.0, tol=1e-9))


def test_errors():
    X, y = synthetic()
    with pytest.raises(ValueError, match=r"The 'epsilon' parameter of SVR must be a float in "
                                         r"the range \[0.0, inf\). Got -1 instead."):
        SVR(epsilon=-1).fit(X, y)
    with pytest.raises(ValueError, match="The 'kernel' parameter of SVR"):
        SVR(kernel="gauss").fit(X, y)
    with pytest.raises(ValueError, match="Precomputed matrix must be a square matrix"):
        SVR(kernel="precomputed").fit(X, y)
    with pytest.raises(AttributeError, match="coef_ is only available"):
        _ = SVR().fit(X, y).coef_
