"""Greedy decoding and beam search on hand-made "models": fixed tables of next-token
probabilities that depend on the prefix. The oracle is exhaustive enumeration of every complete
sequence (one that ends with the end token within ``max_length`` tokens)."""

import math

import numpy as np
import pytest

from konspekt.models.seq2seq import beam_search, greedy_search, length_penalty_factor
from konspekt.models.seq2seq.decoding import select_rows

END, A, B, START = 0, 1, 2, 3  # the model predicts END, A, B; START is only ever an input
VOCABULARY = 3


class TableModel:
    """log P(y | prefix) from a table: ``table`` maps prefixes (tuples of generated tokens) to
    probability vectors over (END, A, B); other prefixes get a random distribution drawn from a
    generator seeded by the prefix and the table's seed (uniform when ``seed`` is None). The
    decoding state is (prefixes (N, t) array, table ids (N,) array)."""

    def __init__(self, tables=None, seeds=None):
        self.tables = tables or [{}]
        self.seeds = seeds or [None] * len(self.tables)

    def probabilities(self, prefix, which=0):
        table, seed = self.tables[which], self.seeds[which]
        if prefix in table:
            return np.asarray(table[prefix], dtype=np.float64)
        if seed is None:
            return np.full(VOCABULARY, 1.0 / VOCABULARY)
        rng = np.random.default_rng([seed, len(prefix), *prefix])
        return rng.dirichlet(np.full(VOCABULARY, 0.7))

    def initial_state(self, batch=1):
        return (np.zeros((batch, 0), dtype=np.int64), np.arange(batch))

    def step(self, tokens, state):
        prefixes, which = state
        tokens = np.asarray(tokens.numpy())
        if prefixes.shape[1] or tokens[0] != START:  # the start token is not part of a prefix
            prefixes = np.concatenate([prefixes, tokens[:, None]], 1)
        rows = [np.log(self.probabilities(tuple(int(t) for t in prefix), int(w)))
                for prefix, w in zip(prefixes, which)]
        return np.array(rows), (prefixes, which)

    def log_probability(self, sequence, which=0):
        return sum(math.log(self.probabilities(tuple(sequence[:t]), which)[sequence[t]])
                   for t in range(len(sequence)))


def exhaustive_best(model, max_length, alpha=0.0, form="gnmt", which=0):
    """The complete sequence of the best log P / lp(|Y|), by enumerating every sequence."""
    best, best_value = None, -math.inf
    frontier = [()]
    for _ in range(max_length):
        extended = []
        for prefix in frontier:
            for token in range(VOCABULARY):
                sequence = prefix + (token,)
                if token == END:
                    value = model.log_probability(sequence, which) / length_penalty_factor(
                        len(sequence), alpha, form)
                    if value > best_value:
                        best, best_value = list(sequence), value
                else:
                    extended.append(sequence)
        frontier = extended
    return best, model.log_probability(best, which)


def decoded(result, row=0):
    return result.tokens.numpy()[row, :int(result.lengths.numpy()[row])].tolist()


# The greedy trap: A is the likelier first token (0.6), but after A nothing is likely, while
# after B the end is almost certain. P(A, END) = 0.6 · 0.34 = 0.204 < P(B, END) = 0.399 · 0.98.
TRAP = {(): [0.001, 0.6, 0.399], (A,): [0.34, 0.33, 0.33], (B,): [0.98, 0.01, 0.01]}

# Short or long: P(END) = 0.5 but P(A, A, A, END) = 0.499 · 0.899² · 0.99 ≈ 0.40; per token the
# long one is far likelier.
SHORT_OR_LONG = {(): [0.5, 0.499, 0.001], (A,): [0.1, 0.899, 0.001], (A, A): [0.1, 0.899, 0.001],
                 (A, A, A): [0.99, 0.005, 0.005]}


def test_beam_search_finds_the_best_sequence_that_greedy_misses():
    model = TableModel([TRAP])
    best, best_score = exhaustive_best(model, max_length=4)
    assert best == [B, END]
    greedy = greedy_search(model.step, model.initial_state(), START, END, max_length=4)
    assert decoded(greedy) == [A, END]
    assert greedy.scores.item() == pytest.approx(math.log(0.6 * 0.34))
    for width in (2, 3, 5):
        beam = beam_search(model.step, model.initial_state(), START, END, beam_width=width,
                           max_length=4)
        assert decoded(beam) == best
        assert beam.scores.item() == pytest.approx(best_score)
        assert beam.lengths.item() == 2


@pytest.mark.parametrize("seed", range(4))
def test_beam_width_one_is_greedy(seed):
    model = TableModel([{}], [seed])
    greedy = greedy_search(model.step, model.initial_state(), START, END, max_length=6)
    beam = beam_search(model.step, model.initial_state(), START, END, beam_width=1,
                       max_length=6)
    assert decoded(beam) == decoded(greedy)
    assert beam.scores.item() == pytest.approx(greedy.scores.item())
    assert greedy.scores.item() == pytest.approx(model.log_probability(decoded(greedy)))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("alpha, form", [(0.0, "gnmt"), (0.8, "gnmt"), (2.0, "gnmt"),
                                         (1.0, "length")])
