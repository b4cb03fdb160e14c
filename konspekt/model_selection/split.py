"""Splitting data for evaluation: ``train_test_split`` and the cross-validators ``KFold``,
``StratifiedKFold``, ``ShuffleSplit``, ``StratifiedShuffleSplit``, ``LeaveOneOut``, with
``check_cv``. For the same ``random_state`` they draw the same splits as scikit-learn: they
consume a ``numpy.random.RandomState`` in the same order.
"""

import numbers
import warnings
from collections.abc import Iterable
from itertools import chain
from math import ceil, floor

import numpy as np
import scipy.sparse as sp

from ..base.multiclass import type_of_target
from ..base.validation import (check_array, check_random_state, column_or_1d, indexable,
                               num_samples)

__all__ = ["KFold", "StratifiedKFold", "ShuffleSplit", "StratifiedShuffleSplit",
           "LeaveOneOut", "check_cv", "train_test_split"]


def take_rows(array, indices):
    """The rows ``indices`` of an array, list, DataFrame / Series or sparse matrix, in the
    container's own type."""
    if array is None:
        return None
    if hasattr(array, "iloc"):
        return array.iloc[indices]
    if sp.issparse(array) or hasattr(array, "shape"):
        return array[indices]
    return [array[index] for index in indices]


class BaseCrossValidator:
    """A splitter with ``split(X, y, groups)`` yielding (train indices, test indices) and
    ``get_n_splits``; subclasses yield each test fold's indices."""

    def split(self, X, y=None, groups=None):
        """Yield (train, test) index arrays, one pair per split."""
        X, y, groups = indexable(X, y, groups)
        indices = np.arange(num_samples(X))
        for test in self._test_masks(X, y, groups):
            yield indices[~test], indices[test]

    def _test_masks(self, X, y, groups):
        for test_indices in self._test_indices(X, y, groups):
            mask = np.zeros(num_samples(X), dtype=bool)
            mask[test_indices] = True
            yield mask

    def __repr__(self):
        names = sorted(name for name in vars(self) if not name.startswith("_"))
        return f"{type(self).__name__}(" + ", ".join(
            f"{name}={getattr(self, name)!r}" for name in names) + ")"


class LeaveOneOut(BaseCrossValidator):
    """n splits, each testing on one sample and training on the n − 1 others."""

    def _test_indices(self, X, y, groups):
        n_samples = num_samples(X)
        if n_samples <= 1:
            raise ValueError(f"Cannot perform LeaveOneOut with n_samples={n_samples}.")
        return range(n_samples)

    def get_n_splits(self, X, y=None, groups=None):
        """The number of splits: the number of samples."""
        if X is None:
            raise ValueError("The 'X' parameter should not be None.")
        return num_samples(X)


