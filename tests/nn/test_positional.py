"""Positional encodings. torch has no such layer, so the defining properties are tested: the
sinusoidal formula at chosen entries (computed independently with ``math``), sin² + cos² = 1 for
each pair, relative positions as one linear map of absolute ones, the table as a buffer added to
the input; the learned table as a parameter with the right gradient; shapes with batch_first
both ways, dropout in training only, dtypes and errors."""

import math

import numpy as np
import pytest

import konspekt as kp


def _table(layer, length):
    """What the layer adds at positions 0 … length − 1 (its output on a zero input)."""
    layer.eval()
    return layer(kp.zeros(length, layer.d_model, dtype=kp.float64)).data


@pytest.mark.parametrize("i, column", [(0, 0), (0, 1), (1, 0), (1, 1), (7, 4), (7, 5),
                                       (40, 10), (99, 15), (3, 14)])
def test_sinusoidal_formula_at_chosen_entries(i, column):
    d = 16
    table = _table(kp.nn.PositionalEncoding(d, max_len=100), 100)
    k = column // 2
    angle = i / 10000 ** (2 * k / d)
    expected = math.sin(angle) if column % 2 == 0 else math.cos(angle)
    assert table[i, column] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_odd_d_model_ends_with_a_sine():
    d = 7
    table = _table(kp.nn.PositionalEncoding(d, max_len=20), 20)
    i = np.arange(20)
    np.testing.assert_allclose(table[:, 6], np.sin(i / 10000 ** (6 / d)), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(table[:, 5], np.cos(i / 10000 ** (4 / d)), rtol=1e-12, atol=1e-15)


def test_each_sine_cosine_pair_lies_on_the_unit_circle():
    table = _table(kp.nn.PositionalEncoding(12, max_len=50), 50)
    np.testing.assert_allclose(table[:, 0::2] ** 2 + table[:, 1::2] ** 2, 1.0, rtol=1e-12)


def test_relative_position_is_one_linear_map_of_the_absolute_one():
    """p(i + Δ) = M_Δ p(i) for one matrix M_Δ whatever i: fitted on positions 0 … 49, it
    predicts positions 100 … 149 exactly."""
    table = _table(kp.nn.PositionalEncoding(8, max_len=200), 200)
    delta = 5
    solution = np.linalg.lstsq(table[:50], table[delta:50 + delta], rcond=None)[0]
    np.testing.assert_allclose(table[100:150] @ solution, table[100 + delta:150 + delta],
                               atol=1e-8)
    # The map differs with Δ: it is not the identity.
    assert not np.allclose(solution, np.eye(8), atol=1e-3)


def test_encoding_is_a_buffer_added_to_the_input():
    layer = kp.nn.PositionalEncoding(6, dropout=0.0, max_len=30)
    assert list(layer.parameters()) == []
    assert list(layer.state_dict()) == ["pe"] and layer.pe.shape == (30, 6)
    x = kp.randn(4, 3, 6, dtype=kp.float64, requires_grad=True)
    y = layer(x)
    added = np.broadcast_to(_table(layer, 4)[:, None], (4, 3, 6))
    np.testing.assert_allclose(y.data - x.data, added,
                               rtol=1e-12, atol=1e-15)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((4, 3, 6)))


@pytest.mark.parametrize("make", [
    lambda batch_first: kp.nn.PositionalEncoding(6, dropout=0.0, max_len=10,
                                                 batch_first=batch_first),
    lambda batch_first: kp.nn.LearnedPositionalEmbedding(10, 6, batch_first=batch_first),
])
def test_batch_first_and_unbatched_add_the_same_rows(make):
    sequence_first, batch_first = make(False), make(True)
    batch_first.load_state_dict(sequence_first.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 2, 6))
    a = sequence_first(kp.tensor(x)).data
    b = batch_first(kp.tensor(x.transpose(1, 0, 2).copy())).data
    np.testing.assert_allclose(b.transpose(1, 0, 2), a, rtol=1e-12)
    np.testing.assert_allclose(batch_first(kp.tensor(x[:, 0])).data, a[:, 0], rtol=1e-12)


def test_dropout_in_training_only():
    layer = kp.nn.PositionalEncoding(16, dropout=0.5)
    x = kp.ones(20, 2, 16)
    kp.manual_seed(0)
    y = layer(x).data
    assert 0.3 < np.mean(y == 0) < 0.7
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
    assert not np.any(layer(x).data == 0)


def test_dtypes():
    layer = kp.nn.PositionalEncoding(8).eval()
    assert layer.pe.dtype == kp.float32
    assert layer(kp.zeros(3, 8)).dtype == kp.float32
    # A float64 input gets the table at float64 precision, not a float32 table cast up.
    value = layer(kp.zeros(5, 8, dtype=kp.float64)).data[3, 2]
    assert value == pytest.approx(math.sin(3 / 10000 ** (2 / 8)), rel=1e-14)
    assert kp.nn.PositionalEncoding(8, dtype=kp.float64).pe.dtype == kp.float64


def test_learned_embedding_is_a_trained_table():
    layer = kp.nn.LearnedPositionalEmbedding(10, 4, dtype=kp.float64)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    assert layer.weight.shape == (10, 4)
    x = kp.randn(3, 2, 4, dtype=kp.float64)
    y = layer(x)
    np.testing.assert_allclose(y.data - x.data,
                               np.broadcast_to(layer.weight.data[:3, None], (3, 2, 4)),
                               rtol=1e-12, atol=1e-15)
    g = np.random.default_rng(1).standard_normal((3, 2, 4))
    y.backward(kp.tensor(g))
    expected = np.zeros((10, 4))
    expected[:3] = g.sum(1)  # position i's row receives the gradient of every sequence at i
    np.testing.assert_allclose(layer.weight.grad.data, expected, rtol=1e-12)
    big = kp.nn.LearnedPositionalEmbedding(1000, 50)
    assert abs(big.weight.data.std() - 1) < 0.05 and abs(big.weight.data.mean()) < 0.05


@pytest.mark.parametrize("make", [
    lambda: kp.nn.PositionalEncoding(8, max_len=4),
    lambda: kp.nn.LearnedPositionalEmbedding(4, 8),
])
def test_errors_name_the_problem(make):
    layer = make()
    with pytest.raises(ValueError, match="5 positions, more than max_len=4"):
        layer(kp.zeros(5, 1, 8))
    with pytest.raises(ValueError, match=r"d_model=8, got shape \(3, 1, 6\)"):
        layer(kp.zeros(3, 1, 6))
    with pytest.raises(ValueError, match="2-D .* or 3-D input, got 4-D"):
        layer(kp.zeros(1, 3, 1, 8))


def test_sizes_must_be_positive():
    with pytest.raises(ValueError, match="d_model and max_len must be positive"):
        kp.nn.PositionalEncoding(0)
    with pytest.raises(ValueError, match="d_model and max_len must be positive"):
        kp.nn.LearnedPositionalEmbedding(0, 4)
