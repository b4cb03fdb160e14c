"""Flatten and Unflatten against torch: shapes, values and gradients for every pair of
dimensions, printing, and errors."""

import numpy as np
import pytest
import torch

import konspekt as kp
from oracle import assert_raises_like_torch, compare_with_torch


def _random(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("start_dim, end_dim", [(1, -1), (0, -1), (0, 1), (1, 2), (2, 3),
                                                (-3, -2), (2, 2), (3, -1)])
def test_flatten_matches_torch(start_dim, end_dim):
    compare_with_torch(kp.nn.Flatten(start_dim, end_dim), torch.nn.Flatten(start_dim, end_dim),
                       [_random((2, 3, 4, 5))])


@pytest.mark.parametrize("dim, sizes", [(1, (2, 3)), (1, [3, 2]), (-1, (2, -1)), (0, (2, 2)),
                                        (1, (6,)), (1, (1, 6, 1))])
def test_unflatten_matches_torch(dim, sizes):
    compare_with_torch(kp.nn.Unflatten(dim, sizes), torch.nn.Unflatten(dim, sizes),
                       [_random((4, 6))])


def test_unflatten_undoes_flatten():
    x = kp.randn(2, 3, 4, 5)
    y = kp.nn.Unflatten(1, (3, 4, 5))(kp.nn.Flatten()(x))
    np.testing.assert_array_equal(y.data, x.data)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Flatten(), lambda lib: lib.nn.Flatten(0, 2),
    lambda lib: lib.nn.Unflatten(1, (2, 3)), lambda lib: lib.nn.Unflatten(-1, [2, -1]),
])
def test_printing_matches_torch(make):
    assert repr(make(kp)) == repr(make(torch))
    assert make(kp).state_dict() == {}


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.Flatten()(lib.ones(2)),
    lambda lib: lib.nn.Flatten(2, 1)(lib.ones(2, 3, 4)),
    lambda lib: lib.nn.Unflatten(1, (2, 3))(lib.ones(2, 5)),
    lambda lib: lib.nn.Unflatten(2, (2, 3))(lib.ones(2, 6)),
    lambda lib: lib.nn.Unflatten(1, 6),
    lambda lib: lib.nn.Unflatten(1, (2, 3.0)),
])
def test_errors_like_torch(call):
    assert_raises_like_torch(lambda: call(kp), lambda: call(torch))
