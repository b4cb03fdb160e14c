"""Positional encodings: attention is blind to order (permuting the keys permutes nothing in the
output), so each position's vector gets its position added to it.

* ``PositionalEncoding``: the fixed sinusoids of "Attention Is All You Need" (Vaswani et al.,
  2017), for position i and dimension pair k,

      p(i, 2k)     = sin(i · 10000^(−2k/d)),
      p(i, 2k + 1) = cos(i · 10000^(−2k/d)),

  one frequency ω_k = 10000^(−2k/d) per pair, from 1 down to 1/10000. Because
  (sin, cos)(ω(i + Δ)) is the rotation by the angle ωΔ of (sin, cos)(ωi), the encoding of i + Δ is
  a fixed linear map (independent of i) of the encoding of i: relative positions are linear
  functions of absolute ones.
* ``LearnedPositionalEmbedding``: a trained table P (max_len × d), row i added at position i
  (BERT, GPT).

torch has neither as a layer; the names and the (d_model, dropout, max_len) signature follow
PyTorch's Transformer tutorial, with ``batch_first`` as in torch's layers.
"""

import math

from ...autograd.backend import xp
from ...autograd.creation import empty
from ...autograd.dtype import get_default_dtype
from ...autograd.tensor import _make_tensor
from .. import init
from ..parameter import Parameter
from .dropout import Dropout
from .module import Module, check_device

__all__ = ["PositionalEncoding", "LearnedPositionalEmbedding"]


def _sinusoids(max_len, d_model):
    """The (max_len × d_model) table p(i, 2k) = sin(iω_k), p(i, 2k+1) = cos(iω_k), computed in
    float64."""
    position = xp.arange(max_len, dtype=xp.float64)[:, None]
    frequency = xp.exp(xp.arange(0, d_model, 2, dtype=xp.float64) * (-math.log(10000.0) / d_model))
    angle = position * frequency
    table = xp.zeros((max_len, d_model))
    table[:, 0::2] = xp.sin(angle)
    table[:, 1::2] = xp.cos(angle[:, : d_model // 2])  # an odd d_model has one sine more
    return table


def _check_sizes(owner, d_model, max_len):
    if d_model <= 0 or max_len <= 0:
        raise ValueError(f"{owner}: d_model and max_len must be positive, got d_model={d_model} "
                         f"and max_len={max_len}")


def _positions(owner, input, d_model, max_len, batch_first):
    """The sequence length of ``input`` and the shape a (length, d_model) table must take to
    broadcast against it."""
    if input.dim() not in (2, 3):
        raise ValueError(f"{owner}: expected a 2-D (L, E) or 3-D input, got {input.dim()}-D with "
                         f"shape {tuple(input.shape)}")
    if input.shape[-1] != d_model:
        raise ValueError(f"{owner}: expected the input's last dimension to be d_model={d_model}, "
                         f"got shape {tuple(input.shape)}")
    length = input.shape[1] if (input.dim() == 3 and batch_first) else input.shape[0]
    if length > max_len:
        raise ValueError(f"{owner}: the sequence has {length} positions, more than max_len="
                         f"{max_len}")
    if input.dim() == 3 and not batch_first:
        return length, (length, 1, d_model)
    return length, (length, d_model)


class PositionalEncoding(Module):
    """Adds the sinusoidal encoding p(i, ·) to the vector at position i, then dropout:

        y_i = dropout(x_i + p_i),
        p(i, 2k) = sin(i·10000^(−2k/d)),   p(i, 2k+1) = cos(i·10000^(−2k/d)).

    The table is a buffer (saved with the module, not trained).

    Parameters
    ----------
    d_model : int
        d, the size of each position's vector.
    dropout : float, default 0.1
        Dropout after the addition, in training (as in the tutorial and the paper).
    max_len : int, default 5000
        The longest sequence accepted.
    batch_first : bool, default False
        Inputs are (N, L, d) instead of (L, N, d); unbatched (L, d) inputs are accepted too.
    dtype : dtype, optional
        The table's dtype (the default dtype when omitted).

    Attributes
    ----------
    pe : Tensor
        The buffer of shape (max_len, d_model).

    Examples
    --------
    >>> encoding = kp.nn.PositionalEncoding(16, dropout=0.0, batch_first=True)
    >>> encoding(kp.zeros(2, 5, 16)).shape
    (2, 5, 16)
    """

    def __init__(self, d_model, dropout=0.1, max_len=5000, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        check_device(type(self).__name__, device)
        _check_sizes(type(self).__name__, d_model, max_len)
        self.d_model = d_model
        self.max_len = max_len
        self.batch_first = batch_first
        self.dropout = Dropout(dropout)
        dtype = get_default_dtype() if dtype is None else dtype
        table = empty(max_len, d_model, dtype=dtype)
        table.data[...] = _sinusoids(max_len, d_model)
        self.register_buffer("pe", table)

    def forward(self, input):
        length, shape = _positions(type(self).__name__, input, self.d_model, self.max_len,
                                   self.batch_first)
        table = self.pe.data[:length]
        if input.data.dtype.kind == "f" and table.dtype != input.data.dtype:
            # Recomputed rather than cast: a float32 table cast to float64 keeps float32's error.
            table = _sinusoids(length, self.d_model).astype(input.data.dtype)
        return self.dropout(input + _make_tensor(table.reshape(shape)))

    def extra_repr(self):
        return f"d_model={self.d_model}, max_len={self.max_len}, batch_first={self.batch_first}"


class LearnedPositionalEmbedding(Module):
    """Adds a learned vector P_i to the vector at position i, then dropout: y_i = dropout(x_i +
    P_i). The table P (max_len × d) is trained with the rest of the model; it can express any
    position signal, but none beyond max_len.

    Parameters
    ----------
    max_len : int
        The number of positions, the table's rows.
    d_model : int
        d, the size of each position's vector.
    dropout : float, default 0.0
    batch_first : bool, default False
        Inputs are (N, L, d) instead of (L, N, d); unbatched (L, d) inputs are accepted too.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        P, shape (max_len, d_model), initialised N(0, 1) as ``Embedding``'s table.

    Examples
    --------
    >>> embedding = kp.nn.LearnedPositionalEmbedding(100, 16, batch_first=True)
    >>> embedding(kp.zeros(2, 5, 16)).shape
    (2, 5, 16)
    """

    def __init__(self, max_len, d_model, dropout=0.0, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        check_device(type(self).__name__, device)
        _check_sizes(type(self).__name__, d_model, max_len)
        self.max_len = max_len
        self.d_model = d_model
        self.batch_first = batch_first
        self.dropout = Dropout(dropout)
        self.weight = Parameter(empty(max_len, d_model, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.normal_(self.weight)

    def forward(self, input):
        length, shape = _positions(type(self).__name__, input, self.d_model, self.max_len,
                                   self.batch_first)
        return self.dropout(input + self.weight[:length].reshape(shape))

    def extra_repr(self):
        return f"{self.max_len}, {self.d_model}, batch_first={self.batch_first}"