def test_an_unpruned_beam_is_exhaustive(seed, alpha, form):
    # Width ≥ every hypothesis there can be: nothing is pruned, so with the length penalty in the
    # final choice the result is the best complete sequence over all of them.
    model = TableModel([{}], [seed])
    best, best_score = exhaustive_best(model, 5, alpha, form)
    beam = beam_search(model.step, model.initial_state(), START, END, beam_width=3 ** 5,
                       max_length=5, length_penalty=alpha, length_penalty_form=form)
    assert decoded(beam) == best
    assert beam.scores.item() == pytest.approx(best_score)


@pytest.mark.parametrize("form", ["gnmt", "length"])
def test_length_penalty_favours_longer_sequences(form):
    model = TableModel([SHORT_OR_LONG])
    plain = beam_search(model.step, model.initial_state(), START, END, beam_width=3,
                        max_length=6)
    assert decoded(plain) == [END]
    assert plain.scores.item() == pytest.approx(math.log(0.5))
    penalised = beam_search(model.step, model.initial_state(), START, END, beam_width=3,
                            max_length=6, length_penalty=1.0, length_penalty_form=form)
    assert decoded(penalised) == [A, A, A, END]
    # The reported score stays the log-probability, not the penalised value.
    assert penalised.scores.item() == pytest.approx(math.log(0.499 * 0.899 * 0.899 * 0.99))
    assert decoded(penalised) == exhaustive_best(model, 6, 1.0, form)[0]


def test_length_penalty_factor_formulas():
    assert length_penalty_factor(4, 0.0) == 1.0
    assert length_penalty_factor(7, 1.0, "gnmt") == pytest.approx(2.0)
    assert length_penalty_factor(4, 0.5, "length") == pytest.approx(2.0)


def test_a_batch_decodes_each_sequence_as_alone():
    seeds = [5, 6, 7]
    batch = TableModel([{}, {}, TRAP], seeds)
    beam = beam_search(batch.step, batch.initial_state(3), START, END, beam_width=3,
                       max_length=6, length_penalty=0.6, batch_size=3)
    greedy = greedy_search(batch.step, batch.initial_state(3), START, END, max_length=6,
                           batch_size=3)
    for row in range(3):
        alone = TableModel([batch.tables[row]], [seeds[row]])
        one = beam_search(alone.step, alone.initial_state(), START, END, beam_width=3,
                          max_length=6, length_penalty=0.6)
        assert decoded(beam, row) == decoded(one)
        assert beam.scores.numpy()[row] == pytest.approx(one.scores.item())
        one = greedy_search(alone.step, alone.initial_state(), START, END, max_length=6)
        assert decoded(greedy, row) == decoded(one)
    # Rows shorter than the longest are padded with the end token.
    tokens, lengths = greedy.tokens.numpy(), greedy.lengths.numpy()
    for row in range(3):
        assert (tokens[row, lengths[row]:] == END).all()


def test_max_length_stops_decoding():
    almost_never = [0.001, 0.998, 0.001]
    never_ends = {(): almost_never, (A,): almost_never, (A, A): almost_never}
    model = TableModel([never_ends])
    greedy = greedy_search(model.step, model.initial_state(), START, END, max_length=3)
    assert decoded(greedy) == [A, A, A]
    beam = beam_search(model.step, model.initial_state(), START, END, beam_width=1,
                       max_length=3)
    assert decoded(beam) == [A, A, A]  # nothing finished: the best unfinished hypothesis
    assert beam.scores.item() == pytest.approx(3 * math.log(0.998))
    # Wider, the unlikely [END] is kept at the first step; a complete hypothesis is preferred.
    beam = beam_search(model.step, model.initial_state(), START, END, beam_width=2,
                       max_length=3)
    assert decoded(beam) == [END]


def test_bad_arguments():
    model = TableModel()
    state = model.initial_state()
    with pytest.raises(ValueError, match="beam_width must be a positive integer, got 0"):
        beam_search(model.step, state, START, END, beam_width=0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(model.step, state, START, END, beam_width=2.5)
    with pytest.raises(ValueError, match="max_length must be a positive integer"):
        greedy_search(model.step, state, START, END, max_length=0)
    with pytest.raises(ValueError, match="length_penalty_form must be 'gnmt' or 'length'"):
        beam_search(model.step, state, START, END, length_penalty_form="linear")
    with pytest.raises(ValueError, match="length_penalty must be a finite number"):
        beam_search(model.step, state, START, END, length_penalty=float("nan"))
    with pytest.raises(ValueError, match="end_token"):
        greedy_search(model.step, state, START, -1, max_length=3)

    def wrong_shape(tokens, state):
        return np.zeros(3), state

    with pytest.raises(ValueError, match=r"shape \(1, vocabulary size\)"):
        greedy_search(wrong_shape, None, START, END, max_length=3)
    with pytest.raises(TypeError, match="decoding state"):
        select_rows("state", np.array([0]))
