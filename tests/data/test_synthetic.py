"""The generators: scikit-learn's output where it has the generator (before noise and
shuffling), the defining geometry, balance, determinism by seed, splits and output types."""

import numpy as np
import pytest
from sklearn import datasets as sk

import konspekt as kp
from konspekt.data.datasets import (make_blobs, make_circles, make_moons, make_regression,
                                    make_spirals, make_xor)


@pytest.mark.parametrize("n_samples", [100, 7, (3, 5)])
def test_moons_equal_scikit_learn_and_are_half_circles(n_samples):
    X, y = make_moons(n_samples, shuffle=False)
    X_sk, y_sk = sk.make_moons(n_samples, shuffle=False)
    np.testing.assert_allclose(X, X_sk, atol=1e-15)
    np.testing.assert_array_equal(y, y_sk)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)                  # centre (0, 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)  # (1, ½)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()


@pytest.mark.parametrize("factor", [0.8, 0.3, 0.0])
def test_circles_equal_scikit_learn_with_radii_ratio_factor(factor):
    X, y = make_circles(101, shuffle=False, factor=factor)
    X_sk, y_sk = sk.make_circles(101, shuffle=False, factor=factor)
    np.testing.assert_allclose(X, X_sk, atol=1e-15)
    np.testing.assert_array_equal(y, y_sk)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(*X[y == 1].T), factor, atol=1e-15)


def test_circles_factor_checked():
    with pytest.raises(ValueError, match="'factor' parameter of make_circles must be a float in "
                                         "the range"):
        make_circles(factor=1.0)


def test_noise_has_the_given_standard_deviation():
    clean, _ = make_moons(4000, shuffle=False)
    noisy, _ = make_moons(4000, shuffle=False, noise=0.1, random_state=0)
    assert abs((noisy - clean).std() - 0.1) < 0.005


@pytest.mark.parametrize("n_samples, centers", [(300, None), ([10, 20, 30], None),
                                                (100, [[0.0, 0.0], [5.0, 5.0]]), (50, 4)])
def test_blobs_balance_and_means_near_centres(n_samples, centers):
    X, y, c = make_blobs(n_samples, centers=centers, random_state=0, return_centers=True,
                         shuffle=False)
    _, y_sk = sk.make_blobs(n_samples, centers=centers, random_state=0, shuffle=False)
    np.testing.assert_array_equal(np.bincount(y), np.bincount(y_sk))  # the same counts
    assert X.shape == (len(y), c.shape[1])
    for k, centre in enumerate(c):
        members = X[y == k]
        # the mean of m draws of N(c, I) is within 4 standard errors 1/√m of c
        assert np.all(np.abs(members.mean(0) - centre) < 4 / np.sqrt(len(members)))
    box_centres = make_blobs(random_state=1, return_centers=True)[2]
    assert box_centres.shape == (3, 2) and np.all(np.abs(box_centres) <= 10)


def test_blobs_cluster_std_per_blob():
    X, y = make_blobs([2000, 2000], centers=[[0, 0], [10, 10]], cluster_std=[0.5, 2.0],
                      random_state=0)
    np.testing.assert_allclose([X[y == 0].std(), X[y == 1].std()], [0.5, 2.0], rtol=0.05)
    X0, _ = make_blobs(6, centers=[[1.0, 2.0]], cluster_std=0.0)
    np.testing.assert_array_equal(X0, np.tile([1.0, 2.0], (6, 1)))


