"""GAMs recover known smooth functions, their intervals cover them, the statistics obey their
definitions, and bad input is refused with clear messages."""

import numpy as np
import pytest

from konspekt.base import NotFittedError, clone
from konspekt.models.gam import GAM, LinearGAM, LogisticGAM, PoissonGAM, f, l, s, te


def test_linear_gam_recovers_sine_and_quadratic_within_the_noise():
    rng = np.random.default_rng(0)
    n, sigma = 400, 0.3
    X = rng.uniform(-3, 3, size=(n, 2))
    truth = np.sin(X[:, 0]) + 0.25 * X[:, 1] ** 2
    model = LinearGAM(s(0) + s(1)).gridsearch(X, truth + rng.normal(0, sigma, n))
    error = model.predict(X) - truth
    # The fitted curve is much closer to the truth than the noise is to it.
    assert np.sqrt(np.mean(error ** 2)) < 0.3 * sigma
    # Each centred term function recovers its own centred truth.
    grid = model.generate_X_grid(0)
    sine = model.partial_dependence(0, grid)
    target = np.sin(grid[:, 0]) - np.mean(np.sin(X[:, 0]))
    assert np.max(np.abs(sine - target)) < sigma
    assert model.statistics_["scale"] == pytest.approx(sigma ** 2, rel=0.15)


def test_poisson_gam_recovers_the_log_rate():
    rng = np.random.default_rng(1)
    n = 800
    X = rng.uniform(0, 1, size=(n, 1))
    log_rate = 1.0 + np.sin(2 * np.pi * X[:, 0])
    model = PoissonGAM(s(0)).gridsearch(X, rng.poisson(np.exp(log_rate)))
    # The noise of one count on the log scale is 1/√μ, between 0.22 and 1 here.
    error = model.predict_linear(X) - log_rate
    assert np.sqrt(np.mean(error ** 2)) < 0.1 and np.max(np.abs(error)) < 0.3
    assert model.statistics_["scale"] == 1.0


def test_logistic_gam_recovers_the_probability_curve():
    rng = np.random.default_rng(2)
    n = 2000
    X = rng.uniform(-3, 3, size=(n, 1))
    probability = 1 / (1 + np.exp(-2 * np.sin(X[:, 0])))
    labels = np.where(rng.random(n) < probability, "yes", "no")
    model = LogisticGAM(s(0)).gridsearch(X, labels)
    assert list(model.classes_) == ["no", "yes"]
    assert np.max(np.abs(model.predict_proba(X)[:, 1] - probability)) < 0.1
    assert model.score(X, labels) > 0.7


def test_tensor_term_recovers_an_interaction():
    rng = np.random.default_rng(3)
    n = 600
    X = rng.uniform(-1.5, 1.5, size=(n, 2))
    truth = np.sin(X[:, 0]) * X[:, 1]
    model = LinearGAM(te(0, 1)).fit(X, truth + rng.normal(0, 0.2, n))
    assert np.sqrt(np.mean((model.predict(X) - truth) ** 2)) < 0.08


def test_partial_dependence_intervals_cover_the_true_function():
    # Bayesian intervals have close to nominal coverage averaged over the curve (Nychka).
    coverages = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        X = rng.uniform(0, 1, size=(300, 1))
        truth = np.sin(2 * np.pi * X[:, 0])
        model = LinearGAM(s(0)).gridsearch(X, truth + rng.normal(0, 0.5, 300),
                                           lam=np.logspace(-3, 3, 13))
        grid = model.generate_X_grid(0, n=50)
        centre = np.mean(np.sin(2 * np.pi * X[:, 0]))
        values, intervals = model.partial_dependence(0, grid, width=0.95)
        true_values = np.sin(2 * np.pi * grid[:, 0]) - centre
        assert np.all(intervals[:, 0] <= values) and np.all(values <= intervals[:, 1])
        coverages.append(np.mean((intervals[:, 0] <= true_values)
                                 & (true_values <= intervals[:, 1])))
    assert np.mean(coverages) > 0.85


