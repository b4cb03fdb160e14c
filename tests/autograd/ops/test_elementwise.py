"""Elementwise functions against torch: values, first and second derivatives, integer inputs,
extreme inputs, clamp/maximum/minimum ties (torch's gradient conventions) and ``where``."""


import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import konspekt as kp
from oracle import (arrays_for, assert_close, assert_raises_like_torch, assert_same_result,
                    broadcast_shapes, check_gradients, compare_with_torch, seeds)

# name: (low, high, away_from) — a domain where the function and its derivatives are finite.
UNARY = {
    "exp": (-2.0, 2.0, None),
    "log": (0.2, 3.0, None),
    "log1p": (-0.8, 2.0, None),
    "expm1": (-2.0, 2.0, None),
    "log2": (0.2, 3.0, None),
    "log10": (0.2, 3.0, None),
    "sqrt": (0.2, 3.0, None),
    "rsqrt": (0.2, 3.0, None),
    "sin": (-3.0, 3.0, None),
    "cos": (-3.0, 3.0, None),
    "tan": (-1.2, 1.2, None),
    "atan": (-3.0, 3.0, None),
    "arctan": (-3.0, 3.0, None),
    "tanh": (-3.0, 3.0, None),
    "sigmoid": (-3.0, 3.0, None),
    "relu": (-2.0, 2.0, 0.0),
    "erf": (-2.0, 2.0, None),
    "floor": (-3.0, 3.0, None),
    "ceil": (-3.0, 3.0, None),
    "round": (-3.0, 3.0, None),
    "trunc": (-3.0, 3.0, None),
}
ROUNDING = ["floor", "ceil", "round", "trunc"]
EXTREMES = np.array([-np.inf, -1000.0, -30.0, -1.0, -0.0, 0.0, 1e-300, 1.0, 30.0, 1000.0, np.inf,
                     np.nan])


def pair(values, dtype):
    array = np.asarray(values, dtype=dtype)
    return kp.tensor(array), torch.tensor(array)


def grid_arrays(shapes, seed, values=(-1.0, -0.5, 0.0, 0.5, 1.0)):
    """Arrays drawn from a few values, so that ties between operands are common."""
    rng = np.random.default_rng(seed)
    return [rng.choice(values, size=s) for s in shapes]


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=broadcast_shapes(num_shapes=1), seed=seeds)
def test_unary_matches_torch(name, shape, seed):
    low, high, away = UNARY[name]
    x, = arrays_for(shape, seed, low=low, high=high, away_from=away)
    compare_with_torch(getattr(kp, name), getattr(torch, name), [x])


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_method_matches_torch(name):
    low, high, away = UNARY[name]
    x, = arrays_for([(3, 4)], 1, low=low, high=high, away_from=away)
    compare_with_torch(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x])


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "rsqrt", "tan", "tanh", "sigmoid", "erf",
                                  "log2", "log10", "atan", "expm1", "log1p"])
def test_unary_gradcheck(name):
    low, high, away = UNARY[name]
    check_gradients(getattr(kp, name), arrays_for([(2, 3)], 2, low=low, high=high))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_at_extreme_inputs(name):
    # Overflow, infinities and NaN give torch's values: no NaN from a stable formula (sigmoid of
    # ±1000), and the first derivative agrees where torch's is defined.
    x = EXTREMES.copy()
    with np.errstate(all="ignore"):
        compare_with_torch(getattr(kp, name), getattr(torch, name), [x], second_order=False)


UNARY_DTYPES = [(name, dtype) for name in sorted(UNARY)
                for dtype in ["int64", "int32", "bool", "float32"]
                if not (dtype == "bool" and name in ROUNDING + ["relu"])]  # torch refuses these


@pytest.mark.parametrize("name, dtype", UNARY_DTYPES)
def test_unary_dtypes(name, dtype):
    k, t = pair([[0, 1, 2], [3, 1, 0]], dtype)
    assert_same_result(getattr(kp, name)(k), getattr(torch, name)(t), rtol=1e-5)


def test_log2_and_log10_are_exact_at_powers():
    k, t = pair([1.0, 2.0, 8.0, 1024.0, 0.125], "float32")
    assert np.array_equal(kp.log2(k).data, torch.log2(t).numpy())
    k, t = pair([1.0, 10.0, 1000.0, 1e-3, 1e6], "float64")
    assert np.array_equal(kp.log10(k).data, torch.log10(t).numpy())


@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
def test_round_half_to_even_and_decimals(decimals):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.125, 1.2345, 25.0, 35.0, -15.0])
    compare_with_torch(lambda t: kp.round(t, decimals=decimals),
                       lambda t: torch.round(t, decimals=decimals), [x])


CLAMP_BOUNDS = [(-0.5, None), (None, 0.5), (-0.5, 0.5), (0.5, -0.5), (0, 1), (-1.0, -1.0)]


