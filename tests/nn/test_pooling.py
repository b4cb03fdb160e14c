"""Pooling against torch: max, average, power-average and adaptive pooling in 1-d and 2-d,
batched and unbatched, for every option (values, indices, first and second derivatives), ties
and non-finite values, gradcheck of the primitives, the layers' printing, and bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from oracle import (
    assert_close,
    assert_raises_like_torch,
    check_gradients,
    compare_with_torch,
)

import konspekt as kp
import konspekt.nn.functional as F


def _input(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# kernel, stride, padding, dilation, ceil_mode
MAX2D = [
    (2, None, 0, 1, False),
    (3, 1, 1, 1, False),
    ((2, 3), (1, 2), (1, 0), 1, False),
    (3, 2, 1, 2, False),
    ((3, 2), 2, (1, 1), (2, 1), True),
    (2, 2, 1, 1, True),
    (3, 2, 0, 1, True),
    (2, 3, 1, 1, True),
]


@pytest.mark.parametrize("options", MAX2D)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (2, 5, 5)])
def test_max_pool2d_matches_torch(options, shape):
    kernel, stride, padding, dilation, ceil = options
    x = _input(shape)
    compare_with_torch(
        lambda t: F.max_pool2d(t, kernel, stride, padding, dilation, ceil),
        lambda t: TF.max_pool2d(t, kernel, stride, padding, dilation, ceil), [x])
    k_out, k_index = F.max_pool2d(kp.tensor(x), kernel, stride, padding, dilation, ceil, True)
    t_out, t_index = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, dilation, ceil,
                                   True)
    assert_close(k_out, t_out)
    assert k_index.dtype == kp.int64
    np.testing.assert_array_equal(k_index.data, t_index.numpy())


@pytest.mark.parametrize("options", [(2, None, 0, 1, False), (3, 1, 1, 1, False),
                                     (3, 2, 1, 2, True), (2, 3, 1, 1, True), (4, 2, 2, 1, True)])
@pytest.mark.parametrize("shape", [(2, 3, 9), (3, 8)])
def test_max_pool1d_matches_torch(options, shape):
    kernel, stride, padding, dilation, ceil = options
    x = _input(shape)
    compare_with_torch(
        lambda t: F.max_pool1d(t, kernel, stride, padding, dilation, ceil),
        lambda t: TF.max_pool1d(t, kernel, stride, padding, dilation, ceil), [x])
    k_out, k_index = F.max_pool1d(kp.tensor(x), kernel, stride, padding, dilation, ceil, True)
    t_out, t_index = TF.max_pool1d(torch.tensor(x), kernel, stride, padding, dilation, ceil,
                                   return_indices=True)
    assert_close(k_out, t_out)
    np.testing.assert_array_equal(k_index.data, t_index.numpy())


def test_max_pool_indices_with_gradient_recorded():
    x = kp.tensor(_input((1, 2, 4, 4)), requires_grad=True)
    out, index = F.max_pool2d(x, 2, return_indices=True)
    _t_out, t_index = TF.max_pool2d(torch.tensor(x.data), 2, return_indices=True)
    np.testing.assert_array_equal(index.data, t_index.numpy())
    assert out.requires_grad and not index.requires_grad


@pytest.mark.parametrize("pool", ["max2d", "max1d", "adaptive2d", "adaptive1d"])
def test_ties_and_non_finite_values_follow_torch(pool):
    """The first maximum of a window wins ties; a NaN wins over numbers (the last NaN over
    NaNs); a window of −∞ points at its first element inside the input."""
    x = np.array([[1.0, 1.0, 0.0, 2.0, 2.0, np.nan],
                  [-np.inf, -np.inf, 3.0, 3.0, np.nan, np.nan],
                  [0.5, np.nan, 0.5, 0.5, -np.inf, 1.0],
                  [-np.inf, -np.inf, -np.inf, 4.0, 4.0, 4.0]])[None]
    calls = {
        "max2d": lambda L, t: (F if L is kp else TF).max_pool2d(t, 3, 1, 1, return_indices=True),
        "max1d": lambda L, t: (F if L is kp else TF).max_pool1d(t, 3, 2, 1, ceil_mode=True,
                                                                 return_indices=True),
        "adaptive2d": lambda L, t: (F if L is kp else TF).adaptive_max_pool2d(
            t, (3, 4), return_indices=True),
        "adaptive1d": lambda L, t: (F if L is kp else TF).adaptive_max_pool1d(
            t[0], 4, return_indices=True),
    }
    call = calls[pool]
    kx = kp.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    (k_out, k_index), (t_out, t_index) = call(kp, kx), call(torch, tx)
    assert_close(k_out, t_out)
    np.testing.assert_array_equal(k_index.data, t_index.numpy())
    g = _input(t_out.shape, 1)
    k_out.backward(kp.tensor(g))
    t_out.backward(torch.tensor(g))
    assert_close(kx.grad, tx.grad)


def test_max_pool_ties_route_the_gradient_like_torch():
    x = np.round(_input((2, 2, 6, 6)))  # many equal values in a window
    compare_with_torch(lambda t: F.max_pool2d(t, 3, 2, 1),
                       lambda t: TF.max_pool2d(t, 3, 2, 1), [x])
    compare_with_torch(lambda t: F.adaptive_max_pool2d(t, (4, 3)),
                       lambda t: TF.adaptive_max_pool2d(t, (4, 3)), [x])


def test_max_pool_of_integers_keeps_the_dtype():
    x = np.arange(32).reshape(2, 4, 4) % 7
    out, index = F.max_pool2d(kp.tensor(x), 2, 1, 1, return_indices=True)
    t_out, t_index = TF.max_pool2d(torch.tensor(x), 2, 1, 1, return_indices=True)
    assert out.dtype == kp.int64
    np.testing.assert_array_equal(out.data, t_out.numpy())
    np.testing.assert_array_equal(index.data, t_index.numpy())


# kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
AVG2D = [
    (2, None, 0, False, True, None),
    (3, 1, 1, False, True, None),
    (3, 1, 1, False, False, None),
    ((3, 2), (2, 1), (1, 1), True, True, None),
    ((3, 2), (2, 1), (1, 1), True, False, None),
    (2, 3, 1, True, True, None),
    (2, 3, 1, True, False, None),
    (3, 2, 1, False, True, 5),
    (2, 2, 1, True, False, 3),
]


@pytest.mark.parametrize("options", AVG2D)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (2, 5, 5)])
def test_avg_pool2d_matches_torch(options, shape):
    kernel, stride, padding, ceil, include, divisor = options
    compare_with_torch(
        lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil, include, divisor),
        lambda t: TF.avg_pool2d(t, kernel, stride, padding, ceil, include, divisor),
        [_input(shape)])


@pytest.mark.parametrize("options", [(2, None, 0, False, True), (3, 1, 1, False, False),
                                     (3, 2, 1, True, True), (3, 2, 1, True, False),
                                     (2, 3, 1, True, False), (4, 3, 2, True, True)])
@pytest.mark.parametrize("shape", [(2, 3, 9), (3, 8)])
def test_avg_pool1d_matches_torch(options, shape):
    kernel, stride, padding, ceil, include = options
    compare_with_torch(lambda t: F.avg_pool1d(t, kernel, stride, padding, ceil, include),
                       lambda t: TF.avg_pool1d(t, kernel, stride, padding, ceil, include),
                       [_input(shape)])


@pytest.mark.parametrize("norm_type, kernel, stride, ceil", [(2.0, 2, None, False),
                                                             (3.0, (3, 2), 1, False),
                                                             (1.5, 2, 3, True)])
def test_lp_pool_matches_torch(norm_type, kernel, stride, ceil):
    x = np.abs(_input((2, 3, 7, 6))) + 0.5  # positive windows: the p-th root is smooth there
    compare_with_torch(lambda t: F.lp_pool2d(t, norm_type, kernel, stride, ceil),
                       lambda t: TF.lp_pool2d(t, norm_type, kernel, stride, ceil), [x])
    k1 = kernel if isinstance(kernel, int) else kernel[0]
    compare_with_torch(lambda t: F.lp_pool1d(t[0], norm_type, k1, stride, ceil),
                       lambda t: TF.lp_pool1d(t[0], norm_type, k1, stride, ceil), [x])


@pytest.mark.parametrize("output_size", [1, 2, 3, 4, (3, 5), (None, 2), (4, None), (7, 8)])
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 6, 7)])
def test_adaptive_pool2d_matches_torch(output_size, shape):
    x = _input(shape)
    compare_with_torch(lambda t: F.adaptive_avg_pool2d(t, output_size),
                       lambda t: TF.adaptive_avg_pool2d(t, output_size), [x])
    compare_with_torch(lambda t: F.adaptive_max_pool2d(t, output_size),
                       lambda t: TF.adaptive_max_pool2d(t, output_size), [x])
    (_, k_index), (_, t_index) = (F.adaptive_max_pool2d(kp.tensor(x), output_size, True),
                                  TF.adaptive_max_pool2d(torch.tensor(x), output_size, True))
    np.testing.assert_array_equal(k_index.data, t_index.numpy())


@pytest.mark.parametrize("output_size", [0, (0, 3)])
def test_adaptive_pool_to_nothing_matches_torch(output_size):
    # torch has no backward for an empty output; the values (none) and shapes must agree.
    x = _input((2, 3, 7, 6))
    for name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        assert_close(getattr(F, name)(kp.tensor(x), output_size),
                     getattr(TF, name)(torch.tensor(x), output_size))


@pytest.mark.parametrize("output_size", [1, 3, 4, 5, 9, (2,)])
@pytest.mark.parametrize("shape", [(2, 3, 7), (3, 6)])
def test_adaptive_pool1d_matches_torch(output_size, shape):
    x = _input(shape)
    compare_with_torch(lambda t: F.adaptive_avg_pool1d(t, output_size),
                       lambda t: TF.adaptive_avg_pool1d(t, output_size), [x])
    compare_with_torch(lambda t: F.adaptive_max_pool1d(t, output_size),
                       lambda t: TF.adaptive_max_pool1d(t, output_size), [x])
    (_, k_index), (_, t_index) = (F.adaptive_max_pool1d(kp.tensor(x), output_size, True),
                                  TF.adaptive_max_pool1d(torch.tensor(x), output_size, True))
    np.testing.assert_array_equal(k_index.data, t_index.numpy())


@pytest.mark.parametrize("call", [
    lambda t: F.max_pool2d(t, 3, 2, 1, 2, True),
    lambda t: F.max_pool2d(t, 2, 1),  # overlapping windows: the scatter adds
    lambda t: F.max_pool1d(t.flatten(1), 3, 2, 1),
    lambda t: F.avg_pool2d(t, 3, 2, 1, True, False),
    lambda t: F.avg_pool1d(t.flatten(1), 3, 2, 1, False, True),
    lambda t: F.adaptive_avg_pool2d(t, (3, 4)),
    lambda t: F.adaptive_max_pool2d(t, (3, 4)),
], ids=["max2d", "max2d-overlap", "max1d", "avg2d", "avg1d", "adaptive-avg", "adaptive-max"])
def test_gradcheck_and_gradgradcheck(call):
    check_gradients(call, [_input((2, 5, 6), 3)])


@pytest.mark.parametrize("call", [
    lambda L: L.nn.functional.max_pool2d(L.ones(2, 3, 6, 6, dtype=L.float32), 2),
    lambda L: L.nn.functional.avg_pool2d(L.ones(2, 3, 6, 6, dtype=L.float32), 2, 1, 1),
    lambda L: L.nn.functional.adaptive_avg_pool2d(L.ones(2, 3, 7, 6, dtype=L.float32), 4),
    lambda L: L.nn.functional.adaptive_max_pool2d(L.ones(2, 3, 7, 6, dtype=L.float32), 4),
])
def test_float32_stays_float32(call):
    x = call(kp)
    assert x.dtype == kp.float32
    assert x.shape == tuple(call(torch).shape)


def test_float32_gradient_stays_float32():
    x = kp.tensor(_input((2, 3, 6, 6)).astype(np.float32), requires_grad=True)
    (F.max_pool2d(x, 2).sum() + F.avg_pool2d(x, 3, 1, 1).sum()).backward()
    assert x.grad.dtype == kp.float32


# ---- layers -------------------------------------------------------------------------------------

LAYERS = [
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", ((2, 3),), {"stride": 1, "padding": 1, "dilation": (1, 2), "ceil_mode": True}),
    ("MaxPool2d", (3,), {"return_indices": True}),
    ("MaxPool1d", (3, 2), {"padding": 1}),
    ("MaxPool1d", (2,), {"return_indices": True, "ceil_mode": True}),
    ("AvgPool2d", (2,), {}),
    ("AvgPool2d", (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}),
    ("AvgPool2d", (3, 1, 1), {"divisor_override": 4}),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("LPPool2d", (2, 2), {}),
    ("LPPool1d", (3, 3), {"stride": 1}),
    ("AdaptiveAvgPool2d", ((None, 3),), {}),
    ("AdaptiveAvgPool2d", (5,), {}),
    ("AdaptiveAvgPool1d", (4,), {}),
    ("AdaptiveMaxPool2d", ((3, 4),), {"return_indices": True}),
    ("AdaptiveMaxPool1d", (4,), {}),
]


@pytest.mark.parametrize("name, args, kwargs", LAYERS)
def test_layers_match_torch(name, args, kwargs):
    k_layer, t_layer = getattr(kp.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args,
                                                                                      **kwargs)
    assert repr(k_layer) == repr(t_layer)
    shape = (2, 3, 9) if name.endswith("1d") else (2, 3, 7, 8)
    x = np.abs(_input(shape)) + 0.5
    k_out, t_out = k_layer(kp.tensor(x)), t_layer(torch.tensor(x))
    if kwargs.get("return_indices"):
        np.testing.assert_array_equal(k_out[1].data, t_out[1].numpy())
        k_out, t_out = k_out[0], t_out[0]
    assert_close(k_out, t_out)
    for attribute in ("kernel_size", "stride", "padding", "output_size"):
        if hasattr(t_layer, attribute):
            assert getattr(k_layer, attribute) == getattr(t_layer, attribute), attribute


def test_lenet_pooling_step_matches_torch():
    """The benchmark's use: ReLU then 2 × 2 max and average pooling in float32 at batch 64."""
    x = _input((64, 6, 28, 28)).astype(np.float32)
    for pool in ("max_pool2d", "avg_pool2d"):
        kx = kp.tensor(x, requires_grad=True)
        tx = torch.tensor(x, requires_grad=True)
        k_out = getattr(F, pool)(F.relu(kx), 2)
        t_out = getattr(TF, pool)(TF.relu(tx), 2)
        assert_close(k_out, t_out, rtol=1e-6)
        k_out.sum().backward()
        t_out.sum().backward()
        assert_close(kx.grad, tx.grad, rtol=1e-6)