def test_confidence_intervals_of_the_mean_follow_the_coefficient_covariance():
    rng = np.random.default_rng(12)
    X = rng.uniform(size=(120, 1))
    model = PoissonGAM(s(0, n_splines=10)).fit(X, rng.poisson(np.exp(1 + X[:, 0])))
    points = np.array([[0.1], [0.5], [0.9]])
    intervals = model.confidence_intervals(points, width=0.9)
    design = model._design(points)
    standard_error = np.sqrt(np.einsum("ij,jk,ik->i", design, model.statistics_["cov"], design))
    # Known scale: normal quantiles on the scale of η, mapped through the inverse link.
    eta = model.predict_linear(points)
    np.testing.assert_allclose(np.log(intervals), eta[:, None] + np.outer(
        standard_error, [-1.6448536269514722, 1.6448536269514722]), rtol=1e-10)


def test_centred_smooths_sum_to_zero_over_the_training_data():
    rng = np.random.default_rng(4)
    X = rng.uniform(size=(100, 2))
    weights = rng.integers(1, 4, size=100).astype(float)
    model = LinearGAM(s(0) + s(1, n_splines=8)).fit(X, X[:, 0] ** 2 + X[:, 1],
                                                    sample_weight=weights)
    for term in (0, 1):
        assert np.average(model.partial_dependence(term, X), weights=weights) == \
            pytest.approx(0.0, abs=1e-10)
    # Without an intercept the first smooth keeps the constant.
    no_intercept = LinearGAM(s(0) + s(1), fit_intercept=False).fit(X, 5 + X[:, 0])
    np.testing.assert_allclose(no_intercept.predict(X), 5 + X[:, 0], atol=1e-3)
    assert np.mean(no_intercept.partial_dependence(0, X)) == pytest.approx(5.5, abs=0.1)


def test_statistics_follow_their_definitions():
    rng = np.random.default_rng(5)
    X = np.column_stack([rng.uniform(size=200), rng.integers(0, 3, 200)])
    y = np.cos(3 * X[:, 0]) + X[:, 1] + rng.normal(0, 0.2, 200)
    model = GAM(s(0) + f(1)).fit(X, y)
    stats = model.statistics_
    n, edof, deviance = 200, stats["edof"], stats["deviance"]
    assert 2 < edof < 20 + 3 + 1
    assert stats["edof_per_coef"].sum() == pytest.approx(edof)
    assert deviance == pytest.approx(np.sum((y - model.predict(X)) ** 2))
    assert stats["GCV"] == pytest.approx(n * deviance / (n - 1.4 * edof) ** 2)
    assert stats["scale"] == pytest.approx(deviance / (n - edof))
    np.testing.assert_allclose(stats["cov"], stats["cov"].T, atol=1e-12)
    assert np.linalg.eigvalsh(stats["cov"]).min() > -1e-10
    residuals = model.deviance_residuals(X, y)
    assert np.sum(residuals ** 2) == pytest.approx(deviance)
    assert model.score(X, y) == pytest.approx(stats["pseudo_r2"]["explained_deviance"])
    # λ → ∞ leaves only the penalties' null spaces: a line in x₀, the intercept, and the
    # factor shrunk to nothing: tr A → 2 + 1.
    stiff = GAM(s(0) + f(1), lam=1e9).fit(X, y)
    assert stiff.statistics_["edof"] == pytest.approx(2.0, abs=0.01)
    text = str(model.summary())
    assert "s(0)" in text and "f(1)" in text and "GCV:" in text


def test_p_values_separate_a_real_effect_from_a_useless_feature():
    rng = np.random.default_rng(13)
    X = rng.uniform(size=(300, 2))
    y = np.sin(2 * np.pi * X[:, 0]) + rng.normal(0, 0.5, 300)
    p_values = LinearGAM(s(0) + s(1), lam=5.0).fit(X, y).statistics_["p_values"]
    assert p_values[0] < 1e-10 and p_values[1] > 0.01


def test_sample_weights_equal_repeated_rows():
    rng = np.random.default_rng(6)
    X = rng.uniform(size=(60, 1))
    y = rng.poisson(np.exp(np.sin(4 * X[:, 0])))
    weights = rng.integers(0, 3, size=60)
    weighted = PoissonGAM(s(0, n_splines=8), tol=1e-10).fit(X, y, sample_weight=weights)
    repeated = PoissonGAM(s(0, n_splines=8), tol=1e-10).fit(np.repeat(X, weights, axis=0),
                                                             np.repeat(y, weights))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-7)


