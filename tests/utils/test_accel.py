import numpy as np

from konspekt.utils.accel import HAVE_NUMBA, njit, prange


@njit
def _running_max(a):
    out = np.empty_like(a)
    best = -np.inf
    for i in range(a.shape[0]):
        best = max(best, a[i])
        out[i] = best
    return out


@njit(parallel=True)
def _row_sums(a):
    out = np.zeros(a.shape[0])
    for i in prange(a.shape[0]):
        for j in range(a.shape[1]):
            out[i] += a[i, j]
    return out


def test_compiled_and_python_paths_agree():
    a = np.random.default_rng(0).normal(size=50)
    np.testing.assert_array_equal(_running_max(a), np.maximum.accumulate(a))
    np.testing.assert_array_equal(_running_max.py_func(a), np.maximum.accumulate(a))


def test_parallel_loop():
    a = np.random.default_rng(1).normal(size=(7, 5))
    np.testing.assert_allclose(_row_sums(a), a.sum(axis=1))
    np.testing.assert_allclose(_row_sums.py_func(a), a.sum(axis=1))


def test_compiled_when_numba_is_installed():
    assert hasattr(_running_max, "py_func")
    assert (_running_max is not _running_max.py_func) == HAVE_NUMBA
