"""Decoding a sequence model: greedy decoding and beam search.

Both work on any model given as a step function

    log_probs, state = step(tokens, state)

that maps the last tokens of N hypotheses (an int64 Tensor (N,)) and their states to the
log-probabilities log P(y | prefix) of every next token (N, V) and the new states. A state is a
Tensor, a NumPy array, None, or a tuple / list / dict of these, each with one row per hypothesis
on its first axis; beam search reorders the rows when it keeps, drops and copies hypotheses.
"""

import numbers
from collections import namedtuple

import numpy as np

from ...autograd.creation import tensor
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor

__all__ = [
    "Hypotheses",
    "beam_search",
    "greedy_search",
    "length_penalty_factor",
    "select_rows",
]

Hypotheses = namedtuple("Hypotheses", ["tokens", "scores", "lengths"])
Hypotheses.__doc__ = """The decoded sequences of a batch.

tokens : Tensor of int64, (B, L)
    y_1 … y_n of each sequence (without the start token, with the end token when one was emitted),
    padded with the end token after its end.
scores : Tensor of float64, (B,)
    log P(y_1 … y_n | x) = Σ_t log P(y_t | y_<t, x) of each chosen sequence (no length penalty).
lengths : Tensor of int64, (B,)
    n, the number of tokens of each sequence, the end token included.
"""

PENALTY_FORMS = ("gnmt", "length")


def select_rows(state, rows):
    """The state of the hypotheses ``rows`` (an int array), row by row along the first axis."""
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state[tensor(rows)]
    if isinstance(state, np.ndarray):
        return state[rows]
    if isinstance(state, (tuple, list)):
        return type(state)(select_rows(part, rows) for part in state)
    if isinstance(state, dict):
        return {key: select_rows(part, rows) for key, part in state.items()}
    raise TypeError(f"a decoding state must be a Tensor, an array, None, or a tuple, list or "
                    f"dict of these, got {type(state).__name__}")


def length_penalty_factor(length, alpha, form="gnmt"):
    """lp(|Y|), the divisor of a hypothesis' log-probability in the final choice:

        'gnmt'    lp(Y) = ((5 + |Y|) / 6)^α      (Wu et al., 2016, Google's NMT)
        'length'  lp(Y) = |Y|^α                  (α = 1: the mean log-probability per token)

    α = 0 gives lp = 1 (no penalty); a larger α favours longer sequences, countering the bias of
    the raw log-probability, a sum of negative terms, toward short ones.
    """
    length = np.asarray(length, dtype=np.float64)
    if form == "gnmt":
        return ((5.0 + length) / 6.0) ** alpha
    return length ** alpha


