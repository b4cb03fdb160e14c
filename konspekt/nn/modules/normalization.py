"""Normalization layers: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm``, ``GroupNorm`` and
``LocalResponseNorm``, with torch's arguments, parameters, buffers (so that state-dict keys match
torch's) and printing. The formulas are documented with the functional forms in
``konspekt.nn.functional.normalization``.
"""

import numbers

from ...autograd.creation import ones, tensor, zeros
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..parameter import Parameter
from .module import Module, check_device

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "LocalResponseNorm"]


class _Affine(Module):
    """A normalization followed by the learnable y = γ·x̂ + β, γ and β of one shape."""

    def _make_affine(self, affine, bias, shape, dtype):
        self.register_parameter("weight", Parameter(ones(*shape, dtype=dtype)) if affine else None)
        self.register_parameter("bias", Parameter(zeros(*shape, dtype=dtype))
                                if affine and bias else None)

    def reset_parameters(self):
        """γ = 1, β = 0: the identity map, as torch starts."""
        with no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()


class _BatchNorm(_Affine):
    """What BatchNorm1d and BatchNorm2d share; they differ in the input ranks they accept."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        check_device(type(self).__name__, device)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self._make_affine(affine, bias, (num_features,), dtype)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype="int64"))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batch seen."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Reset the running statistics; γ = 1, β = 0 (the identity map, as torch)."""
        self.reset_running_stats()
        super().reset_parameters()

    def _check_input_dim(self, input):
        raise NotImplementedError

    def forward(self, input):
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                # the cumulative moving average: batch k weighs 1/k
                momentum = 1.0 / int(self.num_batches_tracked.item())
        # Without running statistics the batch's own are used in evaluation too.
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


_BATCH_NORM_PARAMETERS = """
    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps : float, default 1e-5
        ε, added to the variance for stability.
    momentum : float or None, default 0.1
        The weight of the new batch in the running statistics; None averages all batches
        seen (a cumulative moving average).
    affine : bool, default True
        Learn γ and β.
    track_running_stats : bool, default True
        Keep running statistics for evaluation; without them the batch's statistics are used
        in evaluation too.
    device : None or 'cpu'
    dtype : konspekt.dtype, optional
    bias : bool, default True (keyword only)
        Learn β (with ``affine``).

    Attributes
    ----------
    weight, bias : Parameter or None
        γ (ones) and β (zeros), shape (C,).
    running_mean, running_var : Tensor or None
        Shape (C,), starting at 0 and 1.
    num_batches_tracked : Tensor
        The number of training batches seen (int64).
"""


class BatchNorm1d(_BatchNorm):
    __doc__ = """Batch normalization of (N, C) or (N, C, L) inputs, per channel over the batch
    (and the positions L):

        x̂ = (x − μ_B)/√(σ²_B + ε),   y = γ·x̂ + β,

    μ_B, σ²_B the batch's mean and biased variance in training (the running statistics move
    towards them, the variance unbiased), the running statistics in evaluation.
    """ + _BATCH_NORM_PARAMETERS + """
    Examples
    --------
    >>> layer = kp.nn.BatchNorm1d(3)
    >>> layer(kp.randn(8, 3)).shape
    (8, 3)
    """

    def _check_input_dim(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    __doc__ = """Batch normalization of (N, C, H, W) inputs, per channel over the batch and
    every pixel:

        x̂ = (x − μ_B)/√(σ²_B + ε),   y = γ·x̂ + β,

    μ_B, σ²_B the batch's mean and biased variance in training (the running statistics move
    towards them, the variance unbiased), the running statistics in evaluation.
    """ + _BATCH_NORM_PARAMETERS + """
    Examples
    --------
    >>> layer = kp.nn.BatchNorm2d(3)
    >>> layer(kp.randn(2, 3, 4, 4)).shape
    (2, 3, 4, 4)
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class LayerNorm(_Affine):
    """Layer normalization over the trailing dimensions D = ``normalized_shape`` of each
    sample, with the biased variance:

        y = (x − μ)/√(σ² + ε) ⊙ γ + β,   μ, σ² over D;

    γ and β have shape D. The statistics are the sample's own, in training and evaluation alike.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        D, the trailing shape of the input.
    eps : float, default 1e-5
    elementwise_affine : bool, default True
        Learn γ (and β).
    bias : bool, default True
        Learn β (with ``elementwise_affine``).
    device : None or 'cpu'
    dtype : konspekt.dtype, optional

    Attributes
    ----------
    weight, bias : Parameter or None
        γ (ones) and β (zeros), shape D.

    Examples
    --------
    >>> layer = kp.nn.LayerNorm(4)
    >>> layer(kp.randn(2, 3, 4)).shape
    (2, 3, 4)
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        check_device("LayerNorm", device)
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self._make_affine(elementwise_affine, bias, self.normalized_shape, dtype)
        self.reset_parameters()

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(_Affine):
    """Group normalization: the C channels of each sample in G groups of C/G, each group
    standardized over its channels and positions (biased variance), then y = γ_c·x̂ + β_c.

    Parameters
    ----------
    num_groups : int
        G; it must divide ``num_channels``.
    num_channels : int
        C.
    eps : float, default 1e-5
    affine : bool, default True
        Learn γ and β, one per channel.
    device : None or 'cpu'
    dtype : konspekt.dtype, optional
    bias : bool, default True (keyword only)
        Learn β (with ``affine``).

    Attributes
    ----------
    weight, bias : Parameter or None
        γ (ones) and β (zeros), shape (C,).

    Raises
    ------
    ValueError
        If G does not divide C.

    Examples
    --------
    >>> layer = kp.nn.GroupNorm(2, 4)
    >>> layer(kp.randn(2, 4, 5)).shape
    (2, 4, 5)
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None,
                 *, bias=True):
        super().__init__()
        check_device("GroupNorm", device)
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self._make_affine(affine, bias, (num_channels,), dtype)
        self.reset_parameters()

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class LocalResponseNorm(Module):
    """Local response normalization across channels (AlexNet):
    b_c = a_c / (k + (α/n) Σ_{c′} a_{c′}²)^β over the n neighbouring channels c′ of c.

    Parameters
    ----------
    size : int
        n, the number of neighbouring channels.
    alpha : float, default 1e-4
    beta : float, default 0.75
    k : float, default 1.0

    Examples
    --------
    >>> layer = kp.nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)
    >>> layer(kp.randn(1, 8, 6, 6)).shape
    (1, 8, 6, 6)
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
