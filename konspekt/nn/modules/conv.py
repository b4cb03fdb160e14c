"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``, ``ConvTranspose2d``, and the
sliding-window layers ``Unfold`` and ``Fold``, with torch's arguments, parameters (``weight``,
``bias``: torch's state-dict keys), default initialisation and printing. The formulas are those
of ``konspekt.nn.functional.conv``.

The four paddings of the course (``padding_mode``): ``'zeros'`` is done inside the convolution;
``'reflect'``, ``'replicate'`` and ``'circular'`` pad the input first with
``konspekt.nn.functional.pad`` and convolve without padding, as torch does.
"""

import math

from ...autograd.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module, check_device

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "Fold", "Unfold"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(value, dims):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


class _ConvNd(Module):
    """What the convolution layers share: checks, parameters, initialisation, printing."""

    _dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device, dtype):
        super().__init__()
        name = type(self).__name__
        check_device(name, device)
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        dims = self._dims
        stride = _tuple(stride, dims)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{{'same', 'valid'}}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {{'zeros', 'reflect', 'replicate', "
                             f"'circular'}}, but got padding_mode={padding_mode!r}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _tuple(kernel_size, dims)
        self.stride = stride
        self.padding = padding if isinstance(padding, str) else _tuple(padding, dims)
        self.dilation = _tuple(dilation, dims)
        self.transposed = transposed
        self.output_padding = _tuple(output_padding, dims)
        self.groups = groups
        self.padding_mode = padding_mode
        # The widths F.pad takes for the non-zero modes, last axis first: (left, right, top, …).
        if padding == "valid":
            widths = [(0, 0)] * dims
        elif padding == "same":
            widths = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                      for k, d in zip(self.kernel_size, self.dilation)]
        else:
            widths = [(p, p) for p in self.padding]
        reversed_widths = [w for pair in reversed(widths) for w in pair]
        # A list for 'same' / 'valid', a tuple for numbers: the types torch keeps.
        self._reversed_padding_repeated_twice = (
            reversed_widths if isinstance(padding, str) else tuple(reversed_widths))
        if transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(empty(*shape, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """torch's default: kaiming_uniform_(a=√5) for W, i.e. U(−1/√n_in, 1/√n_in) with
        n_in = weight.shape[1]·K_h·K_w, and the same bound for b."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * len(self.padding):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    _function = None  # F.conv1d or F.conv2d

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False,
                         0, groups, bias, padding_mode, device, dtype)

    def _conv_forward(self, input, weight, bias):
        convolve = type(self)._function
        if self.padding_mode == "zeros":
            return convolve(input, weight, bias, self.stride, self.padding, self.dilation,
                            self.groups)
        padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
        return convolve(padded, weight, bias, self.stride, 0, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) inputs: y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c].

    O = ⌊(L + 2P − D(K − 1) − 1) / S⌋ + 1 outputs per channel.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 1 int
    stride, dilation : int or tuple of 1 int, default 1
    padding : int, tuple of 1 int, 'valid' or 'same', default 0
    groups : int, default 1
        Channels split into this many groups, each convolved on its own (must divide both
        channel counts).
    bias : bool, default True
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, default 'zeros'
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        (out_channels, in_channels/groups, K), initialised U(−1/√n_in, 1/√n_in),
        n_in = in_channels/groups · K.
    bias : Parameter or None
        (out_channels,), with the same bound.

    Examples
    --------
    >>> kp.nn.Conv1d(16, 33, 3, stride=2)(kp.randn(20, 16, 50)).shape
    (20, 33, 24)
    """

    _dims = 1
    _function = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) inputs: y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c].

    Per axis O = ⌊(I + 2P − D(K − 1) − 1) / S⌋ + 1; computed as im2col and one matrix product.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 2 ints
    stride, dilation : int or tuple of 2 ints, default 1
    padding : int, tuple of 2 ints, 'valid' or 'same', default 0
    groups : int, default 1
        Channels split into this many groups, each convolved on its own (groups = in_channels:
        depthwise).
    bias : bool, default True
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, default 'zeros'
        How the border is filled: zeros, the mirror image without the edge, copies of the edge,
        or the opposite border.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        (out_channels, in_channels/groups, K_h, K_w), initialised U(−1/√n_in, 1/√n_in),
        n_in = in_channels/groups · K_h · K_w (torch's ``kaiming_uniform_`` with a = √5).
    bias : Parameter or None
        (out_channels,), with the same bound.

    Examples
    --------
    >>> kp.nn.Conv2d(3, 16, 3, padding=1)(kp.randn(8, 3, 32, 32)).shape
    (8, 16, 32, 32)
    """

    _dims = 2
    _function = staticmethod(F.conv2d)


