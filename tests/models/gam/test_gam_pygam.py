"""konspekt's GAMs against pygam (the oracle) on the same data, basis, λ and family:
deviance, effective degrees of freedom, predictions, GCV / UBRE, AIC, the λ that gridsearch
picks, and partial dependence (up to the constant konspekt moves into the intercept)."""

import warnings

import numpy as np
import pygam
import pytest

from konspekt.models.gam import (
    GammaGAM,
    LinearGAM,
    LogisticGAM,
    PoissonGAM,
    f,
    l,
    s,
    te,
)


def _data(seed=1, n=300):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(-3, 3, n), rng.uniform(0, 2, n), rng.integers(0, 4, n),
                         rng.uniform(-1, 1, n)])
    eta = 0.8 * np.sin(X[:, 0]) + 0.5 * X[:, 1] + 0.3 * (X[:, 2] - 1.5) + \
        0.2 * X[:, 3] * X[:, 0]
    targets = {
        "linear": eta + rng.normal(0, 0.3, n),
        "logistic": (rng.random(n) < 1 / (1 + np.exp(-2 * eta))).astype(float),
        "poisson": rng.poisson(np.exp(eta)).astype(float),
        "gamma": rng.gamma(2.0, np.exp(eta) / 2),
    }
    return X, targets


MODELS = {"linear": (pygam.LinearGAM, LinearGAM), "logistic": (pygam.LogisticGAM, LogisticGAM),
          "poisson": (pygam.PoissonGAM, PoissonGAM), "gamma": (pygam.GammaGAM, GammaGAM)}
TERMS = {
    "s+l+f": (lambda: pygam.s(0) + pygam.l(1) + pygam.f(2), lambda: s(0) + l(1) + f(2)),
    "te+f": (lambda: pygam.te(0, 3) + pygam.f(2), lambda: te(0, 3) + f(2)),
    "s lam": (lambda: pygam.s(0, lam=10, n_splines=12) + pygam.s(3, lam=0.01, spline_order=2),
              lambda: s(0, lam=10, n_splines=12) + s(3, lam=0.01, spline_order=2)),
}


def _fit_both(kind, terms):
    X, targets = _data()
    y = targets[kind]
    oracle_class, konspekt_class = MODELS[kind]
    oracle_terms, konspekt_terms = TERMS[terms]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle = oracle_class(oracle_terms()).fit(X, y)
    return X, y, oracle, konspekt_class(konspekt_terms()).fit(X, y)


def _oracle_deviance(oracle, X, y):
    # pygam's statistics_["deviance"] is divided by its scale; this is D itself.
    return oracle.distribution.deviance(y, oracle.predict_mu(X), scaled=False).sum()


@pytest.mark.parametrize("terms", list(TERMS))
@pytest.mark.parametrize("kind", list(MODELS))
def test_deviance_edof_and_predictions_match_pygam(kind, terms):
    X, y, oracle, model = _fit_both(kind, terms)
    ratio = model.statistics_["deviance"] / _oracle_deviance(oracle, X, y)
    # The issue asks for 2 %; on the same basis and penalty the two agree to pygam's
    # convergence tolerance.
    assert ratio == pytest.approx(1.0, abs=1e-5)
    assert model.statistics_["edof"] == pytest.approx(oracle.statistics_["edof"], rel=1e-5)
    mu = oracle.predict_mu(X)
    np.testing.assert_allclose(model.predict_mu(X), mu, atol=1e-4 * np.abs(mu).max())
    if kind in ("linear", "gamma"):
        assert model.statistics_["GCV"] == pytest.approx(oracle.statistics_["GCV"], rel=1e-5)
        assert model.statistics_["scale"] == pytest.approx(oracle.statistics_["scale"] ** 2,
                                                           rel=1e-5)
    else:
        # pygam adds 3φ to Wood's UBRE (D/n − φ + 2γφ·tr A/n); the difference is a constant.
        assert model.statistics_["UBRE"] + 3 == pytest.approx(oracle.statistics_["UBRE"],
                                                              rel=1e-5)
    if kind != "gamma":
        # (pygam's gamma log-likelihood uses √φ where φ belongs.)
        assert model.statistics_["AIC"] == pytest.approx(oracle.statistics_["AIC"], rel=1e-5)


def test_predict_proba_and_labels_of_logistic_gam_match_pygam():
    X, y, oracle, model = _fit_both("logistic", "s+l+f")
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], oracle.predict_proba(X),
                               atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), oracle.predict(X).astype(float))
    assert model.score(X, y) == pytest.approx(oracle.accuracy(X, y))


@pytest.mark.parametrize("kind, grid", [("linear", np.logspace(-3, 3, 7)),
                                        ("poisson", [np.logspace(-2, 2, 3)] * 2)])
def test_gridsearch_scores_and_choice_match_pygam(kind, grid):
    X, targets = _data(seed=3)
    y = targets[kind]
    oracle_class, konspekt_class = MODELS[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle_scores = oracle_class(pygam.s(0) + pygam.s(3)).gridsearch(
            X, y, lam=grid, progress=False, return_scores=True)
    model = konspekt_class(s(0) + s(3))
    scores = model.gridsearch(X, y, lam=grid, return_scores=True)
    offset = 0.0 if kind == "linear" else 3.0
    np.testing.assert_allclose([score + offset for score in scores.values()],
                               list(oracle_scores.values()), rtol=1e-5)
    best = min(oracle_scores, key=oracle_scores.get)
    model.gridsearch(X, y, lam=grid)
    np.testing.assert_allclose(model.lam, np.ravel(best.lam))
    assert model.statistics_["edof"] == pytest.approx(best.statistics_["edof"], rel=1e-5)


def test_partial_dependence_matches_pygam_up_to_the_centring_constant():
    _, _, oracle, model = _fit_both("linear", "s+l+f")
    for term in range(3):
        grid = model.generate_X_grid(term)
        if term != 2:
            # (pygam's grid for a factor runs through values between the levels.)
            np.testing.assert_allclose(grid, oracle.generate_X_grid(term))
        ours = model.partial_dependence(term, grid)
        difference = ours - oracle.partial_dependence(term, grid)
        # A smooth term is centred in konspekt; pygam leaves its constant to a tiny ridge.
        # (Both load the diagonal of BᵀWB + S, by slightly different amounts.)
        assert np.ptp(difference) < 1e-5
    grid = model.generate_X_grid(1)
    np.testing.assert_allclose(model.partial_dependence(1, grid),
                               oracle.partial_dependence(1, grid), atol=1e-7)
