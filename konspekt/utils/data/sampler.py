"""Samplers: the order in which a ``DataLoader`` reads the indices of a map-style dataset.

``SequentialSampler`` (0, 1, …, n − 1), ``RandomSampler`` (a permutation, or draws with
replacement), ``SubsetRandomSampler`` (a permutation of given indices),
``WeightedRandomSampler`` (draws with probabilities ∝ weights) and ``BatchSampler`` (groups of
``batch_size`` indices). The random ones draw from konspekt's generator: ``kp.manual_seed`` or a
seeded ``generator`` reproduces an epoch.
"""

import itertools
import numbers

from ...autograd.backend import xp
from ...autograd.creation import Generator, _rng

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


class Sampler:
    """Base class: a subclass implements ``__iter__`` (yielding indices) and, when it can,
    ``__len__``.

    Parameters
    ----------
    data_source : Dataset, optional
        Accepted for torch compatibility; unused by the base class.
    """

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


def _epoch_generator(generator):
    """The generator of one epoch: ``generator`` itself, or, when None, a new one seeded by one
    draw from the default generator (so that ``kp.manual_seed`` reproduces the epoch, and the
    default generator moves on between epochs), as torch does."""
    if generator is not None:
        return generator
    return Generator().manual_seed(int(_rng(None).integers(0, 2 ** 63 - 1)))


class SequentialSampler(Sampler):
    """The indices 0, 1, …, len(data_source) − 1 in order.

    Examples
    --------
    >>> list(SequentialSampler(range(3)))
    [0, 1, 2]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices in random order: a permutation of 0 … n − 1, or ``num_samples`` independent
    uniform draws when ``replacement``.

    Without replacement and ``num_samples`` > n, whole permutations follow one another and the
    last one is cut short (torch's rule).

    Parameters
    ----------
    data_source : Dataset
    replacement : bool, default False
    num_samples : int, optional
        How many indices an epoch yields; ``len(data_source)`` by default.
    generator : Generator, optional
        Source of randomness; when None, each epoch seeds a new generator from konspekt's default
        one.

    Examples
    --------
    >>> sorted(RandomSampler(range(4)))
    [0, 1, 2, 3]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if (not isinstance(self.num_samples, int) or isinstance(self.num_samples, bool)
                or self.num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        # the dataset may grow or shrink between epochs
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        rng = _epoch_generator(self.generator).rng
        m = self.num_samples
        if self.replacement:
            indices = rng.integers(0, n, m)
        else:
            indices = xp.concatenate([rng.permutation(n) for _ in range(-(-m // n))])[:m]
        return iter(indices.tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (without replacement).

    Parameters
    ----------
    indices : sequence of int
    generator : Generator, optional

    Examples
    --------
    >>> sorted(SubsetRandomSampler([5, 7, 9]))
    [5, 7, 9]
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        order = _rng(self.generator).permutation(len(self.indices))
        return (self.indices[i] for i in order.tolist())

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Draws of indices 0 … len(weights) − 1 with probabilities p_i = w_i / Σ_j w_j.

    Without replacement each index is drawn at most once: successive draws renormalise the
    weights of the indices not drawn yet (indices of weight 0 come only once the others are
    used up, as in torch).

    Parameters
    ----------
    weights : sequence of float
        Non-negative weights, not necessarily summing to one.
    num_samples : int
        Draws per epoch.
    replacement : bool, default True
    generator : Generator, optional

    Examples
    --------
    >>> class_weight = {0: 1.0, 1: 9.0}      # oversample the rare class 0
    >>> sampler = WeightedRandomSampler([class_weight[c] for c in [1, 1, 0]], 3)
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if (not isinstance(num_samples, numbers.Integral) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        weights = xp.asarray(getattr(weights, "data", weights), dtype=xp.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights.shape)}")
        if (weights < 0).any() or not xp.isfinite(weights).all():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if weights.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > len(weights):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                               "replacement")
        self.weights = weights
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        rng = _rng(self.generator)
        if self.replacement:
            drawn = rng.choice(len(self.weights), self.num_samples,
                               p=self.weights / self.weights.sum())
        else:
            # Efraimidis–Spirakis: the k largest keys log(u_i) / w_i are a draw of k indices
            # without replacement with probabilities ∝ w; zero weights come last, as in torch
            with xp.errstate(divide="ignore"):
                keys = xp.log(rng.random(len(self.weights))) / self.weights
            drawn = xp.argsort(-keys, kind="stable")[:self.num_samples]
        return iter(drawn.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    Parameters
    ----------
    sampler : Sampler or iterable of int
    batch_size : int
    drop_last : bool
        Drop the last batch when it is shorter than ``batch_size``.

    Examples
    --------
    >>> list(BatchSampler(SequentialSampler(range(5)), 2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if (not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        while True:
            batch = list(itertools.islice(indices, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)
