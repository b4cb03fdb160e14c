"""DataLoader in this process: every sample once per epoch, reproducible shuffling, the batches
torch gives on the same data, the whole-batch reading of TensorDataset, torch's errors."""

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import konspekt as kp
from konspekt.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset,
                                 RandomSampler, SequentialSampler, Subset, TensorDataset,
                                 default_collate, random_split)

N = 23


def _dataset(n=N):
    X = kp.tensor(np.arange(n * 2, dtype=np.float32).reshape(n, 2))
    return TensorDataset(X, kp.arange(n))


def _seen(loader):
    return [i for _, y in loader for i in y.tolist()]


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (5, False), (5, True), (N, False),
                                                   (50, False)])
def test_an_epoch_yields_every_sample_exactly_once(shuffle, batch_size, drop_last):
    loader = DataLoader(_dataset(), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    seen = _seen(loader)
    sizes = [len(y) for _, y in loader]
    kept = N - N % batch_size if drop_last else N
    assert len(seen) == kept and len(set(seen)) == kept  # no sample twice
    if not drop_last:
        assert sorted(seen) == list(range(N))
    if not shuffle:
        assert seen == list(range(kept))
    assert len(loader) == len(sizes) == len(tud.DataLoader(range(N), batch_size=batch_size,
                                                           drop_last=drop_last))
    assert all(s == batch_size for s in sizes[:-1]) and sizes[-1] <= batch_size


def test_batch_sampler_gives_the_batches():
    batches = [[3, 1], [0, 2, 4], [5]]
    loader = DataLoader(_dataset(6), batch_sampler=batches)
    assert [y.tolist() for _, y in loader] == batches
    assert len(loader) == 3
    sampler = BatchSampler(RandomSampler(range(N)), 4, drop_last=False)
    assert sorted(_seen(DataLoader(_dataset(), batch_sampler=sampler))) == list(range(N))


def test_shuffling_reproducible_with_a_seed_and_new_each_epoch():
    ds = _dataset()
    seeded = DataLoader(ds, batch_size=4, shuffle=True, generator=kp.Generator().manual_seed(7))
    again = DataLoader(ds, batch_size=4, shuffle=True, generator=kp.Generator().manual_seed(7))
    first = _seen(seeded)
    assert first == _seen(again) and first != list(range(N))
    assert _seen(seeded) != first  # the next epoch is another permutation
    loader = DataLoader(ds, batch_size=4, shuffle=True)
    kp.manual_seed(0)
    epoch = _seen(loader)
    kp.manual_seed(0)
    assert _seen(loader) == epoch


def test_batches_equal_torch_on_the_same_python_data():
    samples = [{"x": np.full(3, i, dtype=np.float32), "y": i, "name": f"s{i}", "w": i / 2}
               for i in range(7)]
    ours = list(DataLoader(samples, batch_size=3))
    theirs = list(tud.DataLoader(samples, batch_size=3))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        assert a["name"] == b["name"]
        for key in ("x", "y", "w"):
            assert a[key].shape == tuple(b[key].shape)
            assert str(a[key].dtype).split(".")[-1] == str(b[key].dtype).split(".")[-1]
            np.testing.assert_array_equal(a[key].data, b[key].numpy())


class _SampleBySample(Dataset):
    """The same samples as a TensorDataset, read one at a time (no whole-batch path)."""

    def __init__(self, *arrays):
        self.arrays = arrays

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, i):
        return tuple(a[i] for a in self.arrays)