# ---- bad input ----------------------------------------------------------------------------------

x4, x3, x2, x5 = (np.zeros(s) for s in [(2, 3, 5, 5), (3, 5, 5), (3, 5), (1, 1, 1, 5, 5)])

LIKE_TORCH = [
    ("max_pool2d", x2, (2,), {}),
    ("max_pool2d", x5, (2,), {}),
    ("max_pool2d", x4, (2,), {"padding": 2}),
    ("max_pool2d", x4, (3,), {"padding": 2, "dilation": 2}),
    ("max_pool2d", x4, (3,), {"padding": 3, "dilation": 3}),
    ("max_pool2d", x4, (6,), {}),
    ("max_pool2d", x4, (2,), {"stride": 0}),
    ("max_pool2d", x4, (0,), {}),
    ("max_pool2d", x4, (2,), {"dilation": 0}),
    ("max_pool2d", x4, (2,), {"padding": -1}),
    ("max_pool2d", x4, ((2, 2, 2),), {}),
    ("max_pool2d", np.zeros((2, 3, 0, 4)), (2,), {}),
    ("max_pool1d", x4, (2,), {}),
    ("max_pool1d", np.zeros(5), (2,), {}),
    ("max_pool1d", x3, (6,), {}),
    ("max_pool1d", x3, (2,), {"padding": 2}),
    ("max_pool1d", x3, (2,), {"stride": 0}),
    ("max_pool1d", x3, (0,), {}),
    ("max_pool1d", x3, (2,), {"dilation": 0}),
    ("max_pool1d", x3, (2,), {"padding": -1}),
    ("avg_pool2d", x5, (2,), {}),
    ("avg_pool2d", x4, (2,), {"padding": 2}),
    ("avg_pool2d", x4, (6,), {}),
    ("avg_pool2d", x4, (2,), {"stride": 0}),
    ("avg_pool2d", x4, (2,), {"padding": -1}),
    ("avg_pool2d", x4, (2,), {"divisor_override": 0}),
    ("avg_pool2d", x4, ((2, 2, 2),), {}),
    ("avg_pool1d", x4, (2,), {}),
    ("avg_pool1d", x3, (6,), {}),
    ("avg_pool1d", x3, (2,), {"padding": 2}),
    ("avg_pool1d", x3, (2,), {"stride": 0}),
    ("adaptive_avg_pool2d", x2, (2,), {}),
    ("adaptive_avg_pool2d", x5, (2,), {}),
    ("adaptive_avg_pool2d", x4, ((2,),), {}),
    ("adaptive_avg_pool2d", x4, (-1,), {}),
    ("adaptive_avg_pool2d", np.zeros((2, 3, 0, 4)), (2,), {}),
    ("adaptive_max_pool2d", x2, (2,), {}),
    ("adaptive_max_pool2d", x5, (2,), {}),
    ("adaptive_avg_pool1d", x4, (2,), {}),
    ("adaptive_avg_pool1d", np.zeros(5), (2,), {}),
    ("adaptive_avg_pool1d", x3, ((1, 2),), {}),
]


