"""Worker processes of a ``DataLoader`` (``num_workers > 0``) and ``get_worker_info``.

Each worker holds a copy of the dataset, seeds its random number generators with
``base_seed + worker_id`` (konspekt's default generator, Python's ``random``, and NumPy's global
generator through a SeedSequence of both numbers), runs ``worker_init_fn(worker_id)``, then
answers requests: it reads the batch of each index it receives and sends it back with the
request's number, so that the loading process can restore the sampler's order.
"""

import random
import traceback
from dataclasses import dataclass

from ...autograd.backend import xp
from ...autograd.creation import manual_seed
from .fetch import Fetcher

__all__ = ["WorkerInfo", "get_worker_info"]

_worker_info = None


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker process knows about itself.

    Attributes
    ----------
    id : int
        The worker's number, 0 … num_workers − 1.
    num_workers : int
    seed : int
        The seed of the worker's generators: base_seed + id.
    dataset : Dataset
        This process's copy of the dataset.
    """

    id: int
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """The ``WorkerInfo`` of the current worker process; None in the loading process.

    Inside an ``IterableDataset.__iter__`` it tells each worker's copy which share of the stream
    to yield, e.g. ``range(start + info.id, end, info.num_workers)``.
    """
    return _worker_info


@dataclass
class WorkerDone:
    """The answer of a worker whose iterable dataset is used up."""

    worker_id: int


class WorkerFailure:
    """An exception raised in a worker, carried to the loading process and raised there with
    the worker's traceback in its message."""

    def __init__(self, worker_id, error, where="in DataLoader worker process"):
        self.error_type = type(error)
        self.message = (f"Caught {type(error).__name__} {where} {worker_id}.\nOriginal "
                        + "".join(traceback.format_exception(error)))

    def reraise(self):
        try:
            error = self.error_type(self.message)
        except Exception:  # an exception whose constructor needs other arguments
            raise RuntimeError(self.message) from None
        raise error


def worker_loop(dataset, iterable, auto_collation, collate_fn, drop_last, index_queue,
                result_queue, worker_id, num_workers, base_seed, worker_init_fn):
    """The body of a worker process; stops on a None request."""
    global _worker_info
    seed = base_seed + worker_id
    manual_seed(seed)
    random.seed(seed)
    xp.random.seed(xp.random.SeedSequence([worker_id, base_seed]).generate_state(1)[0])
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    failure = None
    try:
        if worker_init_fn is not None:
            worker_init_fn(worker_id)
        fetcher = Fetcher(dataset, iterable, auto_collation, collate_fn, drop_last)
    except Exception as error:
        failure = WorkerFailure(worker_id, error)
    while True:
        request = index_queue.get()
        if request is None:
            # answers nobody will read must not keep the process from exiting
            result_queue.cancel_join_thread()
            break
        number, index = request
        if failure is not None:
            result_queue.put((number, failure))
            continue
        try:
            answer = fetcher.fetch(index)
        except StopIteration:
            answer = WorkerDone(worker_id)
        except Exception as error:
            answer = WorkerFailure(worker_id, error)
        result_queue.put((number, answer))
