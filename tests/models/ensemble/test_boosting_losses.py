"""The losses of gradient boosting against scikit-learn's: the loss values (on the scale of
``train_score_``), the negative gradients, the initial values f₀ and the leaf values written into
a tree (checked with scikit-learn's own leaf update on one of its trees), plus the defining
properties: r = −∂L/∂f numerically, and each leaf value minimises (or Newton-approximates the
minimum of) the loss over its leaf."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn._loss import loss as sk_loss
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble._gb import _update_terminal_regions, set_huber_delta
from sklearn.tree import DecisionTreeRegressor as SkTree
from sklearn.utils.stats import _weighted_percentile

from konspekt.models.ensemble.boosting_losses import (AbsoluteError, BinomialLogLoss,
                                                      ConstantRegressor, ExponentialLoss,
                                                      HuberLoss, MultinomialLogLoss,
                                                      PriorClassifier, QuantileLoss, SquaredError,
                                                      binomial_negative_gradient,
                                                      exponential_negative_gradient,
                                                      multinomial_negative_gradient,
                                                      weighted_percentile)

RNG = np.random.RandomState(0)
N = 60
X = RNG.normal(size=(N, 3))
Y_REGRESSION = X @ [1.0, -2.0, 0.5] + RNG.standard_t(3, size=N)
Y_BINARY = (X[:, 0] + RNG.normal(size=N) > 0).astype(np.float64)
Y_MULTICLASS = np.digitize(X[:, 1] + RNG.normal(size=N), [-0.5, 0.5]).astype(np.float64)
WEIGHTS = RNG.uniform(0.2, 2.0, size=N)
RAW_1 = RNG.normal(size=(N, 1))
RAW_3 = RNG.normal(size=(N, 3))

# (our loss, scikit-learn's loss, target, raw predictions, factor of train_score_)
CASES = {
    "squared_error": (SquaredError(), sk_loss.HalfSquaredError(), Y_REGRESSION, RAW_1, 2),
    "absolute_error": (AbsoluteError(), sk_loss.AbsoluteError(), Y_REGRESSION, RAW_1, 1),
    "quantile": (QuantileLoss(0.3), sk_loss.PinballLoss(quantile=0.3), Y_REGRESSION, RAW_1, 1),
    "huber": (HuberLoss(0.8), sk_loss.HuberLoss(quantile=0.8), Y_REGRESSION, RAW_1, 1),
    "log_loss": (BinomialLogLoss(), sk_loss.HalfBinomialLoss(), Y_BINARY, RAW_1, 2),
    "multinomial": (MultinomialLogLoss(3), sk_loss.HalfMultinomialLoss(n_classes=3),
                    Y_MULTICLASS, RAW_3, 1),
    "exponential": (ExponentialLoss(), sk_loss.ExponentialLoss(), Y_BINARY, RAW_1, 1),
}


def prepared(name):
    """The case with Huber's δ set from the same data in both libraries."""
    ours, theirs, y, raw, factor = CASES[name]
    if name == "huber":
        ours.prepare_stage(y, raw, WEIGHTS)
        set_huber_delta(theirs, y, raw, WEIGHTS)
    return ours, theirs, y, raw, factor


def sk_raw(theirs, raw):
    return raw if theirs.is_multiclass else raw[:, 0]


@pytest.mark.parametrize("percentile", [0, 10, 33.3, 50, 90, 100])
@pytest.mark.parametrize("unit", [True, False])
def test_weighted_percentile_matches_scikit_learn(percentile, unit):
    values = RNG.normal(size=25)
    weights = np.ones(25) if unit else RNG.uniform(0, 3, size=25)
    weights[3] = 0.0
    assert weighted_percentile(values, weights, percentile) == \
        _weighted_percentile(values, weights, percentile)


