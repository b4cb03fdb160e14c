"""Reading one batch from a dataset: the code shared by the loading process and its workers.

A map-style dataset is read sample by sample and collated, except in the common case that
allows one step: a ``TensorDataset`` (possibly inside ``Subset``s) of tensors that need no
gradient, or of numeric arrays, collated by ``default_collate``. Its batch is then the rows
``t[indices]`` of every tensor at once (fancy indexing), which is what stacking the samples one
by one would give, at a fraction of the cost.
"""

import itertools

from ...autograd import dtype as _dtypes
from ...autograd.backend import ndarray, xp
from ...autograd.tensor import Tensor, _make_tensor
from .collate import default_collate
from .dataset import Subset, TensorDataset

__all__ = []


def _plain(dataset, cls):
    """Whether ``dataset`` reads its items as ``cls`` does (a subclass may override them)."""
    kind = type(dataset)
    return (isinstance(dataset, cls) and kind.__getitem__ is cls.__getitem__
            and getattr(kind, "__getitems__", None) is getattr(cls, "__getitems__", None))


def _whole_batch_reader(dataset):
    """A function from a batch of indices to the collated batch, or None when the dataset is not
    a plain ``TensorDataset`` (through plain ``Subset``s) of numeric arrays without gradients."""
    maps = []
    while _plain(dataset, Subset):
        maps.append(xp.asarray(dataset.indices, dtype=xp.int64).reshape(-1))
        dataset = dataset.dataset
    if not _plain(dataset, TensorDataset):
        return None
    arrays = []
    for t in dataset.tensors:
        if isinstance(t, Tensor) and not t.requires_grad:
            array = t.data
        elif isinstance(t, ndarray) and t.ndim > 0:
            array = t
        else:
            return None
        try:
            _dtypes.from_numpy_dtype(array.dtype)
        except (TypeError, ValueError, KeyError):
            return None
        arrays.append(array)

    def read(indices):
        index = xp.asarray(indices)
        if index.ndim != 1 or index.dtype.kind not in "iu":
            return None
        for positions in maps:
            index = positions[index]
        return [_make_tensor(array[index]) for array in arrays]
    return read


class Fetcher:
    """Reads batches of one dataset for one process.

    Parameters
    ----------
    dataset : Dataset or IterableDataset
    iterable : bool
        Whether the dataset is read by iteration (an ``IterableDataset``).
    auto_collation : bool
        Whether an index is a batch of indices (``batch_size`` or ``batch_sampler`` given).
    collate_fn : callable
    drop_last : bool
    """

    def __init__(self, dataset, iterable, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.iterator = iter(dataset) if iterable else None
        self.ended = False
        self.read_whole_batch = None
        if not iterable and auto_collation and collate_fn is default_collate:
            self.read_whole_batch = _whole_batch_reader(dataset)

    def fetch(self, index):
        """The batch for ``index`` (a list of indices under automatic batching); raises
        StopIteration when an iterable dataset is used up."""
        if self.iterator is not None:
            return self._fetch_next(index)
        if self.read_whole_batch is not None:
            batch = self.read_whole_batch(index)
            if batch is not None:
                return batch
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            data = getitems(index) if callable(getitems) else [self.dataset[i] for i in index]
        else:
            data = self.dataset[index]
        return self.collate_fn(data)

    def _fetch_next(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        data = list(itertools.islice(self.iterator, len(index)))
        if len(data) < len(index):
            self.ended = True
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)
