"""The course's boosting recursion for the binary log-loss, step by step, on four points, against
a computation by hand:

    f₀ = log(N₁/N₀);  for t = 1, 2:  rᵢ = σ(fᵢ) − yᵢ,  b_t = the tree fitted to −r,
    fᵢ ← fᵢ + α b_t(xᵢ);  predict σ(f).

x = 1, 2, 3, 4 with y = 0, 1, 1, 1 and α = 0.5. f₀ = log 3, so p = 3/4 and r = (3/4, −1/4,
−1/4, −1/4). The stump split at x = 1.5 fits −r exactly (every other split leaves an error),
so b_t takes the mean of −r on each side: the left leaf holds the one y = 0 sample, the right
leaf the three y = 1 samples, and all right-hand samples share one f.

The recursion is run twice: with a stand-in stump defined here and the losses of
``boosting_losses`` (the loop written as in the lecture), and with ``GradientBoostingClassifier``
itself (``line_search=False`` for the plain recursion, the default for scikit-learn's Newton
leaves: γ = Σ(y − p) / Σ p(1 − p), which is −1/(1 − p) on a leaf of y = 0 and 1/p on a leaf of
y = 1).
"""

import numpy as np
import pytest
from scipy.special import expit

from konspekt.models.ensemble.boosting_losses import BinomialLogLoss, PriorClassifier
from konspekt.models.ensemble.gradient_boosting import GradientBoostingClassifier

X = np.array([[1.0], [2.0], [3.0], [4.0]])
Y = np.array([0.0, 1.0, 1.0, 1.0])
ALPHA = 0.5
LOG3 = np.log(3.0)

# ---- by hand, the plain recursion (leaf = mean of −r) -------------------------------------------
# t = 1: p = 3/4 everywhere; −r = y − p = (−0.75, 0.25, 0.25, 0.25) is fitted exactly.
PLAIN_B1 = np.array([-0.75, 0.25, 0.25, 0.25])
PLAIN_F1 = np.array([LOG3 - 0.375, LOG3 + 0.125, LOG3 + 0.125, LOG3 + 0.125])
# σ(log 3 − 0.375) = 3e^{−0.375} / (1 + 3e^{−0.375}) = 2.061867 / 3.061867
# σ(log 3 + 0.125) = 3e^{0.125} / (1 + 3e^{0.125}) = 3.399445 / 4.399445
PLAIN_P1 = np.array([0.673402, 0.772699, 0.772699, 0.772699])
# t = 2: −r = y − p₁ = (−0.673402, 0.227301, 0.227301, 0.227301), again fitted exactly.
PLAIN_B2 = np.array([-0.673402, 0.227301, 0.227301, 0.227301])
PLAIN_F2 = PLAIN_F1 + ALPHA * PLAIN_B2  # (0.386911, 1.337263, …)
# σ(0.386911) = 1 / (1 + 0.679151) = 0.595539, σ(1.337263) = 1 / (1 + 0.262563) = 0.792039
PLAIN_P2 = np.array([0.595539, 0.792039, 0.792039, 0.792039])

# ---- by hand, with Newton leaves -----------------------------------------------------------------
# t = 1: left leaf (y = 0, p = 3/4): −1/(1 − 3/4) = −4; right leaf (y = 1): 1/(3/4) = 4/3.
NEWTON_B1 = np.array([-4.0, 4 / 3, 4 / 3, 4 / 3])
NEWTON_F1 = np.array([LOG3 - 2.0, LOG3 + 2 / 3, LOG3 + 2 / 3, LOG3 + 2 / 3])
# σ(log 3 − 2) = 0.406006 / 1.406006 = 0.288765; σ(log 3 + 2/3) = 5.843202 / 6.843202 = 0.853870
NEWTON_P1 = np.array([0.288765, 0.853870, 0.853870, 0.853870])
# t = 2: −1/(1 − 0.288765) = −1.406006 and 1/0.853870 = 1.171139.
NEWTON_B2 = np.array([-1.406006, 1.171139, 1.171139, 1.171139])
NEWTON_F2 = NEWTON_F1 + ALPHA * NEWTON_B2  # (−1.604391, 2.350848, …)
# σ(−1.604391) = 1 / (1 + 4.974827) = 0.167369; σ(2.350848) = 1 / (1 + 0.095288) = 0.913002
NEWTON_P2 = np.array([0.167369, 0.913002, 0.913002, 0.913002])


