"""The attention decoder of the sequence-to-sequence model: a recurrent network over the target
tokens that, at every step, attends to the encoder's states and predicts the next token."""

import numbers

from ...autograd.creation import default_generator
from ...autograd.ops.shape import cat
from ...nn.modules.linear import Linear
from ...nn.modules.module import Module
from ...nn.modules.sparse import Embedding
from .attention import make_attention
from .encoder import check_cell

__all__ = ["AttentionDecoder"]

STYLES = ("luong", "bahdanau")


class AttentionDecoder(Module):
    """A recurrent decoder with attention. With y_0 the start token, at step t = 1 … T:

    ``style='luong'`` (Luong et al., 2015), the query is the new state s_t:

        s_t      = RNN(E y_{t−1}, s_{t−1})
        c_t, α_t = attend(s_t; h_1 … h_S)
        h̃_t     = tanh(W_c [c_t ; s_t])
        P(y_t | y_<t, x) = softmax(W_o h̃_t)

    ``style='bahdanau'`` (Bahdanau et al., 2015), the query is the previous state s_{t−1} and the
    context enters the recurrence:

        c_t, α_t = attend(s_{t−1}; h_1 … h_S)
        s_t      = RNN([E y_{t−1} ; c_t], s_{t−1})
        h̃_t     = tanh(W_c [c_t ; s_t]),   P(y_t | y_<t, x) = softmax(W_o h̃_t)

    where attend is e_j = score(s, h_j), α = softmax(e) over the source positions (padding
    masked out), c = Σ_j α_j h_j (``konspekt.models.seq2seq.attention``). With several layers the
    query s is the top layer's state (h, not C, for the LSTM).

    Teacher forcing: the input y_{t−1} of step t is the true previous token with probability
    ``teacher_forcing_ratio``, drawn once per step (for the whole batch) from the generator, and
    otherwise the model's own most probable token of step t − 1.

    Parameters
    ----------
    num_embeddings : int
        The size of the target vocabulary V.
    embedding_dim : int
        The size of the token embeddings.
    hidden_size : int
        The size of s_t.
    encoder_size : int
        The size of the encoder's states h_j.
    cell : {'rnn', 'lstm', 'gru'}, default 'gru'
    attention : {'dot', 'general', 'additive'}, default 'general'
        The score function.
    num_layers : int, default 1
    dropout : float, default 0.0
        Dropout between stacked layers, in training.
    style : {'luong', 'bahdanau'}, default 'luong'
    padding_idx : int, optional
        The padding token, whose embedding stays zero.

    Attributes
    ----------
    embedding : Embedding
    rnn : RNN, LSTM or GRU (batch_first)
    attention : Attention
    combine : Linear
        W_c, (hidden_size, encoder_size + hidden_size).
    output : Linear
        W_o (with bias), (V, hidden_size).

    Examples
    --------
    >>> decoder = AttentionDecoder(12, 8, 16, 16, attention="additive", style="bahdanau")
    >>> keys, s0 = kp.randn(4, 7, 16), kp.randn(1, 4, 16)
    >>> logits, weights = decoder(kp.randint(0, 12, (4, 5)), s0, keys)
    >>> logits.shape, weights.shape
    ((4, 5, 12), (4, 5, 7))
    """

    def __init__(self, num_embeddings, embedding_dim, hidden_size, encoder_size, cell="gru",
                 attention="general", num_layers=1, dropout=0.0, style="luong",
                 padding_idx=None):
        super().__init__()
        network = check_cell(cell)
        if style not in STYLES:
            raise ValueError(f"Unknown style '{style}'. Select from 'luong' or 'bahdanau'.")
        self.cell, self.style = cell, style
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.num_embeddings = num_embeddings
        self.embedding = Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
        rnn_input = embedding_dim + (encoder_size if style == "bahdanau" else 0)
        self.rnn = network(rnn_input, hidden_size, num_layers=num_layers, batch_first=True,
                           dropout=dropout)
        self.attention = make_attention(attention, hidden_size, encoder_size)
        self.combine = Linear(encoder_size + hidden_size, hidden_size, bias=False)
        self.output = Linear(hidden_size, num_embeddings)

    def _query(self, state):
        """The top layer's hidden state, (B, hidden_size)."""
        return (state[0] if self.cell == "lstm" else state)[-1]

    def step(self, tokens, state, keys, key_padding_mask=None, projected_keys=None):
        """One decoder step.

        Parameters
        ----------
        tokens : Tensor of int
            y_{t−1}, shape (B,).
        state : Tensor, or (h, C) for the LSTM
            s_{t−1}, (num_layers, B, hidden_size).
        keys : Tensor
            The encoder's states, (B, S, encoder_size).
        key_padding_mask : Tensor of bool, optional
            (B, S), True at padding.
        projected_keys : Tensor, optional
            ``self.attention.project_keys(keys)``, to compute it once per source.

        Returns
        -------
        logits : Tensor
            W_o h̃_t, shape (B, V).
        state : Tensor, or (h, C)
            s_t.
        weights : Tensor
            α_t, shape (B, S).
        """
        embedded = self.embedding(tokens.unsqueeze(1))
        if self.style == "bahdanau":
            context, weights = self.attention(self._query(state), keys, key_padding_mask,
                                              projected_keys)
            _, state = self.rnn(cat([embedded, context.unsqueeze(1)], 2), state)
            query = self._query(state)
        else:
            _, state = self.rnn(embedded, state)
            query = self._query(state)
            context, weights = self.attention(query, keys, key_padding_mask, projected_keys)
        combined = self.combine(cat([context, query], 1)).tanh()
        return self.output(combined), state, weights

    def forward(self, tokens, state, keys, key_padding_mask=None, teacher_forcing_ratio=1.0,
                generator=None):
        """Decode a batch of target prefixes.

        Parameters
        ----------
        tokens : Tensor of int
            y_0 … y_{T−1}, shape (B, T): the start token and the target without its last token.
        state : Tensor, or (h, C) for the LSTM
            s_0, (num_layers, B, hidden_size).
        keys : Tensor
            The encoder's states, (B, S, encoder_size).
        key_padding_mask : Tensor of bool, optional
            (B, S), True at padding.
        teacher_forcing_ratio : float, default 1.0
            The probability, per step, of feeding the true previous token.
        generator : Generator, optional
            The source of the teacher-forcing draws (konspekt's default generator if omitted).

        Returns
        -------
        logits : Tensor
            (B, T, V), the scores of y_1 … y_T.
        weights : Tensor
            (B, T, S), the attention weights α_t of every step.
        """
        if (not isinstance(teacher_forcing_ratio, numbers.Real)
                or not 0 <= teacher_forcing_ratio <= 1):
            raise ValueError(f"teacher_forcing_ratio must be a number in [0, 1], got "
                             f"{teacher_forcing_ratio!r}")
        projected = self.attention.project_keys(keys)
        if self.style == "luong" and teacher_forcing_ratio == 1:
            # Every input is known in advance and the recurrence does not read the context:
            # run the network over all steps at once and attend with all T queries together.
            outputs, _ = self.rnn(self.embedding(tokens), state)
            context, weights = self.attention(outputs, keys, key_padding_mask, projected)
            combined = self.combine(cat([context, outputs], 2)).tanh()
            return self.output(combined), weights
        rng = (generator or default_generator).rng
        logits, weights, previous = [], [], None
        for t in range(tokens.shape[1]):
            if t == 0 or rng.random() < teacher_forcing_ratio:
                inputs = tokens[:, t]
            else:
                inputs = previous.argmax(1)
            previous, state, alpha = self.step(inputs, state, keys, key_padding_mask, projected)
            logits.append(previous)
            weights.append(alpha)
        return _stack(logits), _stack(weights)


def _stack(steps):
    return cat([step.unsqueeze(1) for step in steps], 1)