class _BaseKFold(BaseCrossValidator):
    def __init__(self, n_splits, *, shuffle, random_state):
        if not isinstance(n_splits, numbers.Integral):
            raise ValueError("The number of folds must be of Integral type. "
                             f"{n_splits} of type {type(n_splits)} was passed.")
        n_splits = int(n_splits)
        if n_splits <= 1:
            raise ValueError("k-fold cross-validation requires at least one train/test split "
                             f"by setting n_splits=2 or more, got n_splits={n_splits}.")
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False; got {shuffle}")
        if not shuffle and random_state is not None:
            raise ValueError("Setting a random_state has no effect since shuffle is False. You "
                             "should leave random_state to its default (None), or set "
                             "shuffle=True.")
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def split(self, X, y=None, groups=None):
        """Yield (train, test) index arrays, one pair per fold."""
        X, y, groups = indexable(X, y, groups)
        n_samples = num_samples(X)
        if self.n_splits > n_samples:
            raise ValueError(f"Cannot have number of splits n_splits={self.n_splits} greater "
                             f"than the number of samples: n_samples={n_samples}.")
        yield from super().split(X, y, groups)

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds, ``n_splits``."""
        return self.n_splits


class KFold(_BaseKFold):
    """K consecutive folds (after one shuffle of the indices when ``shuffle``); each is the
    test set once. The first n mod K folds have ⌊n/K⌋ + 1 samples, the others ⌊n/K⌋.

    Parameters
    ----------
    n_splits : int, default 5
    shuffle : bool, default False
    random_state : int, RandomState or None
        Seeds the one ``RandomState.shuffle`` of the indices (only with ``shuffle``).

    Examples
    --------
    >>> [test.tolist() for _, test in KFold(3).split(range(7))]
    [[0, 1, 2], [3, 4], [5, 6]]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _test_indices(self, X, y, groups):
        n_samples = num_samples(X)
        indices = np.arange(n_samples)
        if self.shuffle:
            check_random_state(self.random_state).shuffle(indices)
        sizes = np.full(self.n_splits, n_samples // self.n_splits)
        sizes[:n_samples % self.n_splits] += 1
        boundaries = np.concatenate([[0], np.cumsum(sizes)])
        for start, stop in zip(boundaries[:-1], boundaries[1:]):
            yield indices[start:stop]


class StratifiedKFold(_BaseKFold):
    """K folds that keep each class's proportion.

    Steps: number the classes in order of first appearance in y; sort the encoded labels and
    deal them round-robin to the folds (sample i of the sorted list to fold i mod K), which
    fixes how many members of each class each fold receives; then, class by class, assign
    fold numbers to that class's samples in order of appearance — the fold numbers being
    shuffled per class (one ``RandomState.shuffle`` each) when ``shuffle``.

    Parameters
    ----------
    n_splits : int, default 5
    shuffle : bool, default False
    random_state : int, RandomState or None

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> [test.tolist() for _, test in StratifiedKFold(3).split(y, y)]
    [[0, 3], [1, 4], [2, 5]]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _test_folds(self, y):
        rng = check_random_state(self.random_state)
        y = np.asarray(y)
        target_type = type_of_target(y)
        allowed = ("binary", "multiclass")
        if target_type not in allowed:
            raise ValueError(f"Supported target types are: {allowed}. Got {target_type!r} "
                             "instead.")
        y = column_or_1d(y)
        _, first_index, inverse = np.unique(y, return_index=True, return_inverse=True)
        # Classes numbered by first appearance, as the fold allocation depends on that order.
        _, appearance_rank = np.unique(first_index, return_inverse=True)
        y_encoded = appearance_rank[inverse]
        n_classes = len(first_index)
        counts = np.bincount(y_encoded)
        if np.all(self.n_splits > counts):
            raise ValueError(f"n_splits={self.n_splits} cannot be greater than the number of "
                             "members in each class.")
        if self.n_splits > counts.min():
            warnings.warn(f"The least populated class in y has only {counts.min()} members, "
                          f"which is less than n_splits={self.n_splits}.", UserWarning,
                          stacklevel=4)
        dealt = np.sort(y_encoded)
        allocation = np.array([np.bincount(dealt[fold::self.n_splits], minlength=n_classes)
                               for fold in range(self.n_splits)])
        test_folds = np.empty(len(y), dtype=int)
        for k in range(n_classes):
            folds_of_class = np.repeat(np.arange(self.n_splits), allocation[:, k])
            if self.shuffle:
                rng.shuffle(folds_of_class)
            test_folds[y_encoded == k] = folds_of_class
        return test_folds

    def _test_masks(self, X, y, groups):
        test_folds = self._test_folds(y)
        for fold in range(self.n_splits):
            yield test_folds == fold

    def split(self, X, y, groups=None):
        """Yield (train, test) index arrays, one pair per fold; y gives the classes."""
        if groups is not None:
            warnings.warn(f"The groups parameter is ignored by {type(self).__name__}",
                          UserWarning, stacklevel=2)
        y = check_array(y, input_name="y", ensure_2d=False, dtype=None)
        return super().split(X, y, groups)


def _split_sizes(n_samples, test_size, train_size, default_test_size):
    """(n_train, n_test) from sizes given as counts (int) or fractions (float): a fraction of
    the test set is rounded up, of the train set down; a missing size is the complement."""
    if test_size is None and train_size is None:
        test_size = default_test_size
    test_kind = np.asarray(test_size).dtype.kind
    train_kind = np.asarray(train_size).dtype.kind
    for name, size, kind in (("test_size", test_size, test_kind),
                             ("train_size", train_size, train_kind)):
        if (kind == "i" and (size >= n_samples or size <= 0)) or \
                (kind == "f" and (size <= 0 or size >= 1)):
            raise ValueError(f"{name}={size} should be either positive and smaller than the "
                             f"number of samples {n_samples} or a float in the (0, 1) range")
    if train_size is not None and train_kind not in ("i", "f"):
        raise ValueError(f"Invalid value for train_size: {train_size}")
    if test_size is not None and test_kind not in ("i", "f"):
        raise ValueError(f"Invalid value for test_size: {test_size}")
    if train_kind == "f" and test_kind == "f" and train_size + test_size > 1:
        raise ValueError(f"The sum of test_size and train_size = {train_size + test_size}, "
                         "should be in the (0, 1) range. Reduce test_size and/or train_size.")
    n_test = ceil(test_size * n_samples) if test_kind == "f" else (
        test_size if test_kind == "i" else None)
    n_train = floor(train_size * n_samples) if train_kind == "f" else (
        train_size if train_kind == "i" else None)
    if train_size is None:
        n_train = n_samples - n_test
    elif test_size is None:
        n_test = n_samples - n_train
    if n_train + n_test > n_samples:
        raise ValueError(f"The sum of train_size and test_size = {int(n_train + n_test)}, "
                         f"should be smaller than the number of samples {n_samples}. Reduce "
                         "test_size and/or train_size.")
    n_train, n_test = int(n_train), int(n_test)
    if n_train == 0:
        raise ValueError(f"With n_samples={n_samples}, test_size={test_size} and "
                         f"train_size={train_size}, the resulting train set will be empty. "
                         "Adjust any of the aforementioned parameters.")
    return n_train, n_test


class ShuffleSplit(BaseCrossValidator):
    """Independent random splits: each draws one permutation of the indices
    (``RandomState.permutation``), the first n_test are the test set and the next n_train the
    training set.

    Parameters
    ----------
    n_splits : int, default 10
    test_size : float, int or None
        A fraction (rounded up) or a count; None: the complement of ``train_size``, or 0.1.
    train_size : float, int or None
        A fraction (rounded down) or a count; None: the complement of the test size.
    random_state : int, RandomState or None
    """

    _default_test_size = 0.1

    def __init__(self, n_splits=10, *, test_size=None, train_size=None, random_state=None):
        self.n_splits = n_splits
        self.test_size = test_size
        self.train_size = train_size
        self.random_state = random_state

    def split(self, X, y=None, groups=None):
        """Yield (train, test) index arrays, one pair per split."""
        X, y, groups = indexable(X, y, groups)
        yield from self._index_pairs(X, y)

    def _index_pairs(self, X, y):
        n_samples = num_samples(X)
        n_train, n_test = _split_sizes(n_samples, self.test_size, self.train_size,
                                       self._default_test_size)
        rng = check_random_state(self.random_state)
        for _ in range(self.n_splits):
            permutation = rng.permutation(n_samples)
            yield permutation[n_test:n_test + n_train], permutation[:n_test]

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of splits, ``n_splits``."""
        return self.n_splits


def _approximate_mode(class_counts, n_draws, rng):
    """How many of ``n_draws`` to take from each class, proportionally: the floors of
    n_draws · countₖ / n, then the missing draws given to the classes with the largest
    remainders (ties broken at random, with ``rng.choice``)."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    missing = int(n_draws - floored.sum())
    if missing > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (tied,) = np.where(remainder == value)
            taken = min(len(tied), missing)
            floored[rng.choice(tied, size=taken, replace=False)] += 1
            missing -= taken
            if missing == 0:
                break
    return floored.astype(int)


class StratifiedShuffleSplit(ShuffleSplit):
    """Random splits that keep each class's proportion in both sets.

    Steps per split: share n_train among the classes proportionally (``_approximate_mode``),
    then n_test among what remains; permute each class's samples and take its share for train
    then for test; finally permute the train and the test indices.
    """

    def _index_pairs(self, X, y):
        n_samples = num_samples(X)
        y = check_array(y, input_name="y", ensure_2d=False, dtype=None)
        n_train, n_test = _split_sizes(n_samples, self.test_size, self.train_size,
                                       self._default_test_size)
        if y.ndim == 2:
            # Multi-output rows become one joint class each.
            y = np.array([" ".join(row.astype("str")) for row in y])
        classes, y_indices, class_counts = np.unique(y, return_inverse=True,
                                                     return_counts=True)
        n_classes = classes.shape[0]
        if np.min(class_counts) < 2:
            raise ValueError("The least populated classes in y have only 1 member, which is "
                             "too few. The minimum number of groups for any class cannot be "
                             "less than 2. Classes with too few members are: "
                             f"{classes[class_counts < 2].tolist()}")
        if n_train < n_classes:
            raise ValueError(f"The train_size = {n_train} should be greater or equal to the "
                             f"number of classes = {n_classes}")
        if n_test < n_classes:
            raise ValueError(f"The test_size = {n_test} should be greater or equal to the "
                             f"number of classes = {n_classes}")
        class_indices = np.split(np.argsort(y_indices, kind="stable"),
                                 np.cumsum(class_counts)[:-1])
        rng = check_random_state(self.random_state)
        for _ in range(self.n_splits):
            n_train_per_class = _approximate_mode(class_counts, n_train, rng)
            n_test_per_class = _approximate_mode(class_counts - n_train_per_class, n_test, rng)
            train, test = [], []
            for k in range(n_classes):
                shuffled = class_indices[k].take(rng.permutation(class_counts[k]), mode="clip")
                train.extend(shuffled[:n_train_per_class[k]])
                test.extend(shuffled[n_train_per_class[k]:
                                     n_train_per_class[k] + n_test_per_class[k]])
            yield rng.permutation(train), rng.permutation(test)

    def split(self, X, y, groups=None):
        """Yield (train, test) index arrays, one pair per split; y gives the classes."""
        if groups is not None:
            warnings.warn(f"The groups parameter is ignored by {type(self).__name__}",
                          UserWarning, stacklevel=2)
        y = check_array(y, input_name="y", ensure_2d=False, dtype=None)
        return super().split(X, y, groups)


class _IterableSplits(BaseCrossValidator):
    """A list (or other iterable) of (train, test) pairs as a cross-validator."""

    def __init__(self, cv):
        self.cv = list(cv)

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.cv)

    def split(self, X=None, y=None, groups=None):
        for train, test in self.cv:
            yield train, test


def check_cv(cv=5, y=None, *, classifier=False, shuffle=False, random_state=None):
    """A cross-validator from ``cv``: an int gives ``StratifiedKFold`` for a classifier with a
    binary or multiclass y, ``KFold`` otherwise; None means 5; a splitter passes through; an
    iterable of (train, test) pairs is wrapped.

    Examples
    --------
    >>> check_cv(3)
    KFold(n_splits=3, random_state=None, shuffle=False)
    """
    cv = 5 if cv is None else cv
    if isinstance(cv, numbers.Integral):
        if classifier and y is not None and \
                type_of_target(y, input_name="y") in ("binary", "multiclass"):
            return StratifiedKFold(cv, shuffle=shuffle, random_state=random_state)
        return KFold(cv, shuffle=shuffle, random_state=random_state)
    if not hasattr(cv, "split") or isinstance(cv, str):
        if not isinstance(cv, Iterable) or isinstance(cv, str):
            raise ValueError("Expected `cv` as an integer, a cross-validation object (from "
                             "sklearn.model_selection), or an iterable yielding (train, test) "
                             f"splits as arrays of indices. Got {cv}.")
        return _IterableSplits(cv)
    return cv


def train_test_split(*arrays, test_size=None, train_size=None, random_state=None,
                     shuffle=True, stratify=None):
    """Split arrays into random train and test subsets (25 % test by default).

    With ``shuffle`` the split is the first of ``ShuffleSplit`` (or, with ``stratify``,
    ``StratifiedShuffleSplit``) for the same sizes and seed — the same indices as
    scikit-learn; without, the first n_train samples train and the next n_test test.

    Parameters
    ----------
    *arrays : array-likes of the same length (arrays, lists, DataFrames, sparse matrices)
    test_size, train_size : float, int or None
    random_state : int, RandomState or None
    shuffle : bool, default True
    stratify : array-like or None
        Class labels whose proportions both subsets keep.

    Returns
    -------
    list : X_train, X_test, y_train, y_test, … (two items per input)

    Examples
    --------
    >>> X_train, X_test = train_test_split(list(range(10)), test_size=3, random_state=0)
    >>> len(X_train), len(X_test)
    (7, 3)
    """
    if len(arrays) == 0:
        raise ValueError("At least one array required as input")
    arrays = indexable(*arrays)
    n_samples = num_samples(arrays[0])
    n_train, n_test = _split_sizes(n_samples, test_size, train_size, 0.25)
    if not shuffle:
        if stratify is not None:
            raise ValueError("Stratified train/test split is not implemented for "
                             "shuffle=False")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    else:
        splitter_class = StratifiedShuffleSplit if stratify is not None else ShuffleSplit
        splitter = splitter_class(test_size=n_test, train_size=n_train,
                                  random_state=random_state)
        train, test = next(splitter.split(X=arrays[0], y=stratify))
    return list(chain.from_iterable((take_rows(array, train), take_rows(array, test))
                                    for array in arrays))