@pytest.mark.parametrize("low, high", CLAMP_BOUNDS)
def test_clamp_with_numbers_matches_torch(low, high):
    # Values that sit exactly on a bound: torch passes the gradient there (lo ≤ x ≤ hi).
    x = np.array([[-2.0, -1.0, -0.5, 0.0], [0.3, 0.5, 1.0, 2.0]])
    for kp_fn, torch_fn in ((kp.clamp, torch.clamp), (kp.clip, torch.clip)):
        compare_with_torch(lambda t: kp_fn(t, low, high), lambda t: torch_fn(t, low, high), [x])
    compare_with_torch(lambda t: t.clamp(min=low, max=high),
                       lambda t: t.clamp(min=low, max=high), [x])


def test_clamp_min_and_clamp_max_methods():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    compare_with_torch(lambda t: t.clamp_min(0.0), lambda t: t.clamp_min(0.0), [x])
    compare_with_torch(lambda t: t.clamp_max(0.0), lambda t: t.clamp_max(0.0), [x])


@given(shapes=broadcast_shapes(num_shapes=3), seed=seeds,
       which=st.sampled_from(["both", "min", "max"]))
def test_clamp_with_tensor_bounds_matches_torch(shapes, seed, which):
    # Grid values make x = lo, x = hi, lo = hi and lo > hi common; torch's rule decides each.
    x, low, high = grid_arrays(shapes, seed)
    if which == "min":
        compare_with_torch(lambda a, b: kp.clamp(a, min=b), lambda a, b: torch.clamp(a, min=b),
                           [x, low])
    elif which == "max":
        compare_with_torch(lambda a, c: kp.clamp(a, max=c), lambda a, c: torch.clamp(a, max=c),
                           [x, high])
    else:
        full = np.broadcast_shapes(*shapes)
        if any(np.broadcast_shapes(x.shape, bound.shape) != full for bound in (low, high)):
            # torch's own backward fails on these shapes (it combines its masks in place, into
            # one of the smaller shape), so x takes the full shape.
            x = np.broadcast_to(x, full).copy()
        compare_with_torch(kp.clamp, torch.clamp, [x, low, high])


def test_clamp_gradient_reduces_to_a_smaller_input():
    x, low, high = grid_arrays([(3,), (2, 3), (2, 1)], 9)
    compare_with_torch(kp.clamp, torch.clamp, [x, low, high])


def test_clamp_tensor_bound_with_a_number_bound():
    # torch refuses to mix a tensor and a number bound; konspekt takes the number as a 0-d
    # tensor, which is what torch is given here.
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    low = np.array([-1.0, -0.5, 0.5, -1.0, 0.0])
    compare_with_torch(lambda a, b: kp.clamp(a, min=b, max=0.5),
                       lambda a, b: torch.clamp(a, min=b, max=torch.tensor(0.5, dtype=a.dtype)),
                       [x, low])
    compare_with_torch(lambda a, c: kp.clamp(a, min=-0.5, max=c),
                       lambda a, c: torch.clamp(a, min=torch.tensor(-0.5, dtype=a.dtype), max=c),
                       [x, low])


@pytest.mark.parametrize("which", ["min", "max"])
def test_clamp_broadcast_mismatch_raises_like_torch(which):
    k, t = pair([1.0, 2.0], "float32")
    kb, tb = pair([1.0, 2.0, 3.0], "float32")
    assert_raises_like_torch(lambda: kp.clamp(k, **{which: kb}),
                             lambda: torch.clamp(t, **{which: tb}))


@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64"])
@pytest.mark.parametrize("low, high", [(1, 3), (1.5, None), (None, 2.5)])
def test_clamp_dtypes(dtype, low, high):
    k, t = pair([0, 1, 2, 3, 4], dtype)
    assert_same_result(kp.clamp(k, low, high), torch.clamp(t, low, high))


@pytest.mark.parametrize("x_dtype, bound_dtype", [("int64", "float32"), ("float32", "float64"),
                                                  ("int32", "int64"), ("float64", "float32")])
def test_clamp_tensor_bound_dtypes(x_dtype, bound_dtype):
    k, t = pair([0, 1, 2, 3, 4], x_dtype)
    kb, tb = pair([1.5, 1.5, 1.5, 2.5, 2.5], bound_dtype)
    assert_same_result(kp.clamp(k, min=kb), torch.clamp(t, min=tb))
    assert_same_result(kp.clamp(k, max=kb[0]), torch.clamp(t, max=tb[0]))


def test_clamp_gradients_keep_each_input_dtype():
    x = kp.tensor(np.array([0.5, 1.5, 2.5], dtype=np.float32), requires_grad=True)
    low = kp.tensor(np.array([1.0, 1.0, 1.0]), requires_grad=True)
    tx = torch.tensor([0.5, 1.5, 2.5], requires_grad=True)
    tlow = torch.tensor([1.0, 1.0, 1.0], dtype=torch.float64, requires_grad=True)
    kp.clamp(x, min=low).sum().backward()
    torch.clamp(tx, min=tlow).sum().backward()
    assert_same_result(x.grad, tx.grad)
    assert_same_result(low.grad, tlow.grad)


def test_clamp_without_bounds_raises_like_torch():
    k, t = pair([1.0, 2.0], "float32")
    assert_raises_like_torch(lambda: kp.clamp(k), lambda: torch.clamp(t))


