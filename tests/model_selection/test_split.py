"""Splitters give scikit-learn's splits for the same seed; sizes, errors and warnings match."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn.model_selection as sk

import konspekt.model_selection as kp

rng = np.random.RandomState(4)
X = rng.randn(37, 2)
Y_IMBALANCED = np.r_[np.zeros(20, int), np.ones(11, int), np.full(6, 2)][rng.permutation(37)]
Y_STRINGS = np.array(["b", "a", "c"] * 12 + ["a"])


def folds(splitter, *args):
    return [(np.asarray(train).tolist(), np.asarray(test).tolist())
            for train, test in splitter.split(*args)]


def same_splits_or_error(ours, theirs, *args):
    try:
        with warnings.catch_warnings(record=True) as expected_warnings:
            warnings.simplefilter("always")
            expected = folds(theirs, *args)
    except ValueError as error:
        with pytest.raises(ValueError) as raised:
            folds(ours, *args)
        assert str(raised.value) == str(error)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert folds(ours, *args) == expected
    assert [str(w.message) for w in caught] == [str(w.message) for w in expected_warnings]


@pytest.mark.parametrize("n_splits", [2, 3, 5, 37])
@pytest.mark.parametrize("seed", [None, 0, 7])
def test_kfold(n_splits, seed):
    kwargs = {"shuffle": seed is not None, "random_state": seed}
    same_splits_or_error(kp.KFold(n_splits, **kwargs), sk.KFold(n_splits, **kwargs), X)
    assert kp.KFold(n_splits, **kwargs).get_n_splits() == n_splits


@pytest.mark.parametrize("n_splits", [2, 3, 5, 7, 12])
@pytest.mark.parametrize("seed", [None, 0, 7, "RandomState(1)"])
@pytest.mark.parametrize("y", [Y_IMBALANCED, Y_STRINGS])
def test_stratified_kfold(n_splits, seed, y):
    def state():
        return np.random.RandomState(1) if seed == "RandomState(1)" else seed

    shuffle = seed is not None
    same_splits_or_error(kp.StratifiedKFold(n_splits, shuffle=shuffle, random_state=state()),
                         sk.StratifiedKFold(n_splits, shuffle=shuffle, random_state=state()),
                         X, y)


@pytest.mark.parametrize("test_size, train_size", [(None, None), (0.25, None), (5, None),
                                                   (None, 0.5), (0.2, 0.3), (3, 20)])
@pytest.mark.parametrize("seed", [0, 42])
def test_shuffle_splits(test_size, train_size, seed):
    kwargs = dict(n_splits=4, test_size=test_size, train_size=train_size, random_state=seed)
    same_splits_or_error(kp.ShuffleSplit(**kwargs), sk.ShuffleSplit(**kwargs), X)
    same_splits_or_error(kp.StratifiedShuffleSplit(**kwargs),
                         sk.StratifiedShuffleSplit(**kwargs), X, Y_IMBALANCED)


@pytest.mark.parametrize("kwargs", [
    {"random_state": 0}, {"test_size": 0.3, "random_state": 2},
    {"test_size": 9, "random_state": 3},
    {"train_size": 0.6, "random_state": 1}, {"shuffle": False, "test_size": 0.2},
    {"stratify": Y_IMBALANCED, "random_state": 5},
    {"stratify": Y_STRINGS, "random_state": 5, "test_size": 0.4},
    {"test_size": 40}, {"test_size": 0.7, "train_size": 0.5},
    {"shuffle": False, "stratify": Y_IMBALANCED},
])
def test_train_test_split(kwargs):
    frame = pd.DataFrame(X, columns=["u", "v"])
    arrays = (X, Y_IMBALANCED, list(range(37)), frame, sp.csr_matrix(X))
    try:
        expected = sk.train_test_split(*arrays, **kwargs)
    except ValueError as error:
        with pytest.raises(ValueError) as raised:
            kp.train_test_split(*arrays, **kwargs)
        assert str(raised.value) == str(error)
        return
    result = kp.train_test_split(*arrays, **kwargs)
    assert len(result) == len(expected) == 10
    for ours, theirs in zip(result, expected):
        assert type(ours) is type(theirs)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(ours, theirs)
        elif sp.issparse(theirs):
            np.testing.assert_array_equal(ours.toarray(), theirs.toarray())
        else:
            np.testing.assert_array_equal(ours, theirs)


def test_leave_one_out_and_check_cv():
    assert folds(kp.LeaveOneOut(), X[:5]) == folds(sk.LeaveOneOut(), X[:5])
    assert isinstance(kp.check_cv(4, Y_IMBALANCED, classifier=True), kp.StratifiedKFold)
    assert isinstance(kp.check_cv(4, rng.randn(37), classifier=True), kp.KFold)
    assert kp.check_cv(None).n_splits == 5
    pairs = [([0, 1], [2]), ([2], [0, 1])]
    assert folds(kp.check_cv(pairs), X[:3]) == pairs
    with pytest.raises(ValueError, match="Expected `cv` as an integer"):
        kp.check_cv("five")
    for ours, theirs in ((kp.KFold(3), sk.KFold(3)),
                         (kp.StratifiedKFold(4, shuffle=True, random_state=1),
                          sk.StratifiedKFold(4, shuffle=True, random_state=1)),
                         (kp.ShuffleSplit(test_size=0.2), sk.ShuffleSplit(test_size=0.2))):
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("make", [
    lambda module: module.KFold(1), lambda module: module.KFold(2.5),
    lambda module: module.KFold(3, random_state=1), lambda module: module.KFold(3, shuffle=1),
])
def test_constructor_errors_match(make):
    with pytest.raises((ValueError, TypeError)) as expected:
        make(sk)
    with pytest.raises(type(expected.value)) as raised:
        make(kp)
    assert str(raised.value) == str(expected.value)
