"""The Transformer of "Attention Is All You Need" (Vaswani et al., 2017): encoder and decoder
layers, their stacks and the encoder–decoder model, with torch's arguments, submodule names (a
torch state dict loads unchanged), initialisation and mask conventions.

An encoder layer is self-attention then a position-wise feed-forward network, each wrapped in a
residual connection and layer normalization:

    post-norm (norm_first=False):  x ← LN₁(x + SA(x)),      x ← LN₂(x + FF(x))
    pre-norm  (norm_first=True):   x ← x + SA(LN₁(x)),      x ← x + FF(LN₂(x))
    FF(x) = W₂ dropout(σ(W₁x + b₁)) + b₂

A decoder layer adds, between the two, cross-attention CA(x, m) whose keys and values are the
encoder's output m (the "memory"). Pre-norm trains more stably for deep stacks; post-norm is the
original paper's order.
"""

import copy

from ...autograd.backend import xp
from ...autograd.creation import full
from .. import functional as F
from .. import init
from ..functional.attention import canonical_mask
from .activation import GELU, ReLU
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm
from .attention import MultiheadAttention

__all__ = ["TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
           "TransformerDecoder", "Transformer"]


def _activation(activation):
    """torch accepts "relu", "gelu" or any callable."""
    if callable(activation):
        return activation
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _square_subsequent_mask(size, dtype=None):
    return full((size, size), float("-inf"), dtype=dtype).triu(1)


def _sequence_length(input, batch_first):
    if input.dim() == 2:
        return input.shape[0]
    return input.shape[1 if batch_first else 0]


