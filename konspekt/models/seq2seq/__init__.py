"""``konspekt.models.seq2seq``: sequence-to-sequence models of the RNN lectures.

An encoder (embedding + RNN / LSTM / GRU, stacked, optionally bidirectional) reads the source;
a decoder with attention (dot, general or additive scores) predicts the target one token at a
time, trained with teacher forcing; greedy decoding and beam search produce translations.

    attention.py   DotAttention, GeneralAttention, AdditiveAttention
    encoder.py     Encoder
    decoder.py     AttentionDecoder
    model.py       Seq2Seq
    decoding.py    greedy_search, beam_search, Hypotheses
"""

from .attention import AdditiveAttention, Attention, DotAttention, GeneralAttention
from .decoder import AttentionDecoder
from .decoding import Hypotheses, beam_search, greedy_search, length_penalty_factor
from .encoder import Encoder
from .model import Seq2Seq

__all__ = ["AdditiveAttention", "Attention", "AttentionDecoder", "DotAttention", "Encoder",
           "GeneralAttention", "Hypotheses", "Seq2Seq", "beam_search", "greedy_search",
           "length_penalty_factor"]