class _ConvTranspose(_ConvNd):
    _function = None  # F.conv_transpose1d or F.conv_transpose2d

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):
        """The output padding that gives ``output_size`` (spatial, or with the batch and channel
        dimensions in front), among the sizes (I − 1)·S − 2P + D(K − 1) + 1 + [0, S)."""
        if output_size is None:
            return self.output_padding
        dims = self._dims
        leading = 2 if input.dim() == dims + 2 else 1
        sizes = list(output_size)
        if len(sizes) == leading + dims:
            sizes = sizes[leading:]
        if len(sizes) != dims:
            raise ValueError(f"ConvTranspose{dims}D: for {input.dim()}D input, output_size must "
                             f"have {dims} or {leading + dims} elements (got {len(output_size)})")
        spatial = input.shape[-dims:]
        smallest = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
                    zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]
        if any(not lo <= n <= hi for n, lo, hi in zip(sizes, smallest, largest)):
            raise ValueError(f"requested an output size of {output_size}, but valid sizes range "
                             f"from {smallest} to {largest} (for an input of {spatial})")
        return tuple(n - lo for n, lo in zip(sizes, smallest))

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return type(self)._function(input, self.weight, self.bias, self.stride, self.padding,
                                    output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution, the adjoint of ``Conv1d``: each input element spreads
    W[c, :, k] · x[n, c, i] onto output position i·S − P + k·D.

    O = (L − 1)·S − 2P + D(K − 1) + P_out + 1 outputs per channel.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 1 int
    stride, padding, dilation : int or tuple of 1 int
        Those of the convolution this layer transposes (stride 1, padding 0, dilation 1).
    output_padding : int or tuple of 1 int, default 0
        Extra length at the end, smaller than the stride or the dilation.
    groups : int, default 1
    bias : bool, default True
    padding_mode : 'zeros'
        The only mode torch supports for transposed convolutions.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        (in_channels, out_channels/groups, K), initialised U(−1/√n, 1/√n),
        n = out_channels/groups · K.
    bias : Parameter or None
        (out_channels,), with the same bound.

    Examples
    --------
    >>> kp.nn.ConvTranspose1d(16, 33, 3, stride=2)(kp.randn(20, 16, 50)).shape
    (20, 33, 101)
    """

    _dims = 1
    _function = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution, the adjoint of ``Conv2d`` (up-sampling in decoders, U-Net,
    GAN generators): each input pixel spreads W[c, :, p, q] · x[n, c, i, j] onto output pixel
    (i·S − P + p·D, j·S − P + q·D).

    Per axis O = (I − 1)·S − 2P + D(K − 1) + P_out + 1; ``forward(input, output_size)`` picks
    P_out from a wanted size.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 2 ints
    stride, padding, dilation : int or tuple of 2 ints
        Those of the convolution this layer transposes (stride 1, padding 0, dilation 1).
    output_padding : int or tuple of 2 ints, default 0
        Extra rows / columns at the bottom / right, each smaller than the stride or the
        dilation.
    groups : int, default 1
    bias : bool, default True
    padding_mode : 'zeros'
        The only mode torch supports for transposed convolutions.
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        (in_channels, out_channels/groups, K_h, K_w), initialised U(−1/√n, 1/√n),
        n = out_channels/groups · K_h · K_w.
    bias : Parameter or None
        (out_channels,), with the same bound.

    Examples
    --------
    >>> up = kp.nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1)
    >>> up(kp.randn(1, 16, 12, 12), output_size=(24, 24)).shape
    (1, 8, 24, 24)
    """

    _dims = 2
    _function = staticmethod(F.conv_transpose2d)


class Unfold(Module):
    """im2col as a layer: (N, C, H, W) → (N, C·K_h·K_w, L), one column per sliding window
    (see ``konspekt.nn.functional.unfold``).

    Parameters
    ----------
    kernel_size : int or tuple of 2 ints
    dilation : int or tuple of 2 ints, default 1
    padding : int or tuple of 2 ints, default 0
    stride : int or tuple of 2 ints, default 1

    Examples
    --------
    >>> kp.nn.Unfold(kernel_size=(2, 3))(kp.randn(2, 5, 3, 4)).shape
    (2, 30, 4)
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """col2im as a layer: (N, C·K_h·K_w, L) → (N, C, H, W), each column added onto its window
    (see ``konspekt.nn.functional.fold``).

    Parameters
    ----------
    output_size : int or tuple of 2 ints
    kernel_size : int or tuple of 2 ints
    dilation : int or tuple of 2 ints, default 1
    padding : int or tuple of 2 ints, default 0
    stride : int or tuple of 2 ints, default 1

    Examples
    --------
    >>> kp.nn.Fold(output_size=(4, 5), kernel_size=(2, 2))(kp.randn(1, 12, 12)).shape
    (1, 3, 4, 5)
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
