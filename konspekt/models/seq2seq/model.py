"""The encoder–decoder with attention (Sutskever et al., 2014; Bahdanau et al., 2015; Luong et
al., 2015): training by teacher forcing, inference by greedy decoding or beam search."""

import numpy as np

from ...autograd.grad_mode import no_grad
from ...autograd.ops.shape import cat
from ...autograd.ops.softmax import log_softmax
from ...nn.modules.module import Module
from .decoder import AttentionDecoder
from .decoding import beam_search, greedy_search
from .encoder import Encoder, check_lengths, check_tokens, padding_mask

__all__ = ["Seq2Seq"]


class Seq2Seq(Module):
    """Sequence to sequence with attention:

        h_1 … h_S = Encoder(x_1 … x_S)
        s_0       = the encoder's final states (each layer's forward and backward states joined
                    when bidirectional)
        P(y_t | y_<t, x) from the attention decoder (``AttentionDecoder``), y_0 the start token,

    trained to maximise log P(y | x) = Σ_t log P(y_t | y_<t, x) (cross-entropy of the logits
    against the target), and decoded by ``decode`` (greedy or beam search).

    The decoder has the encoder's cell and number of layers, and a state of the encoder's output
    size (2 · ``hidden_size`` when bidirectional), so that s_0 is the encoder's final state.

    Parameters
    ----------
    src_vocab_size, tgt_vocab_size : int
        The sizes of the source and target vocabularies.
    embedding_dim : int, default 32
    hidden_size : int, default 64
        The size of each encoder direction's state.
    cell : {'rnn', 'lstm', 'gru'}, default 'gru'
    attention : {'dot', 'general', 'additive'}, default 'general'
    num_layers : int, default 1
    bidirectional : bool, default False
        A bidirectional encoder.
    dropout : float, default 0.0
        Dropout between stacked layers, in training.
    style : {'luong', 'bahdanau'}, default 'luong'
        Attend with the new decoder state s_t (Luong) or with s_{t−1}, feeding the context into
        the recurrence (Bahdanau).
    padding_idx : int, optional
        The padding token of both vocabularies (its embedding stays zero).

    Attributes
    ----------
    encoder : Encoder
    decoder : AttentionDecoder

    Examples
    --------
    >>> model = Seq2Seq(12, 12, embedding_dim=16, hidden_size=32)
    >>> src, tgt = kp.randint(2, 12, (4, 6)), kp.randint(2, 12, (4, 7))
    >>> logits, weights = model(src, tgt)
    >>> logits.shape, weights.shape
    ((4, 6, 12), (4, 6, 6))
    >>> model.decode(src, start_token=0, end_token=1, max_length=10, beam_width=3).tokens.shape[0]
    4
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, embedding_dim=32, hidden_size=64,
                 cell="gru", attention="general", num_layers=1, bidirectional=False,
                 dropout=0.0, style="luong", padding_idx=None):
        super().__init__()
        self.encoder = Encoder(src_vocab_size, embedding_dim, hidden_size, cell, num_layers,
                               bidirectional, dropout, padding_idx)
        self.decoder = AttentionDecoder(tgt_vocab_size, embedding_dim, self.encoder.output_size,
                                        self.encoder.output_size, cell, attention, num_layers,
                                        dropout, style, padding_idx)

    def _bridge(self, state):
        """The encoder's final states (L · 2, B, H) as the decoder's s_0 (L, B, 2H)."""
        if not self.encoder.bidirectional:
            return state
        if isinstance(state, tuple):
            return tuple(self._bridge(part) for part in state)
        layers, batch = self.encoder.num_layers, state.shape[1]
        state = state.reshape(layers, 2, batch, self.encoder.hidden_size)
        return cat([state[:, 0], state[:, 1]], 2)

    def encode(self, src, src_lengths=None):
        """(h_1 … h_S, s_0, key_padding_mask) for a batch of sources (B, S)."""
        src, _ = check_tokens(src, "src")
        outputs, state = self.encoder(src, src_lengths)
        lengths = check_lengths(src_lengths, src.shape[0], src.shape[1])
        mask = None if lengths is None else padding_mask(lengths, src.shape[1])
        return outputs, self._bridge(state), mask

    def forward(self, src, tgt, src_lengths=None, teacher_forcing_ratio=1.0, generator=None):
        """Scores of the target's tokens given the source.

        Parameters
        ----------
        src : Tensor of int
            (B, S) source token ids, padded on the right.
        tgt : Tensor of int
            (B, T + 1): the start token followed by y_1 … y_T. The decoder reads
            ``tgt[:, :-1]`` and the logits are to be compared with ``tgt[:, 1:]``.
        src_lengths : Tensor or sequence of int, optional
            (B,) the real length of each source; padding positions get no attention.
        teacher_forcing_ratio : float, default 1.0
            Per step, the probability of feeding the true previous token rather than the
            model's own prediction.
        generator : Generator, optional
            For the teacher-forcing draws.

        Returns
        -------
        logits : Tensor
            (B, T, V) unnormalised scores of y_1 … y_T.
        weights : Tensor
            (B, T, S) the attention weights of every step (rows sum to 1, 0 on padding).
        """
        src, _ = check_tokens(src, "src")
        tgt, _ = check_tokens(tgt, "tgt")
        if src.shape[0] != tgt.shape[0]:
            raise ValueError(f"src and tgt must have the same batch size, got {src.shape[0]} "
                             f"and {tgt.shape[0]}")
        if tgt.shape[1] < 2:
            raise ValueError("tgt must hold the start token and at least one target token, got "
                             f"length {tgt.shape[1]}")
        keys, state, mask = self.encode(src, src_lengths)
        return self.decoder(tgt[:, :-1], state, keys, mask, teacher_forcing_ratio, generator)

    def decode(self, src, start_token, end_token, max_length=50, src_lengths=None,
               beam_width=1, length_penalty=0.0, length_penalty_form="gnmt"):
        """Translate: greedy decoding (``beam_width=1``) or beam search
        (``konspekt.models.seq2seq.decoding``), in evaluation mode and without gradients.

        Parameters
        ----------
        src : Tensor of int
            (B, S) padded sources, or one source (S,).
        start_token, end_token : int
        max_length : int, default 50
        src_lengths : Tensor or sequence of int, optional
        beam_width : int, default 1
        length_penalty : float, default 0.0
        length_penalty_form : {'gnmt', 'length'}, default 'gnmt'

        Returns
        -------
        Hypotheses
            tokens (B, L), scores (B,), lengths (B,); for one source tokens (L,) and scalar
            score and length.
        """
        src, batched = check_tokens(src, "src")
        if not batched and src_lengths is not None:
            src_lengths = [int(np.asarray(getattr(src_lengths, "data", src_lengths)).item())]
        training = self.training
        self.eval()
        try:
            with no_grad():
                result = self._search(src, src_lengths, start_token, end_token, max_length,
                                      beam_width, length_penalty, length_penalty_form)
        finally:
            self.train(training)
        if batched:
            return result
        return type(result)(result.tokens[0, :int(result.lengths[0])], result.scores[0],
                            result.lengths[0])

    def _search(self, src, src_lengths, start_token, end_token, max_length, beam_width,
                length_penalty, length_penalty_form):
        keys, state, mask = self.encode(src, src_lengths)
        projected = self.decoder.attention.project_keys(keys)
        lstm = self.decoder.cell == "lstm"

        def rows_first(state):
            # The search reorders rows on the first axis; the network's s is (layers, B, H).
            if lstm:
                return tuple(part.transpose(0, 1) for part in state)
            return state.transpose(0, 1)

        def step(tokens, carried):
            rows, keys, projected, mask = carried
            logits, state, _ = self.decoder.step(tokens, rows_first(rows), keys, mask,
                                                 projected)
            return log_softmax(logits, 1), (rows_first(state), keys, projected, mask)

        carried = (rows_first(state), keys, projected, mask)
        if beam_width == 1 and length_penalty == 0:
            return greedy_search(step, carried, start_token, end_token, max_length,
                                 src.shape[0])
        return beam_search(step, carried, start_token, end_token, beam_width, max_length,
                           length_penalty, length_penalty_form, src.shape[0])