class StandInStump:
    """A least-squares stump on one feature, with the tree's interface that boosting uses:
    ``fit``, ``apply`` (node 1 left, node 2 right) and a writable ``tree_.value``."""

    class Arrays:
        pass

    def fit(self, X, r, sample_weight=None):
        x = X[:, 0]
        values = np.unique(x)
        thresholds = (values[:-1] + values[1:]) / 2
        errors = [((r[x <= t] - r[x <= t].mean()) ** 2).sum()
                  + ((r[x > t] - r[x > t].mean()) ** 2).sum() for t in thresholds]
        self.threshold = thresholds[int(np.argmin(errors))]
        left = x <= self.threshold
        self.tree_ = self.Arrays()
        self.tree_.value = np.array([r.mean(), r[left].mean(), r[~left].mean()])[:, None, None]
        return self

    def apply(self, X):
        return np.where(X[:, 0] <= self.threshold, 1, 2)


def course_recursion(n_stages, line_search):
    """The lecture's loop with the stand-in stump; returns (b_t, f after t, σ(f)) per stage."""
    loss = BinomialLogLoss()
    f = loss.link(PriorClassifier().fit(X, Y).predict_proba(X))
    history = []
    for _ in range(n_stages):
        negative_gradient = loss.negative_gradient(Y, f)[:, 0]  # −r = y − σ(f)
        stump = StandInStump().fit(X, negative_gradient)
        leaves = stump.apply(X)
        if line_search:
            ids, values = loss.leaf_values(leaves, Y, f, negative_gradient, np.ones(len(Y)))
            stump.tree_.value[ids, 0, 0] = values
        b = stump.tree_.value[leaves, 0, 0]
        f = f + ALPHA * b[:, None]
        history.append((b, f[:, 0].copy(), expit(f[:, 0])))
    return history


def test_initial_value_is_the_log_odds():
    loss = BinomialLogLoss()
    f0 = loss.link(PriorClassifier().fit(X, Y).predict_proba(X))
    np.testing.assert_allclose(f0[:, 0], [LOG3] * 4)
    # r = σ(f₀) − y = 3/4 − y
    np.testing.assert_allclose(-loss.negative_gradient(Y, f0)[:, 0], [0.75, -0.25, -0.25, -0.25])


@pytest.mark.parametrize("line_search, expected", [
    (False, [(PLAIN_B1, PLAIN_F1, PLAIN_P1), (PLAIN_B2, PLAIN_F2, PLAIN_P2)]),
    (True, [(NEWTON_B1, NEWTON_F1, NEWTON_P1), (NEWTON_B2, NEWTON_F2, NEWTON_P2)])])
def test_recursion_with_a_stand_in_stump(line_search, expected):
    for (b, f, p), (hand_b, hand_f, hand_p) in zip(course_recursion(2, line_search), expected):
        np.testing.assert_allclose(b, hand_b, atol=1e-6)
        np.testing.assert_allclose(f, hand_f, atol=1e-6)
        np.testing.assert_allclose(p, hand_p, atol=1e-6)


@pytest.mark.parametrize("line_search, expected", [
    (False, [(PLAIN_B1, PLAIN_F1, PLAIN_P1), (PLAIN_B2, PLAIN_F2, PLAIN_P2)]),
    (True, [(NEWTON_B1, NEWTON_F1, NEWTON_P1), (NEWTON_B2, NEWTON_F2, NEWTON_P2)])])
def test_recursion_of_the_classifier(line_search, expected):
    model = GradientBoostingClassifier(n_estimators=2, learning_rate=ALPHA, max_depth=1,
                                       line_search=line_search).fit(X, Y)
    np.testing.assert_allclose(model.init_.predict_proba(X)[:, 1], 0.75)
    staged_f = list(model.staged_decision_function(X))
    staged_p = list(model.staged_predict_proba(X))
    for t, (hand_b, hand_f, hand_p) in enumerate(expected):
        tree = model.estimators_[t, 0]
        assert tree.tree_.threshold[0] == 1.5
        np.testing.assert_allclose(tree.tree_.value[tree.apply(X), 0, 0], hand_b, atol=1e-6)
        np.testing.assert_allclose(staged_f[t][:, 0], hand_f, atol=1e-6)
        np.testing.assert_allclose(staged_p[t][:, 1], hand_p, atol=1e-6)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], expected[-1][2], atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), [0, 1, 1, 1] if line_search else [1] * 4)
