"""``DataLoader``: batches of a dataset in the order of a sampler, in this process or in worker
processes, with torch's arguments, defaults and errors."""

import itertools
import math
import multiprocessing
import os
import queue
import warnings

from ...autograd.creation import _rng
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .fetch import Fetcher
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from .worker import WorkerDone, WorkerFailure, worker_loop

__all__ = ["DataLoader"]

# How often a waiting loader checks that its workers are still alive (seconds)
_POLL_INTERVAL = 5.0


class _InfiniteConstantSampler:
    """The sampler of an iterable dataset: indices mean nothing there, so it yields None for
    ever and the dataset decides when the epoch ends."""

    def __iter__(self):
        return itertools.repeat(None)


class DataLoader:
    """Iterates over a dataset in mini-batches.

    Each epoch (each ``iter(loader)``) the sampler orders the indices 0 … n − 1 (in order, or a
    fresh permutation with ``shuffle=True``), the batch sampler groups them by ``batch_size``, and
    each group of samples is read and merged into one batch by ``collate_fn``. A map-style
    ``TensorDataset`` collated by the default is read a batch at a time by fancy indexing.

    Parameters
    ----------
    dataset : Dataset or IterableDataset
    batch_size : int or None, default 1
        Samples per batch; None turns automatic batching off (each sample is converted alone).
    shuffle : bool, optional
        A new random order every epoch (map-style datasets).
    sampler : Sampler or iterable, optional
        The order of the indices; excludes ``shuffle``.
    batch_sampler : Sampler or iterable of lists, optional
        Yields whole batches of indices; excludes ``batch_size``, ``shuffle``, ``sampler`` and
        ``drop_last``.
    num_workers : int, default 0
        Worker processes reading batches; 0 reads in this process. Batches arrive in the
        sampler's order whatever the number of workers.
    collate_fn : callable, optional
        Merges a list of samples into a batch; ``default_collate`` by default (``default_convert``
        without automatic batching).
    pin_memory : bool, default False
        Accepted for torch compatibility; there is no device memory to pin.
    drop_last : bool, default False
        Drop the last batch when it is shorter than ``batch_size``.
    timeout : float, default 0
        Seconds to wait for a worker's batch before a RuntimeError; 0 waits for ever.
    worker_init_fn : callable, optional
        Called as ``worker_init_fn(worker_id)`` in each worker, after its seeding.
    multiprocessing_context : str or multiprocessing context, optional
        The start method of the workers ("fork", "spawn", "forkserver"); the platform's default
        when None.
    generator : Generator, optional
        Source of the shuffling and of the workers' base seed; konspekt's default generator when
        None, so that ``kp.manual_seed`` reproduces an epoch.
    prefetch_factor : int, optional
        Batches requested ahead per worker (2 when ``num_workers > 0``).
    persistent_workers : bool, default False
        Accepted for torch compatibility (checked as torch does); workers start every epoch.
    pin_memory_device : str, default ""
        Accepted for torch compatibility.
    in_order : bool, default True
        Accepted for torch compatibility; batches always arrive in order.

    Examples
    --------
    >>> X, y = kp.randn(100, 3), kp.randint(0, 2, (100,))
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    >>> len(loader)
    4
    >>> for xb, yb in loader:
    ...     pass
    >>> xb.shape, yb.shape      # the last, shorter batch
    ((4, 3), (4,))
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")

        if sampler is None:
            if iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = _context(multiprocessing_context, num_workers)
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.pin_memory_device = pin_memory_device
        self.in_order = in_order
        self._iterable = iterable
        self._initialized = True
        if num_workers > (os.cpu_count() or 1):
            warnings.warn(f"This DataLoader will create {num_workers} worker processes in total, "
                          f"more than the {os.cpu_count()} CPUs of this machine: loading may be "
                          f"slow or freeze.", stacklevel=2)

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in (
                "batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                "persistent_workers"):
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = (length // self.batch_size if self.drop_last
                          else math.ceil(length / self.batch_size))
            return length
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers > 0:
            return _MultiProcessIterator(self)
        return self._iterate_here()

    def _fetcher(self):
        return Fetcher(self.dataset, self._iterable, self._auto_collation, self.collate_fn,
                       self.drop_last)

    def _iterate_here(self):
        # drawn as with workers, so that a seed gives the same order with or without them
        _base_seed(self.generator)
        fetcher = self._fetcher()
        for index in self._index_sampler:
            try:
                batch = fetcher.fetch(index)
            except StopIteration:
                return
            yield batch


def _base_seed(generator):
    """The workers' base seed, one draw from the loader's generator (as torch, at the start of
    every epoch)."""
    return int(_rng(generator).integers(0, 2 ** 62))


def _context(context, num_workers):
    if context is None:
        return None
    if num_workers == 0:
        raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                         f"(num_workers > 0), but got num_workers={num_workers}")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(f"multiprocessing_context option should specify a valid start "
                             f"method in {methods!r}, but got multiprocessing_context={context!r}")
        return multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(f"multiprocessing_context option should be a valid context object or a "
                        f"string specifying the start method, but got "
                        f"multiprocessing_context={context}")
    return context


class _MultiProcessIterator:
    """One epoch read by worker processes.

    Requests (number, index) go round robin to the workers' queues, ``prefetch_factor`` per
    worker ahead of the consumer; answers come back on one queue in any order and are held until
    their turn, so the batches leave in the order of the requests. A worker whose iterable
    dataset is used up answers ``WorkerDone`` and gets no more requests.
    """

    def __init__(self, loader):
        self.shut = False
        self.index_queues, self.workers = [], []
        context = loader.multiprocessing_context or multiprocessing.get_context()
        self.timeout = loader.timeout
        base_seed = _base_seed(loader.generator)
        self.indices = iter(loader._index_sampler)
        self.num_workers = loader.num_workers
        self.result_queue = context.Queue()
        for worker_id in range(self.num_workers):
            index_queue = context.Queue()
            worker = context.Process(
                target=worker_loop, daemon=True,
                args=(loader.dataset, loader._iterable, loader._auto_collation,
                      loader.collate_fn, loader.drop_last, index_queue, self.result_queue,
                      worker_id, self.num_workers, base_seed, loader.worker_init_fn))
            worker.start()
            self.index_queues.append(index_queue)
            self.workers.append(worker)
        self.active = [True] * self.num_workers
        self.next_worker = itertools.cycle(range(self.num_workers))
        self.sent = self.received = 0
        self.owner = {}      # request number → worker
        self.waiting = {}    # answers that came before their turn
        for _ in range(loader.prefetch_factor * self.num_workers):
            self._request()

    def __iter__(self):
        return self

    def _request(self):
        if not any(self.active):
            return
        worker = next(w for w in self.next_worker if self.active[w])
        index = next(self.indices, StopIteration)
        if index is StopIteration:
            return
        self.index_queues[worker].put((self.sent, index))
        self.owner[self.sent] = worker
        self.sent += 1

    def _answer(self, number):
        while number not in self.waiting:
            try:
                got, answer = self.result_queue.get(
                    timeout=self.timeout if self.timeout > 0 else _POLL_INTERVAL)
            except queue.Empty:
                if self.timeout > 0:
                    self._shutdown()
                    raise RuntimeError(f"DataLoader timed out after {self.timeout} seconds") \
                        from None
                dead = [w.pid for w in self.workers if not w.is_alive()]
                if dead:
                    self._shutdown()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(map(str, dead))}) "
                                       f"exited unexpectedly") from None
                continue
            self.waiting[got] = answer
        return self.waiting.pop(number)

    def __next__(self):
        while True:
            if self.received == self.sent:
                self._shutdown()
                raise StopIteration
            number = self.received
            answer = self._answer(number)
            self.received += 1
            worker = self.owner.pop(number)
            if isinstance(answer, WorkerDone):
                # a used-up worker answers every later request the same way
                self.active[worker] = False
                self._request()
                continue
            self._request()
            if isinstance(answer, WorkerFailure):
                self._shutdown()
                answer.reraise()
            return answer

    def _shutdown(self):
        if self.shut:
            return
        self.shut = True
        for index_queue in self.index_queues:
            index_queue.put(None)
        for worker in self.workers:
            worker.join(timeout=_POLL_INTERVAL)
            if worker.is_alive():
                worker.terminate()
        for q in [*self.index_queues, self.result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        self._shutdown()
