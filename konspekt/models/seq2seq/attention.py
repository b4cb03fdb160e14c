"""Attention over the encoder's states for the sequence-to-sequence decoder: the three score
functions of the course, each a ``Module``.

At decoder step t, with query s (the decoder state s_{t−1} or s_t) and the encoder states
h_1 … h_S:

    e_j = score(s, h_j)                                     alignment scores
    α_j = exp(e_j) / Σ_{j'} exp(e_{j'})                     attention weights (softmax over j)
    c   = Σ_j α_j h_j                                       context vector

Padding positions are masked out before the softmax (e_j = −∞), so their α_j is exactly 0.

    dot        e_j = sᵀ h_j                       (Luong et al., 2015)
    general    e_j = sᵀ W h_j                     (Luong et al., 2015)
    additive   e_j = vᵀ tanh(W s + U h_j)         (Bahdanau et al., 2015)
"""

from ...autograd.ops.softmax import softmax
from ...nn.modules.linear import Linear
from ...nn.modules.module import Module

__all__ = [
    "ATTENTIONS",
    "AdditiveAttention",
    "Attention",
    "DotAttention",
    "GeneralAttention",
    "make_attention",
]


class Attention(Module):
    """The shared step of every score function: mask, softmax over the source positions, and
    the weighted sum of the encoder states. A subclass defines ``project_keys`` (the part of the
    score that depends on h_j only, computed once per source sentence) and ``score``.

    ``forward(query, keys, key_padding_mask=None, projected_keys=None)``:

    Parameters
    ----------
    query : Tensor
        s, shape (B, query_size), or (B, T, query_size): T queries over the same keys at once
        (all decoder steps of a teacher-forced sequence).
    keys : Tensor
        h_1 … h_S, shape (B, S, key_size).
    key_padding_mask : Tensor of bool, optional
        (B, S), True at padding positions (torch's convention), which receive α_j = 0.
    projected_keys : Tensor, optional
        ``project_keys(keys)``, passed by a decoder that attends many times over one source.

    Returns
    -------
    context : Tensor
        c = Σ_j α_j h_j, shape (B, key_size) ((B, T, key_size) for T queries).
    weights : Tensor
        α, shape (B, S) ((B, T, S) for T queries); each row sums to 1.
    """

    query_size = None
    key_size = None

    def project_keys(self, keys):
        return keys

    def score(self, query, projected_keys):
        """e, shape (B, T, S), from queries (B, T, query_size) and ``project_keys(keys)``."""
        raise NotImplementedError

    def forward(self, query, keys, key_padding_mask=None, projected_keys=None):
        self._check(query, keys, key_padding_mask)
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        single = query.dim() == 2
        queries = query.unsqueeze(1) if single else query
        scores = self.score(queries, projected_keys)
        if key_padding_mask is not None:
            scores = scores.masked_fill(key_padding_mask.unsqueeze(1), float("-inf"))
        weights = softmax(scores, dim=2)
        context = weights @ keys
        if single:
            return context.squeeze(1), weights.squeeze(1)
        return context, weights

    def _check(self, query, keys, key_padding_mask):
        name = type(self).__name__
        if query.dim() not in (2, 3):
            raise ValueError(f"{name}: expected query of shape (batch, query_size) or (batch, "
                             f"steps, query_size), got shape {tuple(query.shape)}")
        if keys.dim() != 3:
            raise ValueError(f"{name}: expected keys of shape (batch, source length, "
                             f"key_size), got shape {tuple(keys.shape)}")
        if query.shape[0] != keys.shape[0]:
            raise ValueError(f"{name}: query and keys have different batch sizes, "
                             f"{query.shape[0]} and {keys.shape[0]}")
        if self.query_size is not None and query.shape[-1] != self.query_size:
            raise ValueError(f"{name}: expected query_size {self.query_size}, got "
                             f"{query.shape[-1]}")
        if self.key_size is not None and keys.shape[2] != self.key_size:
            raise ValueError(f"{name}: expected key_size {self.key_size}, got {keys.shape[2]}")
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) != tuple(keys.shape[:2]):
                raise ValueError(f"{name}: expected key_padding_mask of shape "
                                 f"{tuple(keys.shape[:2])}, got "
                                 f"{tuple(key_padding_mask.shape)}")
            if bool(key_padding_mask.all(1).any()):
                raise ValueError(f"{name}: key_padding_mask masks every position of a "
                                 "sequence; each source needs at least one token")