@pytest.mark.parametrize("n_targets", [1, 3])
def test_regression_is_linear_plus_bias_plus_noise(n_targets):
    X, y, w = make_regression(500, 20, n_informative=5, n_targets=n_targets, bias=3.0,
                              random_state=0, coef=True)
    X_sk, y_sk, w_sk = sk.make_regression(500, 20, n_informative=5, n_targets=n_targets,
                                          bias=3.0, random_state=0, coef=True)
    assert X.shape == X_sk.shape and y.shape == y_sk.shape and w.shape == w_sk.shape
    np.testing.assert_allclose(y, X @ w + 3.0, rtol=1e-12)
    assert np.count_nonzero(np.any(w.reshape(20, -1) != 0, axis=1)) == 5  # informative features
    assert np.all((w >= 0) & (w < 100))
    X, y, w = make_regression(2000, 4, noise=2.0, random_state=1, coef=True)
    assert abs((y - X @ w).std() - 2.0) < 0.1


def test_spirals_labels_follow_the_arms():
    X, y = make_spirals(300, n_classes=3, turns=1.5, random_state=0)
    np.testing.assert_array_equal(np.bincount(y), [100, 100, 100])
    r = np.hypot(*X.T)
    keep = r > 1e-9
    offset = (np.arctan2(X[keep, 1], X[keep, 0]) - 2 * np.pi * 1.5 * r[keep]) % (2 * np.pi)
    arm = np.round(offset / (2 * np.pi / 3)) % 3
    np.testing.assert_array_equal(arm, y[keep])
    assert r.max() == pytest.approx(1.0)


def test_xor_is_the_truth_table_plus_noise():
    X, y = make_xor(4, shuffle=False)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    X, y = make_xor(400, noise=0.1, random_state=0)
    corners = np.round(X).astype(int)
    np.testing.assert_array_equal(corners[:, 0] ^ corners[:, 1], y)
    np.testing.assert_array_equal(np.bincount(y), [200, 200])


GENERATORS = {
    "xor": lambda **kw: make_xor(60, noise=0.2, **kw),
    "moons": lambda **kw: make_moons(60, noise=0.2, **kw),
    "circles": lambda **kw: make_circles(60, noise=0.1, **kw),
    "spirals": lambda **kw: make_spirals(60, noise=0.1, **kw),
    "blobs": lambda **kw: make_blobs(60, **kw),
    "regression": lambda **kw: make_regression(60, 3, noise=1.0, **kw),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_determinism_dtypes_and_tensors(name):
    make = GENERATORS[name]
    X, y = make(random_state=3)
    X2, y2 = make(random_state=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make(random_state=4)[0])
    kp.manual_seed(5)
    X3, _ = make()
    kp.manual_seed(5)
    np.testing.assert_array_equal(X3, make()[0])  # None draws from konspekt's generator
    assert X.dtype == np.float64
    assert y.dtype == (np.float64 if name == "regression" else np.int64)
    Xt, yt = make(random_state=3, as_tensor=True)
    assert Xt.dtype == kp.get_default_dtype()
    assert yt.dtype == (kp.get_default_dtype() if name == "regression" else kp.int64)
    np.testing.assert_allclose(Xt.data, X, rtol=1e-6)
    g = kp.Generator().manual_seed(9)
    X4, _ = make(random_state=g)
    assert X4.shape == X.shape


@pytest.mark.parametrize("name", GENERATORS)
def test_generated_splits_are_complementary_and_stratified(name):
    make = GENERATORS[name]
    X, y = make(random_state=0)
    X_train, y_train = make(random_state=0, split="train", test_size=0.25)
    X_test, y_test = make(random_state=0, split="test", test_size=0.25)
    assert len(y_test) == 15 and len(y_train) == 45
    together = np.concatenate([X_train, X_test])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))
    if name != "regression":
        for c, count in zip(*np.unique(y, return_counts=True)):
            assert abs((y_test == c).sum() - count / 4) < 1


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_samples must be an int >= 1"):
        make_moons(0)
    with pytest.raises(ValueError, match="noise must be None or a number >= 0"):
        make_xor(noise=-1)
    with pytest.raises(ValueError, match="random_state must be None, an int"):
        make_moons(random_state="seed")
    with pytest.raises(ValueError, match="n_samples should be an int or a sequence of 2 ints"):
        make_moons([1, 2, 3])
