"""Padding and packing of variable-length sequences against torch.nn.utils.rnn: values, the
PackedSequence fields, first and second derivatives (padding receives no gradient), round trips
and errors."""

import numpy as np
import pytest
import torch
from torch.nn.utils import rnn as torch_utils

import konspekt as kp
from konspekt.nn.utils import rnn as utils
from oracle import assert_close, assert_raises_like_torch, compare_with_torch


def _random(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _same_packed(ours, reference):
    assert isinstance(ours, utils.PackedSequence)
    assert_close(ours.data, reference.data, what="data")
    for field in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        k, t = getattr(ours, field), getattr(reference, field)
        if t is None:
            assert k is None, field
        else:
            assert k.dtype == kp.int64, field
            np.testing.assert_array_equal(k.data, t.numpy(), err_msg=field)


# ---- pad_sequence ---------------------------------------------------------------------------

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("trailing", [(), (2,), (2, 3)])
def test_pad_sequence_matches_torch(batch_first, padding_side, trailing):
    arrays = [_random((n,) + trailing, n) for n in (3, 1, 4)]

    def call(utilities):
        return lambda *xs: utilities.pad_sequence(list(xs), batch_first=batch_first,
                                                  padding_value=-1.5, padding_side=padding_side)
    compare_with_torch(call(utils), call(torch_utils), arrays)


# ---- pack_padded_sequence ---------------------------------------------------------------------

PACK_CASES = [  # lengths, enforce_sorted
    ([4, 3, 1], True),
    ([4, 4, 4], True),
    ([2, 4, 1], False),
    ([1, 3, 4], False),
    ([4, 2, 1], False),
]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths, enforce_sorted", PACK_CASES)
def test_pack_padded_sequence_matches_torch(lengths, enforce_sorted, batch_first):
    x = _random((3, 4, 2) if batch_first else (4, 3, 2), 1)
    ours = utils.pack_padded_sequence(kp.tensor(x), lengths, batch_first, enforce_sorted)
    reference = torch_utils.pack_padded_sequence(torch.tensor(x), lengths, batch_first,
                                                 enforce_sorted)
    _same_packed(ours, reference)
    compare_with_torch(
        lambda t: utils.pack_padded_sequence(t, lengths, batch_first, enforce_sorted).data,
        lambda t: torch_utils.pack_padded_sequence(t, lengths, batch_first,
                                                   enforce_sorted).data, [x])


def test_pack_padded_sequence_takes_lengths_as_a_tensor():
    x = _random((4, 3, 2), 1)
    ours = utils.pack_padded_sequence(kp.tensor(x), kp.tensor([2, 4, 1]), enforce_sorted=False)
    reference = torch_utils.pack_padded_sequence(torch.tensor(x), torch.tensor([2, 4, 1]),
                                                 enforce_sorted=False)
    _same_packed(ours, reference)


def test_padding_receives_no_gradient():
    x = kp.tensor(_random((4, 3, 2), 1), requires_grad=True)
    packed = utils.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
    (packed.data * 3).sum().backward()
    expected = np.zeros((4, 3, 2))
    for b, n in enumerate([2, 4, 1]):
        expected[:n, b] = 3
    np.testing.assert_array_equal(x.grad.data, expected)


# ---- pad_packed_sequence ----------------------------------------------------------------------

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("total_length", [None, 6])
@pytest.mark.parametrize("lengths, enforce_sorted", PACK_CASES)
def test_pad_packed_sequence_matches_torch(lengths, enforce_sorted, batch_first, total_length):
    x = _random((4, 3, 2), 1)
    rows = sum(lengths)
    data = _random((rows, 2), 2)

    def call(utilities, library):
        def f(values):
            packed = utilities.pack_padded_sequence(library.tensor(x), lengths,
                                                    enforce_sorted=enforce_sorted)
            packed = utilities.PackedSequence(values, packed.batch_sizes, packed.sorted_indices,
                                              packed.unsorted_indices)
            padded, _ = utilities.pad_packed_sequence(packed, batch_first, -2.0, total_length)
            return padded
        return f
    compare_with_torch(call(utils, kp), call(torch_utils, torch), [data])
    packed = utils.pack_padded_sequence(kp.tensor(x), lengths, enforce_sorted=enforce_sorted)
    _, ours = utils.pad_packed_sequence(packed, batch_first, total_length=total_length)
    reference = torch_utils.pack_padded_sequence(torch.tensor(x), lengths,
                                                 enforce_sorted=enforce_sorted)
    _, expected = torch_utils.pad_packed_sequence(reference, batch_first,
                                                  total_length=total_length)
    assert ours.dtype == kp.int64
    np.testing.assert_array_equal(ours.data, expected.numpy())


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packing_then_unpacking_restores_the_padded_batch(enforce_sorted):
    lengths = [4, 3, 1] if enforce_sorted else [3, 1, 4]
    x = _random((4, 3, 2), 1)
    for b, n in enumerate(lengths):
        x[n:, b] = 0
    padded, out_lengths = utils.pad_packed_sequence(
        utils.pack_padded_sequence(kp.tensor(x), lengths, enforce_sorted=enforce_sorted))
    np.testing.assert_array_equal(padded.data, x)
    assert out_lengths.data.tolist() == lengths


# ---- pack_sequence, unpad_sequence, unpack_sequence ------------------------------------------

@pytest.mark.parametrize("lengths, enforce_sorted", [([4, 2, 1], True), ([2, 4, 1], False)])
def test_pack_sequence_matches_torch(lengths, enforce_sorted):
    arrays = [_random((n, 3), n) for n in lengths]
    ours = utils.pack_sequence([kp.tensor(a) for a in arrays], enforce_sorted)
    reference = torch_utils.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted)
    _same_packed(ours, reference)
    compare_with_torch(lambda *xs: utils.pack_sequence(list(xs), enforce_sorted).data,
                       lambda *xs: torch_utils.pack_sequence(list(xs), enforce_sorted).data,
                       arrays)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_and_unpack_sequence_match_torch(batch_first):
    arrays = [_random((n, 2), n) for n in (2, 4, 1)]
    k_padded = utils.pad_sequence([kp.tensor(a) for a in arrays], batch_first)
    t_padded = torch_utils.pad_sequence([torch.tensor(a) for a in arrays], batch_first)
    lengths = [2, 4, 1]
    for k, t in zip(utils.unpad_sequence(k_padded, lengths, batch_first),
                    torch_utils.unpad_sequence(t_padded, torch.tensor(lengths), batch_first)):
        assert_close(k, t)
    k_packed = utils.pack_sequence([kp.tensor(a) for a in arrays], enforce_sorted=False)
    t_packed = torch_utils.pack_sequence([torch.tensor(a) for a in arrays],
                                         enforce_sorted=False)
    for k, t in zip(utils.unpack_sequence(k_packed), torch_utils.unpack_sequence(t_packed)):
        assert_close(k, t)


