"""PoissonRegressor, GammaRegressor and TweedieRegressor against scikit-learn's, GLM's penalty
against scikit-learn's objective, and scikit-learn's estimator checks on all four."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

from konspekt.base import ConvergenceWarning
from konspekt.models.glm import GLM, GammaRegressor, PoissonRegressor, TweedieRegressor


def data(kind, n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    mu = np.exp(0.4 + X @ np.array([0.3, -0.2, 0.1]))
    if kind == "poisson":
        return X, rng.poisson(mu).astype(float)
    if kind == "gamma":
        return X, rng.gamma(3.0, mu / 3.0)
    if kind == "positive":
        # Positive features and means, for the identity link to keep μ > 0.
        X = rng.uniform(size=(n, 3))
        return X, rng.gamma(3.0, (2.0 + X @ np.array([1.0, 0.5, 0.3])) / 3.0)
    if kind == "tweedie":
        return X, rng.gamma(2.0, mu / 2.0) * (rng.uniform(size=n) > 0.3)
    return X, 1.0 + X @ np.array([0.5, -1.0, 0.2]) + 0.3 * rng.normal(size=n)


CASES = [(PoissonRegressor, sk.PoissonRegressor, {}, "poisson"),
         (GammaRegressor, sk.GammaRegressor, {}, "gamma"),
         (TweedieRegressor, sk.TweedieRegressor, {"power": 1.5}, "tweedie"),
         (TweedieRegressor, sk.TweedieRegressor, {"power": 1.5, "link": "identity"}, "positive"),
         (TweedieRegressor, sk.TweedieRegressor, {"power": 0.0}, "normal"),
         (TweedieRegressor, sk.TweedieRegressor, {"power": 3.0}, "gamma"),
         (TweedieRegressor, sk.TweedieRegressor, {"power": 0.5}, "tweedie")]


@pytest.mark.parametrize("ours, theirs, params, kind", CASES,
                         ids=[f"{c[0].__name__}-{c[2]}" for c in CASES])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(ours, theirs, params, kind, solver, alpha, fit_intercept):
    if params.get("link") == "identity" and not fit_intercept:
        pytest.skip("identity link without intercept starts at μ = Xw = 0, where the Tweedie "
                    "deviance (p > 0) is undefined, in scikit-learn as here")
    X, y = data(kind)
    weights = np.random.default_rng(3).uniform(0.5, 2.0, size=len(y))
    settings = dict(params, alpha=alpha, solver=solver, fit_intercept=fit_intercept,
                    tol=1e-10, max_iter=1000)
    with warnings.catch_warnings():
        # At tol=1e-10 lbfgs may stop on its ftol first; both libraries then warn alike.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        model = ours(**settings).fit(X, y, sample_weight=weights)
        ref = theirs(**settings).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-5)
    np.testing.assert_allclose(model.score(X, y, sample_weight=weights),
                               ref.score(X, y, sample_weight=weights), rtol=1e-5)


@pytest.mark.parametrize("defaults", [{}, {"solver": "newton-cholesky"}])
def test_default_fit_matches_sklearn(defaults):
    X, y = data("poisson")
    model = PoissonRegressor(**defaults).fit(X, y)
    ref = sk.PoissonRegressor(**defaults).fit(X, y)
    # The default tol=1e-4 stops both solvers near, not at, the optimum.
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-3, atol=1e-4)
    assert model.n_iter_ >= 1


def test_sparse_input_and_warm_start():
    X, y = data("poisson")
    dense = PoissonRegressor(tol=1e-10, max_iter=1000).fit(X, y)
    sparse = PoissonRegressor(tol=1e-10, max_iter=1000).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7)
    warm = PoissonRegressor(tol=1e-10, warm_start=True, max_iter=1000).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ <= 2
    np.testing.assert_allclose(warm.coef_, dense.coef_, rtol=1e-6)


@pytest.mark.parametrize("family, regressor, link",
                         [("poisson", PoissonRegressor(), "log"),
                          ("gamma", GammaRegressor(), "log"),
                          ("tweedie", TweedieRegressor(power=1.5), "log")])
def test_glm_penalty_is_sklearn_objective_times_n(family, regressor, link):
    # GLM minimises ½·Σd + a/2·‖w‖²; scikit-learn 1/(2n)·Σd + α/2·‖w‖²: a = n·α.
    X, y = data(family)
    alpha = 0.3
    ref = regressor.set_params(alpha=alpha, tol=1e-12, max_iter=1000,
                               solver="newton-cholesky").fit(X, y)
    model = GLM(family=family, link=link, power=1.5, alpha=alpha * len(y), tol=1e-15).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6)


@pytest.mark.parametrize("regressor, y", [(PoissonRegressor(), [-1.0, 2.0, 3.0]),
                                          (GammaRegressor(), [0.0, 2.0, 3.0]),
                                          (TweedieRegressor(power=2.5), [0.0, 1.0, 2.0]),
                                          (TweedieRegressor(power=1.5), [-1.0, 1.0, 2.0])])
def test_target_out_of_range(regressor, y):
    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match="Some value.s. of y are out of the valid range of "
                                         "the loss 'Half"):
        regressor.fit(X, y)


@pytest.mark.parametrize("regressor, message",
                         [(PoissonRegressor(alpha=-1.0), "alpha == -1.0, must be >= 0.0"),
                          (GammaRegressor(solver="sgd"), "'solver' parameter of GammaRegressor"),
                          (TweedieRegressor(link="logit"),
                           "'link' parameter of TweedieRegressor"),
                          (PoissonRegressor(max_iter=0), "max_iter == 0, must be >= 1"),
                          (PoissonRegressor(tol=0.0), "tol == 0.0, must be > 0.0")])
def test_bad_parameters(regressor, message):
    X, y = data("poisson", n=20)
    with pytest.raises(ValueError, match=message):
        regressor.fit(X, y)


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from")
    checks = parametrize_with_checks([PoissonRegressor(), GammaRegressor(), TweedieRegressor(),
                                      TweedieRegressor(power=1.5),
                                      PoissonRegressor(solver="newton-cholesky"), GLM(),
                                      GLM(family="poisson"), GLM(family="gamma", link="log"),
                                      GLM(family="inverse_gaussian", link="log")])


@checks
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