class DotAttention(Attention):
    """Dot-product score e_j = sᵀ h_j (Luong et al., 2015): no parameters; the query and the
    keys must have the same size.

    Examples
    --------
    >>> attention = DotAttention()
    >>> context, weights = attention(kp.randn(2, 8), kp.randn(2, 5, 8))
    >>> context.shape, weights.shape
    ((2, 8), (2, 5))
    """

    def _check(self, query, keys, key_padding_mask):
        super()._check(query, keys, key_padding_mask)
        if query.shape[-1] != keys.shape[2]:
            raise ValueError(f"DotAttention: the query and the keys must have the same size, "
                             f"got {query.shape[-1]} and {keys.shape[2]}")

    def score(self, query, projected_keys):
        return query @ projected_keys.transpose(1, 2)


class GeneralAttention(Attention):
    """Bilinear ("general") score e_j = sᵀ W h_j (Luong et al., 2015).

    Parameters
    ----------
    query_size : int
        The size of s.
    key_size : int
        The size of h_j.

    Attributes
    ----------
    weight : Linear
        W, shape (query_size, key_size), no bias; W h_j is computed once per source.

    Examples
    --------
    >>> attention = GeneralAttention(16, 8)
    >>> context, weights = attention(kp.randn(2, 16), kp.randn(2, 5, 8))
    >>> context.shape
    (2, 8)
    """

    def __init__(self, query_size, key_size):
        super().__init__()
        self.query_size, self.key_size = query_size, key_size
        self.weight = Linear(key_size, query_size, bias=False)

    def project_keys(self, keys):
        return self.weight(keys)

    def score(self, query, projected_keys):
        return query @ projected_keys.transpose(1, 2)


class AdditiveAttention(Attention):
    """Additive (concat) score e_j = vᵀ tanh(W s + U h_j) (Bahdanau et al., 2015): a
    one-hidden-layer network of the query and each key.

    Parameters
    ----------
    query_size : int
        The size of s.
    key_size : int
        The size of h_j.
    attention_size : int, optional
        The hidden size of the scoring network (``query_size`` when omitted).

    Attributes
    ----------
    query_weight : Linear
        W, (attention_size, query_size), no bias.
    key_weight : Linear
        U, (attention_size, key_size), no bias; U h_j is computed once per source.
    vector : Linear
        v, (1, attention_size), no bias.

    Examples
    --------
    >>> attention = AdditiveAttention(16, 8, 10)
    >>> context, weights = attention(kp.randn(2, 16), kp.randn(2, 5, 8))
    >>> weights.sum(1)
    tensor([1., 1.], grad_fn=<SumBackward>)
    """

    def __init__(self, query_size, key_size, attention_size=None):
        super().__init__()
        attention_size = query_size if attention_size is None else attention_size
        self.query_size, self.key_size = query_size, key_size
        self.attention_size = attention_size
        self.query_weight = Linear(query_size, attention_size, bias=False)
        self.key_weight = Linear(key_size, attention_size, bias=False)
        self.vector = Linear(attention_size, 1, bias=False)

    def project_keys(self, keys):
        return self.key_weight(keys)

    def score(self, query, projected_keys):
        hidden = (self.query_weight(query).unsqueeze(2) + projected_keys.unsqueeze(1)).tanh()
        return self.vector(hidden).squeeze(3)


ATTENTIONS = {"dot": DotAttention, "general": GeneralAttention, "additive": AdditiveAttention}


def make_attention(attention, query_size, key_size):
    """The score module named ``attention`` ('dot', 'general' or 'additive') for these sizes."""
    if attention not in ATTENTIONS:
        raise ValueError(f"Unknown attention '{attention}'. Select from "
                         f"{', '.join(repr(name) for name in ATTENTIONS)}.")
    if attention == "dot":
        if query_size != key_size:
            raise ValueError(f"attention='dot' needs the decoder's hidden size to equal the "
                             f"encoder's output size, got {query_size} and {key_size}")
        return DotAttention()
    return ATTENTIONS[attention](query_size, key_size)