@pytest.mark.parametrize("name, x, args, kwargs", LIKE_TORCH)
def test_bad_input_raises_like_torch(name, x, args, kwargs):
    assert_raises_like_torch(lambda: getattr(F, name)(kp.tensor(x), *args, **kwargs),
                             lambda: getattr(TF, name)(torch.tensor(x), *args, **kwargs))


def test_avg_pool2d_of_a_matrix_names_the_rank():
    # torch's own IndexError here is an accident of its implementation; the rank is the fault.
    with pytest.raises(RuntimeError, match=r"3D or 4D .* but got:\[3, 5\]"):
        F.avg_pool2d(kp.tensor(x2), 2)


@pytest.mark.parametrize("call", [lambda: F.adaptive_max_pool2d(kp.tensor(x4), (2, 3, 4)),
                                  lambda: F.adaptive_max_pool2d(kp.tensor(x4), -1)])
def test_bad_adaptive_max_output_size(call):
    with pytest.raises(RuntimeError, match="output_size"):
        call()


def test_output_changed_in_place_after_max_pooling_still_differentiates():
    x = _input((1, 2, 4, 4))
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    F.relu(F.max_pool2d(kx, 2), inplace=True).sum().backward()
    TF.relu(TF.max_pool2d(tx, 2), inplace=True).sum().backward()
    assert_close(kx.grad, tx.grad)
