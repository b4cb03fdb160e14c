"""The reductions over edges: gather, scatter_sum / mean / max against torch's index_add and
scatter_reduce (values, first and second derivatives), scatter_softmax against a softmax per
group, gradcheck and gradgradcheck in float64, empty groups, dtypes and errors."""

import numpy as np
import pytest
import torch

import konspekt as kp
from konspekt.nn.graph import (gather, scatter, scatter_max, scatter_mean, scatter_softmax,
                               scatter_sum)
from oracle import assert_close, check_gradients, compare_with_torch

# Node 3 of 5 receives nothing: every reduction gives it 0.
INDEX = np.array([0, 2, 2, 1, 0, 4, 2])
N = 5


def _src(shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape)


def _torch_scatter(reduce):
    def function(src):
        index = torch.as_tensor(INDEX).reshape((-1,) + (1,) * (src.dim() - 1)).expand_as(src)
        zeros = torch.zeros((N,) + tuple(src.shape[1:]), dtype=src.dtype)
        name = {"sum": "sum", "mean": "mean", "max": "amax"}[reduce]
        return zeros.scatter_reduce(0, index, src, reduce=name, include_self=False)
    return function


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@pytest.mark.parametrize("shape", [(7,), (7, 3), (7, 2, 3)])
def test_scatter_matches_torch_scatter_reduce_to_second_order(reduce, shape):
    compare_with_torch(lambda s: scatter(s, INDEX, N, reduce=reduce), _torch_scatter(reduce),
                       [_src(shape)])


def test_scatter_max_shares_the_gradient_among_ties_as_torch():
    src = np.array([[1.0, 2.0], [1.0, 0.5], [3.0, 3.0], [2.0, 3.0], [0.0, 0.0], [5.0, 5.0],
                    [3.0, -1.0]])
    compare_with_torch(lambda s: scatter_max(s, INDEX, N), _torch_scatter("max"), [src])


def test_scatter_sum_equals_index_add_and_gather_equals_index_select():
    src = _src((7, 3), 1)
    expected = torch.zeros(N, 3, dtype=torch.float64).index_add(0, torch.as_tensor(INDEX),
                                                                torch.as_tensor(src))
    assert_close(scatter_sum(kp.tensor(src), kp.tensor(INDEX), N), expected)
    nodes = _src((N, 3), 2)
    compare_with_torch(lambda x: gather(x, INDEX),
                       lambda x: x.index_select(0, torch.as_tensor(INDEX)), [nodes])


@pytest.mark.parametrize("function", [scatter_sum, scatter_mean, scatter_max, scatter_softmax])
def test_scatter_gradcheck_and_gradgradcheck(function):
    # Distinct values: the maximum is differentiable away from ties.
    check_gradients(lambda s: function(s, INDEX, N), [_src((7, 2), 3)])


def test_gather_gradcheck_and_gradgradcheck():
    check_gradients(lambda x: gather(x, INDEX), [_src((N, 2), 4)])


def test_empty_groups_are_zero_and_dim_size_defaults_to_the_largest_index():
    src = kp.tensor([[1.0], [2.0]])
    for function in (scatter_sum, scatter_mean, scatter_max):
        assert function(src, [0, 3], 5).tolist() == [[1.0], [0.0], [0.0], [2.0], [0.0]]
        assert function(src, [0, 3]).shape == (4, 1)
    empty = scatter_sum(kp.zeros(0, 2), np.zeros(0, dtype=np.int64), 3)
    assert empty.tolist() == [[0.0, 0.0]] * 3


def test_scatter_softmax_is_the_softmax_of_each_group():
    scores = _src((7, 3), 5) * 10
    alpha = scatter_softmax(kp.tensor(scores), INDEX, N).data
    for v in range(N):
        group = INDEX == v
        expected = torch.softmax(torch.as_tensor(scores[group]), dim=0).numpy()
        np.testing.assert_allclose(alpha[group], expected, rtol=1e-12)


def test_scatter_softmax_does_not_overflow():
    alpha = scatter_softmax(kp.tensor([1000.0, 999.0, -1000.0]), [0, 0, 1])
    np.testing.assert_allclose(alpha.data, [1 / (1 + np.exp(-1)), 1 / (1 + np.e), 1.0])


@pytest.mark.parametrize("function", [scatter_sum, scatter_mean, scatter_max, scatter_softmax])
def test_float32_stays_float32(function):
    out = function(kp.tensor(_src((7, 2)), dtype=kp.float32), INDEX, N)
    assert out.dtype == kp.float32


def test_errors_name_the_argument_and_the_shapes():
    src = kp.zeros(3, 2)
    with pytest.raises(ValueError, match=r"'index' must have shape \(3,\).*\(3, 2\).*\(2,\)"):
        scatter_sum(src, [0, 1], 4)
    with pytest.raises(IndexError, match=r"'index' must lie in \[0, 2\).*\[0, 5\]"):
        scatter_mean(src, [0, 5, 1], 2)
    with pytest.raises(IndexError, match=r"must lie in \[0, 4\)"):
        scatter_max(src, [0, -1, 1], 4)
    with pytest.raises(TypeError, match="'index' must be an integer tensor, got dtype float"):
        scatter_sum(src, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(TypeError, match="'src' must be a Tensor"):
        scatter_sum(np.zeros((3, 2)), [0, 1, 2])
    with pytest.raises(ValueError, match="'reduce' must be one of"):
        scatter(src, [0, 1, 2], reduce="min")
    with pytest.raises(IndexError, match=r"gather\(\): argument 'index' must lie in \[0, 3\)"):
        gather(src, [0, 3])
