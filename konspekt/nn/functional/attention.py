"""Attention (functional form): scaled dot-product attention and the multi-head attention of
"Attention Is All You Need" (Vaswani et al., 2017).

Scaled dot-product attention of queries Q (L × d), keys K (S × d) and values V (S × d_v):

    A = softmax(Q Kᵀ / √d + M)   (row by row: each query's weights over the S keys sum to 1)
    Attention(Q, K, V) = A V

The division by √d (by 8 for the course's d = 64) keeps the scores' variance near 1 whatever d
is, so the softmax does not saturate. M is the mask: 0 where a query may look at a key, −∞ where
it may not (those weights become exactly 0). A query that may look at no key at all has no
distribution to take; its weights and output are 0 here (torch's ``scaled_dot_product_attention``
does the same), and no gradient flows through it.

Everything is a composition of the engine's operations (matmul, softmax, where, dropout), so the
first and second derivatives come from their own rules.
"""

import math
import warnings

from ...autograd.backend import xp
from ...autograd.ops.elementwise import where
from ...autograd.ops.linalg import matmul
from ...autograd.ops.shape import cat
from ...autograd.ops.softmax import softmax
from ...autograd.tensor import Tensor, _make_tensor
from .dropout import dropout
from .linear import linear

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _attend(query, key, value, mask, dropout_p, scale):
    """softmax(Q Kᵀ·scale + M) V and the weights; M an additive tensor (or None) that broadcasts
    to the scores. Rows whose every score is −∞ get weights 0 instead of 0/0."""
    scores = matmul(query, key.transpose(-2, -1)) * scale
    dead = None
    if mask is not None:
        scores = scores + mask
        dead = xp.isneginf(scores.data).all(axis=-1, keepdims=True)
    if dead is not None and dead.any():
        # A finite stand-in keeps NaN out of the softmax and of its backward pass.
        zero = _make_tensor(xp.zeros((), dtype=scores.data.dtype))
        condition = _make_tensor(dead)
        weights = where(condition, zero, softmax(where(condition, zero, scores), -1))
    else:
        weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return matmul(weights, value), weights


def _shape(t):
    return tuple(t.data.shape)


def _dtype_name(dtype):
    return {"float16": "c10::Half", "float32": "float", "float64": "double",
            "int64": "long int", "int32": "int", "bool": "bool"}.get(dtype.name, dtype.name)


def _causal(target_length, source_length):
    """True where query i may look at key j: j ≤ i (the lower triangle, from the top left)."""
    return xp.tril(xp.ones((target_length, source_length), dtype=bool))


def _as_tensor(mask):
    return mask if isinstance(mask, Tensor) else _make_tensor(xp.asarray(mask))


def _sdpa_checks(query, key, value, attn_mask, dropout_p, is_causal):
    if not 0.0 <= dropout_p <= 1.0:
        # torch's scaled_dot_product_attention raises RuntimeError here, not ValueError.
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, "
                           f"but got query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: "
                           f"{value.dim()} instead.")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {_dtype_name(query.dtype)} key.dtype: "
                           f"{_dtype_name(key.dtype)} and value.dtype: "
                           f"{_dtype_name(value.dtype)} instead.")
    if query.data.dtype.kind != "f":
        raise RuntimeError(f"scaled_dot_product_attention: expected floating point query, key "
                           f"and value, got {query.dtype.name}")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention: query and key must have the same "
                           f"embedding size (last dimension), got query {_shape(query)} and key "
                           f"{_shape(key)}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: key and value must have the same "
                           f"sequence length (dimension -2), got key {_shape(key)} and value "
                           f"{_shape(value)}")
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        kind = attn_mask.data.dtype
        if kind != bool and kind != query.data.dtype:
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query "
                               f"dtype, but got attn_mask.dtype: {_dtype_name(attn_mask.dtype)} "
                               f"and  query.dtype: {_dtype_name(query.dtype)} instead.")


