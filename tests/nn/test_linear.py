"""Linear layers: ``linear`` and ``bilinear`` against torch (values, first and second derivatives),
gradient checks of the fused primitive, the layers ``Linear``, ``Bilinear``, ``Identity`` and
``LazyLinear`` on torch's weights (outputs and gradients of inputs and parameters), default
initialisation, dtypes, printing, state-dict keys and errors."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
import konspekt.nn.functional as F
from oracle import (assert_close, assert_raises_like_torch, check_gradients,
                    compare_with_torch)


def _random(shape, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape)


# ---- linear (functional) ------------------------------------------------------------------

LINEAR_CASES = [  # input shape, weight shape, bias shape (None: no bias)
    ((4, 3), (5, 3), (5,)),
    ((4, 3), (5, 3), None),
    ((2, 3, 3), (2, 3), (2,)),
    ((2, 1, 2, 3), (4, 3), (4,)),
    ((3,), (5, 3), (5,)),
    ((4, 3), (5, 3), (4, 5)),
    ((2, 4, 3), (5, 3), (1, 5)),
    ((4, 3), (5, 3), ()),
    ((4, 3), (3,), None),
    ((0, 3), (2, 3), (2,)),
]


@pytest.mark.parametrize("x_shape, w_shape, b_shape", LINEAR_CASES)
def test_linear_matches_torch_to_second_order(x_shape, w_shape, b_shape):
    arrays = [_random(x_shape, 1), _random(w_shape, 2)]
    if b_shape is None:
        compare_with_torch(F.linear, TF.linear, arrays)
    else:
        compare_with_torch(F.linear, TF.linear, arrays + [_random(b_shape, 3)])


@pytest.mark.parametrize("x_shape, w_shape, b_shape", LINEAR_CASES[:4])
def test_linear_gradcheck_and_gradgradcheck(x_shape, w_shape, b_shape):
    arrays = [_random(x_shape, 1), _random(w_shape, 2)]
    if b_shape is not None:
        arrays.append(_random(b_shape, 3))
    check_gradients(F.linear, arrays)


@pytest.mark.parametrize("requires_grad", [[True, False, False], [False, True, True],
                                           [False, False, True], [True, True, False]])
def test_linear_with_some_inputs_constant_matches_torch(requires_grad):
    arrays = [_random((3, 4), 1), _random((2, 4), 2), _random((2,), 3)]
    compare_with_torch(F.linear, TF.linear, arrays, requires_grad=requires_grad)


def test_linear_keeps_float32_and_is_one_node():
    x = kp.randn(8, 3, requires_grad=True)
    w = kp.randn(4, 3, requires_grad=True)
    b = kp.randn(4, requires_grad=True)
    y = F.linear(x, w, b)
    assert y.dtype == kp.float32
    assert y.grad_fn.name() == "LinearBackward"
    y.sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == kp.float32


def test_linear_on_integers_matches_torch():
    x, w = np.arange(6).reshape(2, 3), np.arange(12).reshape(4, 3)
    out = F.linear(kp.tensor(x), kp.tensor(w))
    assert out.dtype == kp.int64
    np.testing.assert_array_equal(out.data, TF.linear(torch.tensor(x), torch.tensor(w)).numpy())


@pytest.mark.parametrize("shapes", [
    [(2, 3), (5, 4)], [(2, 7, 3), (5, 4)], [(3,), (5, 4)],
    [(2, 3), (5, 3), (4,)],
    [(2, 3), (4, 5, 3)], [(), (5, 3)], [(2, 3), (3,), (2,)], [(2, 3), (4,)],
])
def test_linear_errors_like_torch(shapes):
    def call(lib, f):
        return f.linear(*[lib.zeros(s) for s in shapes])
    assert_raises_like_torch(lambda: call(kp, F), lambda: call(torch, TF))


def test_linear_bias_with_more_dimensions_than_the_output_is_refused():
    with pytest.raises(RuntimeError, match=r"bias has 3 dimensions.*output \[2, 5\]"):
        F.linear(kp.zeros(2, 3), kp.zeros(5, 3), kp.zeros(3, 1, 5))


def test_linear_dtype_mismatch_errors_like_torch():
    assert_raises_like_torch(
        lambda: F.linear(kp.zeros(2, 3), kp.zeros(5, 3, dtype=kp.float64)),
        lambda: TF.linear(torch.zeros(2, 3), torch.zeros(5, 3, dtype=torch.float64)))
    assert_raises_like_torch(
        lambda: F.linear(kp.zeros(2, 3), kp.zeros(5, 3), kp.zeros(5, dtype=kp.float64)),
        lambda: TF.linear(torch.zeros(2, 3), torch.zeros(5, 3),
                          torch.zeros(5, dtype=torch.float64)))


# ---- bilinear (functional) ----------------------------------------------------------------

BILINEAR_CASES = [  # input1, input2, weight, bias
    ((4, 3), (4, 2), (5, 3, 2), (5,)),
    ((4, 3), (4, 2), (5, 3, 2), None),
    ((2, 3, 3), (2, 3, 2), (2, 3, 2), (2,)),
    ((3,), (2,), (4, 3, 2), (4,)),
]


@pytest.mark.parametrize("s1, s2, sw, sb", BILINEAR_CASES)
def test_bilinear_matches_torch_to_second_order(s1, s2, sw, sb):
    arrays = [_random(s1, 1), _random(s2, 2), _random(sw, 3)]
    if sb is not None:
        arrays.append(_random(sb, 4))
    compare_with_torch(F.bilinear, TF.bilinear, arrays)


@pytest.mark.parametrize("shapes", [
    [(2, 3), (2, 2, 4), (5, 3, 4)], [(2, 3), (2, 4), (5, 3, 5)], [(2, 3), (3, 4), (5, 3, 4)],
    [(2, 3), (2, 4), (5, 4, 4)], [(2, 3), (2, 4), (5, 3, 4), (4,)],
    [(2, 3), (2, 4), (5, 3, 4), (1, 5)],
])
def test_bilinear_errors_like_torch(shapes):
    def call(lib, f):
        return f.bilinear(*[lib.zeros(s) for s in shapes])
    assert_raises_like_torch(lambda: call(kp, F), lambda: call(torch, TF))


def test_bilinear_weight_rank_and_dtype_errors():
    with pytest.raises(RuntimeError, match="weight must be 3-D"):
        F.bilinear(kp.zeros(2, 3), kp.zeros(2, 4), kp.zeros(3, 4))
    assert_raises_like_torch(
        lambda: F.bilinear(kp.zeros(2, 3), kp.zeros(2, 4), kp.zeros(5, 3, 4, dtype=kp.float64)),
        lambda: TF.bilinear(torch.zeros(2, 3), torch.zeros(2, 4),
                            torch.zeros(5, 3, 4, dtype=torch.float64)))


# ---- the layers -------------------------------------------------------------------------------

def _copy_parameters(kp_layer, torch_layer):
    kp_layer.load_state_dict({k: v.detach().numpy() for k, v in torch_layer.state_dict().items()})


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("x_shape", [(6, 4), (2, 3, 4), (4,)])
def test_linear_layer_matches_torch(default_float64, bias, x_shape):
    torch_layer = torch.nn.Linear(4, 3, bias=bias)
    layer = kp.nn.Linear(4, 3, bias=bias)
    _copy_parameters(layer, torch_layer)
    x = _random(x_shape, 5)
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ky, ty = layer(kx), torch_layer(tx)
    assert_close(ky, ty)
    g = _random(ty.shape, 6)
    ky.backward(kp.tensor(g))
    ty.backward(torch.tensor(g))
    assert_close(kx.grad, tx.grad)
    pairs = zip(layer.named_parameters(), torch_layer.named_parameters(), strict=True)
    for (name, p), (_, tp) in pairs:
        assert_close(p.grad, tp.grad, what=name)


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_layer_matches_torch(default_float64, bias):
    torch_layer = torch.nn.Bilinear(3, 2, 4, bias=bias)
    layer = kp.nn.Bilinear(3, 2, 4, bias=bias)
    _copy_parameters(layer, torch_layer)
    x1, x2 = _random((5, 3), 1), _random((5, 2), 2)
    k1, k2 = kp.tensor(x1, requires_grad=True), kp.tensor(x2, requires_grad=True)
    t1, t2 = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    ky, ty = layer(k1, k2), torch_layer(t1, t2)
    assert_close(ky, ty)
    g = _random(ty.shape, 3)
    ky.backward(kp.tensor(g))
    ty.backward(torch.tensor(g))
    assert_close(k1.grad, t1.grad)
    assert_close(k2.grad, t2.grad)
    pairs = zip(layer.named_parameters(), torch_layer.named_parameters(), strict=True)
    for (name, p), (_, tp) in pairs:
        assert_close(p.grad, tp.grad, what=name)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Linear(3, 4), lambda lib: lib.nn.Linear(3, 4, bias=False),
    lambda lib: lib.nn.Bilinear(2, 3, 4), lambda lib: lib.nn.Bilinear(2, 3, 4, bias=False),
    lambda lib: lib.nn.Identity(), lambda lib: lib.nn.Identity(3, unused=True),
])
def test_printing_and_state_dict_keys_match_torch(make):
    layer, torch_layer = make(kp), make(torch)
    assert repr(layer) == repr(torch_layer)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {
        k: tuple(v.shape) for k, v in torch_layer.state_dict().items()}


def test_lazy_linear_prints_like_torch():
    assert repr(kp.nn.LazyLinear(4, bias=False)) == repr(torch.nn.LazyLinear(4, bias=False))


def test_linear_default_initialisation_bounds():
    layer = kp.nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
    assert np.abs(layer.weight.data).max() == pytest.approx(bound, rel=1e-3)
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert np.abs(layer.bias.data).max() > 0.9 * bound


def test_bilinear_default_initialisation_bounds():
    layer = kp.nn.Bilinear(100, 30, 50)
    bound = 1 / math.sqrt(100)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.weight.data).max() == pytest.approx(bound, rel=1e-3)
    assert np.abs(layer.bias.data).max() <= bound


def test_default_initialisation_is_reproducible_under_manual_seed():
    kp.manual_seed(7)
    a = kp.nn.Linear(5, 3)
    kp.manual_seed(7)
    b = kp.nn.Linear(5, 3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)


@pytest.mark.parametrize("dtype", [kp.float32, kp.float64])
def test_layers_take_a_dtype(dtype):
    linear, bilinear = kp.nn.Linear(3, 2, dtype=dtype), kp.nn.Bilinear(3, 2, 4, dtype=dtype)
    assert all(p.dtype == dtype for p in [*linear.parameters(), *bilinear.parameters()])
    assert linear(kp.ones(5, 3, dtype=dtype)).dtype == dtype


def test_layers_refuse_other_devices():
    with pytest.raises(RuntimeError, match="CPU only"):
        kp.nn.Linear(3, 2, device="cuda")


def test_linear_layer_with_wrong_last_dimension_errors_like_torch():
    assert_raises_like_torch(lambda: kp.nn.Linear(4, 5)(kp.zeros(2, 3)),
                             lambda: torch.nn.Linear(4, 5)(torch.zeros(2, 3)))


def test_identity_returns_its_input():
    x = kp.randn(3, requires_grad=True)
    assert kp.nn.Identity(54, unused_argument="x")(x) is x


def test_lazy_linear_reads_in_features_and_becomes_linear():
    layer = kp.nn.LazyLinear(4)
    assert layer.in_features == 0 and layer.weight.numel() == 0
    y = layer(kp.randn(2, 3, 7))
    assert y.shape == (2, 3, 4)
    assert type(layer) is kp.nn.Linear and layer.in_features == 7
    assert layer.weight.shape == (4, 7)
    assert np.abs(layer.weight.data).max() <= 1 / math.sqrt(7)
    assert repr(layer) == "Linear(in_features=7, out_features=4, bias=True)"
    y.sum().backward()
    assert layer.weight.grad.shape == (4, 7) and layer.bias.grad.shape == (4,)


def test_linear_layer_trains_with_sgd():
    kp.manual_seed(0)
    x = kp.randn(64, 3)
    target = x @ kp.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    layer = kp.nn.Linear(3, 1)
    for _ in range(300):
        layer.zero_grad()
        loss = ((layer(x) - target) ** 2).mean()
        loss.backward()
        with kp.no_grad():
            for p in layer.parameters():
                p -= 0.1 * p.grad
    np.testing.assert_allclose(layer.weight.data, [[1.0, -2.0, 0.5]], atol=1e-3)
    np.testing.assert_allclose(layer.bias.data, [0.3], atol=1e-3)