def test_weighted_percentile_is_the_inverted_distribution_function():
    # The sorted values 1, 2, 3 have cumulative weights 1, 2, 4 out of 4: a level that lands
    # exactly on a cumulative weight takes that value (25 % → 1), not the mean with the next.
    values, weights = np.array([3.0, 1.0, 2.0]), np.array([2.0, 1.0, 1.0])
    assert weighted_percentile(values, weights, 10) == 1.0
    assert weighted_percentile(values, weights, 25) == 1.0
    assert weighted_percentile(values, weights, 30) == 2.0
    assert weighted_percentile(values, weights, 50) == 2.0
    assert weighted_percentile(values, weights, 51) == 3.0


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_value_matches_scikit_learn(name, weighted):
    ours, theirs, y, raw, factor = prepared(name)
    weights = WEIGHTS if weighted else None
    expected = factor * theirs(y, sk_raw(theirs, raw), sample_weight=weights)
    np.testing.assert_allclose(ours(y, raw, weights), expected, rtol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_negative_gradient_matches_scikit_learn(name):
    ours, theirs, y, raw, _ = prepared(name)
    expected = -theirs.gradient(y, sk_raw(theirs, raw))
    np.testing.assert_allclose(ours.negative_gradient(y, raw),
                               expected.reshape(len(y), -1), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["squared_error", "huber", "log_loss", "multinomial",
                                  "exponential"])
def test_negative_gradient_is_minus_the_derivative(name):
    ours, _, y, raw, _ = prepared(name)
    step = 1e-6
    for k in range(raw.shape[1]):
        up, down = raw.copy(), raw.copy()
        up[:, k] += step
        down[:, k] -= step
        numeric = (ours.point_loss(y, up) - ours.point_loss(y, down)) / (2 * step)
        np.testing.assert_allclose(ours.negative_gradient(y, raw)[:, k], -numeric, atol=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name, strategy", [("squared_error", {"strategy": "mean"}),
                                            ("absolute_error", {"strategy": "median"}),
                                            ("huber", {"strategy": "median"}),
                                            ("quantile", {"strategy": "quantile",
                                                          "quantile": 0.3})])
def test_initial_value_regression_matches_scikit_learn(name, strategy, weighted):
    ours = CASES[name][0]
    weights = WEIGHTS if weighted else None
    y = Y_REGRESSION[:41]  # an odd count and an even one (below) for the medians
    for target in (y, Y_REGRESSION):
        if strategy["strategy"] == "median":  # what scikit-learn's boosting asks for
            strategy = {"strategy": "quantile", "quantile": 0.5}
        theirs = DummyRegressor(**strategy).fit(X[:len(target)], target,
                                                sample_weight=None if weights is None
                                                else weights[:len(target)])
        model = ours.initial_estimator().fit(X[:len(target)], target, None if weights is None
                                            else weights[:len(target)])
        assert isinstance(model, ConstantRegressor)
        f0 = ours.link(model.predict(X[:5]))
        np.testing.assert_allclose(f0, theirs.predict(X[:5])[:, None], rtol=1e-12)


@pytest.mark.parametrize("name", ["log_loss", "multinomial", "exponential"])
@pytest.mark.parametrize("weighted", [False, True])
def test_initial_value_classification_matches_scikit_learn(name, weighted):
    ours, theirs, y, _, _ = CASES[name]
    weights = WEIGHTS if weighted else None
    prior = ours.initial_estimator().fit(X, y, weights)
    assert isinstance(prior, PriorClassifier)
    dummy = DummyClassifier(strategy="prior").fit(X, y, sample_weight=weights)
    proba = dummy.predict_proba(X[:4])
    expected = theirs.link.link(proba if theirs.is_multiclass else proba[:, 1])
    np.testing.assert_allclose(ours.link(prior.predict_proba(X[:4])),
                               expected.reshape(4, -1), rtol=1e-12)


def test_binary_initial_value_is_the_log_odds():
    y = np.array([0, 1, 1, 1, 0, 1.0])
    f0 = BinomialLogLoss().link(PriorClassifier().fit(X[:6], y).predict_proba(X[:1]))
    np.testing.assert_allclose(f0, [[np.log(4 / 2)]])