@pytest.mark.parametrize("kind", ["tensors", "arrays", "subset", "nested subset"])
def test_whole_batch_reading_equals_collating_sample_by_sample(kind):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 1, 4, 4)).astype(np.float32)
    y, flags = rng.integers(0, 10, 30), rng.random(30) < 0.5
    fast = TensorDataset(X, y, flags) if kind == "arrays" else \
        TensorDataset(kp.tensor(X), kp.tensor(y), kp.tensor(flags))
    slow = _SampleBySample(X, y, flags) if kind == "arrays" else \
        _SampleBySample(kp.tensor(X), kp.tensor(y), kp.tensor(flags))
    if kind in ("subset", "nested subset"):
        indices = rng.permutation(30)[:20].tolist()
        fast, slow = Subset(fast, indices), Subset(slow, indices)
    if kind == "nested subset":
        every_other = list(range(19, -1, -2))
        fast, slow = Subset(fast, every_other), Subset(slow, every_other)
    for a, b in zip(DataLoader(fast, batch_size=8), DataLoader(slow, batch_size=8)):
        assert type(a) is type(b) is list
        for p, q in zip(a, b):
            assert p.dtype == q.dtype and p.shape == q.shape
            np.testing.assert_array_equal(p.data, q.data)


def test_whole_batch_reading_leaves_tensors_that_need_gradients_to_the_collate():
    X = kp.randn(6, 2, requires_grad=True)
    xb, _ = next(iter(DataLoader(TensorDataset(X, kp.arange(6)), batch_size=3)))
    xb.sum().backward()  # stacked samples: the batch stays in X's graph
    np.testing.assert_array_equal(X.grad.data[:3], 1.0)


def test_random_split_then_loader_covers_each_part():
    train, test = random_split(_dataset(), [0.7, 0.3], generator=kp.Generator().manual_seed(0))
    seen_train = _seen(DataLoader(train, batch_size=4, shuffle=True))
    seen_test = _seen(DataLoader(test, batch_size=4))
    assert sorted(seen_train + seen_test) == list(range(N))
    assert seen_test == test.indices


def test_without_automatic_batching_samples_are_converted_one_by_one():
    data = [np.array([i, i]) for i in range(3)]
    ours = list(DataLoader(data, batch_size=None))
    theirs = list(tud.DataLoader(data, batch_size=None))
    assert [o.tolist() for o in ours] == [t.tolist() for t in theirs]
    assert isinstance(ours[0], kp.Tensor)


def test_custom_collate_fn_and_sampler():
    loader = DataLoader(list(range(10)), batch_size=4, sampler=[9, 8, 7, 6, 5],
                        collate_fn=lambda batch: sum(batch))
    assert list(loader) == [30, 5]


class _Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("batch_size, drop_last", [(3, False), (3, True), (None, False)])
def test_iterable_dataset_batches_and_length_as_torch(batch_size, drop_last):
    ours = DataLoader(_Count(10), batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(_TorchCount(10), batch_size=batch_size, drop_last=drop_last)
    assert [b.tolist() if isinstance(b, kp.Tensor) else b for b in ours] == \
        [b.tolist() if isinstance(b, torch.Tensor) else b for b in theirs]
    assert len(ours) == len(theirs)


class _TorchCount(tud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("kwargs", [
    {"shuffle": True, "sampler": [0, 1]},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "shuffle": True},
    {"batch_sampler": [[0]], "sampler": [0]},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"num_workers": -1},
    {"timeout": -1},
    {"prefetch_factor": 2},
    {"num_workers": 1, "prefetch_factor": -1},
    {"persistent_workers": True},
    {"multiprocessing_context": "fork"},
    {"num_workers": 1, "multiprocessing_context": "no-such-method"},
])
def test_argument_errors_as_torch(kwargs):
    with pytest.raises(ValueError) as theirs:
        tud.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError) as ours:
        DataLoader(list(range(4)), **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0]},
                                    {"batch_sampler": [[0]]}])
def test_iterable_dataset_refuses_orderings_as_torch(kwargs):
    with pytest.raises(ValueError) as theirs:
        tud.DataLoader(_TorchCount(3), **kwargs)
    with pytest.raises(ValueError) as ours:
        DataLoader(_Count(3), **kwargs)
    ours_text, theirs_text = str(ours.value), str(theirs.value)
    assert ours_text.split("but got")[0] == theirs_text.split("but got")[0]


def test_attributes_fixed_after_construction_as_torch():
    loader = DataLoader(list(range(4)), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3
    loader.num_workers = 0  # not one of the fixed attributes
    assert isinstance(loader.sampler, SequentialSampler)
    assert loader.collate_fn is default_collate
