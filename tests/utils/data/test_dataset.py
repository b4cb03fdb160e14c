"""Datasets and random_split: the behaviour and errors of torch.utils.data."""

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import konspekt as kp
from konspekt.utils.data import (ChainDataset, ConcatDataset, Dataset, IterableDataset,
                                 StackDataset, Subset, TensorDataset, random_split)


def test_tensor_dataset_rows_of_tensors_and_arrays():
    X, y = kp.randn(10, 3), np.arange(10)
    ds = TensorDataset(X, y)
    assert len(ds) == 10
    x5, y5 = ds[5]
    np.testing.assert_array_equal(x5.data, X.data[5])
    assert y5 == 5
    rows = ds[[1, 3]]
    np.testing.assert_array_equal(rows[0].data, X.data[[1, 3]])


def test_tensor_dataset_size_mismatch_as_torch():
    with pytest.raises(AssertionError) as theirs:
        tud.TensorDataset(torch.zeros(3), torch.zeros(4))
    with pytest.raises(AssertionError) as ours:
        TensorDataset(kp.zeros(3), np.zeros(4))
    assert str(ours.value) == str(theirs.value) == "Size mismatch between tensors"


def test_dataset_base_class():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
        Dataset()[0]
    combined = TensorDataset(kp.zeros(2)) + TensorDataset(kp.ones(3))
    assert isinstance(combined, ConcatDataset) and len(combined) == 5


def test_concat_dataset_indexes_across_parts_as_torch():
    parts = [list(range(3)), list(range(10, 12)), list(range(20, 24))]
    ours, theirs = ConcatDataset(parts), tud.ConcatDataset(parts)
    assert ours.cumulative_sizes == theirs.cumulative_sizes == [3, 5, 9]
    assert [ours[i] for i in range(-9, 9)] == [theirs[i] for i in range(-9, 9)]
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        ours[-10]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])

    class Stream(IterableDataset):
        def __iter__(self):
            return iter([1])
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Stream()])
    assert list(ChainDataset([Stream(), Stream()])) == [1, 1]
    assert list(Stream() + Stream()) == [1, 1]


def test_stack_dataset_as_torch():
    a, b = list(range(4)), list("abcd")
    assert StackDataset(a, b)[2] == tud.StackDataset(a, b)[2] == (2, "c")
    assert StackDataset(x=a, y=b)[1] == {"x": 1, "y": "b"}
    for args, kwargs, message in [((a, b[:3]), {}, "Size mismatch between datasets"),
                                  ((), {}, "At least one dataset should be passed"),
                                  ((a,), {"y": b}, "Supported either")]:
        with pytest.raises(ValueError, match=message):
            StackDataset(*args, **kwargs)


def test_subset_reads_through_its_indices():
    ds = TensorDataset(kp.arange(10) * 10)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3
    assert sub[0][0].item() == 70
    assert [s[0].item() for s in sub.__getitems__([2, 1])] == [50, 20]


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [0.34, 0.33, 0.33]])
def test_random_split_disjoint_complete_and_sized_as_torch(lengths):
    n = 10 if isinstance(lengths[0], int) else 11
    ours = random_split(range(n), lengths, generator=kp.Generator().manual_seed(0))
    theirs = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    everything = [i for s in ours for i in s]
    assert sorted(everything) == list(range(n))  # each sample exactly once


def test_random_split_reproducible_with_a_seed():
    def split():
        return [list(s) for s in random_split(range(20), [0.5, 0.5])]
    kp.manual_seed(3)
    first = split()
    kp.manual_seed(3)
    assert split() == first
    assert random_split(range(20), [10, 10], generator=kp.Generator().manual_seed(1))[0].indices \
        == random_split(range(20), [10, 10], generator=kp.Generator().manual_seed(1))[0].indices


def test_random_split_errors_and_warning_as_torch():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the "
                                         "input dataset!"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [0.99, 0.01])
