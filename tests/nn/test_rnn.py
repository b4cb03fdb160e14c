"""Recurrent layers against torch on copied weights, in float64: ``RNN`` (tanh, ReLU), ``LSTM``
(also projected) and ``GRU`` — outputs, final states and the gradients of the input, the initial
states and every parameter — multi-layer, bidirectional, batch_first, unbatched, packed batches of
variable length (sorted and not), dropout between layers; the cells; the peephole LSTM by
gradcheck, gradgradcheck, its defining property and two steps by hand; second order of the plain LSTM; errors."""

import math
import warnings

import numpy as np
import pytest
import torch
from torch.nn.utils import rnn as torch_rnn_utils

import konspekt as kp
from konspekt.nn.utils import rnn as rnn_utils
from oracle import assert_close, assert_raises_like_torch

T, B, I, H = 4, 3, 5, 6  # steps, batch, input features, hidden features

MODES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]
MODE_IDS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]


def _pair(name, *args, seed=0, **kwargs):
    """The torch layer (float64, seeded) and konspekt's with the same state dict loaded."""
    torch.manual_seed(seed)
    reference = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(kp.nn, name)(*args, dtype=kp.float64, **kwargs)
    result = ours.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys
    return reference, ours


def _random(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def _leaves(arrays):
    """The same arrays as konspekt and torch leaves that require grad."""
    return ([None if a is None else kp.tensor(a, requires_grad=True) for a in arrays],
            [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays])


def _flatten_result(result, packed):
    output, state = result
    states = list(state) if isinstance(state, tuple) else [state]
    return [output.data if packed else output] + states


def _compare(reference, ours, k_inputs, t_inputs, call, packed=False, seed=7):
    """Run ``call(module, inputs, library)`` on both, compare every result, then back-propagate
    the same random cotangents and compare the gradients of inputs and parameters."""
    k_out = _flatten_result(call(ours, k_inputs, kp), packed)
    t_out = _flatten_result(call(reference, t_inputs, torch), packed)
    assert len(k_out) == len(t_out)
    for i, (k, t) in enumerate(zip(k_out, t_out)):
        assert_close(k, t, what=f"result {i}")
    cotangents = [_random(t.shape, seed + i) for i, t in enumerate(t_out)]
    sum(((k * kp.tensor(v)).sum() for k, v in zip(k_out, cotangents))).backward()
    sum(((t * torch.tensor(v)).sum() for t, v in zip(t_out, cotangents))).backward()
    for i, (k, t) in enumerate(zip(k_inputs, t_inputs)):
        if k is not None:
            assert_close(k.grad, t.grad, what=f"gradient of input {i}")
    t_params = dict(reference.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, t_params[name].grad, what=f"gradient of {name}")


def _state_arrays(name, layers, batch, size, seed, cell_size=None):
    if name != "LSTM":
        return [_random((layers, batch, size), seed)]
    return [_random((layers, batch, size), seed), _random((layers, batch, cell_size or size),
                                                          seed + 1)]


def _call_with_states(is_lstm):
    def call(module, inputs, library):
        x, *states = inputs
        if not states:
            return module(x)
        return module(x, tuple(states) if is_lstm else states[0])
    return call


# ---- the layers against torch --------------------------------------------------------------

CONFIGS = [  # layer options, whether initial states are given
    ({}, True),
    ({}, False),
    ({"num_layers": 2, "bidirectional": True}, True),
    ({"batch_first": True}, True),
    ({"num_layers": 2, "bidirectional": True, "batch_first": True}, False),
    ({"num_layers": 3}, True),
    ({"bias": False, "bidirectional": True}, True),
]


@pytest.mark.parametrize("options, with_states", CONFIGS)
@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_layer_matches_torch_with_all_gradients(mode, options, with_states):
    name, extra = mode
    reference, ours = _pair(name, I, H, **extra, **options)
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    x = _random((B, T, I) if options.get("batch_first") else (T, B, I), 1)
    arrays = [x] + (_state_arrays(name, layers, B, H, 2) if with_states else [])
    _compare(reference, ours, *_leaves(arrays), _call_with_states(name == "LSTM"))


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_input_matches_torch(mode, batch_first):
    name, extra = mode
    reference, ours = _pair(name, I, H, num_layers=2, bidirectional=True, batch_first=batch_first,
                            **extra)
    states = [s[:, 0] for s in _state_arrays(name, 4, 1, H, 2)]
    _compare(reference, ours, *_leaves([_random((T, I), 1)] + states),
             _call_with_states(name == "LSTM"))


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("options", [{}, {"num_layers": 2, "bidirectional": True}])
def test_projected_lstm_matches_torch(options, packed):
    reference, ours = _pair("LSTM", I, H, proj_size=2, **options)
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    arrays = [_random((T, B, I), 1)] + _state_arrays("LSTM", layers, B, 2, 2, cell_size=H)
    call = _packed_call([2, 4, 3], False, False, True) if packed else _call_with_states(True)
    _compare(reference, ours, *_leaves(arrays), call, packed=packed)


# ---- packed batches of variable length --------------------------------------------------------

def _packed_call(lengths, enforce_sorted, batch_first, is_lstm):
    def call(module, inputs, library):
        utils = rnn_utils if library is kp else torch_rnn_utils
        x, *states = inputs
        packed = utils.pack_padded_sequence(x, lengths, batch_first=batch_first,
                                            enforce_sorted=enforce_sorted)
        if not states:
            return module(packed)
        return module(packed, tuple(states) if is_lstm else states[0])
    return call


PACKED_CASES = [  # lengths, enforce_sorted, layer options, initial states given
    ([4, 3, 1], True, {}, True),
    ([2, 4, 1], False, {}, False),
    ([2, 4, 3], False, {"num_layers": 2, "bidirectional": True}, True),
    ([4, 1, 1], True, {"bidirectional": True, "batch_first": True}, True),
]


@pytest.mark.parametrize("lengths, enforce_sorted, options, with_states", PACKED_CASES)
@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_packed_sequences_match_torch(mode, lengths, enforce_sorted, options, with_states):
    name, extra = mode
    reference, ours = _pair(name, I, H, **extra, **options)
    batch_first = options.get("batch_first", False)
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    x = _random((B, T, I) if batch_first else (T, B, I), 1)
    arrays = [x] + (_state_arrays(name, layers, B, H, 2) if with_states else [])
    _compare(reference, ours, *_leaves(arrays),
             _packed_call(lengths, enforce_sorted, batch_first, name == "LSTM"), packed=True)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_padded_steps_change_neither_outputs_nor_gradients(mode):
    name, extra = mode
    _, ours = _pair(name, I, H, bidirectional=True, **extra)
    lengths = [3, 4, 1]
    x = _random((T, B, I), 1)
    garbage = x.copy()
    for b, n in enumerate(lengths):
        garbage[n:, b] = 1e3
    results = []
    for data in (x, garbage):
        leaf = kp.tensor(data, requires_grad=True)
        packed = rnn_utils.pack_padded_sequence(leaf, lengths, enforce_sorted=False)
        output, state = ours(packed)
        h_n = state[0] if name == "LSTM" else state
        padded, _ = rnn_utils.pad_packed_sequence(output)
        (padded.sum() + h_n.sum()).backward()
        results.append((padded.data, h_n.data, leaf.grad.data))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
    for b, n in enumerate(lengths):
        assert not results[0][2][n:, b].any(), "padding received a gradient"
        assert not results[0][0][n:, b].any(), "padding produced an output"


# ---- dropout between layers ------------------------------------------------------------------

@pytest.mark.parametrize("dropout", [0.0, 1.0])
@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_deterministic_dropout_in_training_matches_torch(mode, dropout):
    name, extra = mode
    reference, ours = _pair(name, I, H, num_layers=2, dropout=dropout, **extra)
    _compare(reference, ours, *_leaves([_random((T, B, I), 1)]), _call_with_states(False))


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_dropout_acts_in_training_only(mode):
    name, extra = mode
    reference, ours = _pair(name, I, H, num_layers=2, dropout=0.5, **extra)
    x = _random((T, B, I), 1)
    kp.manual_seed(0)
    (first, state), (second, _) = ours(kp.tensor(x)), ours(kp.tensor(x))
    assert not np.allclose(first.data, second.data), "two training passes drew the same masks"
    ours.eval()
    reference.eval()
    evaluated, evaluated_state = ours(kp.tensor(x))
    assert_close(evaluated, reference(torch.tensor(x))[0], what="evaluation")
    no_dropout = _pair(name, I, H, num_layers=2, **extra)[1]
    assert_close(evaluated, no_dropout(kp.tensor(x))[0])
    # Dropout acts between layers only: the first layer's final state is the same in training.
    h_train = state[0] if name == "LSTM" else state
    h_eval = evaluated_state[0] if name == "LSTM" else evaluated_state
    assert_close(h_train[0], h_eval[0].data)
    assert not np.allclose(h_train[1].data, h_eval[1].data)


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        kp.nn.LSTM(I, H, dropout=0.5)


# ---- cells --------------------------------------------------------------------------------

CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}),
         ("GRUCell", {}), ("LSTMCell", {"bias": False})]


