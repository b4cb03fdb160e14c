"""Transformer layers against torch on copied weights in float64: encoder and decoder layers
(post- and pre-norm, relu, gelu and a callable activation, batch_first both ways, every mask),
the stacks, the full Transformer; outputs and the gradients of the inputs and of every parameter.
Also the causal mask, deep copies, initialisation, state-dict keys, dropout in training and
evaluation, and errors.

torch's encoder layer has a fused fast path in evaluation without gradients (and, for the stack,
a nested-tensor path that returns 0 at padded positions); the comparisons run in training mode
with dropout 0 and inputs that require grad, which keeps torch on its reference path. The one
evaluation comparison keeps gradients enabled for the same reason.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
import konspekt.nn.functional as F
from oracle import assert_close, assert_raises_like_torch
from test_attention import compare_modules

# torch warns that its nested-tensor path is off for these configurations; nothing to check.
pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")

D, HEADS, FF = 8, 2, 12
T, S, N = 3, 4, 2


def _random(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _padding(shape, seed):
    mask = np.random.default_rng(seed).random(shape) < 0.3
    mask[..., 0] = False  # every sequence keeps a position: no fully masked query
    return mask


def _activation(name, lib):
    return {"relu": "relu", "gelu": "gelu",
            "silu": F.silu if lib is kp else TF.silu}[name]


def _pair(make, seed=0):
    torch.manual_seed(seed)
    return make(kp, kp.float64), make(torch, torch.float64)


def _sequence(length, batch_first, seed):
    return _random((N, length, D) if batch_first else (length, N, D), seed)


def _tensor(lib, array):
    return None if array is None else lib.tensor(array)


def _causal(length):
    return torch.nn.Transformer.generate_square_subsequent_mask(length,
                                                                dtype=torch.float64).numpy()


def _causal_bool(length):
    return np.triu(np.ones((length, length), bool), 1)


ENCODER_MASKS = {  # name → (src_mask, src_key_padding_mask, is_causal)
    "none": (None, None, False),
    "bool src_mask": (_causal_bool(S), None, False),
    "float src_mask 3-D": (_random((N * HEADS, S, S), 1), None, False),
    "padding": (None, _padding((N, S), 2), False),
    "causal and padding": (_causal_bool(S), _padding((N, S), 3), True),
    "float causal, float padding": (_causal(S), np.where(_padding((N, S), 3), -np.inf, 0.0),
                                    None),
    "causal hint": (_causal(S), None, True),
}


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu", "silu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_matches_torch(norm_first, activation, batch_first):
    k, t = _pair(lambda lib, dtype: lib.nn.TransformerEncoderLayer(
        D, HEADS, FF, dropout=0.0, activation=_activation(activation, lib),
        batch_first=batch_first, norm_first=norm_first, dtype=dtype))
    padding = _padding((N, S), 4)
    compare_modules(k, t, [_sequence(S, batch_first, 5)],
                    lambda m, lib, x: m(x, src_key_padding_mask=lib.tensor(padding)))


@pytest.mark.parametrize("mask_name", list(ENCODER_MASKS))
def test_encoder_layer_masks_match_torch(mask_name):
    mask, padding, is_causal = ENCODER_MASKS[mask_name]
    k, t = _pair(lambda lib, dtype: lib.nn.TransformerEncoderLayer(
        D, HEADS, FF, dropout=0.0, dtype=dtype))
    compare_modules(k, t, [_sequence(S, False, 5)],
                    lambda m, lib, x: m(x, src_mask=_tensor(lib, mask),
                                        src_key_padding_mask=_tensor(lib, padding),
                                        is_causal=is_causal))


def test_encoder_layer_unbatched_and_without_bias_match_torch():
    k, t = _pair(lambda lib, dtype: lib.nn.TransformerEncoderLayer(
        D, HEADS, FF, dropout=0.0, bias=False, layer_norm_eps=1e-3, dtype=dtype))
    assert k.norm1.bias is None and k.linear1.bias is None
    compare_modules(k, t, [_random((S, D), 1)], lambda m, lib, x: m(x))


DECODER_MASKS = {  # tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask
    "none": (None, None, None, None),
    "causal": (_causal(T), None, None, None),
    "bool causal": (_causal_bool(T), None, None, None),
    "all": (_causal_bool(T), _random((T, S), 1) > 0, _padding((N, T), 2), _padding((N, S), 3)),
    "memory bool": (None, np.random.default_rng(4).random((N * HEADS, T, S)) < 0.3, None,
                    None),
}


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_matches_torch(norm_first, activation, batch_first):
    k, t = _pair(lambda lib, dtype: lib.nn.TransformerDecoderLayer(
        D, HEADS, FF, dropout=0.0, activation=activation, batch_first=batch_first,
        norm_first=norm_first, dtype=dtype))
    tgt_mask, memory_mask, tgt_padding, memory_padding = DECODER_MASKS["all"]
    compare_modules(k, t, [_sequence(T, batch_first, 5), _sequence(S, batch_first, 6)],
                    lambda m, lib, x, memory: m(
                        x, memory, tgt_mask=lib.tensor(tgt_mask),
                        memory_mask=lib.tensor(memory_mask),
                        tgt_key_padding_mask=lib.tensor(tgt_padding),
                        memory_key_padding_mask=lib.tensor(memory_padding),
                        tgt_is_causal=True))


@pytest.mark.parametrize("mask_name", list(DECODER_MASKS))
def test_decoder_layer_masks_match_torch(mask_name):
    masks = DECODER_MASKS[mask_name]
    k, t = _pair(lambda lib, dtype: lib.nn.TransformerDecoderLayer(
        D, HEADS, FF, dropout=0.0, dtype=dtype))
    compare_modules(k, t, [_sequence(T, False, 5), _sequence(S, False, 6)],
                    lambda m, lib, x, memory: m(x, memory, *(_tensor(lib, a) for a in masks)))


STACK_MASKS = {  # name → (mask, src_key_padding_mask); is_causal=None lets the stack detect
    "bool causal, padding": (_causal_bool(S), _padding((N, S), 1)),
    "float causal": (_causal(S), None),  # detected as causal
    "float, not causal": (_random((S, S), 2), None),  # not detected
}


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("mask_name", list(STACK_MASKS))
def test_encoder_stack_matches_torch(norm_first, mask_name):
    def make(lib, dtype):
        layer = lib.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, norm_first=norm_first,
                                               batch_first=True, dtype=dtype)
        return lib.nn.TransformerEncoder(layer, 2, norm=lib.nn.LayerNorm(D, dtype=dtype),
                                         enable_nested_tensor=False)
    k, t = _pair(make)
    mask, padding = STACK_MASKS[mask_name]
    compare_modules(k, t, [_sequence(S, True, 2)],
                    lambda m, lib, x: m(x, mask=lib.tensor(mask),
                                        src_key_padding_mask=_tensor(lib, padding)))


class _Doubling(kp.nn.Module):
    """An encoder with the stack's call signature: memory = 2·src."""

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        return src * 2


