"""The compiled SG epoch (``sgd_kernel``) against its interpreted original (``py_func``, the
path taken without numba) and the scalar losses against the vectorised ones of
``sgd_losses``."""

import numpy as np
import pytest
import scipy.sparse as sp

from konspekt.models.linear.sgd_kernel import LOSS_CODES, loss_and_derivative, sgd_epoch
from konspekt.models.linear.sgd_losses import MAX_DLOSS, loss_function


@pytest.mark.parametrize("name", LOSS_CODES)
def test_scalar_losses_equal_the_vectorised_ones(name):
    y = np.array([1.0, -1.0, 1.0, -1.0, 0.3, 2.0, 1.0])
    p = np.array([0.2, 0.5, -3.0, -60.0, 0.35, -0.5, 1.0])
    loss, derivative = loss_function(name, 0.1)(y, p)
    code = LOSS_CODES.index(name)
    for function in (loss_and_derivative, loss_and_derivative.py_func):
        scalar = np.array([function(code, a, b, 0.1) for a, b in zip(y, p)])
        np.testing.assert_allclose(scalar[:, 0], loss, rtol=1e-13, atol=1e-300)
        np.testing.assert_allclose(scalar[:, 1], derivative, rtol=1e-13, atol=1e-300)


# decay_rate = 30 with η = 0.05 shrinks w to 0 at every step: the scale c of w = c·v
# underflows and is folded into v each time.
@pytest.mark.parametrize("sparse_input", [False, True])
@pytest.mark.parametrize("rate_code, l1_rate, average_start, decay_rate",
                         [(0, 0.0, 0, 0.007), (1, 0.002, 3, 0.007), (2, 0.01, 1, 0.007),
                          (0, 0.0, 0, 30.0)])
def test_compiled_epoch_equals_interpreted(sparse_input, rate_code, l1_rate, average_start,
                                           decay_rate):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 4)) * (rng.random((12, 4)) < 0.6)
    Y = np.where(rng.random((12, 2)) < 0.5, 1.0, -1.0)
    S = rng.uniform(0.5, 2.0, size=(12, 2))
    csr = sp.csr_matrix(X)
    results = []
    for function in (sgd_epoch, sgd_epoch.py_func):
        W, b = np.full((2, 4), 0.1), np.zeros(2)
        W_avg, b_avg = np.zeros((2, 4)), np.zeros(2)
        Q, objective, eta = np.full(2, 0.7), np.zeros(2), np.full(2, 0.05)
        l1_total, l1_applied = np.zeros(2), np.zeros((2, 4))
        active = np.array([True, False])
        if sparse_input:
            arrays = (False, np.empty((0, 0)), csr.data, csr.indices.astype(np.int64),
                      csr.indptr.astype(np.int64))
        else:
            arrays = (True, X, np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64))
        t = function(np.arange(12)[::-1].copy(), *arrays, Y, S, W, b, W_avg, b_avg, active,
                     Q, 0.1, objective, eta, l1_total, l1_applied, 2, 0.1, 0.01, 0.3,
                     decay_rate, l1_rate, rate_code, 0.05, 0.5, 40.0, 1.0, average_start, True,
                     0.01 if sparse_input else 1.0, MAX_DLOSS)
        results.append((t, W, b, W_avg, b_avg, Q, objective, eta, l1_applied))
    compiled, interpreted = results
    assert compiled[0] == interpreted[0] == 13.0
    for mine, reference in zip(compiled[1:], interpreted[1:]):
        np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=1e-15)
    # The stopped second model keeps its weights and its Q.
    np.testing.assert_array_equal(compiled[1][1], np.full(4, 0.1))
    assert compiled[5][1] == 0.7
    # w = c·v is folded back at the end of the epoch, so W holds the weights themselves: with
    # the full shrink, w is the last step alone, a multiple of the last object x.
    if decay_rate == 30.0 and not sparse_input:
        last = X[0]
        weights = compiled[1][0]
        np.testing.assert_allclose(weights, (weights @ last) / (last @ last) * last,
                                   rtol=1e-12, atol=1e-15)
        assert np.any(weights != 0)
