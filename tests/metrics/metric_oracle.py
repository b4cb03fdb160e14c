"""Run a konspekt metric and its scikit-learn namesake on the same input: same value (to 1e-12),
or same exception type and message; same warning messages (NumPy's RuntimeWarnings about 0 / 0
aside: konspekt silences those it handles)."""

import warnings

import numpy as np


def _run(function):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = function(), None
        except Exception as raised:  # the oracle's error is the expected outcome
            result, error = None, raised
    return result, error, [str(w.message) for w in caught
                           if not issubclass(w.category, RuntimeWarning)]


def _assert_equal(ours, theirs):
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs)
        for key in theirs:
            _assert_equal(ours[key], theirs[key])
    elif isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs):
            _assert_equal(mine, reference)
    elif theirs is None or isinstance(theirs, str):
        assert ours == theirs
    else:
        ours, theirs = np.asarray(ours), np.asarray(theirs)
        assert ours.shape == theirs.shape
        if theirs.dtype.kind in "fc" or ours.dtype.kind in "fc":
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
        else:
            np.testing.assert_array_equal(ours, theirs)


def assert_same_as_sklearn(ours, theirs, check_warnings=True):
    expected, expected_error, expected_warnings = _run(theirs)
    result, error, caught = _run(ours)
    if expected_error is not None:
        assert error is not None, f"expected {expected_error!r}, got {result!r}"
        assert isinstance(error, type(expected_error)) or \
            type(expected_error).__name__ == "InvalidParameterError" and \
            isinstance(error, ValueError)
        if type(expected_error).__name__ != "InvalidParameterError":
            assert str(error) == str(expected_error)
        return
    if error is not None:
        raise error
    _assert_equal(result, expected)
    if check_warnings:
        expected_warnings = [w for w in expected_warnings if "deprecated" not in w]
        assert sorted(set(caught)) == sorted(set(expected_warnings))