def _cell_call(is_lstm, with_states):
    def call(module, inputs, library):
        x, *states = inputs
        out = module(x, tuple(states) if is_lstm else states[0]) if with_states else module(x)
        # Shaped like a layer's (output, states) for _compare.
        return (out[0], (out[1],)) if is_lstm else (out, ())
    return call


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_states", [True, False])
@pytest.mark.parametrize("cell", CELLS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru", "lstm_nobias"])
def test_cell_matches_torch(cell, with_states, batched):
    name, options = cell
    reference, ours = _pair(name, I, H, **options)
    shape = (B,) if batched else ()
    arrays = [_random(shape + (I,), 1)]
    if with_states:
        arrays += [_random(shape + (H,), 2 + k) for k in range(2 if name == "LSTMCell" else 1)]
    _compare(reference, ours, *_leaves(arrays), _cell_call(name == "LSTMCell", with_states))


# ---- second order and the peephole LSTM --------------------------------------------------------

def _small_lstm(peephole, **options):
    kp.manual_seed(3)
    return kp.nn.LSTM(2, 2, dtype=kp.float64, peephole=peephole, **options)


def _lstm_function(lstm):
    def f(x, h0, c0, *parameters):  # the parameters are perturbed in place by the checks
        output, (_, c_n) = lstm(x, (h0, c0))  # h_n is a part of the output here
        return output, c_n
    return f


SECOND_ORDER_PARAMETERS = {  # the parameters gradgradcheck varies (the others held fixed)
    (True, False): ["weight_hh_l0", "bias_hh_l0", "weight_ch_l0"],
    (True, True): ["weight_ch_l0_reverse"],
    (False, False): ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0"],
}


@pytest.mark.parametrize("peephole, bidirectional", list(SECOND_ORDER_PARAMETERS))
def test_lstm_gradcheck_and_gradgradcheck(peephole, bidirectional):
    lstm = _small_lstm(peephole, bidirectional=bidirectional)
    directions = 2 if bidirectional else 1
    x = kp.tensor(_random((3, 2, 2), 1), requires_grad=True)
    h0, c0 = (kp.tensor(_random((directions, 2, 2), s), requires_grad=True) for s in (2, 3))
    assert kp.autograd.gradcheck(_lstm_function(lstm), (x, h0, c0) + tuple(lstm.parameters()))
    some = tuple(getattr(lstm, name)
                 for name in SECOND_ORDER_PARAMETERS[peephole, bidirectional])
    states = () if bidirectional else (h0, c0)  # fewer inputs: second order costs per input
    assert kp.autograd.gradgradcheck(lambda x, *rest: _lstm_function(lstm)(x, h0, c0),
                                     (x,) + states + some)


def test_packed_peephole_lstm_gradcheck_and_gradgradcheck():
    lstm = _small_lstm(True, bidirectional=True)
    x = kp.tensor(_random((3, 2, 2), 1), requires_grad=True)

    def f(x, *parameters):
        packed = rnn_utils.pack_padded_sequence(x, [1, 3], enforce_sorted=False)
        output, (h_n, c_n) = lstm(packed)
        return output.data, h_n, c_n
    assert kp.autograd.gradcheck(f, (x,) + tuple(lstm.parameters()))
    # Second order on a few of the parameters (the others held fixed), to stay quick.
    assert kp.autograd.gradgradcheck(f, (x, lstm.weight_ch_l0_reverse))


def test_projected_peephole_lstm_on_a_packed_batch_gradcheck():
    kp.manual_seed(4)
    lstm = kp.nn.LSTM(2, 3, proj_size=1, bidirectional=True, peephole=True, dtype=kp.float64)
    x = kp.tensor(_random((3, 2, 2), 1), requires_grad=True)

    def f(x, *parameters):
        output, (h_n, c_n) = lstm(rnn_utils.pack_padded_sequence(x, [2, 3],
                                                                 enforce_sorted=False))
        return output.data, h_n, c_n
    assert kp.autograd.gradcheck(f, (x,) + tuple(lstm.parameters()))


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("mode", [("GRU", {}), ("RNN", {"nonlinearity": "tanh"}),
                                  ("LSTM", {"proj_size": 2})], ids=["gru", "rnn", "lstm_proj"])
def test_second_derivatives_match_torch(mode, packed):
    """Hessian-vector products of Σ v ⊙ output through the whole network, with torch's."""
    name, extra = mode
    reference, ours = _pair(name, 2, 3, bidirectional=True, **extra)
    x = _random((3, 2, 2), 1)
    u = _random((3, 2, 2), 3)

    def output(module, x, utils):
        if not packed:
            return module(x)[0]
        return module(utils.pack_padded_sequence(x, [2, 3], enforce_sorted=False))[0].data
    k_x, t_x = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    k_out, t_out = output(ours, k_x, rnn_utils), output(reference, t_x, torch_rnn_utils)
    v = _random(tuple(t_out.shape), 2)
    k_g, = kp.autograd.grad((k_out * kp.tensor(v)).sum(), [k_x], create_graph=True)
    t_g, = torch.autograd.grad((t_out * torch.tensor(v)).sum(), [t_x], create_graph=True)
    k_params, t_params = list(ours.parameters()), list(reference.parameters())
    k_h = kp.autograd.grad((k_g * kp.tensor(u)).sum(), [k_x] + k_params)
    t_h = torch.autograd.grad((t_g * torch.tensor(u)).sum(), [t_x] + t_params)
    for i, (k, t) in enumerate(zip(k_h, t_h)):
        assert_close(k, t, what=f"second derivative {i}")


def test_peephole_with_zero_peephole_weights_is_the_plain_lstm():
    plain = _small_lstm(False, num_layers=2, bidirectional=True)
    peephole = _small_lstm(True, num_layers=2, bidirectional=True)
    state = {k: v for k, v in plain.state_dict().items()}
    for name in peephole.state_dict():
        if "weight_ch" in name:
            state[name] = np.zeros(6)
    peephole.load_state_dict(state)
    x = _random((3, 2, 2), 1)
    out_a, (h_a, c_a) = plain(kp.tensor(x))
    out_b, (h_b, c_b) = peephole(kp.tensor(x))
    for a, b in ((out_a, out_b), (h_a, h_b), (c_a, c_b)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-14)
    # And the peepholes matter once they are not zero.
    peephole.weight_ch_l0.data[:] = 0.5
    assert not np.allclose(peephole(kp.tensor(x))[0].data, out_a.data)


def test_peephole_parameters_follow_torch_naming_and_initialisation():
    lstm = kp.nn.LSTM(3, 16, num_layers=2, bidirectional=True, peephole=True)
    names = [n for n, _ in lstm.named_parameters()]
    assert names[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                         "weight_ch_l0"]
    assert "weight_ch_l1_reverse" in names
    assert lstm.weight_ch_l0.shape == (48,)
    bound = 1 / 16 ** 0.5
    for p in lstm.parameters():
        assert np.abs(p.data).max() <= bound
    assert "peephole=True" in repr(lstm)


# ---- construction, printing, initialisation ------------------------------------------------

@pytest.mark.parametrize("name, args, options", [
    ("LSTM", (3, 4, 2), {"bidirectional": True, "proj_size": 2, "dropout": 0.1}),
    ("RNN", (3, 4), {"nonlinearity": "relu", "bias": False, "batch_first": True}),
    ("GRU", (3, 4, 3), {}),
    ("GRUCell", (3, 4), {}),
    ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
    ("LSTMCell", (3, 4), {}),
])
def test_parameters_and_printing_match_torch(name, args, options):
    reference = getattr(torch.nn, name)(*args, **options)
    ours = getattr(kp.nn, name)(*args, **options)
    assert repr(ours) == repr(reference)
    t_params = dict(reference.named_parameters())
    k_params = dict(ours.named_parameters())
    assert list(k_params) == list(t_params)
    if hasattr(reference, "all_weights"):
        assert ([[tuple(p.shape) for p in weights] for weights in ours.all_weights]
                == [[tuple(p.shape) for p in weights] for weights in reference.all_weights])
    bound = 1 / args[1] ** 0.5
    for key, p in k_params.items():
        assert p.shape == tuple(t_params[key].shape)
        assert p.dtype == kp.float32
        assert np.abs(p.data).max() <= bound and p.data.std() > bound / 4


def test_float32_layer_keeps_float32():
    lstm = kp.nn.LSTM(I, H, 2, bidirectional=True)
    output, (h_n, c_n) = lstm(kp.randn(T, B, I))
    assert output.dtype == h_n.dtype == c_n.dtype == kp.float32
    output.sum().backward()
    assert all(p.grad.dtype == kp.float32 for p in lstm.parameters())


# ---- errors ------------------------------------------------------------------------------------

def _both(name, *args, **kwargs):
    return _pair(name, *args, **kwargs)[::-1]


ERRORS = [  # layer, constructor args, call arguments as (shape, state shapes)
    ("LSTM", (10, 20), (5, 3, 5), None),
    ("LSTM", (10, 20), (5, 3, 10), [(1, 4, 20), (1, 3, 20)]),
    ("LSTM", (10, 20), (5, 3, 10), [(1, 3, 20), (1, 3, 2)]),
    ("GRU", (10, 20), (5, 3, 10), [(1, 4, 20)]),
    ("GRU", (10, 20), (5, 3, 10, 1), None),
    ("RNN", (10, 20), (5, 3, 10, 1), None),
    ("RNN", (10, 20), (5, 10), [(1, 1, 20)]),
    ("RNN", (10, 20), (5, 3, 10), [(1, 20)]),
    ("LSTM", (10, 20), (5, 3, 10), [(1, 20), (1, 20)]),
    ("RNNCell", (10, 20), (3, 5), None),
    ("LSTMCell", (10, 20), (3, 10), [(4, 20), (3, 20)]),
    ("GRUCell", (10, 20), (3, 10), [(3, 7)]),
    ("RNNCell", (10, 20), (3, 10, 2), None),
    ("RNNCell", (10, 20), (3, 10), [(1, 3, 20)]),
]


@pytest.mark.parametrize("name, args, shape, states", ERRORS)
def test_bad_input_raises_like_torch(name, args, shape, states):
    ours, reference = _both(name, *args)

    def call(module, library):
        x = library.zeros(*shape, dtype=library.float64)
        if states is None:
            return module(x)
        hx = [library.zeros(*s, dtype=library.float64) for s in states]
        return module(x, tuple(hx) if "LSTM" in name else hx[0])
    assert_raises_like_torch(lambda: call(ours, kp), lambda: call(reference, torch))


def test_batch_first_mismatch_names_both_shapes():
    ours, reference = _both("RNN", 10, 20, batch_first=True)
    assert_raises_like_torch(lambda: ours(kp.zeros(3, 5, 10, dtype=kp.float64),
                                          kp.zeros(1, 5, 20, dtype=kp.float64)),
                             lambda: reference(torch.zeros(3, 5, 10, dtype=torch.float64),
                                               torch.zeros(1, 5, 20, dtype=torch.float64)))


def test_packed_hidden_state_of_wrong_batch_raises_like_torch():
    ours, reference = _both("RNN", 10, 20)
    assert_raises_like_torch(
        lambda: ours(rnn_utils.pack_padded_sequence(kp.zeros(4, 3, 10, dtype=kp.float64),
                                                    [4, 2, 1]),
                     kp.zeros(1, 2, 20, dtype=kp.float64)),
        lambda: reference(torch_rnn_utils.pack_padded_sequence(
            torch.zeros(4, 3, 10, dtype=torch.float64), [4, 2, 1]),
            torch.zeros(1, 2, 20, dtype=torch.float64)))


def test_dtype_mismatch_raises_value_error():
    with pytest.raises(ValueError, match="does not match weight dtype"):
        kp.nn.GRU(3, 4)(kp.zeros(2, 1, 3, dtype=kp.float64))


@pytest.mark.parametrize("call", [
    lambda: kp.nn.GRU(3, 4)(kp.zeros(2, 1, 3), kp.zeros(1, 1, 4, dtype=kp.float64)),
    lambda: kp.nn.LSTM(3, 4)(kp.zeros(2, 1, 3), (kp.zeros(1, 1, 4),
                                                 kp.zeros(1, 1, 4, dtype=kp.float64))),
    lambda: kp.nn.GRUCell(3, 4)(kp.zeros(2, 3), kp.zeros(2, 4, dtype=kp.float64)),
])
def test_hidden_state_of_another_dtype_is_refused(call):
    with pytest.raises(RuntimeError, match="found input tensor with Float and hidden tensor "
                                           "with Double"):
        call()


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.RNN(10, 20, nonlinearity="sig"),
    lambda lib: lib.nn.RNN(10, 20, dropout=2),
    lambda lib: lib.nn.RNN(10, 0),
    lambda lib: lib.nn.RNN(0, 10),
    lambda lib: lib.nn.RNN(10, 20, num_layers=0),
    lambda lib: lib.nn.LSTM(10, 20, proj_size=20),
    lambda lib: lib.nn.LSTM(10, 20, proj_size=-1),
    lambda lib: lib.nn.GRU(10, 20, bias=1),
    lambda lib: lib.nn.GRU(10.0, 20),
    lambda lib: lib.nn.RNNCell(10, 20, nonlinearity="x")(lib.zeros(3, 10)),
], ids=["nonlinearity", "dropout", "hidden_size", "input_size", "num_layers", "proj_size",
        "negative_proj_size", "bias_type", "input_size_type", "cell_nonlinearity"])