def _repeat_heads(t, groups):
    """Each of the H_k heads (dimension −3) repeated ``groups`` times in place: h₀h₀h₁h₁…"""
    shape = _shape(t)
    lead, heads = shape[:-3], shape[-3]
    expanded = t.unsqueeze(-3).expand(*lead, heads, groups, *shape[-2:])
    return expanded.reshape(*lead, heads * groups, *shape[-2:])


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """Attention(Q, K, V) = softmax(Q Kᵀ·s + M) V, with s = 1/√d by default.

    Steps: scores Q Kᵀ·s (shape (…, L, S)); add the mask M (a boolean mask gives 0 where True
    and −∞ where False; a float mask is added as it is; ``is_causal`` forbids key j > query i);
    softmax over the keys; dropout on the weights (p = ``dropout_p``); the weighted sum of the
    values. A query with every key masked gets weights and output 0, as in torch.

    Parameters
    ----------
    query : Tensor
        Q, shape (…, L, d).
    key : Tensor
        K, shape (…, S, d).
    value : Tensor
        V, shape (…, S, d_v).
    attn_mask : Tensor, optional
        Broadcastable to (…, L, S). Boolean: True = the query may attend to the key (torch's
        convention for this function; ``MultiheadAttention`` uses the opposite one). Float:
        added to the scores (−∞ forbids).
    dropout_p : float, default 0.0
        Dropout probability on the attention weights (applied whenever > 0, as in torch: pass 0
        in evaluation).
    is_causal : bool, default False
        Mask key j for query i when j > i (aligned at the top left when L ≠ S). Exclusive with
        ``attn_mask``.
    scale : float, optional
        s; 1/√d when omitted.
    enable_gqa : bool, default False
        Grouped-query attention: key and value may have fewer heads (dimension −3) than the
        query, a divisor of its count; each is shared by consecutive query heads.

    Returns
    -------
    Tensor
        Shape (…, L, d_v).

    Raises
    ------
    RuntimeError
        On inputs of fewer than 2 dimensions, different dtypes or mismatched sizes, a mask of a
        wrong dtype or shape, or ``attn_mask`` together with ``is_causal``.
    ValueError
        If ``dropout_p`` is outside [0, 1].

    Examples
    --------
    >>> q = k = v = kp.randn(2, 4, 5, 8)
    >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
    (2, 4, 5, 8)
    """
    if attn_mask is not None:
        attn_mask = _as_tensor(attn_mask)
    _sdpa_checks(query, key, value, attn_mask, dropout_p, is_causal)
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if kv_heads == 0 or heads % kv_heads or value.shape[-3] != kv_heads:
            raise RuntimeError(f"Number of heads in key and value must divide the number of "
                               f"heads in query, got query {_shape(query)}, key {_shape(key)} "
                               f"and value {_shape(value)}")
        key = _repeat_heads(key, heads // kv_heads)
        value = _repeat_heads(value, heads // kv_heads)
    length, source = query.shape[-2], key.shape[-2]
    mask = None
    if is_causal:
        attn_mask = _make_tensor(_causal(length, source))
    if attn_mask is not None:
        try:
            xp.broadcast_shapes(_shape(attn_mask), _shape(query)[:-1] + (source,))
        except ValueError:
            raise RuntimeError(f"scaled_dot_product_attention: attn_mask of shape "
                               f"{_shape(attn_mask)} does not broadcast to the scores' shape "
                               f"{_shape(query)[:-1] + (source,)} (…, L, S)") from None
        if attn_mask.data.dtype == bool:
            mask = _make_tensor(xp.where(attn_mask.data, 0.0, -xp.inf).astype(query.data.dtype))
        else:
            mask = attn_mask
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] else 1.0
    return _attend(query, key, value, mask, dropout_p, scale)[0]


# ---- multi-head attention -----------------------------------------------------------------------

def canonical_mask(mask, name, dtype, other=None, other_name=""):
    """A mask as an additive float mask of NumPy dtype ``dtype``: a boolean mask (True =
    forbidden, torch's convention for ``MultiheadAttention`` and the Transformer layers) becomes
    −∞ / 0; a float one is kept. ``other`` is the mask it will be combined with: mixing a boolean
    and a float one warns, as torch does."""
    if mask is None:
        return None
    mask = _as_tensor(mask)
    kind = mask.data.dtype
    if kind != bool and kind.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported, got "
                             f"{mask.dtype.name}")
    if other is not None and _as_tensor(other).data.dtype != kind:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same "
                      f"type for both instead.", stacklevel=3)
    if kind == bool:
        return _make_tensor(xp.where(mask.data, -xp.inf, 0.0).astype(dtype))
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """torch's checks: batched (L, N, E) or unbatched (L, E) inputs and masks to match."""
    if query.dim() == 3:
        batched, kind = True, "batched (3-D)"
    elif query.dim() == 2:
        batched, kind = False, "unbatched (2-D)"
    else:
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.dim()}-D query tensor")
    dims = 3 if batched else 2
    if key.dim() != dims or value.dim() != dims:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {dims}-D but "
                             f"found {key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != dims - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{dims - 1}-D but found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None and attn_mask.dim() not in (2, 3):
        raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                             f"but found {attn_mask.dim()}-D tensor instead")
    if not batched and attn_mask is not None and attn_mask.dim() == 3:
        expected = (num_heads, query.shape[0], key.shape[0])
        if _shape(attn_mask) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                 f"{_shape(attn_mask)}")
    return batched


