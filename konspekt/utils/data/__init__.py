"""``konspekt.utils.data``: datasets, samplers and the ``DataLoader``, as ``torch.utils.data``.

>>> from konspekt.utils.data import DataLoader, TensorDataset, random_split
>>> train, valid = random_split(TensorDataset(X, y), [0.8, 0.2])
>>> for xb, yb in DataLoader(train, batch_size=64, shuffle=True):
...     ...
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)
from .worker import WorkerInfo, get_worker_info

__all__ = ["DataLoader", "Dataset", "IterableDataset", "TensorDataset", "StackDataset",
           "ConcatDataset", "ChainDataset", "Subset", "random_split", "default_collate",
           "default_convert", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "WorkerInfo",
           "get_worker_info"]
