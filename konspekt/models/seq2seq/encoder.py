"""The encoder of the sequence-to-sequence model: an embedding and a recurrent network (RNN,
LSTM or GRU, stacked, optionally bidirectional) that turns the source x_1 … x_S into the states
h_1 … h_S the decoder attends to."""

from ...autograd.creation import arange, tensor
from ...autograd.tensor import Tensor
from ...nn.modules.module import Module
from ...nn.modules.rnn import GRU, LSTM, RNN
from ...nn.modules.sparse import Embedding
from ...nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["CELLS", "Encoder", "check_cell", "padding_mask"]

CELLS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def check_cell(cell):
    if cell not in CELLS:
        raise ValueError(f"Unknown cell '{cell}'. Select from 'rnn', 'lstm' or 'gru'.")
    return CELLS[cell]


def check_tokens(tokens, name):
    """A (B, L) or (L,) tensor of integer token ids, returned as (B, L) with a flag batched."""
    if not isinstance(tokens, Tensor):
        raise TypeError(f"{name} must be a Tensor of token ids, got {type(tokens).__name__}")
    if tokens.data.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer token ids, got dtype {tokens.dtype}")
    if tokens.dim() not in (1, 2):
        raise ValueError(f"{name} must have shape (batch, length) or (length,), got shape "
                         f"{tuple(tokens.shape)}")
    if tokens.shape[-1] == 0:
        raise ValueError(f"{name} must hold at least one token")
    batched = tokens.dim() == 2
    return (tokens if batched else tokens.unsqueeze(0)), batched


def check_lengths(lengths, batch, length):
    """The source lengths as an int64 tensor (B,), each in 1 … S; None stays None."""
    if lengths is None:
        return None
    lengths = tensor(lengths) if not isinstance(lengths, Tensor) else lengths
    lengths = lengths.reshape(-1)
    if lengths.shape[0] != batch:
        raise ValueError(f"src_lengths must have one length per sequence: expected {batch}, "
                         f"got {lengths.shape[0]}")
    values = lengths.data
    if values.min() < 1 or values.max() > length:
        raise ValueError(f"src_lengths must lie in 1 … {length} (the padded length), got "
                         f"{values.tolist()}")
    return lengths.long()


def padding_mask(lengths, length):
    """(B, S) bool, True at the positions j ≥ length of each sequence (the padding)."""
    return arange(length).unsqueeze(0) >= lengths.unsqueeze(1)


class Encoder(Module):
    """Embedding followed by a recurrent network:

        h_j = RNN(E x_j, h_{j−1}),   j = 1 … S,

    and, bidirectional, h_j = [h→_j ; h←_j], the state of a forward pass joined with the state of
    a pass from each sequence's own end. With ``lengths`` the padded positions are skipped
    (packed sequences): the final states are each sequence's last real step, and the outputs at
    padding positions are zero.

    Parameters
    ----------
    num_embeddings : int
        The size of the source vocabulary.
    embedding_dim : int
        The size of the token embeddings.
    hidden_size : int
        H, the size of each direction's state.
    cell : {'rnn', 'lstm', 'gru'}, default 'gru'
    num_layers : int, default 1
    bidirectional : bool, default False
    dropout : float, default 0.0
        Dropout between stacked layers, in training.
    padding_idx : int, optional
        The padding token, whose embedding stays zero.

    Attributes
    ----------
    embedding : Embedding
    rnn : RNN, LSTM or GRU (batch_first)
    output_size : int
        The size of h_j: ``hidden_size`` × 2 if bidirectional else ``hidden_size``.

    Examples
    --------
    >>> encoder = Encoder(10, 8, 16, bidirectional=True)
    >>> outputs, state = encoder(kp.randint(0, 10, (4, 7)))
    >>> outputs.shape, state.shape
    ((4, 7, 32), (2, 4, 16))
    """

    def __init__(self, num_embeddings, embedding_dim, hidden_size, cell="gru", num_layers=1,
                 bidirectional=False, dropout=0.0, padding_idx=None):
        super().__init__()
        network = check_cell(cell)
        self.cell = cell
        self.hidden_size, self.num_layers, self.bidirectional = hidden_size, num_layers, \
            bidirectional
        self.output_size = hidden_size * (2 if bidirectional else 1)
        self.embedding = Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
        self.rnn = network(embedding_dim, hidden_size, num_layers=num_layers, batch_first=True,
                           dropout=dropout, bidirectional=bidirectional)

    def forward(self, src, lengths=None):
        """Encode a batch of sources.

        Parameters
        ----------
        src : Tensor of int
            (B, S) token ids, padded on the right.
        lengths : Tensor or sequence of int, optional
            (B,) the real length of each source; all S when omitted.

        Returns
        -------
        outputs : Tensor
            h_1 … h_S, shape (B, S, output_size).
        state : Tensor, or (h, C) for the LSTM
            The final states, (num_layers · directions, B, hidden_size).
        """
        src, _ = check_tokens(src, "src")
        lengths = check_lengths(lengths, src.shape[0], src.shape[1])
        embedded = self.embedding(src)
        if lengths is None:
            return self.rnn(embedded)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True,
                                      enforce_sorted=False)
        outputs, state = self.rnn(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, total_length=src.shape[1])
        return outputs, state