def test_transformer_with_a_custom_encoder():
    encoder = _Doubling()
    model = kp.nn.Transformer(D, HEADS, 1, 1, FF, dropout=0.0, custom_encoder=encoder)
    assert model.encoder is encoder
    src, tgt = kp.randn(S, N, D), kp.randn(T, N, D)
    np.testing.assert_array_equal(model(src, tgt).data, model.decoder(tgt, src * 2).data)


def test_decoder_stack_matches_torch():
    def make(lib, dtype):
        layer = lib.nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, dtype=dtype)
        return lib.nn.TransformerDecoder(layer, 2, norm=lib.nn.LayerNorm(D, dtype=dtype))
    k, t = _pair(make)
    compare_modules(k, t, [_sequence(T, False, 1), _sequence(S, False, 2)],
                    lambda m, lib, x, memory: m(x, memory, tgt_mask=lib.tensor(_causal(T))))


@pytest.mark.parametrize("norm_first, batch_first", [(False, False), (True, True)])
def test_transformer_matches_torch(norm_first, batch_first):
    k, t = _pair(lambda lib, dtype: lib.nn.Transformer(
        D, HEADS, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=FF, dropout=0.0,
        activation="gelu", batch_first=batch_first, norm_first=norm_first, dtype=dtype))
    src_padding, tgt_padding = _padding((N, S), 1), _padding((N, T), 2)

    def call(m, lib, src, tgt):
        return m(src, tgt, tgt_mask=lib.tensor(_causal_bool(T)),
                 src_key_padding_mask=lib.tensor(src_padding),
                 tgt_key_padding_mask=lib.tensor(tgt_padding),
                 memory_key_padding_mask=lib.tensor(src_padding))
    compare_modules(k, t, [_sequence(S, batch_first, 3), _sequence(T, batch_first, 4)], call)


