"""Embedding and one_hot against torch: looked-up values, gradients (padding row, frequency
scaling) and second derivatives, gradient checks of the scatter/gather pair, max_norm's in-place
renormalisation, the layer's initialisation, ``from_pretrained``, printing and errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
from konspekt.nn.functional.sparse import (EmbeddingGather, EmbeddingScatter, embedding,
                                           one_hot)
from oracle import assert_close, assert_raises_like_torch, check_gradients, compare_with_torch

NUM, DIM = 6, 3


def _table(seed=0, num=NUM, dim=DIM):
    return np.random.default_rng(seed).standard_normal((num, dim))


INDICES = [np.array([0, 2, 2, 5]), np.array([[1, 1, 1], [4, 0, 1]]), np.array(3),
           np.zeros(0, dtype=np.int64), np.array([[[5], [5]]])]


@pytest.mark.parametrize("indices", INDICES)
@pytest.mark.parametrize("padding_idx", [None, 1, -1])
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_embedding_matches_torch_to_second_order(indices, padding_idx, scale_grad_by_freq):
    def call(f):
        return lambda w, i: f(i, w, padding_idx=padding_idx,
                              scale_grad_by_freq=scale_grad_by_freq)
    # torch's double backward ignores the frequency scaling (the adjoint of the scaled
    # scatter-add divides by the counts too, as the gradient checks of EmbeddingScatter below
    # confirm) and fails on an empty index tensor: there only the first order is compared.
    second_order = not scale_grad_by_freq and indices.size > 0
    compare_with_torch(call(embedding), call(TF.embedding), [_table(), indices],
                       second_order=second_order)


@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_scatter_and_gather_gradcheck_and_gradgradcheck(padding_idx, scale_grad_by_freq):
    indices = np.array([[0, 2, 2], [3, 2, 0]])
    options = (indices, NUM, padding_idx, scale_grad_by_freq)
    check_gradients(lambda g: EmbeddingScatter.apply(g, *options),
                    [np.random.default_rng(1).standard_normal((2, 3, DIM))])
    check_gradients(lambda w: EmbeddingGather.apply(w, *options), [_table()])


def test_embedding_gradcheck_without_padding():
    indices = kp.tensor([[0, 4, 4], [1, 0, 5]])
    check_gradients(lambda w: embedding(indices, w), [_table()])


def test_embedding_padding_row_gets_no_gradient():
    layer = kp.nn.Embedding(NUM, DIM, padding_idx=2)
    layer(kp.tensor([2, 2, 0])).sum().backward()
    assert (layer.weight.grad.data[2] == 0).all()
    np.testing.assert_array_equal(layer.weight.grad.data[0], np.ones(DIM))


def test_embedding_keeps_float32_and_accepts_int32_indices():
    weight = kp.randn(NUM, DIM, requires_grad=True)
    out = embedding(kp.tensor(np.array([1, 3], dtype=np.int32)), weight)
    assert out.dtype == kp.float32 and out.shape == (2, DIM)
    out.sum().backward()
    assert weight.grad.dtype == kp.float32


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
def test_max_norm_renormalises_the_rows_in_place_like_torch(norm_type):
    table = _table() * 3
    indices = np.array([[0, 1, 1], [4, 4, 2]])
    kw, tw = kp.tensor(table, requires_grad=True), torch.tensor(table, requires_grad=True)
    ky = embedding(kp.tensor(indices), kw, max_norm=1.5, norm_type=norm_type)
    ty = TF.embedding(torch.tensor(indices), tw, max_norm=1.5, norm_type=norm_type)
    assert_close(ky, ty)
    assert_close(kw, tw)  # the rows used were rescaled in the table itself; the others kept
    assert (kw.data[3] == table[3]).all()
    g = np.random.default_rng(2).standard_normal(ty.shape)
    ky.backward(kp.tensor(g))
    ty.backward(torch.tensor(g))
    assert_close(kw.grad, tw.grad)


def test_max_norm_bumps_the_table_version():
    layer = kp.nn.Embedding(NUM, DIM, max_norm=0.1)
    version = layer.weight._version
    layer(kp.tensor([0, 1]))
    assert layer.weight._version == version + 1
    assert (np.linalg.norm(layer.weight.data[:2], axis=1) <= 0.1).all()


# ---- the layer ------------------------------------------------------------------------------

@pytest.mark.parametrize("padding_idx", [None, 0, -2])
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_embedding_layer_matches_torch(default_float64, padding_idx, scale_grad_by_freq):
    torch_layer = torch.nn.Embedding(NUM, DIM, padding_idx=padding_idx,
                                     scale_grad_by_freq=scale_grad_by_freq)
    layer = kp.nn.Embedding(NUM, DIM, padding_idx=padding_idx,
                            scale_grad_by_freq=scale_grad_by_freq)
    layer.load_state_dict({k: v.detach().numpy() for k, v in torch_layer.state_dict().items()})
    indices = np.array([[0, 4, 4, 1], [4, 3, 0, 5]])
    ky, ty = layer(kp.tensor(indices)), torch_layer(torch.tensor(indices))
    assert_close(ky, ty)
    g = np.random.default_rng(3).standard_normal(ty.shape)
    ky.backward(kp.tensor(g))
    ty.backward(torch.tensor(g))
    assert_close(layer.weight.grad, torch_layer.weight.grad)


def test_embedding_default_initialisation_is_standard_normal_with_a_zero_padding_row():
    layer = kp.nn.Embedding(1000, 200, padding_idx=7)
    values = np.delete(layer.weight.data, 7, axis=0)
    assert values.mean() == pytest.approx(0, abs=0.01)
    assert values.std() == pytest.approx(1, rel=0.01)
    assert (layer.weight.data[7] == 0).all()


def test_negative_padding_idx_is_stored_counted_from_the_start():
    assert kp.nn.Embedding(10, 3, padding_idx=-1).padding_idx == 9
    assert torch.nn.Embedding(10, 3, padding_idx=-1).padding_idx == 9


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Embedding(10, 3),
    lambda lib: lib.nn.Embedding(10, 3, padding_idx=0, max_norm=1.0, norm_type=1.0,
                                 scale_grad_by_freq=True, sparse=True),
    lambda lib: lib.nn.Embedding(10, 3, padding_idx=-3, norm_type=2),
])
def test_printing_and_state_dict_keys_match_torch(make):
    layer, torch_layer = make(kp), make(torch)
    assert repr(layer) == repr(torch_layer)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {
        k: tuple(v.shape) for k, v in torch_layer.state_dict().items()}


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained_shares_the_table_and_freezes_it(freeze):
    table = kp.tensor(_table())
    layer = kp.nn.Embedding.from_pretrained(table, freeze=freeze)
    torch_layer = torch.nn.Embedding.from_pretrained(torch.tensor(_table()), freeze=freeze)
    assert layer.weight.requires_grad == torch_layer.weight.requires_grad == (not freeze)
    assert layer.weight.data is table.data
    assert (layer.num_embeddings, layer.embedding_dim) == (NUM, DIM)
    np.testing.assert_array_equal(layer(kp.tensor([3, 1])).data, _table()[[3, 1]])


def test_from_pretrained_keeps_the_padding_row_as_given_and_blocks_its_gradient():
    layer = kp.nn.Embedding.from_pretrained(kp.tensor(_table()), freeze=False, padding_idx=1)
    np.testing.assert_array_equal(layer.weight.data[1], _table()[1])
    layer(kp.tensor([1, 2])).sum().backward()
    assert (layer.weight.grad.data[1] == 0).all() and (layer.weight.grad.data[2] == 1).all()
    assert repr(layer) == f"Embedding({NUM}, {DIM}, padding_idx=1)"


@pytest.mark.parametrize("call", [
    lambda lib, f: f.embedding(lib.tensor([0, NUM]), lib.zeros(NUM, DIM)),
    lambda lib, f: f.embedding(lib.tensor([0, -1]), lib.zeros(NUM, DIM)),
    lambda lib, f: f.embedding(lib.tensor([0, 1]), lib.zeros(NUM, DIM), padding_idx=NUM),
    lambda lib, f: f.embedding(lib.tensor([0, 1]), lib.zeros(NUM, DIM), padding_idx=-NUM - 1),
    lambda lib, f: f.embedding(lib.tensor([0, 1]), lib.zeros(NUM)),
    lambda lib, f: lib.nn.Embedding(NUM, DIM)(lib.tensor([[0, NUM + 3]])),
    lambda lib, f: lib.nn.Embedding(NUM, DIM, padding_idx=NUM),
    lambda lib, f: lib.nn.Embedding(NUM, DIM, _weight=lib.zeros(NUM - 1, DIM)),
    lambda lib, f: lib.nn.Embedding.from_pretrained(lib.zeros(NUM)),
])
def test_errors_like_torch(call):
    assert_raises_like_torch(lambda: call(kp, kp.nn.functional.sparse),
                             lambda: call(torch, TF))


def test_float_indices_are_refused_naming_the_types():
    with pytest.raises(RuntimeError, match="'indices' to have one of the following scalar "
                                           "types: Long, Int; but got konspekt.FloatTensor"):
        embedding(kp.tensor([0.0, 1.0]), kp.zeros(NUM, DIM))


def test_embedding_trains_only_the_rows_it_uses():
    layer = kp.nn.Embedding(NUM, DIM)
    before = layer.weight.data.copy()
    layer(kp.tensor([1, 3])).pow(2).sum().backward()
    with kp.no_grad():
        layer.weight -= 0.1 * layer.weight.grad
    changed = (layer.weight.data != before).any(axis=1)
    np.testing.assert_array_equal(changed, [False, True, False, True, False, False])


# ---- one_hot ----------------------------------------------------------------------------------

@pytest.mark.parametrize("labels, num_classes", [([0, 3, 1], -1), ([0, 3, 1], 6),
                                                 ([[1, 0], [2, 2]], -1), (2, 4), ([], 3)])
def test_one_hot_matches_torch(labels, num_classes):
    k = one_hot(kp.tensor(labels, dtype=kp.int64), num_classes)
    t = TF.one_hot(torch.tensor(labels, dtype=torch.int64), num_classes)
    assert k.dtype == kp.int64
    np.testing.assert_array_equal(k.data, t.numpy())


@pytest.mark.parametrize("labels, dtype, num_classes", [
    ([0, 3], "int64", 3), ([0, -1], "int64", 3), ([0.0, 1.0], "float32", -1),
    ([0, 1], "int32", -1), ([], "int64", -1), ([0, 1], "int64", -2),
])
def test_one_hot_errors_like_torch(labels, dtype, num_classes):
    assert_raises_like_torch(
        lambda: one_hot(kp.tensor(labels, dtype=getattr(kp, dtype)), num_classes),
        lambda: TF.one_hot(torch.tensor(labels, dtype=getattr(torch, dtype)), num_classes))