def test_packed_sequence_converts_its_data():
    packed = utils.pack_sequence([kp.ones(3, 2), kp.ones(1, 2)])
    assert packed.double().data.dtype == kp.float64
    assert packed.to(kp.float64).float().data.dtype == kp.float32
    assert packed.to(kp.float32) is packed
    _, batch_sizes, sorted_indices, _ = packed
    assert batch_sizes.data.tolist() == [2, 1, 1] and sorted_indices is None


# ---- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda u, lib: u.pack_padded_sequence(lib.zeros(4, 3, 2), [4, 2, 0]),
    lambda u, lib: u.pack_padded_sequence(lib.zeros(4, 3, 2), [2, 4, 1]),
    lambda u, lib: u.pack_padded_sequence(lib.zeros(4, 3, 2), [4, 2]),
    lambda u, lib: u.pack_padded_sequence(lib.zeros(4, 3, 2), lib.tensor([[4, 2, 1]])),
    lambda u, lib: u.pad_packed_sequence(u.pack_padded_sequence(lib.zeros(4, 3, 2), [4, 2, 1]),
                                         total_length=2),
    lambda u, lib: u.pad_sequence([]),
    lambda u, lib: u.pad_sequence([lib.ones(2)], padding_side="middle"),
], ids=["zero_length", "unsorted", "lengths_count", "lengths_2d", "total_length", "empty",
        "padding_side"])
def test_errors_match_torch(call):
    assert_raises_like_torch(lambda: call(utils, kp), lambda: call(torch_utils, torch))


def test_length_beyond_the_padded_steps_is_refused():
    with pytest.raises(RuntimeError, match="at most the padded length 4"):
        utils.pack_padded_sequence(kp.zeros(4, 3, 2), [5, 2, 1])


def test_pad_sequence_with_unequal_trailing_shapes_names_them():
    with pytest.raises(RuntimeError, match=r"sequences\[1\] has shape \[2, 4\]"):
        utils.pad_sequence([kp.ones(2, 3), kp.ones(2, 4)])
