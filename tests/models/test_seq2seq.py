"""Sequence to sequence with attention: each score function on a small example computed by hand,
masking of padding, gradients by gradcheck in float64, the encoder on variable-length sources,
the decoder's fast path against its step-by-step form, teacher forcing, decoding, bad input, and
a model that learns to reverse sequences.

Decoding itself (greedy, beam search, length penalty) is tested in test_seq2seq_decoding.py."""

import math

import numpy as np
import pytest

import konspekt as kp
from konspekt.autograd.gradcheck import gradcheck
from konspekt.models.seq2seq import (
    AdditiveAttention,
    AttentionDecoder,
    DotAttention,
    Encoder,
    GeneralAttention,
    Seq2Seq,
)
from konspekt.nn import functional as F

START, END = 0, 1


def softmax(values):
    exps = np.exp(np.asarray(values, dtype=np.float64))
    return exps / exps.sum()


def set_weight(linear, values):
    linear.weight.data[...] = np.asarray(values, dtype=linear.weight.data.dtype)


# ---- the score functions, by hand --------------------------------------------------------------

# Three keys h_1 = (1, 0), h_2 = (0, 1), h_3 = (1, 1).
KEYS = [[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]


def check_by_hand(attention, query, scores):
    context, weights = attention(kp.tensor([query], dtype=kp.float64),
                                 kp.tensor(KEYS, dtype=kp.float64))
    alpha = softmax(scores)
    np.testing.assert_allclose(weights.detach().numpy()[0], alpha, rtol=1e-12)
    np.testing.assert_allclose(context.detach().numpy()[0], alpha @ np.array(KEYS[0]), rtol=1e-12)


def test_dot_score_by_hand():
    # s = (1, 2): e = (sᵀh_1, sᵀh_2, sᵀh_3) = (1, 2, 3).
    check_by_hand(DotAttention(), [1.0, 2.0], [1.0, 2.0, 3.0])


def test_general_score_by_hand():
    # W = [[1, 0], [0, 2]], s = (1, 1): W h = (1, 0), (0, 2), (1, 2), so e = (1, 2, 3).
    attention = GeneralAttention(2, 2).double()
    set_weight(attention.weight, [[1.0, 0.0], [0.0, 2.0]])
    check_by_hand(attention, [1.0, 1.0], [1.0, 2.0, 3.0])


def test_general_score_with_different_sizes_by_hand():
    # query 3, key 2: W = [[1, 0], [0, 1], [1, 1]], s = (1, 0, 2): sᵀW = (3, 2), e = (3, 2, 5).
    attention = GeneralAttention(3, 2).double()
    set_weight(attention.weight, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    check_by_hand(attention, [1.0, 0.0, 2.0], [3.0, 2.0, 5.0])


def test_additive_score_by_hand():
    # W = U = I, v = (1, 1), s = (0.5, −0.5): e_j = tanh(0.5 + h_j1) + tanh(−0.5 + h_j2).
    attention = AdditiveAttention(2, 2, 2).double()
    set_weight(attention.query_weight, np.eye(2))
    set_weight(attention.key_weight, np.eye(2))
    set_weight(attention.vector, [[1.0, 1.0]])
    scores = [math.tanh(1.5) + math.tanh(-0.5), math.tanh(0.5) + math.tanh(0.5),
              math.tanh(1.5) + math.tanh(0.5)]
    check_by_hand(attention, [0.5, -0.5], scores)


def test_additive_score_with_a_wider_hidden_layer_by_hand():
    # W (3 × 2) = [[1, 0], [0, 0], [0, 1]], U (3 × 2) = [[0, 1], [1, 0], [0, 0]], v = (1, −1, 2),
    # s = (1, −1): W s = (1, 0, −1), U h_j = (h_j2, h_j1, 0).
    attention = AdditiveAttention(2, 2, 3).double()
    set_weight(attention.query_weight, [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    set_weight(attention.key_weight, [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    set_weight(attention.vector, [[1.0, -1.0, 2.0]])
    scores = [math.tanh(1 + h2) - math.tanh(h1) + 2 * math.tanh(-1)
              for h1, h2 in KEYS[0]]
    check_by_hand(attention, [1.0, -1.0], scores)


# ---- masking, several queries, gradients --------------------------------------------------------

def attentions(query_size=4, key_size=4):
    kp.manual_seed(0)
    return [DotAttention(), GeneralAttention(query_size, key_size).double(),
            AdditiveAttention(query_size, key_size, 3).double()]


@pytest.mark.parametrize("attention", attentions(), ids=["dot", "general", "additive"])
def test_weights_sum_to_one_and_are_zero_on_padding(attention):
    rng = np.random.default_rng(0)
    query, keys = rng.normal(size=(3, 4)), rng.normal(size=(3, 5, 4))
    lengths = np.array([5, 2, 4])
    mask = np.arange(5)[None, :] >= lengths[:, None]
    context, weights = attention(kp.tensor(query), kp.tensor(keys), kp.tensor(mask))
    weights = weights.detach().numpy()
    np.testing.assert_allclose(weights.sum(1), 1.0, rtol=1e-12)
    assert (weights[mask] == 0).all() and (weights[~mask] > 0).all()
    # What lies in the padding does not matter: each row equals attention over its real keys.
    junk = keys.copy()
    junk[mask] = 1e3
    again, _ = attention(kp.tensor(query), kp.tensor(junk), kp.tensor(mask))
    np.testing.assert_allclose(again.detach().numpy(), context.detach().numpy(), rtol=1e-12)
    for row, length in enumerate(lengths):
        alone, _ = attention(kp.tensor(query[row:row + 1]), kp.tensor(keys[row:row + 1, :length]))
        np.testing.assert_allclose(alone.detach().numpy()[0], context.detach().numpy()[row], rtol=1e-10)


@pytest.mark.parametrize("attention", attentions(), ids=["dot", "general", "additive"])
def test_several_queries_at_once_equal_one_at_a_time(attention):
    rng = np.random.default_rng(1)
    queries, keys = kp.tensor(rng.normal(size=(2, 3, 4))), kp.tensor(rng.normal(size=(2, 5, 4)))
    mask = kp.tensor([[False] * 5, [False, False, False, True, True]])
    context, weights = attention(queries, keys, mask)
    for t in range(3):
        one_context, one_weights = attention(queries[:, t], keys, mask)
        np.testing.assert_allclose(context.detach().numpy()[:, t], one_context.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(weights.detach().numpy()[:, t], one_weights.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("attention", attentions(3, 2)[1:] + [DotAttention()],
                         ids=["general", "additive", "dot"])
def test_gradients_by_gradcheck(attention):
    rng = np.random.default_rng(2)
    size = 2 if isinstance(attention, DotAttention) else 3
    query = kp.tensor(rng.normal(size=(2, size)), requires_grad=True)
    keys = kp.tensor(rng.normal(size=(2, 4, 2)), requires_grad=True)
    mask = kp.tensor([[False, False, False, False], [False, False, True, True]])
    parameters = list(attention.parameters())

    def function(query, keys, *parameters):
        context, weights = attention(query, keys, mask)
        return context, weights

    assert gradcheck(function, (query, keys, *parameters))


# ---- encoder and decoder ------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_encoder_reads_each_source_for_its_own_length(cell, bidirectional):
    kp.manual_seed(0)
    encoder = Encoder(7, 3, 4, cell=cell, num_layers=2, bidirectional=bidirectional).double()
    src = kp.tensor([[2, 3, 4, 5], [6, 2, 0, 0]])
    outputs, state = encoder(src, [4, 2])
    assert outputs.shape == (2, 4, 8 if bidirectional else 4)
    assert (outputs.detach().numpy()[1, 2:] == 0).all()
    alone, alone_state = encoder(src[1:, :2])
    np.testing.assert_allclose(outputs.detach().numpy()[1, :2], alone.detach().numpy()[0], rtol=1e-10)
    state, alone_state = (state[0], alone_state[0]) if cell == "lstm" else (state, alone_state)
    np.testing.assert_allclose(state.detach().numpy()[:, 1], alone_state.detach().numpy()[:, 0], rtol=1e-10)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", ["dot", "general", "additive"])
def test_teacher_forced_fast_path_equals_the_step_by_step_decoder(cell, attention):
    kp.manual_seed(1)
    decoder = AttentionDecoder(6, 3, 4, 4, cell=cell, attention=attention,
                               num_layers=2).double()
    keys = kp.randn(2, 5, 4, dtype=kp.float64)
    mask = kp.tensor([[False] * 5, [False, False, False, True, True]])
    state = kp.randn(2, 2, 4, dtype=kp.float64)
    state = (state, kp.randn(2, 2, 4, dtype=kp.float64)) if cell == "lstm" else state
    tokens = kp.tensor([[0, 3, 4, 2], [0, 5, 5, 1]])
    logits, weights = decoder(tokens, state, keys, mask)
    for t in range(4):
        step_logits, state, step_weights = decoder.step(tokens[:, t], state, keys, mask)
        np.testing.assert_allclose(logits.detach().numpy()[:, t], step_logits.detach().numpy(), rtol=1e-10)
        np.testing.assert_allclose(weights.detach().numpy()[:, t], step_weights.detach().numpy(), rtol=1e-10)


def test_without_teacher_forcing_the_decoder_reads_its_own_predictions():
    kp.manual_seed(2)
    decoder = AttentionDecoder(6, 3, 4, 4, style="bahdanau").double()
    keys, state = kp.randn(2, 5, 4, dtype=kp.float64), kp.randn(1, 2, 4, dtype=kp.float64)
    tokens = kp.tensor([[0, 3, 4, 2], [0, 5, 5, 1]])
    logits, _ = decoder(tokens, state, keys, teacher_forcing_ratio=0.0)
    inputs = tokens[:, 0]
    for t in range(4):
        step_logits, state, _ = decoder.step(inputs, state, keys)
        np.testing.assert_allclose(logits.detach().numpy()[:, t], step_logits.detach().numpy(), rtol=1e-10)
        inputs = step_logits.argmax(1)


def test_teacher_forcing_draws_come_from_the_generator():
    kp.manual_seed(3)
    model = Seq2Seq(8, 8, embedding_dim=3, hidden_size=4)
    src, tgt = kp.randint(2, 8, (3, 5)), kp.randint(2, 8, (3, 9))
    first, _ = model(src, tgt, teacher_forcing_ratio=0.5, generator=kp.Generator().manual_seed(7))
    again, _ = model(src, tgt, teacher_forcing_ratio=0.5, generator=kp.Generator().manual_seed(7))
    np.testing.assert_array_equal(first.detach().numpy(), again.detach().numpy())
    forced, _ = model(src, tgt, teacher_forcing_ratio=1.0)
    free, _ = model(src, tgt, teacher_forcing_ratio=0.0)
    np.testing.assert_allclose(forced.detach().numpy()[:, 0], free.detach().numpy()[:, 0], rtol=1e-6)
    assert not np.allclose(forced.detach().numpy(), free.detach().numpy())


# ---- the whole model ----------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("style, attention, bidirectional",
                         [("luong", "general", True), ("bahdanau", "additive", False),
                          ("luong", "dot", False)])
def test_padding_changes_nothing_and_gets_no_attention(cell, style, attention, bidirectional):
    kp.manual_seed(4)
    model = Seq2Seq(9, 9, embedding_dim=3, hidden_size=4, cell=cell, attention=attention,
                    bidirectional=bidirectional, style=style, num_layers=2, padding_idx=8)
    model = model.double()
    src = kp.tensor([[2, 3, 4, 5, 6], [7, 2, 3, 8, 8]])
    tgt = kp.tensor([[0, 3, 4, 1], [0, 5, 2, 1]])
    logits, weights = model(src, tgt, src_lengths=[5, 3])
    assert logits.shape == (2, 3, 9) and weights.shape == (2, 3, 5)
    np.testing.assert_allclose(weights.detach().numpy().sum(2), 1.0, rtol=1e-12)
    assert (weights.detach().numpy()[1, :, 3:] == 0).all()
    alone, alone_weights = model(src[1:, :3], tgt[1:])
    np.testing.assert_allclose(logits.detach().numpy()[1], alone.detach().numpy()[0], rtol=1e-9)
    np.testing.assert_allclose(weights.detach().numpy()[1, :, :3], alone_weights.detach().numpy()[0], rtol=1e-9)


def test_gradients_through_the_whole_model_by_gradcheck():
    kp.manual_seed(5)
    model = Seq2Seq(5, 5, embedding_dim=2, hidden_size=2, attention="additive",
                    bidirectional=True).double()
    src, tgt = kp.tensor([[2, 3, 4], [4, 2, 0]]), kp.tensor([[0, 2, 3], [0, 4, 1]])
    inputs = (model.encoder.embedding.weight, model.decoder.attention.vector.weight,
              model.decoder.combine.weight)

    def loss(*parameters):
        logits, _ = model(src, tgt, src_lengths=[3, 2])
        return F.cross_entropy(logits.reshape(-1, 5), tgt[:, 1:].reshape(-1))

    assert gradcheck(loss, inputs)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_decode_a_batch_or_one_sequence(cell):
    kp.manual_seed(6)
    model = Seq2Seq(9, 9, embedding_dim=4, hidden_size=5, cell=cell, bidirectional=True)
    src = kp.tensor([[2, 3, 4, 5], [6, 7, 2, 0]])
    greedy = model.decode(src, START, END, max_length=6, src_lengths=[4, 3])
    beam_one = model.decode(src, START, END, max_length=6, src_lengths=[4, 3], beam_width=1,
                            length_penalty=1e-9)
    np.testing.assert_array_equal(greedy.tokens.detach().numpy(), beam_one.tokens.detach().numpy())
    np.testing.assert_allclose(greedy.scores.detach().numpy(), beam_one.scores.detach().numpy(), rtol=1e-6)
    beam = model.decode(src, START, END, max_length=6, src_lengths=[4, 3], beam_width=3)
    one = model.decode(src[1, :3], START, END, max_length=6, beam_width=3)
    assert one.tokens.dim() == 1
    np.testing.assert_array_equal(one.tokens.detach().numpy(),
                                  beam.tokens.detach().numpy()[1, :int(beam.lengths.detach().numpy()[1])])
    assert one.scores.item() == pytest.approx(float(beam.scores.detach().numpy()[1]), rel=1e-5)
    assert model.training  # decoding switches to evaluation mode and back


def sequence_log_probability(model, src, sequence):
    """log P(y | x) from the teacher-forced forward pass."""
    tgt = kp.tensor([[START] + list(sequence)])
    logits, _ = model(src, tgt)
    log_probs = F.log_softmax(logits, 2).detach().numpy()[0]
    return sum(log_probs[t, token] for t, token in enumerate(sequence))


def test_decoding_scores_agree_with_the_forward_pass():
    # Vocabulary {START, END, 2, 3}, at most 3 tokens: 16 complete sequences, 64 hypotheses. An
    # unpruned beam must find the best of them, scored as the forward pass scores it.
    kp.manual_seed(7)
    model = Seq2Seq(4, 4, embedding_dim=3, hidden_size=4, attention="additive").double()
    model.eval()
    src = kp.tensor([[2, 3, 3, 2]])
    complete = [tuple(prefix) + (END,) for n in range(3)
                for prefix in np.ndindex(*(4,) * n) if END not in prefix]
    scored = {sequence: sequence_log_probability(model, src, sequence) for sequence in complete}
    best = max(scored, key=scored.get)
    beam = model.decode(src, START, END, max_length=3, beam_width=64)
    assert tuple(beam.tokens.detach().numpy()[0, :int(beam.lengths.item())]) == best
    assert beam.scores.item() == pytest.approx(scored[best], rel=1e-9)
    greedy = model.decode(src, START, END, max_length=3)
    tokens = tuple(greedy.tokens.detach().numpy()[0, :int(greedy.lengths.item())])
    assert greedy.scores.item() == pytest.approx(sequence_log_probability(model, src, tokens),
                                                 rel=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="Unknown cell 'transformer'"):
        Seq2Seq(5, 5, cell="transformer")
    with pytest.raises(ValueError, match="Unknown attention 'cosine'"):
        Seq2Seq(5, 5, attention="cosine")
    with pytest.raises(ValueError, match="Unknown style"):
        Seq2Seq(5, 5, style="vaswani")
    model = Seq2Seq(5, 5, embedding_dim=2, hidden_size=3)
    src, tgt = kp.randint(2, 5, (2, 4)), kp.randint(2, 5, (2, 3))
    with pytest.raises(ValueError, match="beam_width must be a positive integer, got 0"):
        model.decode(src, START, END, beam_width=0)
    with pytest.raises(TypeError, match="src must hold integer token ids"):
        model(kp.randn(2, 4), tgt)
    with pytest.raises(ValueError, match="src must have shape"):
        model(kp.randint(0, 5, (2, 3, 4)), tgt)
    with pytest.raises(ValueError, match="same batch size"):
        model(src, tgt[:1])
    with pytest.raises(ValueError, match="tgt must hold the start token"):
        model(src, tgt[:, :1])
    with pytest.raises(ValueError, match=r"src_lengths must lie in 1 … 4"):
        model(src, tgt, src_lengths=[5, 2])
    with pytest.raises(ValueError, match="one length per sequence"):
        model(src, tgt, src_lengths=[4])
    with pytest.raises(ValueError, match="teacher_forcing_ratio must be a number in"):
        model(src, tgt, teacher_forcing_ratio=1.5)
    with pytest.raises(ValueError, match="attention='dot' needs"):
        AttentionDecoder(5, 2, 3, 4, attention="dot")
    with pytest.raises(ValueError, match="the query and the keys must have the same size"):
        DotAttention()(kp.randn(2, 3), kp.randn(2, 4, 5))
    with pytest.raises(ValueError, match="expected key_size 4, got 5"):
        GeneralAttention(3, 4)(kp.randn(2, 3), kp.randn(2, 4, 5))
    with pytest.raises(ValueError, match="expected keys of shape"):
        GeneralAttention(3, 4)(kp.randn(2, 3), kp.randn(2, 4))
    with pytest.raises(ValueError, match="different batch sizes"):
        AdditiveAttention(3, 4)(kp.randn(2, 3), kp.randn(3, 4, 4))
    with pytest.raises(ValueError, match="expected key_padding_mask of shape"):
        DotAttention()(kp.randn(2, 3), kp.randn(2, 4, 3), kp.zeros(2, 3, dtype=kp.bool))
    with pytest.raises(ValueError, match="masks every position"):
        DotAttention()(kp.randn(2, 3), kp.randn(2, 4, 3), kp.ones(2, 4, dtype=kp.bool))


# ---- learning -----------------------------------------------------------------------------------

def reversal_data(rng, count, length=8):
    src = rng.integers(2, 12, (count, length))  # symbols 2 … 11; 0 and 1 are start and end
    tgt = np.concatenate([np.full((count, 1), START), src[:, ::-1], np.full((count, 1), END)],
                         1)
    return src, tgt


def test_learns_to_reverse_sequences():
    # The slow test of this file: 200 Adam steps on batches of 64, about 2 s on one core (one
    # BLAS thread per test process, see conftest.py).
    accuracy, alignment = learn_to_reverse()
    assert accuracy >= 0.95
    # The attention has learnt the alignment: step t looks at source position 8 − t.
    assert alignment >= 0.9


def learn_to_reverse():
    """Train on random sequences; (exact-match accuracy on held-out sequences, the share of
    their steps whose largest attention weight is on the mirrored source position)."""
    rng = np.random.default_rng(0)
    kp.manual_seed(0)
    model = Seq2Seq(12, 12, embedding_dim=32, hidden_size=64, cell="gru", attention="general")
    optimizer = kp.optim.Adam(model.parameters(), lr=0.005)
    steps, batch = 200, 64
    scheduler = kp.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    seen = set()
    for _ in range(steps):
        src, tgt = reversal_data(rng, batch)
        seen.update(map(tuple, src))
        logits, _ = model(kp.tensor(src), kp.tensor(tgt))
        loss = F.cross_entropy(logits.reshape(-1, 12), kp.tensor(tgt[:, 1:]).reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        kp.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
    src, tgt = reversal_data(np.random.default_rng(1), 500)
    held_out = np.array([tuple(row) not in seen for row in src])
    src, tgt = src[held_out], tgt[held_out]
    output = model.decode(kp.tensor(src), START, END, max_length=9)
    tokens = output.tokens.detach().numpy()
    tokens = np.pad(tokens, ((0, 0), (0, 9 - tokens.shape[1])), constant_values=-1)
    exact = (tokens == tgt[:, 1:]).all(1)  # the 8 symbols reversed, then the end token
    _, weights = model(kp.tensor(src[:50]), kp.tensor(tgt[:50]))
    alignment = (weights.detach().numpy()[:, :8].argmax(2) == np.arange(7, -1, -1)).mean()
    return exact.mean(), alignment
