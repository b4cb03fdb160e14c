"""``MultiheadAttention``, with torch's arguments, parameter names (so that a torch state dict
loads unchanged), initialisation and mask conventions. The formulas are those of
``konspekt.nn.functional.attention``.
"""

from ...autograd.creation import empty
from .. import init
from ..functional.attention import _same_map, multi_head_attention_forward
from ..parameter import Parameter
from .linear import Linear
from .module import Module, check_device

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al., 2017):

        head_i = softmax((Q W_iᵠ)(K W_iᵏ)ᵀ / √d_k + M) (V W_iᵛ),   d_k = E/h,
        MultiHead(Q, K, V) = [head_1, …, head_h] Wᴼ + bᴼ.

    Each of the h heads attends in its own d_k-dimensional subspace, so the layer can follow
    several relations at once for the cost of one E-dimensional head.

    Parameters
    ----------
    embed_dim : int
        E, the size of the queries (and of the output).
    num_heads : int
        h; E must be divisible by h.
    dropout : float, default 0.0
        Dropout on the attention weights, in training.
    bias : bool, default True
        Learn the projections' biases.
    add_bias_kv : bool, default False
        Learn one extra key and value, appended to every sequence.
    add_zero_attn : bool, default False
        Append one key and value of zeros (after the projections).
    kdim, vdim : int, optional
        The sizes of the keys and values (E when omitted); different sizes store the three
        projections separately (``q_proj_weight`` …) instead of in ``in_proj_weight``.
    batch_first : bool, default False
        Inputs and output are (N, L, E) instead of (L, N, E).
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    in_proj_weight : Parameter or None
        [W^q; W^k; W^v] stacked, shape (3E, E), xavier-uniform; None when kdim or vdim ≠ E.
    q_proj_weight, k_proj_weight, v_proj_weight : Parameter or None
        Shapes (E, E), (E, kdim), (E, vdim) when kdim or vdim ≠ E, xavier-uniform.
    in_proj_bias : Parameter or None
        Shape (3E,), zeros.
    out_proj : Linear
        Wᴼ, bᴼ (bias zeros).
    bias_k, bias_v : Parameter or None
        Shape (1, 1, E), xavier-normal, with ``add_bias_kv``.

    Examples
    --------
    >>> attention = kp.nn.MultiheadAttention(16, 4, batch_first=True)
    >>> x = kp.randn(2, 5, 16)
    >>> output, weights = attention(x, x, x)
    >>> output.shape, weights.shape
    ((2, 5, 16), (2, 5, 5))
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        check_device(type(self).__name__, device)
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError(f"embed_dim must be divisible by num_heads, got embed_dim="
                                 f"{embed_dim} and num_heads={num_heads}")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, dtype=dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(empty(embed_dim, embed_dim, dtype=dtype))
            self.k_proj_weight = Parameter(empty(embed_dim, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(empty(embed_dim, self.vdim, dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(empty(1, 1, embed_dim, dtype=dtype))
            self.bias_v = Parameter(empty(1, 1, embed_dim, dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        """torch's initialisation: xavier-uniform projections, zero biases, xavier-normal
        bias_k and bias_v (Wᴼ keeps Linear's default)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """Attend from ``query`` to ``key``/``value``.

        Parameters
        ----------
        query : Tensor
            (L, N, E), (N, L, E) with ``batch_first``, or (L, E) unbatched.
        key : Tensor
            (S, N, kdim), (N, S, kdim), or (S, kdim).
        value : Tensor
            (S, N, vdim), (N, S, vdim), or (S, vdim).
        key_padding_mask : Tensor, optional
            (N, S) or (S,): boolean True marks a padding key to ignore; a float mask is added.
        need_weights : bool, default True
            Also return the attention weights.
        attn_mask : Tensor, optional
            (L, S) or (N·num_heads, L, S): boolean True = not allowed to attend; a float mask is
            added to the scores.
        average_attn_weights : bool, default True
            Average the returned weights over the heads.
        is_causal : bool, default False
            A hint that ``attn_mask`` is the causal mask; torch requires the mask with it.

        Returns
        -------
        output : Tensor
            Shaped as ``query`` (with E channels).
        weights : Tensor or None
            (N, L, S) averaged or (N, num_heads, L, S) per head ((L, S) / (num_heads, L, S)
            unbatched); None when ``need_weights`` is False. A query whose keys are all masked
            gets weights 0 (torch gives NaN there when it returns weights).
        """
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = _same_map(lambda x: x.transpose(0, 1), query, key, value)
        separate = not self._qkv_same_embed_dim
        output, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and batched:
            output = output.transpose(0, 1)
        return output, weights