def test_transformer_state_dict_and_initialisation_match_torch():
    def make(lib):
        return lib.nn.Transformer(16, 4, 2, 1, 32, dropout=0.0)
    k, t = make(kp), make(torch)
    assert {n: tuple(p.shape) for n, p in k.state_dict().items()} == {
        n: tuple(p.shape) for n, p in t.state_dict().items()}
    assert [n for n, _ in k.named_parameters()] == [n for n, _ in t.named_parameters()]
    # Every matrix xavier-uniform: |w| ≤ √(6/(fan_in + fan_out)), reached closely.
    for name, p in k.named_parameters():
        if p.dim() > 1:
            bound = np.sqrt(6 / sum(p.shape))
            assert bound * 0.8 < np.abs(p.data).max() <= bound, name
    assert np.all(k.encoder.layers[0].self_attn.in_proj_bias.data == 0)


def test_stack_layers_are_independent_copies():
    layer = kp.nn.TransformerEncoderLayer(D, HEADS, FF)
    encoder = kp.nn.TransformerEncoder(layer, 3)
    weights = [m.linear1.weight for m in encoder.layers]
    assert len({id(w) for w in weights}) == 3 and all(w is not layer.linear1.weight
                                                      for w in weights)
    np.testing.assert_array_equal(weights[0].data, layer.linear1.weight.data)
    with kp.no_grad():
        weights[0].data[...] = 0
    assert not np.any(weights[1].data == 0) and not np.any(layer.linear1.weight.data == 0)
    assert len(list(encoder.parameters())) == 3 * len(list(layer.parameters()))


def test_generate_square_subsequent_mask_matches_torch():
    for size in (1, 4):
        mask = kp.nn.Transformer.generate_square_subsequent_mask(size)
        expected = torch.nn.Transformer.generate_square_subsequent_mask(size)
        assert mask.dtype == kp.float32
        np.testing.assert_array_equal(mask.data, expected.numpy())
    mask = kp.nn.Transformer.generate_square_subsequent_mask(3, dtype=kp.float64)
    assert mask.dtype == kp.float64


def test_dropout_acts_in_training_only_and_eval_matches_torch():
    k, t = _pair(lambda lib, dtype: lib.nn.TransformerEncoderLayer(
        D, HEADS, FF, dropout=0.3, batch_first=True, dtype=dtype))
    k.load_state_dict({n: p.detach().numpy() for n, p in t.state_dict().items()})
    x = _sequence(S, True, 1)
    kp.manual_seed(0)
    first, second = k(kp.tensor(x)), k(kp.tensor(x))
    assert not np.allclose(first.data, second.data)
    k.eval()
    t.eval()
    a, b = k(kp.tensor(x)), k(kp.tensor(x))
    np.testing.assert_array_equal(a.data, b.data)
    assert_close(a, t(torch.tensor(x, requires_grad=True)))


def test_layers_keep_float32():
    layer = kp.nn.TransformerDecoderLayer(D, HEADS, FF)
    out = layer(kp.randn(T, N, D), kp.randn(S, N, D))
    assert out.dtype == kp.float32 and out.shape == (T, N, D)


def test_transformer_errors_like_torch():
    def make(lib):
        return lib.nn.Transformer(D, HEADS, 1, 1, FF)
    k, t = make(kp), make(torch)
    assert_raises_like_torch(lambda: k(kp.randn(S, 2, D), kp.randn(T, 3, D)),
                             lambda: t(torch.randn(S, 2, D), torch.randn(T, 3, D)))
    assert_raises_like_torch(lambda: k(kp.randn(S, 2, D), kp.randn(T, 2, D + 1)),
                             lambda: t(torch.randn(S, 2, D), torch.randn(T, 2, D + 1)))
    assert_raises_like_torch(lambda: kp.nn.TransformerEncoderLayer(D, HEADS, activation="tanh"),
                             lambda: torch.nn.TransformerEncoderLayer(D, HEADS,
                                                                      activation="tanh"))
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        kp.nn.TransformerEncoderLayer(D, 3)


def test_encoder_layer_mask_of_wrong_shape_names_both_shapes():
    layer = kp.nn.TransformerEncoderLayer(D, HEADS, FF)
    with pytest.raises(RuntimeError, match=r"is \(3, 3\), but should be \(4, 4\)"):
        layer(kp.randn(S, N, D), src_mask=kp.zeros(3, 3))
    with pytest.raises(AssertionError, match="only bool and floating types of src_mask"):
        layer(kp.randn(S, N, D), src_mask=kp.zeros(S, S, dtype=kp.int64))