def test_multinomial_initial_value_gives_back_the_priors():
    loss = MultinomialLogLoss(3)
    prior = loss.initial_estimator().fit(X, Y_MULTICLASS)
    np.testing.assert_allclose(loss.predict_proba(loss.link(prior.predict_proba(X[:2]))),
                               prior.predict_proba(X[:2]))


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("subsample", [False, True])
def test_leaf_values_match_scikit_learns_update(name, subsample):
    """Our leaf values, written into a copy of a scikit-learn tree, equal the values of
    scikit-learn's own leaf update of that tree."""
    ours, theirs, y, raw, _ = prepared(name)
    k = raw.shape[1] - 1
    negative_gradient = ours.negative_gradient(y, raw)[:, k]
    mask = RNG.uniform(size=N) < 0.7 if subsample else np.ones(N, bool)
    weights = WEIGHTS * mask
    tree = SkTree(max_depth=2, random_state=0).fit(X, negative_gradient, sample_weight=weights)
    leaves = tree.apply(X)
    expected_raw = raw.copy()
    sk_y = (y == k).astype(float) if theirs.is_multiclass else y
    _update_terminal_regions(theirs, tree.tree_, X.astype(np.float32), sk_y, negative_gradient, expected_raw,
                             weights, mask, learning_rate=0.1, k=k)
    update = ours.leaf_values(leaves[mask], y[mask], raw[mask], negative_gradient[mask],
                              weights[mask], k)
    if update is None:  # the tree's own means are the values
        assert name == "squared_error"
        return
    ids, values = update
    np.testing.assert_array_equal(np.sort(ids), np.unique(leaves[mask]))
    np.testing.assert_allclose(values, tree.tree_.value[ids, 0, 0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["absolute_error", "quantile", "huber"])
def test_leaf_value_minimises_the_loss_over_the_leaf(name):
    ours, _, y, raw, _ = prepared(name)
    value = ours.leaf_value(y, raw, ours.negative_gradient(y, raw)[:, 0], WEIGHTS)

    def leaf_loss(gamma):
        return np.average(ours.point_loss(y, raw + gamma), weights=WEIGHTS)

    if name == "huber":
        # Friedman's estimate is one step from the median towards the minimum: not worse than
        # the median itself.
        median = weighted_percentile(y - raw[:, 0], WEIGHTS, 50)
        assert leaf_loss(value) <= leaf_loss(median) + 1e-12
    else:
        best = minimize_scalar(leaf_loss, bounds=(-10, 10), method="bounded",
                               options={"xatol": 1e-10})
        assert leaf_loss(value) <= best.fun + 1e-9


@pytest.mark.parametrize("name", ["log_loss", "exponential"])
def test_newton_leaf_value_is_one_newton_step(name):
    """With a single leaf the value is −g/h for g, h the weighted first and second derivatives
    of the leaf's loss at γ = 0, computed here by finite differences."""
    ours, _, y, raw, _ = CASES[name]

    def leaf_loss(gamma):
        return np.sum(WEIGHTS * ours.point_loss(y, raw + gamma))

    step = 1e-4
    g = (leaf_loss(step) - leaf_loss(-step)) / (2 * step)
    h = (leaf_loss(step) - 2 * leaf_loss(0.0) + leaf_loss(-step)) / step ** 2
    _, values = ours.leaf_values(np.zeros(N, np.intp), y, raw,
                                 ours.negative_gradient(y, raw)[:, 0], WEIGHTS)
    np.testing.assert_allclose(values, [-g / h], rtol=1e-5)


@pytest.mark.parametrize("name", ["log_loss", "multinomial", "exponential"])
def test_probabilities_match_scikit_learn(name):
    ours, theirs, _, raw, _ = CASES[name]
    np.testing.assert_allclose(ours.predict_proba(raw), theirs.predict_proba(sk_raw(theirs, raw)),
                               rtol=1e-12)


@pytest.mark.parametrize("kernel, theirs, raw, y", [
    (binomial_negative_gradient, sk_loss.HalfBinomialLoss(), RAW_1[:, 0] * 20, Y_BINARY),
    (exponential_negative_gradient, sk_loss.ExponentialLoss(), RAW_1[:, 0] * 5, Y_BINARY),
    (multinomial_negative_gradient, sk_loss.HalfMultinomialLoss(n_classes=3), RAW_3 * 5,
     Y_MULTICLASS)], ids=["binomial", "exponential", "multinomial"])
def test_gradient_kernels_are_bit_identical_to_scikit_learn(kernel, theirs, raw, y):
    """Compiled and interpreted, the gradients equal scikit-learn's exactly (not just closely):
    the trees then see the same targets and break near-ties of splits alike."""
    raw = raw.copy()
    if raw.ndim == 1:
        raw[:2] = [-40.0, 40.0]  # both branches of the binomial gradient
    expected = -theirs.gradient(y, raw)
    arguments = (y.astype(np.intp), raw) if raw.ndim == 2 else (y, raw)
    np.testing.assert_array_equal(kernel(*arguments), expected)
    np.testing.assert_array_equal(kernel.py_func(*arguments), expected)
