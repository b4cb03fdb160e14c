"""NuSVC against scikit-learn's (libsvm), and ν's defining property: at most a fraction ν of
margin errors, at least a fraction ν of support vectors."""

import numpy as np
import pytest
from sklearn import svm as sk_svm
from sklearn.datasets import load_iris, load_wine, make_classification
from sklearn.preprocessing import StandardScaler

from konspekt.models.svm import NuSVC


def wine():
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def binary():
    return make_classification(200, 5, random_state=0)


# Not iris at ν = 0.2: there the optimum has no free support vector in the setosa pairs, so
# r₊, r₋ are midpoints of intervals that depend on which optimal α the solver reaches (both
# solutions have the same objective, but different scales 1/r).
@pytest.mark.parametrize("data, nu", [(load_iris, 0.5), (wine, 0.2), (wine, 0.5), (binary, 0.2),
                                      (binary, 0.5)],
                         ids=["iris-0.5", "wine-0.2", "wine-0.5", "binary-0.2", "binary-0.5"])
def test_same_solution_as_libsvm(data, nu):
    X, y = data(return_X_y=True) if data is load_iris else data()
    ours = NuSVC(nu=nu, tol=1e-8, decision_function_shape="ovo").fit(X, y)
    theirs = sk_svm.NuSVC(nu=nu, tol=1e-8, decision_function_shape="ovo").fit(X, y)
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    scale = np.abs(theirs.dual_coef_).max()
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=1e-3 * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-3)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                               atol=1e-3 * np.abs(theirs.decision_function(X)).max())
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_sample_weight():
    X, y = binary()
    weight = np.random.RandomState(0).uniform(0.2, 2.0, len(y))
    ours = NuSVC(tol=1e-8).fit(X, y, sample_weight=weight)
    theirs = sk_svm.NuSVC(tol=1e-8).fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6)


@pytest.mark.parametrize("nu", [0.1, 0.3, 0.6])
def test_nu_bounds_margin_errors_and_support_vectors(nu):
    X, y = binary()
    model = NuSVC(nu=nu, tol=1e-8).fit(X, y)
    signs = np.where(y == model.classes_[1], 1.0, -1.0)
    # In the C-SVC scale of the solution, the margin is 1 and the box is [0, 1/r].
    margin = signs * model.decision_function(X)
    bound = np.abs(model.dual_coef_).max()
    at_bound = np.isclose(np.abs(model.dual_coef_[0]), bound, rtol=1e-6)
    # Points on the margin reach y f(x) = 1 to the solver tolerance only.
    assert np.mean(margin < 1 - 1e-3) <= nu + 1e-9
    assert at_bound.sum() / len(y) <= nu + 1e-9
    assert len(model.support_) / len(y) >= nu - 1e-9


def test_errors_and_probabilities():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="specified nu is infeasible"):
        NuSVC(nu=0.9).fit(X[:60], y[:60])
    with pytest.raises(ValueError, match=r"The 'nu' parameter of NuSVC must be a float in the "
                                         r"range \(0.0, 1.0\]. Got 1.5 instead."):
        NuSVC(nu=1.5).fit(X, y)
    probabilities = NuSVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities.shape == (len(X), 3)
