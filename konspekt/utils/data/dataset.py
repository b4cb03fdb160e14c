"""Datasets as torch.utils.data has them: the map-style ``Dataset`` (``__getitem__`` and
``__len__``), the stream-style ``IterableDataset`` (``__iter__``), ``TensorDataset`` over
tensors or arrays of equal length, ``Subset``, ``ConcatDataset``, ``StackDataset``,
``ChainDataset`` and ``random_split``.
"""

import bisect
import itertools
import math
import warnings

from ...autograd.backend import ndarray
from ...autograd.creation import randperm
from ...autograd.tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split"]


class Dataset:
    """A collection of samples read by index: ``dataset[i]`` is the i-th sample.

    A subclass implements ``__getitem__`` and usually ``__len__`` (which ``DataLoader``'s default
    samplers need). ``a + b`` concatenates two datasets.

    Examples
    --------
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 10
    ...     def __getitem__(self, i):
    ...         return i, i * i
    >>> Squares()[3]
    (3, 9)
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: a subclass implements ``__iter__``.

    With ``num_workers > 0`` every worker process holds a copy of the dataset and iterates it;
    ``get_worker_info()`` inside ``__iter__`` tells a copy which share of the stream is its own,
    else each sample arrives once per worker (as in torch).

    Examples
    --------
    >>> class Count(IterableDataset):
    ...     def __iter__(self):
    ...         return iter(range(5))
    >>> list(DataLoader(Count(), batch_size=2))
    [tensor([0, 1]), tensor([2, 3]), tensor([4])]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


def _length(item):
    return item.shape[0] if isinstance(item, (Tensor, ndarray)) else len(item)


class TensorDataset(Dataset):
    """Samples that are rows of tensors: ``dataset[i] = (t[i] for t in tensors)``.

    Parameters
    ----------
    *tensors : Tensor or ndarray
        Tensors (or NumPy arrays) with the same size of the first dimension.

    Attributes
    ----------
    tensors : tuple
        The tensors, as given.

    Raises
    ------
    AssertionError
        "Size mismatch between tensors" when the first dimensions differ (torch's error).

    Examples
    --------
    >>> X, y = kp.randn(100, 3), kp.randint(0, 2, (100,))
    >>> ds = TensorDataset(X, y)
    >>> len(ds), ds[0][0].shape
    (100, (3,))
    """

    def __init__(self, *tensors):
        if any(_length(tensors[0]) != _length(t) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return _length(self.tensors[0])


class StackDataset(Dataset):
    """Datasets side by side: sample i is the tuple (or dict) of their i-th samples.

    Parameters
    ----------
    *args : Dataset
        Datasets whose samples form a tuple.
    **kwargs : Dataset
        Datasets whose samples form a dict under these keys (not together with ``args``).

    Examples
    --------
    >>> StackDataset(image=[1, 2], label=[0, 1])[1]
    {'image': 2, 'label': 1}
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        parts = list(args) or list(kwargs.values())
        self._length = len(parts[0])
        if any(len(d) != self._length for d in parts):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args or kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """Several map-style datasets one after the other.

    Sample i comes from the first dataset whose cumulative size exceeds i.

    Parameters
    ----------
    datasets : iterable of Dataset

    Attributes
    ----------
    datasets : list
    cumulative_sizes : list of int
        The running totals of the datasets' lengths.

    Examples
    --------
    >>> ds = ConcatDataset([[1, 2], [3, 4, 5]])
    >>> len(ds), ds[2], ds[-1]
    (5, 3, 5)
    """

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Several iterable datasets one after the other, chained as they are read.

    Parameters
    ----------
    datasets : iterable of IterableDataset
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Parameters
    ----------
    dataset : Dataset
    indices : sequence of int

    Examples
    --------
    >>> s = Subset(list("abcdef"), [4, 0])
    >>> len(s), s[0]
    (2, 'e')
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` at random into non-overlapping subsets of the given lengths.

    A random permutation π of 0 … n − 1 is cut into consecutive pieces of the given lengths;
    subset k holds the samples π[offset_k : offset_k + length_k].

    Parameters
    ----------
    dataset : Dataset
    lengths : sequence of int or of float
        Lengths summing to ``len(dataset)``, or fractions summing to 1: then each length is
        ⌊fraction · n⌋ and the remaining samples are added one at a time, round robin, from the
        first subset on (torch's rule).
    generator : Generator, optional
        Source of the permutation; konspekt's default generator when None, so that
        ``kp.manual_seed`` fixes the split.

    Returns
    -------
    list of Subset

    Examples
    --------
    >>> train, test = random_split(range(10), [0.8, 0.2], generator=kp.Generator().manual_seed(0))
    >>> len(train), len(test)
    (8, 2)
    """
    n = len(dataset)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        sizes = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * fraction))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty "
                              f"dataset.", stacklevel=2)
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = randperm(n, generator=generator).tolist()
    ends = list(itertools.accumulate(lengths))
    return [Subset(dataset, indices[end - length:end]) for end, length in zip(ends, lengths)]