def test_gridsearch_without_keep_best_leaves_the_model_unfitted():
    rng = np.random.default_rng(11)
    X = rng.uniform(size=(60, 1))
    y = np.sin(6 * X[:, 0]) + rng.normal(0, 0.1, 60)
    model = LinearGAM(s(0))
    scores = model.gridsearch(X, y, lam=[0.01, 1.0, 100.0], keep_best=False, return_scores=True)
    assert [candidate.lam for candidate in scores] == [[0.01], [1.0], [100.0]]
    assert model.lam is None
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_lam_and_n_splines_parameters_override_the_terms():
    X = np.random.default_rng(7).uniform(size=(80, 3))
    y = X.sum(axis=1)
    model = GAM(s(0) + te(1, 2), lam=[1.0, 2.0, 3.0], n_splines=7).fit(X, y)
    assert [term.lam for term in model.terms_] == [(1.0,), (2.0, 3.0), ()]
    assert model.terms_[0].n_splines == 7 and len(model.coef_) == 7 + 100 + 1
    with pytest.raises(ValueError, match="lam must be one float or 3 floats"):
        GAM(s(0) + te(1, 2), lam=[1.0, 2.0]).fit(X, y)


def test_fit_leaves_the_terms_parameter_unchanged_and_clone_copies_it():
    X = np.random.default_rng(8).uniform(size=(40, 2))
    terms = s(0) + l(1)
    model = LinearGAM(terms, lam=0.1)
    before = repr(terms)
    model.fit(X, X[:, 0])
    assert repr(model.terms) == before and not hasattr(terms[0], "edge_knots_")
    copy = clone(model)
    assert repr(copy.terms) == before and copy.terms is not terms
    assert copy.get_params()["lam"] == 0.1


@pytest.mark.parametrize("make, fit_args, error, message", [
    (lambda: GAM(distribution="student"), (), ValueError, "distribution must be one of"),
    (lambda: GAM(link="tanh"), (), ValueError, "link must be one of"),
    (lambda: GAM(distribution="binomial", link="inverse"), (), ValueError,
     "link='inverse' is not allowed with distribution='binomial'"),
    (lambda: GAM(s(5)), (), ValueError, "term s\\(5\\) uses feature 5, but X has 2 features"),
    (lambda: GAM(terms="all"), (), ValueError, "terms must be 'auto', None or terms"),
    (lambda: GAM(max_iter=0), (), ValueError, "max_iter"),
    (lambda: GAM(terms=None, fit_intercept=False), (), ValueError, "The model has no terms"),
    (lambda: PoissonGAM(), ("negative",), ValueError,
     "y must be non-negative for distribution='poisson'"),
    (lambda: LogisticGAM(), ("three classes",), ValueError,
     "Only binary classification is supported"),
])
def test_bad_input_is_refused(make, fit_args, error, message):
    rng = np.random.default_rng(9)
    X = rng.uniform(size=(30, 2))
    y = rng.integers(0, 2, 30).astype(float)
    if fit_args == ("negative",):
        y[0] = -1.0
    if fit_args == ("three classes",):
        y = np.arange(30) % 3
    with pytest.raises(error, match=message):
        make().fit(X, y)


def test_unfitted_and_misused_methods_raise():
    X = np.random.default_rng(10).uniform(size=(30, 1))
    with pytest.raises(NotFittedError):
        LinearGAM().predict(X)
    with pytest.raises(NotFittedError):
        LinearGAM().partial_dependence(0)
    model = LinearGAM(s(0)).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="term 3 is out of range for a model with 2 terms"):
        model.partial_dependence(3)
    with pytest.raises(ValueError, match="the intercept has no partial dependence"):
        model.partial_dependence(1)
    with pytest.raises(ValueError, match="width"):
        model.partial_dependence(0, width=1.5)
    with pytest.raises(ValueError, match="objective='UBRE' needs a distribution with known"):
        model.gridsearch(X, X[:, 0], objective="UBRE")
    with pytest.raises(ValueError, match="X has 2 features, but LinearGAM is expecting 1"):
        model.predict(np.zeros((3, 2)))
