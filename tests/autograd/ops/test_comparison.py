"""Comparisons and logical operations against torch: bool results, broadcasting, mixed dtypes and
numbers, no gradient, and torch's errors."""

import operator

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import konspekt as kp
from konspekt.autograd.ops import comparison
from oracle import arrays_for, assert_close, assert_raises_like_torch, broadcast_shapes, seeds

COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge", "less", "less_equal", "greater",
               "greater_equal"]
LOGICAL = ["logical_and", "logical_or", "logical_xor"]
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor"]
OPERATORS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
             ">": operator.gt, ">=": operator.ge}


def pair(values, dtype):
    array = np.asarray(values, dtype=dtype)
    return kp.tensor(array), torch.tensor(array)


def assert_same_result(k, t):
    assert isinstance(k, kp.Tensor), f"expected a Tensor, got {type(k).__name__}"
    assert k.dtype.name == str(t.dtype).removeprefix("torch."), f"{k.dtype} vs {t.dtype}"
    assert not k.requires_grad and k.grad_fn is None
    assert_close(k, t)


def grid_pair(shape, seed, dtype, values=(-1, 0, 1, 2)):
    """Values from a small set, so that equal elements are common."""
    return pair(np.random.default_rng(seed).choice(values, size=shape), dtype)


dtypes = st.sampled_from(["float64", "float32", "int64", "int32", "bool"])


@pytest.mark.parametrize("name", COMPARISONS + LOGICAL)
@given(shapes=broadcast_shapes(), seed=seeds, left=dtypes, right=dtypes)
def test_binary_matches_torch_with_broadcasting_and_mixed_dtypes(name, shapes, seed, left,
                                                                 right):
    ka, ta = grid_pair(shapes[0], seed, left)
    kb, tb = grid_pair(shapes[1], seed + 1, right)
    assert_same_result(getattr(kp, name)(ka, kb), getattr(torch, name)(ta, tb))
    assert_same_result(getattr(ka, name)(kb), getattr(ta, name)(tb))


@pytest.mark.parametrize("name", BITWISE)
@given(shapes=broadcast_shapes(), seed=seeds,
       left=st.sampled_from(["int64", "int32", "bool", "uint8"]),
       right=st.sampled_from(["int64", "int32", "bool", "uint8"]))
def test_bitwise_matches_torch(name, shapes, seed, left, right):
    ka, ta = grid_pair(shapes[0], seed, left, values=(0, 1, 3, 6))
    kb, tb = grid_pair(shapes[1], seed + 1, right, values=(0, 1, 5, 7))
    assert_same_result(getattr(comparison, name)(ka, kb), getattr(torch, name)(ta, tb))


def test_bitwise_functions_are_exported_like_torch():
    ka, ta = pair([1, 2, 3], "int64")
    for name in BITWISE:
        assert_same_result(getattr(kp, name)(ka, ka), getattr(torch, name)(ta, ta))
        assert_same_result(getattr(ka, name)(ka), getattr(ta, name)(ta))


@pytest.mark.parametrize("symbol", sorted(OPERATORS))
@given(shapes=broadcast_shapes(), seed=seeds)
def test_operators_match_torch(symbol, shapes, seed):
    ka, ta = grid_pair(shapes[0], seed, "float64")
    kb, tb = grid_pair(shapes[1], seed + 1, "int64")
    function = OPERATORS[symbol]
    assert_same_result(function(ka, kb), function(ta, tb))
    assert_same_result(function(ka, 1), function(ta, 1))
    assert_same_result(function(kb, 0.5), function(tb, 0.5))
    assert_same_result(function(1, ka), function(1, ta))


@pytest.mark.parametrize("symbol", ["&", "|", "^"])
def test_bitwise_operators_and_invert(symbol):
    ka, ta = pair([[True, False], [True, True]], "bool")
    kb, tb = pair([True, False], "bool")
    function = {"&": operator.and_, "|": operator.or_, "^": operator.xor}[symbol]
    assert_same_result(function(ka, kb), function(ta, tb))
    assert_same_result(function(ka, True), function(ta, True))
    ki, ti = pair([5, 6, -3], "int64")
    assert_same_result(function(ki, 3), function(ti, 3))
    assert_same_result(~ka, ~ta)
    assert_same_result(~ki, ~ti)
    assert_same_result(kp.bitwise_not(ki), torch.bitwise_not(ti))


