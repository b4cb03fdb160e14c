"""Samplers: what each yields, reproducibility through konspekt's generator, torch's errors."""

import numpy as np
import pytest
import torch.utils.data as tud

import konspekt as kp
from konspekt.utils.data import (BatchSampler, RandomSampler, SequentialSampler,
                                 SubsetRandomSampler, WeightedRandomSampler)


def test_sequential_sampler():
    assert list(SequentialSampler(range(5))) == [0, 1, 2, 3, 4]
    assert len(SequentialSampler(range(5))) == 5


def test_random_sampler_is_a_permutation_reproducible_by_seed():
    sampler = RandomSampler(range(50))
    kp.manual_seed(0)
    first, second = list(sampler), list(sampler)
    assert sorted(first) == list(range(50)) and first != second  # a new order every epoch
    kp.manual_seed(0)
    assert list(sampler) == first
    seeded = RandomSampler(range(50), generator=kp.Generator().manual_seed(1))
    again = RandomSampler(range(50), generator=kp.Generator().manual_seed(1))
    assert list(seeded) == list(again)


def test_random_sampler_num_samples_and_replacement():
    # without replacement beyond n: whole permutations, the last one cut (torch's rule)
    drawn = list(RandomSampler(range(4), num_samples=10))
    assert len(drawn) == 10 and sorted(drawn[:4]) == sorted(drawn[4:8]) == [0, 1, 2, 3]
    assert len(set(drawn[8:])) == 2
    with_replacement = list(RandomSampler(range(3), replacement=True, num_samples=300,
                                          generator=kp.Generator().manual_seed(0)))
    assert len(with_replacement) == 300 and set(with_replacement) == {0, 1, 2}
    assert len(RandomSampler(range(3), replacement=True, num_samples=7)) == 7


@pytest.mark.parametrize("kwargs, error, message", [
    ({"replacement": 1}, TypeError, "replacement should be a boolean value, but got "
                                    "replacement=1"),
    ({"num_samples": 0}, ValueError, "num_samples should be a positive integer value, but got "
                                     "num_samples=0"),
    ({"num_samples": 2.0}, ValueError, "num_samples should be a positive integer value"),
])
def test_random_sampler_errors_as_torch(kwargs, error, message):
    with pytest.raises(error) as theirs:
        tud.RandomSampler(range(3), **kwargs)
    with pytest.raises(error, match=message) as ours:
        RandomSampler(range(3), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_subset_random_sampler():
    indices = [10, 20, 30, 40]
    drawn = list(SubsetRandomSampler(indices, generator=kp.Generator().manual_seed(0)))
    assert sorted(drawn) == indices and len(SubsetRandomSampler(indices)) == 4


def test_weighted_random_sampler_frequencies_follow_the_weights():
    weights = [1.0, 3.0, 0.0, 6.0]
    drawn = list(WeightedRandomSampler(weights, 20000, generator=kp.Generator().manual_seed(0)))
    frequencies = np.bincount(drawn, minlength=4) / len(drawn)
    np.testing.assert_allclose(frequencies, np.array(weights) / 10, atol=0.015)


def test_weighted_random_sampler_without_replacement_draws_distinct_indices():
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    drawn = list(WeightedRandomSampler(weights, 6, replacement=False))
    assert sorted(drawn) == list(range(6))
    # weight 0 comes only when the others are used up, as in torch
    assert list(WeightedRandomSampler([1.0, 0.0], 2, replacement=False)) == \
        list(tud.WeightedRandomSampler([1.0, 0.0], 2, replacement=False)) == [0, 1]


@pytest.mark.parametrize("weights, num_samples, replacement, error, message", [
    ([1.0, 2.0], 0, True, ValueError, "num_samples should be a positive integer value"),
    ([1.0, 2.0], 2, 1, ValueError, "replacement should be a boolean value"),
    ([[1.0, 2.0]], 1, True, ValueError, "weights should be a 1d sequence but given weights "
                                        "have shape (1, 2)"),
    ([1.0, -1.0], 1, True, RuntimeError, "probability tensor contains either `inf`, `nan` or "
                                         "element < 0"),
    ([0.0, 0.0], 1, True, RuntimeError, "invalid multinomial distribution (sum of probabilities "
                                        "<= 0)"),
    ([1.0, 1.0], 3, False, RuntimeError, "cannot sample n_sample > prob_dist.size(-1) samples "
                                         "without replacement"),
])
def test_weighted_random_sampler_errors_as_torch(weights, num_samples, replacement, error,
                                                 message):
    with pytest.raises(error) as theirs:
        list(tud.WeightedRandomSampler(weights, num_samples, replacement))
    with pytest.raises(error) as ours:
        list(WeightedRandomSampler(weights, num_samples, replacement))
    assert str(ours.value) == str(theirs.value)
    assert message in str(ours.value)


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("n, batch_size", [(10, 3), (9, 3), (2, 5)])
def test_batch_sampler_as_torch(n, batch_size, drop_last):
    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


@pytest.mark.parametrize("batch_size, drop_last", [(0, False), (True, False), (2, 1)])
def test_batch_sampler_errors_as_torch(batch_size, drop_last):
    with pytest.raises(ValueError) as theirs:
        tud.BatchSampler(range(3), batch_size, drop_last)
    with pytest.raises(ValueError) as ours:
        BatchSampler(range(3), batch_size, drop_last)
    assert str(ours.value) == str(theirs.value)