def _same_map(function, query, key, value):
    """``function`` applied to the three inputs, once when they are one tensor: self-attention
    stays recognisable (and projected in one product)."""
    if query is key and key is value:
        query = key = value = function(query)
        return query, key, value
    return function(query), function(key), function(value)


def _pad_column(mask):
    """One more key (a learned bias or the zero key) that every query may attend to."""
    zeros = _make_tensor(xp.zeros(_shape(mask)[:-1] + (1,), dtype=mask.data.dtype))
    return cat([mask, zeros], -1)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention on sequence-first inputs: h heads, each attending in its own
    d_k = E/h dimensional subspace, concatenated and projected back.

        head_i = Attention(Q W_iᵠ, K W_iᵏ, V W_iᵛ)     (scaled dot-product, d = d_k)
        MultiHead(Q, K, V) = [head_1, …, head_h] Wᴼ + bᴼ

    The projections W^q, W^k, W^v of all heads are the three (E × E) blocks of
    ``in_proj_weight`` (or the separate ``q/k/v_proj_weight``), with the biases in
    ``in_proj_bias``. Masks follow torch's ``MultiheadAttention``: boolean True = forbidden,
    float = added to the scores; ``attn_mask`` (L, S) or (N·h, L, S) and ``key_padding_mask``
    (N, S) are summed.

    Parameters
    ----------
    query, key, value : Tensor
        Shapes (L, N, E), (S, N, E_k), (S, N, E_v), or without the batch dimension N.
    embed_dim_to_check : int
        E, checked against the query's last dimension.
    num_heads : int
        h.
    in_proj_weight : Tensor or None
        The stacked (3E × E) projection, or None with ``use_separate_proj_weight``.
    in_proj_bias : Tensor or None
        Shape (3E,).
    bias_k, bias_v : Tensor or None
        Shape (1, 1, E): one extra learned key and value appended to every sequence.
    add_zero_attn : bool
        Append one key and value of zeros (after the projection).
    dropout_p : float
        Dropout on the attention weights, in training only.
    out_proj_weight, out_proj_bias : Tensor
        Wᴼ (E × E) and bᴼ.
    training : bool, default True
    key_padding_mask : Tensor, optional
        (N, S) or (S,): True (or −∞) marks padding keys.
    need_weights : bool, default True
        Also return the attention weights.
    attn_mask : Tensor, optional
        (L, S) or (N·h, L, S).
    use_separate_proj_weight : bool, default False
    q_proj_weight, k_proj_weight, v_proj_weight : Tensor, optional
        (E × E), (E × E_k), (E × E_v).
    static_k, static_v : Tensor, optional
        Already projected keys and values, shape (N·h, S, d_k).
    average_attn_weights : bool, default True
        Average the returned weights over the heads.
    is_causal : bool, default False
        A hint that ``attn_mask`` is the causal mask (which must still be given).

    Returns
    -------
    output : Tensor
        (L, N, E), or (L, E) unbatched.
    weights : Tensor or None
        (N, L, S) averaged, else (N, h, L, S) (no N unbatched); None unless ``need_weights``.

    Examples
    --------
    >>> x = kp.randn(5, 2, 8)
    >>> w_in, w_out = kp.randn(24, 8), kp.randn(8, 8)
    >>> output, weights = F.multi_head_attention_forward(x, x, x, 8, 2, w_in, None, None, None,
    ...                                                  False, 0.0, w_out, None)
    >>> output.shape, weights.shape
    ((5, 2, 8), (2, 5, 5))
    """
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = _same_map(lambda x: x.unsqueeze(1), query, key, value)
        if key_padding_mask is not None:
            key_padding_mask = _as_tensor(key_padding_mask).unsqueeze(0)
    length, batch, embed_dim = _shape(query)
    source = key.shape[0]
    key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask", query.data.dtype,
                                      attn_mask, "attn_mask")
    if key_padding_mask is not None:
        # Checked before any extra key (bias_k, the zero key) lengthens the sequences.
        keys = source if static_k is None else static_k.shape[1]
        if _shape(key_padding_mask) != (batch, keys):
            raise AssertionError(f"Expected key_padding_mask of shape (N, S) = {(batch, keys)}, "
                                 f"but got {_shape(key_padding_mask)}")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        # torch trusts the hint here and applies the causal mask instead of attn_mask.
        attn_mask = _make_tensor(xp.where(_causal(length, source), 0.0, -xp.inf)
                                 .astype(query.data.dtype))
    else:
        attn_mask = canonical_mask(attn_mask, "attn_mask", query.data.dtype)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if _shape(key)[:2] != _shape(value)[:2]:
            raise AssertionError(f"key's sequence and batch dims {_shape(key)[:2]} do not match "
                                 f"value's {_shape(value)[:2]}")
        weights = q_proj_weight, k_proj_weight, v_proj_weight
        if any(w is None for w in weights):
            raise AssertionError("use_separate_proj_weight is True but q_proj_weight, "
                                 "k_proj_weight or v_proj_weight is None")
    else:
        if _shape(key) != _shape(value):
            raise AssertionError(f"key shape {_shape(key)} does not match value shape "
                                 f"{_shape(value)}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = in_proj_weight.chunk(3)
    if not use_separate_proj_weight and query is key and key is value:
        # Self-attention: the three projections as one product with the stacked weight.
        q, k, v = linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
    else:
        biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q = linear(query, weights[0], biases[0])
        k = linear(key, weights[1], biases[1])
        v = linear(value, weights[2], biases[2])

    if attn_mask is not None:
        expected = ((length, source) if attn_mask.dim() == 2
                    else (batch * num_heads, length, source))
        if attn_mask.dim() not in (2, 3):
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
        if _shape(attn_mask) != expected:
            raise RuntimeError(f"The shape of the {attn_mask.dim()}D attn_mask is "
                               f"{_shape(attn_mask)}, but should be {expected}.")
        if attn_mask.dim() == 2:
            attn_mask = attn_mask.unsqueeze(0)

    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key or value.")
        k = cat([k, bias_k.expand(1, batch, embed_dim)])
        v = cat([v, bias_v.expand(1, batch, embed_dim)])
        attn_mask = None if attn_mask is None else _pad_column(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_column(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k and bias_v must be given together")

    # (L, N, E) → (N·h, L, d_k): the heads become batch entries of one batched product.
    q = q.reshape(length, batch * num_heads, head_dim).transpose(0, 1)
    k = (k.reshape(k.shape[0], batch * num_heads, head_dim).transpose(0, 1)
         if static_k is None else _static(static_k, "static_k", batch * num_heads, head_dim))
    v = (v.reshape(v.shape[0], batch * num_heads, head_dim).transpose(0, 1)
         if static_v is None else _static(static_v, "static_v", batch * num_heads, head_dim))

    if add_zero_attn:
        zeros = _make_tensor(xp.zeros((batch * num_heads, 1, head_dim), dtype=k.data.dtype))
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask = None if attn_mask is None else _pad_column(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_column(key_padding_mask)

    source = k.shape[1]
    if key_padding_mask is not None:
        padding = (key_padding_mask.reshape(batch, 1, 1, source)
                   .expand(batch, num_heads, 1, source).reshape(batch * num_heads, 1, source))
        attn_mask = padding if attn_mask is None else attn_mask + padding

    output, weights = _attend(q, k, v, attn_mask, dropout_p if training else 0.0,
                              1.0 / math.sqrt(head_dim))
    output = output.transpose(0, 1).reshape(length * batch, embed_dim)
    output = linear(output, out_proj_weight, out_proj_bias).reshape(length, batch, embed_dim)
    if not batched:
        output = output.squeeze(1)
    if not need_weights:
        return output, None
    weights = weights.reshape(batch, num_heads, length, source)
    if average_attn_weights:
        weights = weights.mean(1)
    return output, (weights if batched else weights.squeeze(0))


def _static(t, name, rows, head_dim):
    if t.shape[0] != rows or t.shape[2] != head_dim:
        raise AssertionError(f"expecting {name} of shape (N·num_heads, S, head_dim) with "
                             f"N·num_heads = {rows} and head_dim = {head_dim}, but got "
                             f"{_shape(t)}")
    return t
