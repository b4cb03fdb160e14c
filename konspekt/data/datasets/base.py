"""What every dataset loader and generator shares: the ``Bunch`` result, the seeding rule, the
fixed stratified train/test split and the conversion to tensors."""

import math
import numbers

import numpy as np

from ...autograd.creation import Generator, _rng, tensor
from ...autograd.dtype import get_default_dtype, int64

__all__ = ["Bunch", "check_random_state", "train_test_indices"]

SPLITS = (None, "train", "test")


class Bunch(dict):
    """A dict whose keys are also attributes (``bunch.data`` is ``bunch["data"]``), as
    scikit-learn's."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __dir__(self):
        return list(self.keys())


def check_random_state(random_state):
    """A NumPy random generator for ``random_state``.

    None draws a seed from konspekt's default generator (so that ``kp.manual_seed`` reproduces
    the data); an int seeds a new PCG64 generator; a ``kp.Generator`` gives its generator; a
    ``numpy.random.Generator`` or ``RandomState`` is used as it is.
    """
    if random_state is None:
        return np.random.default_rng(int(_rng(None).integers(0, 2 ** 63 - 1)))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, Generator):
        return random_state.rng
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    raise ValueError(f"random_state must be None, an int, a kp.Generator or a NumPy random "
                     f"generator, got {random_state!r}")


def _test_count(test_size, n):
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        if not 1 <= test_size < n:
            raise ValueError(f"test_size={test_size} should be either positive and smaller than "
                             f"the number of samples {n} or a float in the (0, 1) range")
        return int(test_size)
    if isinstance(test_size, numbers.Real) and 0 < test_size < 1:
        count = math.ceil(test_size * n)
        if count >= n:
            raise ValueError(f"test_size={test_size} leaves no training samples out of {n}")
        return count
    raise ValueError(f"test_size={test_size!r} should be either positive and smaller than the "
                     f"number of samples {n} or a float in the (0, 1) range")


def train_test_indices(n_samples, test_size, rng, labels=None):
    """The row numbers of a random train/test split, each in increasing order.

    The test set has n_test = ⌈test_size · n⌉ rows (or ``test_size`` rows for an int). With
    ``labels`` the split is stratified: class c of n_c rows gives ⌊n_test · n_c / n⌋ rows to the
    test set, and the rows still missing go one each to the classes with the largest remainders;
    which rows of a class go is a random permutation.

    Parameters
    ----------
    n_samples : int
    test_size : float in (0, 1) or int
    rng : numpy random generator
    labels : array of shape (n_samples,), optional
        Class labels to stratify on.

    Returns
    -------
    train, test : int64 arrays
    """
    n_test = _test_count(test_size, n_samples)
    if labels is None:
        test = rng.permutation(n_samples)[:n_test]
    else:
        classes, label_index = np.unique(labels, return_inverse=True)
        counts = np.bincount(label_index, minlength=len(classes))
        exact = counts * n_test / n_samples
        per_class = np.floor(exact).astype(np.int64)
        missing = n_test - per_class.sum()
        per_class[np.argsort(-(exact - per_class), kind="stable")[:missing]] += 1
        test = np.concatenate([rng.permutation(np.flatnonzero(label_index == c))[:k]
                               for c, k in enumerate(per_class)])
    is_test = np.zeros(n_samples, dtype=bool)
    is_test[test] = True
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def check_split(split):
    if split not in SPLITS:
        raise ValueError(f"split must be None, 'train' or 'test', got {split!r}")


def select(split, test_size, rng, n_samples, labels=None):
    """The rows of ``split`` (all rows for None)."""
    check_split(split)
    if split is None:
        return np.arange(n_samples)
    train, test = train_test_indices(n_samples, test_size, rng, labels)
    return train if split == "train" else test


def convert(array, as_tensor, integer=False):
    """A float64 / int64 array, or a tensor of the default float dtype / int64."""
    if as_tensor:
        return tensor(array, dtype=int64 if integer else get_default_dtype())
    return np.asarray(array, dtype=np.int64 if integer else np.float64)