def test_clamp_gradcheck():
    x, low, high = arrays_for([(2, 3), (3,), (2, 1)], 3)
    low, high = np.minimum(low, high) - 0.3, np.maximum(low, high) + 0.3
    check_gradients(kp.clamp, [x, low, high])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(shapes=broadcast_shapes(), seed=seeds)
def test_maximum_minimum_with_ties_match_torch(name, shapes, seed):
    a, b = grid_arrays(shapes, seed)
    compare_with_torch(getattr(kp, name), getattr(torch, name), [a, b])
    compare_with_torch(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y),
                       [a, b])


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_of_two_tensors(name):
    a, b = grid_arrays([(2, 3), (3,)], 4)
    compare_with_torch(getattr(kp, name), getattr(torch, name), [a, b])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_propagate_nan_and_promote(name):
    compare_with_torch(getattr(kp, name), getattr(torch, name),
                       [np.array([np.nan, 1.0, 2.0]), np.array([0.0, np.nan, 1.0])],
                       second_order=False)
    k, t = pair([1, 5, 3], "int64")
    kf, tf = pair([2.5, 2.5, 2.5], "float32")
    assert_same_result(getattr(kp, name)(k, kf), getattr(torch, name)(t, tf))
    assert_same_result(getattr(kp, name)(k, k), getattr(torch, name)(t, t))


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_refuse_numbers(name):
    k, t = pair([1.0, 2.0], "float32")
    with pytest.raises(TypeError):
        getattr(torch, name)(t, 2)
    with pytest.raises(TypeError, match="other"):
        getattr(kp, name)(k, 2)


@given(shapes=broadcast_shapes(num_shapes=3), seed=seeds)
def test_where_matches_torch(shapes, seed):
    condition_shape, a_shape, b_shape = shapes
    a, b = arrays_for([a_shape, b_shape], seed)
    condition = np.asarray(np.random.default_rng(seed).random(condition_shape) < 0.5)
    compare_with_torch(kp.where, torch.where, [condition, a, b])


def test_where_with_numbers():
    x, = arrays_for([(2, 3)], 5)
    condition = x > 0
    compare_with_torch(lambda c, t: kp.where(c, t, 0.0), lambda c, t: torch.where(c, t, 0.0),
                       [condition, x])
    compare_with_torch(lambda c, t: kp.where(c, 1.0, t), lambda c, t: torch.where(c, 1.0, t),
                       [condition, x])
    kc, tc = pair(condition, "bool")
    assert_same_result(kp.where(kc, 1, 0), torch.where(tc, 1, 0))
    assert_same_result(kp.where(kc, 1.0, 0.0), torch.where(tc, 1.0, 0.0))
    k, t = pair(np.arange(6).reshape(2, 3), "int64")
    kf, tf = pair(np.ones((2, 3)), "float32")
    assert_same_result(kp.where(kc, k, kf), torch.where(tc, t, tf))
    assert_same_result(kp.where(kc, k, 2.5), torch.where(tc, t, 2.5))


def test_where_with_only_a_condition_gives_indices():
    condition = np.array([[True, False, True], [False, False, True]])
    kc, tc = pair(condition, "bool")
    got, expected = kp.where(kc), torch.where(tc)
    assert len(got) == len(expected)
    for k, t in zip(got, expected):
        assert_same_result(k, t)


def test_where_errors_like_torch():
    kc, tc = pair([1.0, 0.0], "float32")
    k, t = pair([1.0, 2.0], "float32")
    assert_raises_like_torch(lambda: kp.where(kc, k, k), lambda: torch.where(tc, t, t))
    kc, tc = pair([True, False, True], "bool")
    assert_raises_like_torch(lambda: kp.where(kc, k, k), lambda: torch.where(tc, t, t))
    kc, tc = pair([True, False], "bool")
    k3, t3 = pair([1.0, 2.0, 3.0], "float32")
    assert_raises_like_torch(lambda: kp.where(kc, k, k3), lambda: torch.where(tc, t, t3))


def test_where_gradcheck():
    a, b = arrays_for([(2, 3), (3,)], 6)
    condition = kp.tensor(a > 0)
    check_gradients(lambda x, y: kp.where(condition, x, y), [a, b])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_gradcheck(name):
    a, b = arrays_for([(2, 3), (3,)], 7)
    check_gradients(getattr(kp, name), [a, b])


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_fused_derivatives_third_order(name):
    # sigmoid and tanh backward through one fused operation whose own backward must also
    # differentiate: compare the third derivative with torch.
    x, = arrays_for([(5,)], 8)
    k = kp.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    kg, = kp.autograd.grad(getattr(kp, name)(k).sum(), k, create_graph=True)
    tg, = torch.autograd.grad(getattr(torch, name)(t).sum(), t, create_graph=True)
    kh, = kp.autograd.grad(kg.sum(), k, create_graph=True)
    th, = torch.autograd.grad(tg.sum(), t, create_graph=True)
    k3, = kp.autograd.grad(kh.sum(), k)
    t3, = torch.autograd.grad(th.sum(), t)
    assert_close(k3, t3)
