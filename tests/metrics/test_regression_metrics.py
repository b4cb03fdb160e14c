"""Regression metrics against scikit-learn: one and several outputs, weights, every
``multioutput`` option, constant targets, the Tweedie family and the errors."""

import numpy as np
import pytest
import sklearn.metrics as sk
from metric_oracle import assert_same_as_sklearn

import konspekt.metrics as kp

rng = np.random.RandomState(2)
N = 50
WEIGHTS = rng.rand(N)
Y1 = rng.randn(N)
Y2 = rng.randn(N, 3)
SHARED = ["mean_squared_error", "root_mean_squared_error", "mean_absolute_error",
          "r2_score", "explained_variance_score"]


@pytest.mark.parametrize("name", SHARED)
@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average", "variance_weighted",
                                         [0.2, 0.5, 0.3]])
@pytest.mark.parametrize("weighted", [False, True])
def test_multioutput(name, multioutput, weighted):
    if multioutput == "variance_weighted" and "error" in name:
        multioutput = "uniform_average"
    y_true, y_pred = Y2, Y2 + 0.5 * rng.randn(N, 3)
    weight = WEIGHTS if weighted else None
    assert_same_as_sklearn(
        lambda: getattr(kp, name)(y_true, y_pred, sample_weight=weight,
                                  multioutput=multioutput),
        lambda: getattr(sk, name)(y_true, y_pred, sample_weight=weight,
                                  multioutput=multioutput))


@pytest.mark.parametrize("name", SHARED)
def test_single_output_lists_and_ints(name):
    y_pred = Y1 + rng.randn(N)
    for y_true, prediction in ((Y1, y_pred), (list(Y1), list(y_pred)),
                               (rng.randint(0, 5, N), rng.randint(0, 5, N))):
        for weight in (None, WEIGHTS):
            assert_same_as_sklearn(
                lambda: getattr(kp, name)(y_true, prediction, sample_weight=weight),
                lambda: getattr(sk, name)(y_true, prediction, sample_weight=weight))


@pytest.mark.parametrize("name", ["r2_score", "explained_variance_score"])
@pytest.mark.parametrize("force_finite", [True, False])
def test_constant_targets(name, force_finite):
    constant = np.full((5, 2), 3.0)
    for y_pred in (constant, constant + np.array([[0.0, 1.0]])):
        for multioutput in ("raw_values", "uniform_average", "variance_weighted"):
            assert_same_as_sklearn(
                lambda: getattr(kp, name)(constant, y_pred, force_finite=force_finite,
                                          multioutput=multioutput),
                lambda: getattr(sk, name)(constant, y_pred, force_finite=force_finite,
                                          multioutput=multioutput))


@pytest.mark.parametrize("power", [-1.5, 0, 1, 1.5, 2, 3])
def test_tweedie_deviances(power):
    y_true = rng.poisson(2.0, N).astype(float) + (power >= 2)
    y_pred = rng.gamma(2.0, 1.0, N) + 0.1
    for weight in (None, WEIGHTS):
        assert_same_as_sklearn(
            lambda: kp.mean_tweedie_deviance(y_true, y_pred, sample_weight=weight, power=power),
            lambda: sk.mean_tweedie_deviance(y_true, y_pred, sample_weight=weight,
                                             power=power))
    assert_same_as_sklearn(lambda: kp.mean_poisson_deviance(y_true, y_pred),
                           lambda: sk.mean_poisson_deviance(y_true, y_pred))
    positive = y_true + 1
    assert_same_as_sklearn(lambda: kp.mean_gamma_deviance(positive, y_pred, sample_weight=WEIGHTS),
                           lambda: sk.mean_gamma_deviance(positive, y_pred, sample_weight=WEIGHTS))


@pytest.mark.parametrize("name, args, kwargs", [
    ("mean_squared_error", ([1, 2], [1, 2, 3]), {}),
    ("mean_squared_error", ([[1, 2]], [[1, 2, 3]]), {}),
    ("mean_squared_error", ([1, 2], [1, 2]), {"multioutput": "bogus"}),
    ("mean_squared_error", ([1, 2], [1, 2]), {"multioutput": [0.5, 0.5]}),
    ("mean_squared_error", ([[1, 2]], [[1, 2]]), {"multioutput": [0.5, 0.2, 0.3]}),
    ("mean_absolute_error", ([1, np.nan], [1, 2]), {}),
    ("r2_score", ([1.0], [2.0]), {}),
    ("mean_tweedie_deviance", ([1, 2], [0, 1]), {"power": 1}),
    ("mean_tweedie_deviance", ([-1, 2], [1, 1]), {"power": 1.5}),
    ("mean_tweedie_deviance", ([0, 2], [1, 1]), {"power": 2}),
    ("mean_tweedie_deviance", ([1, 2], [-1, 1]), {"power": -1}),
    ("mean_tweedie_deviance", ([1, 2], [1, 1]), {"power": 0.5}),
    ("mean_tweedie_deviance", ([[1, 2]], [[1, 1]]), {"power": 0}),
    ("mean_poisson_deviance", ([1, 2], [0, 1]), {}),
])
def test_errors_match_sklearn(name, args, kwargs):
    assert_same_as_sklearn(lambda: getattr(kp, name)(*args, **kwargs),
                           lambda: getattr(sk, name)(*args, **kwargs))