def _is_causal(mask, is_causal, size):
    """torch's reading of ``is_causal=None``: True when ``mask`` is exactly the square
    subsequent mask of the sequence's length."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    data = mask.data
    causal = xp.triu(xp.full((size, size), -xp.inf), 1)
    # A boolean mask compares as 0/1 against 0/−∞, so it is never read as causal (as in torch).
    return data.shape == causal.shape and bool((data == causal).all())


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward network, each with a residual connection and layer
    normalization (see the module's docstring for the two orders).

    Parameters
    ----------
    d_model : int
        E, the size of each position's vector.
    nhead : int
        The number of attention heads (a divisor of d_model).
    dim_feedforward : int, default 2048
        The hidden size of the feed-forward network.
    dropout : float, default 0.1
        Dropout on the attention weights, the feed-forward hidden layer and both residual
        branches.
    activation : "relu", "gelu" or callable, default F.relu
        σ of the feed-forward network.
    layer_norm_eps : float, default 1e-5
    batch_first : bool, default False
        Inputs are (N, L, E) instead of (L, N, E).
    norm_first : bool, default False
        Pre-norm instead of post-norm.
    bias : bool, default True
        Biases in the linear layers and the layer norms.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    self_attn : MultiheadAttention
    linear1, linear2 : Linear
        W₁ (d_model → dim_feedforward) and W₂ back.
    norm1, norm2 : LayerNorm
    dropout, dropout1, dropout2 : Dropout

    Examples
    --------
    >>> layer = kp.nn.TransformerEncoderLayer(d_model=16, nhead=4, batch_first=True)
    >>> layer(kp.randn(2, 7, 16)).shape
    (2, 7, 16)
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        super().__init__()
        options = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **options)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **options)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **options)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)
        # torch records which of its two fused activations this is; kept for code that reads it.
        if self.activation is F.relu or isinstance(self.activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif self.activation is F.gelu or isinstance(self.activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """Encode ``src``.

        Parameters
        ----------
        src : Tensor
            (L, N, E), (N, L, E) with ``batch_first``, or (L, E).
        src_mask : Tensor, optional
            (L, L) or (N·nhead, L, L): boolean True = not allowed, or float added.
        src_key_padding_mask : Tensor, optional
            (N, L): boolean True marks padding, or float added.
        is_causal : bool, default False
            A hint that ``src_mask`` is the causal mask.

        Returns
        -------
        Tensor
            Same shape as ``src``.
        """
        dtype = src.data.dtype
        src_key_padding_mask = canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                              dtype, src_mask, "src_mask")
        src_mask = canonical_mask(src_mask, "src_mask", dtype)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerDecoderLayer(Module):
    """Masked self-attention, cross-attention to the encoder's output (the memory) and a
    feed-forward network, each with a residual connection and layer normalization:

        post-norm:  x ← LN₁(x + SA(x)),  x ← LN₂(x + CA(x, m)),  x ← LN₃(x + FF(x))
        pre-norm:   x ← x + SA(LN₁(x)),  x ← x + CA(LN₂(x), m),  x ← x + FF(LN₃(x))

    Parameters
    ----------
    d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
    norm_first, bias, device, dtype
        As for ``TransformerEncoderLayer``.

    Attributes
    ----------
    self_attn, multihead_attn : MultiheadAttention
        Self-attention and cross-attention.
    linear1, linear2 : Linear
    norm1, norm2, norm3 : LayerNorm
    dropout, dropout1, dropout2, dropout3 : Dropout

    Examples
    --------
    >>> layer = kp.nn.TransformerDecoderLayer(d_model=16, nhead=4)
    >>> layer(kp.randn(5, 2, 16), kp.randn(7, 2, 16)).shape
    (5, 2, 16)
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        super().__init__()
        options = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                            batch_first=batch_first, bias=bias, **options)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                                 batch_first=batch_first, bias=bias, **options)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **options)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **options)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """Decode ``tgt`` attending to ``memory``.

        Parameters
        ----------
        tgt : Tensor
            (T, N, E), (N, T, E) with ``batch_first``, or (T, E).
        memory : Tensor
            (S, N, E), (N, S, E), or (S, E): the encoder's output.
        tgt_mask : Tensor, optional
            (T, T) or (N·nhead, T, T), e.g. ``Transformer.generate_square_subsequent_mask(T)``.
        memory_mask : Tensor, optional
            (T, S) or (N·nhead, T, S).
        tgt_key_padding_mask, memory_key_padding_mask : Tensor, optional
            (N, T) and (N, S).
        tgt_is_causal, memory_is_causal : bool, default False
            Hints that ``tgt_mask`` / ``memory_mask`` are causal masks.

        Returns
        -------
        Tensor
            Same shape as ``tgt``.
        """
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask,
                                    memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                               memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           is_causal=is_causal, need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, memory, attn_mask, key_padding_mask, is_causal):
        x = self.multihead_attn(x, memory, memory, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, is_causal=is_causal,
                                need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


def _clones(module, count):
    return ModuleList([copy.deepcopy(module) for _ in range(count)])


class TransformerEncoder(Module):
    """A stack of ``num_layers`` encoder layers (independent deep copies of ``encoder_layer``),
    then an optional final normalization.

    Parameters
    ----------
    encoder_layer : TransformerEncoderLayer
    num_layers : int
    norm : Module, optional
        Applied to the last layer's output (a LayerNorm for pre-norm stacks).
    enable_nested_tensor, mask_check : bool, default True
        Accepted for torch compatibility; konspekt has no nested-tensor fast path, so the output
        at padded positions is always computed (torch's fast path, in evaluation, returns 0
        there).

    Examples
    --------
    >>> layer = kp.nn.TransformerEncoderLayer(d_model=16, nhead=4)
    >>> encoder = kp.nn.TransformerEncoder(layer, num_layers=2)
    >>> encoder(kp.randn(7, 2, 16)).shape
    (7, 2, 16)
    """

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """Pass ``src`` through every layer with the same masks (see
        ``TransformerEncoderLayer.forward``); ``is_causal=None`` detects a causal ``mask``."""
        dtype = src.data.dtype
        src_key_padding_mask = canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                              dtype, mask, "mask")
        mask = canonical_mask(mask, "mask", dtype)
        first = self.layers[0]
        batch_first = first.self_attn.batch_first if hasattr(first, "self_attn") else False
        is_causal = _is_causal(mask, is_causal, _sequence_length(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=is_causal,
                           src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerDecoder(Module):
    """A stack of ``num_layers`` decoder layers (deep copies of ``decoder_layer``), then an
    optional final normalization.

    Parameters
    ----------
    decoder_layer : TransformerDecoderLayer
    num_layers : int
    norm : Module, optional

    Examples
    --------
    >>> layer = kp.nn.TransformerDecoderLayer(d_model=16, nhead=4)
    >>> decoder = kp.nn.TransformerDecoder(layer, num_layers=2)
    >>> decoder(kp.randn(5, 2, 16), kp.randn(7, 2, 16)).shape
    (5, 2, 16)
    """

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        """Pass ``tgt`` through every layer, each attending to ``memory`` (see
        ``TransformerDecoderLayer.forward``); ``tgt_is_causal=None`` detects a causal
        ``tgt_mask``."""
        first = self.layers[0]
        batch_first = first.self_attn.batch_first if hasattr(first, "self_attn") else False
        tgt_is_causal = _is_causal(tgt_mask, tgt_is_causal, _sequence_length(tgt, batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask,
                           memory_key_padding_mask=memory_key_padding_mask,
                           tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder–decoder Transformer: memory = Encoder(src), output = Decoder(tgt, memory),
    each stack ending with a LayerNorm. Every weight matrix (every parameter of 2 or more
    dimensions) is re-initialised xavier-uniform, as in torch.

    Parameters
    ----------
    d_model : int, default 512
    nhead : int, default 8
    num_encoder_layers, num_decoder_layers : int, default 6
    dim_feedforward : int, default 2048
    dropout : float, default 0.1
    activation : "relu", "gelu" or callable, default F.relu
    custom_encoder, custom_decoder : Module, optional
        Used instead of the built stacks.
    layer_norm_eps : float, default 1e-5
    batch_first : bool, default False
    norm_first : bool, default False
    bias : bool, default True
    device : None or "cpu"
    dtype : dtype, optional

    Examples
    --------
    >>> model = kp.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1,
    ...                           num_decoder_layers=1, dim_feedforward=32)
    >>> src, tgt = kp.randn(7, 2, 16), kp.randn(5, 2, 16)
    >>> model(src, tgt, tgt_mask=model.generate_square_subsequent_mask(5)).shape
    (5, 2, 16)
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                 dim_feedforward=2048, dropout=0.1, activation=F.relu, custom_encoder=None,
                 custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False,
                 bias=True, device=None, dtype=None):
        super().__init__()
        options = dict(device=device, dtype=dtype)
        layer_options = dict(dim_feedforward=dim_feedforward, dropout=dropout,
                             activation=activation, layer_norm_eps=layer_norm_eps,
                             batch_first=batch_first, norm_first=norm_first, bias=bias,
                             **options)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, **layer_options)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, **layer_options)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def _reset_parameters(self):
        for parameter in self.parameters():
            if parameter.dim() > 1:
                init.xavier_uniform_(parameter)

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        """Encode ``src`` (S positions) and decode ``tgt`` (T positions) against it.

        Parameters
        ----------
        src : Tensor
            (S, N, E), (N, S, E) with ``batch_first``, or (S, E).
        tgt : Tensor
            (T, N, E), (N, T, E), or (T, E).
        src_mask : (S, S) or (N·nhead, S, S), optional
        tgt_mask : (T, T) or (N·nhead, T, T), optional
        memory_mask : (T, S) or (N·nhead, T, S), optional
        src_key_padding_mask : (N, S), optional
        tgt_key_padding_mask : (N, T), optional
        memory_key_padding_mask : (N, S), optional
            Boolean masks: True = not allowed (padding); float masks are added to the scores.
        src_is_causal, tgt_is_causal : bool or None
            Hints that the masks are causal (None: detected).
        memory_is_causal : bool, default False

        Returns
        -------
        Tensor
            Shaped as ``tgt``.
        """
        batched = src.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if batched and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The causal mask of a sequence of length sz: 0 on and below the diagonal, −∞ above
        (query i may attend to keys j ≤ i only), as floats of ``dtype`` (the default dtype when
        omitted).

        Examples
        --------
        >>> kp.nn.Transformer.generate_square_subsequent_mask(3)
        tensor([[  0., -inf, -inf],
                [  0.,   0., -inf],
                [  0.,   0.,   0.]])
        """
        return _square_subsequent_mask(sz, dtype)
