"""DataLoader with worker processes (few tests: each starts processes). Batches keep the
sampler's order; each worker is seeded and initialised; its errors reach the loading process."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, \
    get_worker_info

_initialised = None


def _init(worker_id):
    global _initialised
    _initialised = 100 + worker_id


class _Probe(Dataset):
    """Each sample reports the worker that read it and a draw from its default generator."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        if i == 11 and getattr(self, "fail", False):
            raise KeyError("sample 11 is missing")
        info = get_worker_info()
        return i, info.id, info.num_workers, _initialised, float(kp.rand(1).item())


def test_two_workers_every_sample_once_in_the_single_process_order():
    ds = TensorDataset(kp.randn(37, 3), kp.arange(37))
    with_workers = DataLoader(ds, batch_size=5, shuffle=True, num_workers=2,
                              generator=kp.Generator().manual_seed(4))
    here = DataLoader(ds, batch_size=5, shuffle=True, generator=kp.Generator().manual_seed(4))
    batches = [(x, y) for x, y in with_workers]
    seen = [i for _, y in batches for i in y.tolist()]
    assert sorted(seen) == list(range(37))
    assert seen == [i for _, y in here for i in y.tolist()]
    for x, y in batches:
        np.testing.assert_array_equal(x.data, ds.tensors[0].data[y.data])
    assert get_worker_info() is None  # in the loading process


def test_workers_are_seeded_initialised_and_their_errors_raised_here():
    probe = _Probe()
    kp.manual_seed(0)
    samples = [s for batch in DataLoader(probe, batch_size=3, num_workers=2, worker_init_fn=_init)
               for s in zip(*(v.tolist() for v in batch))]
    assert [s[0] for s in samples] == list(range(12))
    assert {(s[1], s[3]) for s in samples} == {(0, 100), (1, 101)}  # batches alternate workers
    assert all(s[2] == 2 for s in samples)
    draws = [s[4] for s in samples]
    assert len(set(draws)) == 12  # the two workers' generators differ
    kp.manual_seed(0)
    loader = DataLoader(probe, batch_size=3, num_workers=2, worker_init_fn=_init)
    again = [s[4] for batch in loader for s in zip(*(v.tolist() for v in batch))]
    assert again == draws  # kp.manual_seed fixes the workers' seeds
    probe.fail = True
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 1"):
        list(loader)


class _Shards(IterableDataset):
    def __iter__(self):
        info = get_worker_info()
        start, step = (info.id, info.num_workers) if info else (0, 1)
        return iter(range(start, 10, step))


def test_iterable_dataset_shared_out_with_get_worker_info():
    batches = [b.tolist() for b in DataLoader(_Shards(), batch_size=3, num_workers=2)]
    # torch's order: batches alternate between the workers until each is used up
    assert batches == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
