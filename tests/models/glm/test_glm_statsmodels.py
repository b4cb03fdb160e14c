"""konspekt's GLM against statsmodels' GLM: coefficients, standard errors, deviance, AIC,
scale and p-values for every family/link pair both offer, on data drawn from each model."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from konspekt.models.glm import GLM
from konspekt.models.glm.families import get_family
from konspekt.models.glm.links import get_link

links = sm.families.links
SM_LINKS = {"identity": links.Identity, "log": links.Log, "logit": links.Logit,
            "probit": links.Probit, "cloglog": links.CLogLog, "inverse": links.InversePower,
            "inverse_squared": links.InverseSquared, "sqrt": links.Sqrt}

# Linear predictors keeping μ well inside each link's range on X ∈ [0, 1]².
ETA = {"identity": (2.0, [1.0, 0.5]), "log": (0.5, [0.3, -0.2]), "inverse": (0.5, [0.3, 0.2]),
       "inverse_squared": (0.5, [0.3, 0.2]), "sqrt": (1.5, [0.5, 0.3]),
       "logit": (-0.5, [1.0, -0.8]), "probit": (-0.3, [0.6, -0.5]),
       "cloglog": (-0.7, [0.8, -0.6])}
BINOMIAL_ETA = {"log": (-1.5, [0.5, -0.4]), "identity": (0.3, [0.3, -0.2])}

PAIRS = [("normal", "identity"), ("normal", "log"), ("normal", "inverse"),
         ("binomial", "logit"), ("binomial", "probit"), ("binomial", "cloglog"),
         ("binomial", "log"), ("binomial", "identity"),
         ("poisson", "log"), ("poisson", "identity"), ("poisson", "sqrt"),
         ("gamma", "inverse"), ("gamma", "log"), ("gamma", "identity"),
         ("inverse_gaussian", "inverse_squared"), ("inverse_gaussian", "inverse"),
         ("inverse_gaussian", "identity"), ("inverse_gaussian", "log"),
         ("tweedie", "log"), ("tweedie", "identity"), ("tweedie", "sqrt")]


def draw(family, link, n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 2))
    intercept, coef = (BINOMIAL_ETA if family == "binomial" and link in BINOMIAL_ETA
                       else ETA)[link]
    mu = SM_LINKS[link]().inverse(intercept + X @ np.array(coef))
    if family == "normal":
        y = mu + 0.3 * rng.normal(size=n)
    elif family == "binomial":
        y = (rng.uniform(size=n) < mu).astype(float)
    elif family == "poisson":
        y = rng.poisson(mu).astype(float)
    elif family == "gamma":
        y = rng.gamma(5.0, mu / 5.0)
    elif family == "inverse_gaussian":
        y = rng.wald(mu, 5.0)
    else:  # Tweedie 1 < p < 2: positive amounts and exact zeros.
        y = rng.gamma(2.0, mu / 2.0) * (rng.uniform(size=n) > 0.2)
    return X, y


def sm_family(family, link):
    sm_link = SM_LINKS[link]()
    if family == "tweedie":
        return sm.families.Tweedie(link=sm_link, var_power=1.5)
    name = {"normal": "Gaussian", "binomial": "Binomial", "poisson": "Poisson",
            "gamma": "Gamma", "inverse_gaussian": "InverseGaussian"}[family]
    return getattr(sm.families, name)(link=sm_link)


@pytest.mark.parametrize("family, link", PAIRS, ids=lambda v: v)
def test_matches_statsmodels(family, link):
    X, y = draw(family, link)
    with warnings.catch_warnings():
        # statsmodels warns that some pairs (e.g. binomial–log) are not "safe" links.
        warnings.simplefilter("ignore")
        ref = sm.GLM(y, sm.add_constant(X), family=sm_family(family, link)).fit(tol=1e-13,
                                                                                maxiter=500)
    model = GLM(family=family, link=link, power=1.5, tol=1e-14, max_iter=500).fit(X, y)
    np.testing.assert_allclose(model.params_, ref.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.bse_, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(model.zvalues_, ref.tvalues, rtol=1e-6)
    np.testing.assert_allclose(model.pvalues_, ref.pvalues, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(model.deviance_, ref.deviance, rtol=1e-6)
    np.testing.assert_allclose(model.null_deviance_, ref.null_deviance, rtol=1e-6)
    np.testing.assert_allclose(model.scale_, ref.scale, rtol=1e-6)
    np.testing.assert_allclose(model.pearson_chi2_, ref.pearson_chi2, rtol=1e-6)
    np.testing.assert_allclose(model.conf_int(), ref.conf_int(), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.predict(X), ref.fittedvalues, rtol=1e-6)
    if family != "tweedie":
        # statsmodels evaluates the Tweedie density by a series that konspekt lacks.
        np.testing.assert_allclose(model.llf_, ref.llf, rtol=1e-6)
        np.testing.assert_allclose(model.aic_, ref.aic, rtol=1e-6)
        np.testing.assert_allclose(model.bic_, ref.bic_llf, rtol=1e-6)
    else:
        assert np.isnan(model.aic_)


def test_without_intercept_matches_statsmodels():
    X, y = draw("poisson", "log")
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-13)
    model = GLM(family="poisson", fit_intercept=False, tol=1e-14).fit(X, y)
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.coef_, ref.params, rtol=1e-6)
    np.testing.assert_allclose(model.bse_, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(model.aic_, ref.aic, rtol=1e-6)
    np.testing.assert_allclose(model.null_deviance_, ref.null_deviance, rtol=1e-6)


def test_frequency_weights_match_statsmodels():
    X, y = draw("gamma", "log")
    weights = np.random.default_rng(1).integers(1, 4, size=len(y)).astype(float)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Gamma(link=links.Log()),
                 freq_weights=weights).fit(tol=1e-13)
    model = GLM(family="gamma", link="log", tol=1e-14).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.params_, ref.params, rtol=1e-6)
    np.testing.assert_allclose(model.bse_, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(model.deviance_, ref.deviance, rtol=1e-6)
    np.testing.assert_allclose(model.aic_, ref.aic, rtol=1e-6)


@pytest.mark.parametrize("family", ["poisson", "binomial"])
def test_l2_penalty_matches_fit_regularized(family):
    # statsmodels minimises −llf/n + a/2·‖β‖², konspekt ½·D + α/2·‖w‖²: α = a·n (φ = 1).
    X, y = draw(family, "log" if family == "poisson" else "logit")
    a = 0.05
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' ridge optimiser warns on its gradient
        ref = sm.GLM(y, sm.add_constant(X), family=sm_family(family, "log" if family ==
                                                             "poisson" else "logit")
                     ).fit_regularized(alpha=np.array([0.0, a, a]), L1_wt=0.0, cnvrg_tol=1e-12)
    model = GLM(family=family, alpha=a * len(y), tol=1e-14).fit(X, y)
    # statsmodels' BFGS stops early (it warns about the gradient): ~1e-5 is its accuracy;
    # the gradient below and the comparison with scikit-learn (test_glm_sklearn) are exact.
    np.testing.assert_allclose(model.params_, ref.params, rtol=1e-4, atol=5e-5)
    # The defining property, exactly: the gradient of ½·D + α/2·‖w‖² is zero at the fit.
    mu = model.predict(X)
    A = np.column_stack([np.ones(len(y)), X])
    # For a canonical link ∂(½D)/∂β = −Aᵀ(y − μ).
    gradient = -A.T @ (y - mu) + model.alpha * np.r_[0.0, model.coef_]
    np.testing.assert_allclose(gradient, 0.0, atol=1e-6)  # a sum of 300 terms of order 1


def test_loss_follows_the_family_not_the_link():
    # Whatever the link, the fit minimises the Poisson deviance: its gradient
    # −Σ (yᵢ − μᵢ)/(V(μᵢ)·g′(μᵢ))·aᵢ vanishes, and moving the coefficients raises it.
    X, y = draw("poisson", "identity")
    A = np.column_stack([np.ones(len(y)), X])
    family = get_family("poisson")
    for link in ("log", "identity", "sqrt"):
        model = GLM(family="poisson", link=link, tol=1e-14).fit(X, y)
        mu = model.predict(X)
        slope = get_link(link).derivative(mu)
        np.testing.assert_allclose(A.T @ ((y - mu) / (mu * slope)), 0.0, atol=1e-6)
        np.testing.assert_allclose(model.deviance_, family.unit_deviance(y, mu).sum(),
                                   rtol=1e-12)
        for direction in np.eye(3):
            for step in (1e-3, -1e-3):
                moved = get_link(link).inverse(A @ (model.params_ + step * direction))
                assert family.unit_deviance(y, moved).sum() > model.deviance_


def test_summary_table():
    X, y = draw("poisson", "log")
    model = GLM(family="poisson").fit(X, y)
    text = str(model.summary())
    for piece in ("coef", "std err", "P>|z|", "[0.025", "0.975]", "const", "x1", "x2",
                  "poisson", "log", f"{model.params_[1]:.4f}", f"{model.bse_[1]:.4f}"):
        assert piece in text
    assert repr(model.summary()) == text == model.summary().as_text()


def draw_classes(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    eta = np.column_stack([np.zeros(n), 0.3 + X @ [0.5, -0.4], -0.2 + X @ [-0.6, 0.3]])
    proba = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    labels = np.array(["a", "b", "c"])
    return X, labels[(rng.uniform(size=(n, 1)) > proba.cumsum(axis=1)).sum(axis=1)]


def test_multinomial_matches_mnlogit():
    X, y = draw_classes()
    codes = np.unique(y, return_inverse=True)[1]
    ref = sm.MNLogit(codes, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12,
                                                    maxiter=100)
    model = GLM(family="multinomial", tol=1e-14).fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["a", "b", "c"])
    np.testing.assert_allclose(model.params_, ref.params, rtol=1e-6)
    np.testing.assert_allclose(model.bse_, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(model.pvalues_, ref.pvalues, rtol=1e-5)
    np.testing.assert_allclose(model.llf_, ref.llf, rtol=1e-8)
    np.testing.assert_allclose(model.null_deviance_, -2 * ref.llnull, rtol=1e-6)
    np.testing.assert_allclose(model.aic_, ref.aic, rtol=1e-8)
    np.testing.assert_allclose(model.bic_, ref.bic, rtol=1e-8)
    np.testing.assert_allclose(model.predict(X), ref.predict(sm.add_constant(X)), rtol=1e-6)
    assert model.coef_.shape == (2, 2) and model.intercept_.shape == (2,)
    np.testing.assert_allclose(model.score(X, y), 1 - model.deviance_ / model.null_deviance_)
    text = str(model.summary())
    assert "y=b" in text and "y=c" in text and "multinomial" in text


def test_multinomial_errors():
    X, y = draw_classes(n=20)
    with pytest.raises(ValueError, match="link='probit' is not allowed with "
                                         "family='multinomial'"):
        GLM(family="multinomial", link="probit").fit(X, y)
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        GLM(family="multinomial").fit(X, np.zeros(20))


def test_summary_uses_column_names():
    pd = pytest.importorskip("pandas")
    X, y = draw("gamma", "log")
    frame = pd.DataFrame(X, columns=["age", "income"])
    text = str(GLM(family="gamma", link="log").fit(frame, y).summary())
    assert "age" in text and "income" in text and "x1" not in text
