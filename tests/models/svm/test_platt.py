"""Platt scaling and pairwise coupling: the sigmoid fit against scikit-learn's Platt
calibration on the same decision values, the coupling against its defining properties and
against libsvm's probabilities given libsvm's own sigmoids, and SVC's probabilities."""

import numpy as np
import pytest
from sklearn import svm as sk_svm
from sklearn.calibration import _sigmoid_calibration
from sklearn.datasets import load_iris, make_classification

from konspekt.models.svm import SVC
from konspekt.models.svm.platt import couple_pairwise, fit_sigmoid, predict_sigmoid

# scikit-learn 1.9 deprecates SVC(probability=True) and its probA_ / probB_ in favour of
# CalibratedClassifierCV; they remain the oracle for libsvm's Platt scaling.
pytestmark = pytest.mark.filterwarnings("ignore:.*probab.*:FutureWarning")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_fit_matches_sklearn_platt_calibration(seed):
    rng = np.random.RandomState(seed)
    labels = np.where(rng.uniform(size=200) < 0.4, 1, -1)
    decision = 1.5 * labels + rng.normal(scale=1.2, size=200)
    A, B = fit_sigmoid(decision, labels)
    expected_A, expected_B = _sigmoid_calibration(decision, labels)
    assert A == pytest.approx(expected_A, abs=1e-3)
    assert B == pytest.approx(expected_B, abs=1e-3)


def test_sigmoid_prediction_is_stable_for_large_values():
    values = predict_sigmoid(np.array([-1e4, 0.0, 1e4]), -1.0, 0.0)
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])
    assert np.isfinite(values).all()


def test_coupling_recovers_consistent_probabilities():
    rng = np.random.RandomState(0)
    p = rng.dirichlet(np.ones(4), size=5)
    # Consistent pairwise estimates r_ij = p_i / (p_i + p_j) are reproduced exactly.
    r = p[:, :, None] / (p[:, :, None] + p[:, None, :])
    coupled = couple_pairwise(r, 4)
    np.testing.assert_allclose(coupled, p, atol=2e-3)
    np.testing.assert_allclose(coupled.sum(axis=1), 1.0)


def test_probabilities_equal_libsvm_given_its_sigmoids():
    # libsvm's sigmoids come from its own random 5-fold split; given them (and the same dual
    # solution), the coupled probabilities must agree with libsvm's.
    X, y = load_iris(return_X_y=True)
    theirs = sk_svm.SVC(probability=True, tol=1e-6, random_state=0).fit(X, y)
    ours = SVC(probability=True, tol=1e-6, random_state=0).fit(X, y)
    ours.probA_, ours.probB_ = theirs.probA_.copy(), theirs.probB_.copy()
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_probabilities_close_to_libsvm(n_classes):
    X, y = make_classification(300, 5, n_informative=3, n_redundant=0, n_classes=n_classes,
                               random_state=0)
    theirs = sk_svm.SVC(probability=True, random_state=0).fit(X, y)
    ours = SVC(probability=True, random_state=0).fit(X, y)
    probabilities = ours.predict_proba(X)
    assert probabilities.shape == (len(X), n_classes)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    # The cross-validation splits are random in both: the sigmoids differ a little.
    np.testing.assert_allclose(ours.probA_, theirs.probA_, atol=0.5)
    assert np.abs(probabilities - theirs.predict_proba(X)).mean() < 0.03
    np.testing.assert_allclose(ours.predict_log_proba(X), np.log(probabilities))
    # predict keeps the vote, whatever the probabilities say.
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