def _check_common(start_token, end_token, max_length, batch_size):
    for value, name in ((start_token, "start_token"), (end_token, "end_token")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer token id, got {value!r}")
    for value, name in ((max_length, "max_length"), (batch_size, "batch_size")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _log_probs(step, tokens, state, rows):
    log_probs, state = step(tensor(tokens), state)
    values = np.asarray(log_probs.detach().numpy() if isinstance(log_probs, Tensor)
                        else log_probs, dtype=np.float64)
    if values.ndim != 2 or values.shape[0] != rows:
        raise ValueError(f"the step function must return log-probabilities of shape "
                         f"({rows}, vocabulary size), got shape {values.shape}")
    if np.isnan(values).any():
        raise ValueError("the step function returned NaN log-probabilities")
    return values, state


def _pack(sequences, scores, end_token):
    longest = max(len(sequence) for sequence in sequences)
    tokens = np.full((len(sequences), longest), end_token, dtype=np.int64)
    for row, sequence in enumerate(sequences):
        tokens[row, :len(sequence)] = sequence
    lengths = np.array([len(sequence) for sequence in sequences], dtype=np.int64)
    return Hypotheses(tensor(tokens), tensor(np.asarray(scores, dtype=np.float64)),
                      tensor(lengths))


def greedy_search(step, state, start_token, end_token, max_length, batch_size=1):
    """Greedy decoding: y_t = argmax_y P(y | y_<t, x), from y_0 = ``start_token`` until the end
    token or ``max_length`` tokens; each sequence stops at its own end token.

    Parameters
    ----------
    step : callable
        ``step(tokens, state) -> (log_probs, state)``, as in the module's description.
    state : Tensor, array, None, or a tuple / list / dict of these
        The initial state of the ``batch_size`` sequences (rows on the first axis).
    start_token, end_token : int
    max_length : int
        The most tokens generated per sequence (the end token included).
    batch_size : int, default 1

    Returns
    -------
    Hypotheses
        tokens (B, L), scores (B,) (the log-probability of each sequence), lengths (B,).

    Examples
    --------
    >>> table = np.log([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])  # token 0 ends; rows: first, later
    >>> def step(tokens, position):
    ...     return table[np.minimum(position, 1)], position + 1
    >>> greedy_search(step, np.zeros(1, dtype=int), start_token=2, end_token=0,
    ...               max_length=5).tokens
    tensor([[1, 0]])
    """
    _check_common(start_token, end_token, max_length, batch_size)
    tokens = np.full(batch_size, start_token, dtype=np.int64)
    sequences = [[] for _ in range(batch_size)]
    scores = np.zeros(batch_size)
    running = np.ones(batch_size, dtype=bool)
    with no_grad():
        for _ in range(max_length):
            log_probs, state = _log_probs(step, tokens, state, batch_size)
            tokens = log_probs.argmax(1)
            for row in np.flatnonzero(running):
                sequences[row].append(int(tokens[row]))
                scores[row] += log_probs[row, tokens[row]]
            running &= tokens != end_token
            if not running.any():
                break
    return _pack(sequences, scores, end_token)


def beam_search(step, state, start_token, end_token, beam_width=4, max_length=50,
                length_penalty=0.0, length_penalty_form="gnmt", batch_size=1):
    """Beam search, as the course gives it, for each sequence of the batch:

    1. Start from one hypothesis, the start token, with score 0.
    2. Extend each kept hypothesis by every token y of the vocabulary; a candidate's score is
       its cumulative log-probability, score(y_≤t) = score(y_<t) + log P(y | y_<t, x).
    3. Keep the k best candidates, k = ``beam_width`` minus the number already finished; those
       that end with ``end_token`` move to the finished list, the others form the next beam.
    4. Stop when k (= ``beam_width``) hypotheses have finished or after ``max_length`` tokens.
    5. Return the finished hypothesis with the best score(Y) / lp(|Y|) (see
       ``length_penalty_factor``; |Y| counts the generated tokens, the end token included but
       not the start token). If none finished by ``max_length``, the unfinished ones of the
       last beam are the candidates instead.

    The length penalty enters only the final choice (step 5); pruning (step 3) ranks by the raw
    log-probability. With ``beam_width=1`` this is greedy decoding.

    Parameters
    ----------
    step : callable
        ``step(tokens, state) -> (log_probs, state)``, as in the module's description.
    state : Tensor, array, None, or a tuple / list / dict of these
        The initial state of the ``batch_size`` sequences (rows on the first axis). Inside the
        search there are ``batch_size · beam_width`` rows, the k hypotheses of sequence b at
        rows b·k … b·k + k − 1.
    start_token, end_token : int
    beam_width : int, default 4
        k.
    max_length : int, default 50
        The most tokens generated per hypothesis (the end token included).
    length_penalty : float, default 0.0
        α; 0 chooses by the raw log-probability.
    length_penalty_form : {'gnmt', 'length'}, default 'gnmt'
        lp(Y) = ((5 + |Y|)/6)^α (Wu et al., 2016) or |Y|^α.
    batch_size : int, default 1

    Returns
    -------
    Hypotheses
        tokens (B, L), scores (B,) (the log-probability of each chosen sequence, without the
        penalty), lengths (B,).

    Examples
    --------
    >>> table = np.log([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])  # token 0 ends; rows: first, later
    >>> def step(tokens, position):
    ...     return table[np.minimum(position, 1)], position + 1
    >>> beam_search(step, np.zeros(1, dtype=int), start_token=2, end_token=0,
    ...             beam_width=2, max_length=5).tokens
    tensor([[1, 0]])
    """
    _check_common(start_token, end_token, max_length, batch_size)
    if isinstance(beam_width, bool) or not isinstance(beam_width, numbers.Integral) \
            or beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}")
    if isinstance(length_penalty, bool) or not isinstance(length_penalty, numbers.Real) \
            or not np.isfinite(length_penalty):
        raise ValueError(f"length_penalty must be a finite number, got {length_penalty!r}")
    if length_penalty_form not in PENALTY_FORMS:
        raise ValueError(f"length_penalty_form must be 'gnmt' or 'length', got "
                         f"{length_penalty_form!r}")
    k = beam_width
    rows = batch_size * k
    state = select_rows(state, np.repeat(np.arange(batch_size), k))
    # One live hypothesis per sequence at first; the empty slots score −∞ and are never kept.
    scores = np.full((batch_size, k), -np.inf)
    scores[:, 0] = 0.0
    prefixes = [[[] for _ in range(k)] for _ in range(batch_size)]
    tokens = np.full(rows, start_token, dtype=np.int64)
    finished = [[] for _ in range(batch_size)]
    done = np.zeros(batch_size, dtype=bool)
    with no_grad():
        for _ in range(max_length):
            log_probs, state = _log_probs(step, tokens, state, rows)
            vocabulary = log_probs.shape[1]
            candidates = (scores.reshape(rows, 1) + log_probs).reshape(batch_size, k * vocabulary)
            parents = np.arange(rows) // k * k  # empty slots copy any row of their sequence
            new_scores = np.full((batch_size, k), -np.inf)
            new_prefixes = [[[] for _ in range(k)] for _ in range(batch_size)]
            for b in np.flatnonzero(~done):
                width = k - len(finished[b])
                order = np.argsort(-candidates[b], kind="stable")[:width]
                kept = 0
                for index in order:
                    score = candidates[b, index]
                    if score == -np.inf:
                        break
                    beam, token = divmod(int(index), vocabulary)
                    prefix = prefixes[b][beam] + [token]
                    if token == end_token:
                        finished[b].append((prefix, score))
                        continue
                    new_scores[b, kept] = score
                    new_prefixes[b][kept] = prefix
                    parents[b * k + kept] = b * k + beam
                    tokens[b * k + kept] = token
                    kept += 1
                done[b] = len(finished[b]) >= k or kept == 0
            scores, prefixes = new_scores, new_prefixes
            if done.all():
                break
            state = select_rows(state, parents)
    chosen, chosen_scores = [], []
    for b in range(batch_size):
        pool = finished[b] or [(prefixes[b][slot], scores[b, slot]) for slot in range(k)
                               if scores[b, slot] > -np.inf]
        lengths = [len(prefix) for prefix, _ in pool]
        raw = np.array([score for _, score in pool])
        ranked = raw / length_penalty_factor(lengths, length_penalty, length_penalty_form)
        best = int(np.argmax(ranked))
        chosen.append(pool[best][0])
        chosen_scores.append(raw[best])
    return _pack(chosen, chosen_scores, end_token)
