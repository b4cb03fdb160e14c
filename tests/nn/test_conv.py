"""Convolution: ``conv1d``, ``conv2d``, ``conv_transpose1d``, ``conv_transpose2d``, ``unfold`` and
``fold`` against torch (values, first and second derivatives) over strides, paddings (ints,
tuples, 'same', 'valid'), dilations and groups; gradient checks of the primitives; the layers on
torch's weights with every padding mode (outputs and gradients of inputs and parameters);
default initialisation, printing, state-dict keys and errors."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import konspekt as kp
import konspekt.nn.functional as F
from konspekt.nn.functional import conv as conv_module
from oracle import (assert_close, assert_raises_like_torch, check_gradients,
                    compare_with_torch, seeds)


def _random(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, size=shape)


def _options(function, options):
    return lambda *tensors: function(*tensors, **options)


# ---- conv1d / conv2d (functional) -----------------------------------------------------------

CONV2D_CASES = [  # input shape, weight shape, options
    ((2, 3, 5, 6), (4, 3, 3, 3), {}),
    ((2, 3, 6, 5), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    ((1, 2, 7, 6), (3, 2, 2, 3), {"stride": (2, 3), "padding": (2, 0), "dilation": (1, 2)}),
    ((2, 4, 5, 5), (6, 2, 3, 3), {"groups": 2, "padding": 1}),
    ((2, 3, 5, 4), (6, 1, 3, 3), {"groups": 3, "padding": "same"}),  # depthwise, multiplier 2
    ((1, 2, 6, 5), (2, 2, 2, 4), {"padding": "same", "dilation": (2, 1)}),  # asymmetric 'same'
    ((1, 2, 5, 5), (3, 2, 3, 3), {"padding": "valid", "dilation": 2}),
    ((3, 5, 5), (2, 3, 3, 3), {"padding": 1}),  # unbatched
    ((2, 2, 4, 4), (3, 2, 1, 1), {}),  # 1×1
    ((2, 2, 3, 3), (3, 2, 3, 3), {}),  # one output pixel
]


@pytest.mark.parametrize("x_shape, w_shape, options", CONV2D_CASES)
def test_conv2d_matches_torch_to_second_order(x_shape, w_shape, options):
    arrays = [_random(x_shape, 1), _random(w_shape, 2), _random(w_shape[0], 3)]
    compare_with_torch(_options(F.conv2d, options), _options(TF.conv2d, options), arrays)


def test_conv2d_without_bias_matches_torch():
    arrays = [_random((2, 3, 5, 5), 1), _random((4, 3, 3, 3), 2)]
    compare_with_torch(_options(F.conv2d, {"padding": 1}), _options(TF.conv2d, {"padding": 1}),
                       arrays)


CONV1D_CASES = [
    ((2, 3, 7), (4, 3, 3), {}),
    ((2, 3, 9), (4, 3, 2), {"stride": 2, "padding": 1, "dilation": 2}),
    ((2, 4, 8), (6, 2, 3), {"groups": 2, "padding": (2,)}),
    ((1, 3, 6), (3, 1, 4), {"groups": 3, "padding": "same"}),
    ((1, 2, 6), (3, 2, 3), {"padding": "valid", "stride": (3,)}),
    ((3, 7), (2, 3, 3), {"padding": 2}),  # unbatched
]


@pytest.mark.parametrize("x_shape, w_shape, options", CONV1D_CASES)
def test_conv1d_matches_torch_to_second_order(x_shape, w_shape, options):
    arrays = [_random(x_shape, 1), _random(w_shape, 2), _random(w_shape[0], 3)]
    compare_with_torch(_options(F.conv1d, options), _options(TF.conv1d, options), arrays)


@pytest.mark.parametrize("requires_grad", [[True, False, False], [False, True, False],
                                           [False, False, True]])
def test_conv2d_with_some_inputs_constant_matches_torch(requires_grad):
    arrays = [_random((2, 2, 4, 4), 1), _random((3, 2, 2, 2), 2), _random(3, 3)]
    compare_with_torch(_options(F.conv2d, {"padding": 1}), _options(TF.conv2d, {"padding": 1}),
                       arrays, requires_grad=requires_grad)


@st.composite
def _conv_settings(draw):
    """A random 2-D convolution: groups, channels, kernel, stride, padding, dilation and an
    input at least as large as the dilated kernel."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    dilation = draw(st.tuples(st.integers(1, 2), st.integers(1, 2)))
    padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 3))
                 for k, d, p in zip(kernel, dilation, padding))
    options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return (draw(st.integers(1, 3)), c_in) + size, (c_out, c_in // groups) + kernel, options


@given(_conv_settings(), seeds)
def test_random_conv2d_and_its_transpose_match_torch(settings, seed):
    x_shape, w_shape, options = settings
    arrays = [_random(x_shape, seed), _random(w_shape, seed + 1), _random(w_shape[0], seed + 2)]
    compare_with_torch(_options(F.conv2d, options), _options(TF.conv2d, options), arrays,
                       second_order=False)
    # The transposed convolution back to the input's size: output_padding picks it among the
    # sizes the strided convolution maps to the same output size.
    y_shape = tuple(TF.conv2d(torch.zeros(x_shape), torch.zeros(w_shape), **options).shape)
    options["output_padding"] = tuple(
        n - ((m - 1) * s - 2 * p + d * (k - 1) + 1) for n, m, s, p, d, k in
        zip(x_shape[2:], y_shape[2:], options["stride"], options["padding"],
            options["dilation"], w_shape[2:]))
    bias = _random(w_shape[1] * options["groups"], seed + 3)
    compare_with_torch(_options(F.conv_transpose2d, options),
                       _options(TF.conv_transpose2d, options),
                       [_random(y_shape, seed), arrays[1], bias], second_order=False)


# ---- conv_transpose1d / conv_transpose2d ----------------------------------------------------

TRANSPOSE2D_CASES = [  # input shape, weight shape (C_in, C_out/groups, …), options
    ((2, 3, 4, 3), (3, 2, 3, 3), {}),
    ((2, 3, 3, 4), (3, 2, 3, 2), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((1, 4, 3, 3), (4, 1, 2, 3), {"stride": (3, 2), "output_padding": (2, 1), "groups": 2}),
    ((1, 2, 3, 3), (2, 3, 3, 3), {"dilation": 2, "padding": 2, "output_padding": 1}),
    ((3, 3, 2), (3, 2, 2, 2), {"stride": 2}),  # unbatched
]


@pytest.mark.parametrize("x_shape, w_shape, options", TRANSPOSE2D_CASES)
def test_conv_transpose2d_matches_torch_to_second_order(x_shape, w_shape, options):
    out_channels = w_shape[1] * options.get("groups", 1)
    arrays = [_random(x_shape, 1), _random(w_shape, 2), _random(out_channels, 3)]
    compare_with_torch(_options(F.conv_transpose2d, options),
                       _options(TF.conv_transpose2d, options), arrays)


TRANSPOSE1D_CASES = [
    ((2, 3, 4), (3, 2, 3), {}),
    ((2, 4, 5), (4, 1, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
    ((1, 2, 4), (2, 2, 2), {"dilation": 3, "output_padding": 2}),  # P_out < dilation
    ((3, 4), (3, 2, 3), {"stride": 3, "padding": 1}),  # unbatched
]


@pytest.mark.parametrize("x_shape, w_shape, options", TRANSPOSE1D_CASES)
def test_conv_transpose1d_matches_torch_to_second_order(x_shape, w_shape, options):
    out_channels = w_shape[1] * options.get("groups", 1)
    arrays = [_random(x_shape, 1), _random(w_shape, 2), _random(out_channels, 3)]
    compare_with_torch(_options(F.conv_transpose1d, options),
                       _options(TF.conv_transpose1d, options), arrays)


def test_conv_transpose_is_the_adjoint_of_conv():
    x, w, y = _random((2, 4, 7, 6), 1), _random((6, 2, 3, 2), 2), _random((2, 6, 4, 3), 3)
    options = {"stride": 2, "padding": 1, "dilation": (1, 2), "groups": 2}
    forward = F.conv2d(kp.tensor(x), kp.tensor(w), **options).data
    backward = F.conv_transpose2d(kp.tensor(y), kp.tensor(w), output_padding=(0, 1),
                                  **options).data
    assert backward.shape == x.shape
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * backward), rtol=1e-12)


# ---- gradient checks of the primitives ------------------------------------------------------


@pytest.mark.parametrize("options", [{"stride": 2, "padding": 1}, {"dilation": (2, 1)},
                                     {"groups": 2, "padding": (0, 1)}])
def test_conv2d_gradcheck_and_gradgradcheck(options):
    arrays = [_random((2, 2, 4, 4), 1), _random((2, 2 // options.get("groups", 1), 2, 2), 2),
              _random(2, 3)]
    check_gradients(_options(F.conv2d, options), arrays)


def test_conv_transpose2d_gradcheck_and_gradgradcheck():
    options = {"stride": 2, "padding": 1, "output_padding": 1}
    arrays = [_random((1, 2, 3, 3), 1), _random((2, 2, 3, 2), 2), _random(2, 3)]
    check_gradients(_options(F.conv_transpose2d, options), arrays)


UNFOLD_CASES = [  # input shape, kernel, options
    ((2, 2, 4, 5), 2, {}),
    ((1, 3, 5, 4), (2, 3), {"dilation": (2, 1), "padding": 1, "stride": (2, 1)}),
    ((2, 4, 3), (3, 2), {"padding": (1, 0)}),  # unbatched
]


@pytest.mark.parametrize("x_shape, kernel, options", UNFOLD_CASES)
def test_unfold_matches_torch_and_passes_gradgradcheck(x_shape, kernel, options):
    arrays = [_random(x_shape, 1)]
    compare_with_torch(lambda x: F.unfold(x, kernel, **options),
                       lambda x: TF.unfold(x, kernel, **options), arrays)
    check_gradients(lambda x: F.unfold(x, kernel, **options), arrays)


@pytest.mark.parametrize("x_shape, kernel, options", UNFOLD_CASES)
def test_fold_matches_torch_and_passes_gradgradcheck(x_shape, kernel, options):
    size = x_shape[-2:]
    columns_shape = tuple(TF.unfold(torch.zeros(x_shape), kernel, **options).shape)
    arrays = [_random(columns_shape, 1)]
    compare_with_torch(lambda c: F.fold(c, size, kernel, **options),
                       lambda c: TF.fold(c, size, kernel, **options), arrays)
    check_gradients(lambda c: F.fold(c, size, kernel, **options), arrays)


def test_fold_of_unfold_counts_the_windows_of_each_pixel():
    ones = kp.ones(1, 1, 4, 4, dtype=kp.float64)
    counts = F.fold(F.unfold(ones, 3, padding=1), (4, 4), 3, padding=1)
    expected = TF.fold(TF.unfold(torch.ones(1, 1, 4, 4), 3, padding=1), (4, 4), 3, padding=1)
    assert_close(counts, expected.double())


# ---- chunks of the batch, dtypes, graph -----------------------------------------------------


@pytest.mark.parametrize("chunk_bytes", [1, 3000])
def test_conv_by_chunks_of_the_batch_matches_torch(monkeypatch, chunk_bytes):
    # 1 byte: one sample per chunk; 3000 bytes: a few samples per chunk, the last one shorter.
    monkeypatch.setattr(conv_module, "_CHUNK_BYTES", chunk_bytes)
    arrays = [_random((5, 2, 5, 5), 1), _random((4, 2, 3, 3), 2), _random(4, 3)]
    options = {"stride": 2, "padding": 1}
    compare_with_torch(_options(F.conv2d, options), _options(TF.conv2d, options), arrays,
                       second_order=False)
    options = {"stride": 2, "padding": 1, "output_padding": 1}
    compare_with_torch(_options(F.conv_transpose2d, options),
                       _options(TF.conv_transpose2d, options),
                       [arrays[0], arrays[1][:2], arrays[2][:2]], second_order=False)


def test_conv_keeps_float32_and_is_one_node():
    x = kp.randn(2, 3, 6, 6, requires_grad=True)
    w = kp.randn(4, 3, 3, 3, requires_grad=True)
    b = kp.randn(4, requires_grad=True)
    y = F.conv2d(x, w, b, padding=1)
    assert y.dtype == kp.float32
    assert y.grad_fn.name() == "ConvolutionBackward"
    y.sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == kp.float32
    assert F.conv_transpose2d(x, w.transpose(0, 1)).dtype == kp.float32


def test_conv_of_an_empty_batch_matches_torch():
    out, expected = (lib_f.conv2d(lib.zeros(0, 3, 5, 5), lib.zeros(4, 3, 3, 3))
                     for lib, lib_f in ((kp, F), (torch, TF)))
    assert out.shape == tuple(expected.shape)


def test_conv2d_on_integers_matches_torch():
    x, w = np.arange(64).reshape(2, 2, 4, 4), np.arange(24).reshape(3, 2, 2, 2)
    out = F.conv2d(kp.tensor(x), kp.tensor(w), stride=2)
    expected = TF.conv2d(torch.tensor(x), torch.tensor(w), stride=2)
    assert out.dtype == kp.int64
    np.testing.assert_array_equal(out.data, expected.numpy())


# ---- layers ---------------------------------------------------------------------------------


def _layer_pair(name, *args, **kwargs):
    """The same layer in both libraries, konspekt's holding torch's weights, in float64."""
    reference = getattr(torch.nn, name)(*args, **kwargs).double()
    layer = (getattr(kp.nn, name)(*args, **kwargs, dtype=kp.float64) if name.startswith("Conv")
             else getattr(kp.nn, name)(*args, **kwargs))
    layer.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    return layer, reference


def _compare_layer(layer, reference, x, **call):
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ky, ty = layer(kx, **call), reference(tx, **call)
    assert_close(ky, ty, what="output")
    g = _random(ty.shape, 9)
    ky.backward(kp.tensor(g))
    ty.backward(torch.tensor(g))
    assert_close(kx.grad, tx.grad, what="input gradient")
    for (name, p), q in zip(layer.named_parameters(), reference.parameters()):
        assert_close(p.grad, q.grad, what=f"gradient of {name}")


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same", "valid"])
def test_conv2d_layer_matches_torch_with_every_padding(padding_mode, padding):
    stride = 1 if padding == "same" else (2, 1)
    layer, reference = _layer_pair("Conv2d", 4, 6, (3, 2), stride=stride, padding=padding,
                                   dilation=(1, 2), groups=2, padding_mode=padding_mode)
    _compare_layer(layer, reference, _random((2, 4, 5, 6), 1))


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [2, "same"])
def test_conv1d_layer_matches_torch_with_every_padding(padding_mode, padding):
    layer, reference = _layer_pair("Conv1d", 3, 4, 4, padding=padding, padding_mode=padding_mode)
    _compare_layer(layer, reference, _random((2, 3, 7), 1))
    _compare_layer(layer, reference, _random((3, 7), 2))  # unbatched


@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose_layers_match_torch(bias):
    layer, reference = _layer_pair("ConvTranspose2d", 4, 6, (3, 2), stride=2, padding=1,
                                   output_padding=(1, 0), groups=2, bias=bias, dilation=(1, 2))
    _compare_layer(layer, reference, _random((2, 4, 3, 4), 1))
    layer, reference = _layer_pair("ConvTranspose1d", 2, 3, 3, stride=3, bias=bias)
    _compare_layer(layer, reference, _random((2, 2, 4), 1))


@pytest.mark.parametrize("output_size", [(8, 8), (7, 8), [1, 2, 7, 7]])
def test_conv_transpose_output_size_matches_torch(output_size):
    layer, reference = _layer_pair("ConvTranspose2d", 3, 2, 3, stride=2, padding=1)
    _compare_layer(layer, reference, _random((1, 3, 4, 4), 1), output_size=output_size)


def test_unfold_and_fold_layers_match_torch():
    layer, reference = _layer_pair("Unfold", (2, 3), dilation=(1, 2), padding=1, stride=2)
    _compare_layer(layer, reference, _random((2, 3, 5, 6), 1))
    layer, reference = _layer_pair("Fold", (4, 5), 2, stride=(1, 2))
    _compare_layer(layer, reference, _random((2, 8, 6), 1))


LAYERS = [
    ("Conv1d", (3, 4, 3), {}),
    ("Conv1d", (4, 4, 2), {"padding": "valid", "bias": False, "padding_mode": "circular"}),
    ("Conv2d", (3, 4, 3), {}),
    ("Conv2d", (3, 4, (3, 5)), {"stride": 2, "padding": 1, "dilation": 2, "bias": False,
                                "padding_mode": "reflect"}),
    ("Conv2d", (4, 4, 3), {"padding": "same", "groups": 2}),
    ("ConvTranspose1d", (3, 4, 3), {}),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "output_padding": 1, "groups": 2,
                                    "dilation": 2, "padding": 1}),
    ("Unfold", (2,), {}),
    ("Unfold", ((2, 3),), {"padding": (1, 0), "stride": 2}),
    ("Fold", ((4, 4), 2), {"dilation": 1}),
]


@pytest.mark.parametrize("name, args, kwargs", LAYERS)
def test_layers_print_and_store_as_torch(name, args, kwargs):
    layer, reference = getattr(kp.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args,
                                                                                    **kwargs)
    assert repr(layer) == repr(reference)
    state, expected = layer.state_dict(), reference.state_dict()
    assert list(state) == list(expected)
    for key in state:
        assert tuple(state[key].shape) == tuple(expected[key].shape)
    for attribute in ("kernel_size", "stride", "padding", "dilation", "groups", "padding_mode",
                      "output_padding", "transposed", "_reversed_padding_repeated_twice"):
        if hasattr(reference, attribute):
            assert getattr(layer, attribute) == getattr(reference, attribute), attribute


@pytest.mark.parametrize("name", ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"])
def test_default_initialisation_is_torchs_uniform(name):
    kp.manual_seed(0)
    layer = getattr(kp.nn, name)(6, 8, 3, groups=2)
    fan_in = layer.weight.shape[1] * math.prod(layer.kernel_size)
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=√5): √3 · √(2/6) / √n_in
    w, b = layer.weight.data, layer.bias.data
    assert layer.weight.dtype == kp.float32 and w.shape == tuple(
        getattr(torch.nn, name)(6, 8, 3, groups=2).weight.shape)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(−a, a) has standard deviation a/√3.
    assert abs(w.std() - bound / math.sqrt(3)) < 0.2 * bound
    assert getattr(kp.nn, name)(2, 2, 1, dtype=kp.float64).weight.dtype == kp.float64


# ---- errors ---------------------------------------------------------------------------------


def _both(call):
    return lambda: call(kp, F), lambda: call(torch, TF)


ERRORS = {
    "rank": lambda L, f: f.conv2d(L.zeros(3, 5), L.zeros(4, 3, 3, 3)),
    "rank 1d": lambda L, f: f.conv1d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3)),
    "channels": lambda L, f: f.conv2d(L.zeros(2, 2, 5, 5), L.zeros(4, 3, 3, 3)),
    "channels unbatched": lambda L, f: f.conv2d(L.zeros(2, 5, 5), L.zeros(4, 3, 3, 3)),
    "channels groups": lambda L, f: f.conv2d(L.zeros(2, 4, 5, 5), L.zeros(4, 1, 3, 3), groups=2),
    "kernel too big": lambda L, f: f.conv2d(L.zeros(1, 3, 2, 2), L.zeros(4, 3, 3, 3)),
    "kernel too big 1d": lambda L, f: f.conv1d(L.zeros(1, 3, 4), L.zeros(4, 3, 3), dilation=2),
    "same strided": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3),
                                          padding="same", stride=2),
    "padding string": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3),
                                            padding="full"),
    "negative padding": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3),
                                              padding=-1),
    "stride 0": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3), stride=0),
    "padding 1d": lambda L, f: f.conv1d(L.zeros(1, 3, 5), L.zeros(4, 3, 3), padding=-1),
    "groups 0": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3), groups=0),
    "stride length": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3),
                                           stride=(1, 1, 1)),
    "weight groups": lambda L, f: f.conv2d(L.zeros(2, 4, 5, 5), L.zeros(3, 2, 3, 3), groups=2),
    "bias size": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3), L.zeros(3)),
    "input dtype": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5, dtype=L.float64),
                                         L.zeros(4, 3, 3, 3)),
    "bias dtype": lambda L, f: f.conv2d(L.zeros(1, 3, 5, 5), L.zeros(4, 3, 3, 3),
                                        L.zeros(4, dtype=L.float64)),
    "transpose rank": lambda L, f: f.conv_transpose1d(L.zeros(1, 3, 5, 5), L.zeros(3, 4, 3)),
    "transpose channels": lambda L, f: f.conv_transpose2d(L.zeros(2, 3, 5, 5),
                                                          L.zeros(4, 4, 3, 3)),
    "transpose output padding": lambda L, f: f.conv_transpose2d(
        L.zeros(1, 3, 5, 5), L.zeros(3, 4, 3, 3), stride=2, output_padding=2),
    "transpose output padding 1d": lambda L, f: f.conv_transpose1d(
        L.zeros(1, 3, 5), L.zeros(3, 4, 3), stride=2, output_padding=2),
    "transpose bias": lambda L, f: f.conv_transpose2d(L.zeros(1, 3, 5, 5), L.zeros(3, 4, 3, 3),
                                                      L.zeros(3)),
    "transpose negative output padding": lambda L, f: f.conv_transpose2d(
        L.zeros(1, 3, 5, 5), L.zeros(3, 4, 3, 3), output_padding=-1),
    "transpose too small": lambda L, f: f.conv_transpose2d(L.zeros(1, 3, 1, 1),
                                                           L.zeros(3, 4, 3, 3), padding=2),
    "transpose padding string": lambda L, f: f.conv_transpose2d(
        L.zeros(1, 3, 5, 5), L.zeros(3, 4, 3, 3), padding="same"),
    "unfold rank": lambda L, f: f.unfold(L.zeros(1, 1, 3, 4, 4), 2),
    "unfold no block": lambda L, f: f.unfold(L.zeros(1, 3, 4, 4), 5),
    "unfold stride": lambda L, f: f.unfold(L.zeros(1, 3, 4, 4), 2, stride=0),
    "unfold padding": lambda L, f: f.unfold(L.zeros(1, 3, 4, 4), 2, padding=-1),
    "unfold kernel": lambda L, f: f.unfold(L.zeros(1, 3, 4, 4), 0),
    "fold rank": lambda L, f: f.fold(L.zeros(3), (4, 4), 2),
    "fold blocks": lambda L, f: f.fold(L.zeros(1, 4, 5), (4, 4), 2),
    "fold channels": lambda L, f: f.fold(L.zeros(1, 5, 9), (4, 4), 2),
    "layer groups": lambda L, f: L.nn.Conv2d(4, 6, 3, groups=4),
    "layer in groups": lambda L, f: L.nn.Conv2d(3, 6, 3, groups=2),
    "layer groups 0": lambda L, f: L.nn.Conv2d(4, 4, 3, groups=0),
    "layer same strided": lambda L, f: L.nn.Conv1d(4, 4, 3, padding="same", stride=2),
    "layer transpose mode": lambda L, f: L.nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"),
    "layer rank": lambda L, f: L.nn.Conv2d(3, 4, 3)(L.zeros(5, 5)),
    "layer output size length": lambda L, f: L.nn.ConvTranspose2d(3, 4, 3, stride=2)(
        L.zeros(1, 3, 5, 5), output_size=(1, 12, 12)),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    assert_raises_like_torch(*_both(ERRORS[case]))