def test_bad_arguments_raise_like_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(lambda: call(kp), lambda: call(torch))


def test_peephole_lstm_two_steps_computed_by_hand():
    # One unit, one input feature, two time steps: every gate written out with math.
    lstm = kp.nn.LSTM(1, 1, peephole=True, dtype=kp.float64)
    w_i, w_f, w_g, w_o = 0.5, -0.3, 0.8, 0.2       # weight_ih, blocks i, f, C̃, o
    u_i, u_f, u_g, u_o = 0.1, 0.4, -0.6, 0.7       # weight_hh
    b_i, b_f, b_g, b_o = 0.05, 0.5, -0.1, 0.2      # bias_ih; bias_hh is zero
    p_i, p_f, p_o = 0.3, -0.2, 0.9                 # weight_ch: w_ci, w_cf, w_co
    state = {"weight_ih_l0": np.array([[w_i], [w_f], [w_g], [w_o]]),
             "weight_hh_l0": np.array([[u_i], [u_f], [u_g], [u_o]]),
             "bias_ih_l0": np.array([b_i, b_f, b_g, b_o]), "bias_hh_l0": np.zeros(4),
             "weight_ch_l0": np.array([p_i, p_f, p_o])}
    lstm.load_state_dict(state)

    def sigmoid(z):
        return 1 / (1 + math.exp(-z))

    h, c, outputs = 0.25, -0.5, []
    for x in (1.0, -2.0):
        i = sigmoid(w_i * x + u_i * h + p_i * c + b_i)
        f = sigmoid(w_f * x + u_f * h + p_f * c + b_f)
        g = math.tanh(w_g * x + u_g * h + b_g)
        c = f * c + i * g
        o = sigmoid(w_o * x + u_o * h + p_o * c + b_o)  # the output gate sees the new C_t
        h = o * math.tanh(c)
        outputs.append(h)
    out, (h_n, c_n) = lstm(kp.tensor([[[1.0]], [[-2.0]]], dtype=kp.float64),
                           (kp.tensor([[[0.25]]], dtype=kp.float64),
                            kp.tensor([[[-0.5]]], dtype=kp.float64)))
    np.testing.assert_allclose(out.data.ravel(), outputs, rtol=1e-14)
    np.testing.assert_allclose([h_n.item(), c_n.item()], [h, c], rtol=1e-14)
