"""Links and families against statsmodels' (values, derivatives, variance, deviance,
log-likelihood), their defining properties, and the errors for bad input."""

import numpy as np
import pytest
import statsmodels.api as sm

from konspekt.models.glm import GLM
from konspekt.models.glm.families import get_family
from konspekt.models.glm.links import LINKS, get_link

sml = sm.families.links
SM_LINKS = {"identity": sml.Identity, "log": sml.Log, "logit": sml.Logit,
            "probit": sml.Probit, "cloglog": sml.CLogLog, "inverse": sml.InversePower,
            "inverse_squared": sml.InverseSquared, "sqrt": sml.Sqrt}
MU = np.linspace(0.05, 0.95, 19)


@pytest.mark.parametrize("name", sorted(LINKS))
def test_link_matches_statsmodels(name):
    link, ref = get_link(name), SM_LINKS[name]()
    eta = link.link(MU)
    np.testing.assert_allclose(eta, ref(MU), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(link.inverse(eta), MU, rtol=1e-10)
    np.testing.assert_allclose(link.derivative(MU), ref.deriv(MU), rtol=1e-8)
    # g′ is the derivative of g: central differences.
    h = 1e-6
    np.testing.assert_allclose(link.derivative(MU), (link.link(MU + h) - link.link(MU - h)) /
                               (2 * h), rtol=1e-5)


SM_FAMILIES = {"normal": sm.families.Gaussian, "binomial": sm.families.Binomial,
               "poisson": sm.families.Poisson, "gamma": sm.families.Gamma,
               "inverse_gaussian": sm.families.InverseGaussian}


def targets(name, rng):
    if name == "binomial":
        return rng.integers(0, 2, size=30).astype(float)
    if name == "poisson":
        return rng.poisson(2.0, size=30).astype(float)
    return rng.gamma(2.0, 1.0, size=30)


@pytest.mark.parametrize("name", [*SM_FAMILIES, "tweedie"])
def test_family_matches_statsmodels(name):
    rng = np.random.default_rng(0)
    y = targets(name, rng)
    mu = rng.uniform(0.2, 0.8, size=30) if name == "binomial" else rng.uniform(0.5, 3, 30)
    family = get_family(name, power=1.5)
    ref = (sm.families.Tweedie(var_power=1.5) if name == "tweedie" else SM_FAMILIES[name]())
    np.testing.assert_allclose(family.variance(mu), ref.variance(mu), rtol=1e-12)
    np.testing.assert_allclose(family.unit_deviance(y, mu), ref.resid_dev(y, mu) ** 2,
                               rtol=1e-9)
    np.testing.assert_allclose(family.unit_deviance(y, y), 0.0, atol=1e-12)
    if name != "tweedie":
        scale = 1.7 if family.free_scale else 1.0
        np.testing.assert_allclose(family.loglike_obs(y, mu, scale),
                                   ref.loglike_obs(y, mu, scale=scale), rtol=1e-10)


@pytest.mark.parametrize("power, special", [(0, "normal"), (1, "poisson"), (2, "gamma"),
                                            (3, "inverse_gaussian")])
def test_tweedie_special_cases(power, special):
    rng = np.random.default_rng(1)
    y, mu = rng.gamma(2.0, 1.0, size=20), rng.uniform(0.5, 3, 20)
    tweedie, family = get_family("tweedie", power=power), get_family(special)
    np.testing.assert_allclose(tweedie.unit_deviance(y, mu), family.unit_deviance(y, mu),
                               rtol=1e-10)
    np.testing.assert_allclose(tweedie.loglike_obs(y, mu, 0.8), family.loglike_obs(y, mu, 0.8),
                               rtol=1e-10)
    # The general formula approaches the special case as p nears it (from the side where
    # a distribution exists; 1e-5 away, the truncation error is about 1e-5).
    near = get_family("tweedie", power=power - 1e-5 if power == 0 else power + 1e-5)
    np.testing.assert_allclose(near.unit_deviance(y, mu), family.unit_deviance(y, mu),
                               rtol=1e-4)


X = np.random.default_rng(0).uniform(size=(10, 2))


@pytest.mark.parametrize("family, y, message", [
    ("poisson", -np.arange(10.0), "y must be non-negative for family='poisson'"),
    ("gamma", np.arange(10.0), "y must be positive for family='gamma'"),
    ("inverse_gaussian", np.arange(10.0) - 1,
     "y must be positive for family='inverse_gaussian'"),
    ("binomial", np.linspace(0, 2, 10), r"y must be in \[0, 1\] for family='binomial'")])
def test_target_out_of_range(family, y, message):
    with pytest.raises(ValueError, match=message):
        GLM(family=family).fit(X, y)


@pytest.mark.parametrize("params, message", [
    ({"family": "student"}, "family must be one of"),
    ({"link": "tanh"}, "link must be one of"),
    ({"family": "poisson", "link": "logit"},
     "link='logit' is not allowed with family='poisson'"),
    ({"family": "binomial", "link": "inverse"}, "link='inverse' is not allowed"),
    ({"family": "tweedie", "power": 0.5}, "power must be <= 0 or >= 1"),
    ({"alpha": -1.0}, "alpha == -1.0, must be >= 0.0"),
    ({"max_iter": 0}, "max_iter == 0, must be >= 1"),
    ({"tol": 0.0}, "tol == 0.0, must be > 0.0")])
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        GLM(**params).fit(X, np.ones(10))


def test_canonical_links():
    y = np.random.default_rng(0).poisson(3.0, size=10) + 1.0
    for family, link in [("normal", "identity"), ("binomial", "logit"), ("poisson", "log"),
                         ("gamma", "inverse"), ("inverse_gaussian", "inverse_squared"),
                         ("tweedie", "log")]:
        target = y / y.max() if family == "binomial" else y
        assert GLM(family=family).fit(X, target)._link.name == link


def test_no_valid_first_step():
    # Least squares on these counts gives negative means under the identity link.
    X_line = np.arange(5.0)[:, None]
    with pytest.raises(ValueError, match="IRLS found no valid mean for family='poisson' with "
                                         "link='identity'"):
        GLM(family="poisson", link="identity").fit(X_line, [0.0, 0.0, 0.0, 5.0, 20.0])