def test_invalid_padding_mode_raises_value_error():
    with pytest.raises(ValueError, match="padding_mode must be one of .*got padding_mode='foo'"):
        kp.nn.Conv2d(4, 4, 3, padding_mode="foo")
    with pytest.raises(ValueError):
        torch.nn.Conv2d(4, 4, 3, padding_mode="foo")


def test_non_positive_dilation_raises():
    # torch's message for this depends on the path its dispatcher takes.
    for library, functional in ((kp, F), (torch, TF)):
        with pytest.raises(RuntimeError, match="dilation"):
            functional.conv2d(library.zeros(1, 3, 5, 5), library.zeros(4, 3, 3, 3), dilation=0)


def test_invalid_padding_string_in_a_layer_raises_value_error():
    # torch prints the valid strings as a set, in an order that changes from run to run.
    with pytest.raises(ValueError, match="Invalid padding string 'full', should be one of"):
        kp.nn.Conv2d(4, 4, 3, padding="full")
    with pytest.raises(ValueError):
        torch.nn.Conv2d(4, 4, 3, padding="full")


def test_reflect_padding_wider_than_the_input_raises():
    for library in (kp, torch):
        with pytest.raises(RuntimeError, match="Padding size should be less than"):
            library.nn.Conv2d(3, 4, 3, padding=3, padding_mode="reflect")(
                library.zeros(1, 3, 3, 3))


def test_output_size_out_of_range_raises_value_error():
    layer = kp.nn.ConvTranspose2d(3, 4, 3, stride=2)
    with pytest.raises(ValueError, match=r"requested an output size of \(20, 20\), but valid "
                                         r"sizes range from \[11, 11\] to \[12, 12\]"):
        layer(kp.zeros(1, 3, 5, 5), output_size=(20, 20))
    with pytest.raises(ValueError):
        torch.nn.ConvTranspose2d(3, 4, 3, stride=2)(torch.zeros(1, 3, 5, 5),
                                                    output_size=(20, 20))


def test_weight_of_wrong_rank_names_the_expected_layout():
    with pytest.raises(RuntimeError, match=r"conv2d: expected a 4-D weight .* \[4, 3, 3\]"):
        F.conv2d(kp.zeros(1, 3, 5, 5), kp.zeros(4, 3, 3))
    with pytest.raises(RuntimeError):
        TF.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(4, 3, 3))