@pytest.mark.parametrize("number", [0, 1, 0.5, True, -2.5])
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparison_with_a_number(name, number):
    k, t = pair([[-2.5, 0.0, 0.5], [1.0, 1.5, 2.0]], "float32")
    assert_same_result(getattr(kp, name)(k, number), getattr(torch, name)(t, number))
    k, t = pair([[-2, 0, 1], [1, 2, 3]], "int64")
    assert_same_result(getattr(kp, name)(k, number), getattr(torch, name)(t, number))


def test_float32_equality_with_a_python_float_compares_in_float32():
    # 0.1 is not a float32 value: torch rounds the number to the tensor's dtype first.
    k, t = pair([0.1, 0.2], "float32")
    assert_same_result(k == 0.1, t == 0.1)
    assert_same_result(k < 0.1, t < 0.1)


@pytest.mark.parametrize("name", ["logical_not", "isnan", "isinf", "isfinite"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "bool"])
def test_unary_matches_torch(name, dtype):
    values = [[0.0, 1.5, -np.inf], [np.nan, np.inf, -2.0]] if dtype.startswith("float") else \
        [[0, 1, 2], [1, 0, -1]] if dtype != "bool" else [[True, False], [False, False]]
    k, t = pair(values, dtype)
    assert_same_result(getattr(kp, name)(k), getattr(torch, name)(t))
    assert_same_result(getattr(k, name)(), getattr(t, name)())


@given(shapes=broadcast_shapes(), seed=seeds)
def test_results_carry_no_gradient(shapes, seed):
    a, b = arrays_for(shapes, seed)
    ka, kb = kp.tensor(a, requires_grad=True), kp.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    for name in COMPARISONS + LOGICAL:
        assert_same_result(getattr(kp, name)(ka, kb), getattr(torch, name)(ta, tb))
    for name in ("isnan", "isinf", "isfinite", "logical_not"):
        assert_same_result(getattr(kp, name)(ka), getattr(torch, name)(ta))
    assert_same_result(kp.isclose(ka, kb), torch.isclose(ta, tb))


def test_equal_and_allclose():
    ka, ta = pair([1.0, 2.0, 3.0], "float64")
    kb, tb = pair([1.0, 2.0, 3.0 + 1e-9], "float64")
    kc, tc = pair([[1.0, 2.0, 3.0]], "float64")
    assert kp.equal(ka, ka) is torch.equal(ta, ta) is True
    assert kp.equal(ka, kb) is torch.equal(ta, tb)
    assert kp.equal(ka, kc) is torch.equal(ta, tc)
    assert ka.equal(kb) is ta.equal(tb)
    assert kp.allclose(ka, kb) is torch.allclose(ta, tb)
    assert kp.allclose(ka, kb, rtol=0, atol=0) is torch.allclose(ta, tb, rtol=0, atol=0)
    assert kp.allclose(ka, kc) is torch.allclose(ta, tc)


@pytest.mark.parametrize("kwargs", [{}, {"rtol": 0.1}, {"atol": 0.5}, {"equal_nan": True}])
def test_isclose_matches_torch(kwargs):
    ka, ta = pair([1.0, 2.0, np.nan, np.inf, 0.0], "float64")
    kb, tb = pair([1.05, 2.5, np.nan, np.inf, 1e-9], "float64")
    assert_same_result(kp.isclose(ka, kb, **kwargs), torch.isclose(ta, tb, **kwargs))
    assert_same_result(ka.isclose(kb[:1], **kwargs), ta.isclose(tb[:1], **kwargs))
    assert kp.allclose(ka, kb, **kwargs) is torch.allclose(ta, tb, **kwargs)


@pytest.mark.parametrize("name", COMPARISONS + LOGICAL + BITWISE)
def test_broadcast_mismatch_raises_like_torch(name):
    dtype = "int64" if name.startswith("bitwise") else "float64"
    ka, ta = pair(np.ones((2, 3)), dtype)
    kb, tb = pair(np.ones((2, 4)), dtype)
    assert_raises_like_torch(lambda: getattr(comparison, name)(ka, kb),
                             lambda: getattr(torch, name)(ta, tb))


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not"])
def test_bitwise_of_floats_raises_like_torch(name):
    k, t = pair([1.0, 2.0], "float32")
    if name == "bitwise_not":
        assert_raises_like_torch(lambda: kp.bitwise_not(k), lambda: torch.bitwise_not(t))
    else:
        assert_raises_like_torch(lambda: getattr(comparison, name)(k, k),
                                 lambda: getattr(torch, name)(t, t))
        assert_raises_like_torch(lambda: getattr(comparison, name)(k.long(), 1.5),
                                 lambda: getattr(torch, name)(t.long(), 1.5))
