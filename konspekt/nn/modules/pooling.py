"""Pooling layers: the module form of ``konspekt.nn.functional.pooling``.

Each layer keeps its hyperparameters under torch's names and defaults (``stride`` defaults to
``kernel_size``) and prints them as torch does. The formulas, per spatial axis with input size I,
kernel K, stride S, padding P and dilation D, are

    O = ⌊(I + 2P − D(K − 1) − 1) / S⌋ + 1      (⌈·⌉ with ceil_mode)

max pooling y_o = max_k x[o·S − P + k·D]; average pooling y_o = (1/N) Σ_k x[o·S − P + k];
adaptive pooling over the bins [⌊o·I/O⌋, ⌈(o + 1)·I/O⌉).
"""

from .. import functional as F
from .module import Module

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "LPPool1d",
    "LPPool2d",
    "MaxPool1d",
    "MaxPool2d",
]


def _single(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-d max pooling: y[n, c, i] = max_{k<K} x[n, c, i·S − P + k·D], −∞ padding,
    O = ⌊(L + 2P − D(K − 1) − 1)/S⌋ + 1.

    Parameters
    ----------
    kernel_size : int
        K.
    stride : int, optional
        S; defaults to K.
    padding : int, default 0
        P, at most K/2.
    dilation : int, default 1
        D, the step between a window's elements.
    return_indices : bool, default False
        Also return the index of each maximum (for ``MaxUnpool``-style use).
    ceil_mode : bool, default False
        Round O up, keeping a partial window at the right edge.

    Examples
    --------
    >>> kp.nn.MaxPool1d(2)(kp.tensor([[1.0, 3.0, 2.0, 0.0]]))
    tensor([[3., 2.]])
    """

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """2-d max pooling: y[n, c, i, j] = max_{k₁, k₂} x[n, c, i·S₁ − P₁ + k₁D₁, j·S₂ − P₂ + k₂D₂],
    −∞ padding, O = ⌊(I + 2P − D(K − 1) − 1)/S⌋ + 1 per axis.

    Parameters
    ----------
    kernel_size : int or (int, int)
        K.
    stride : int or (int, int), optional
        S; defaults to K.
    padding : int or (int, int), default 0
        P, at most half the effective kernel D(K − 1) + 1.
    dilation : int or (int, int), default 1
        D.
    return_indices : bool, default False
        Also return the flat index i·W + j of each maximum in its channel.
    ceil_mode : bool, default False
        Round O up, keeping partial windows at the right and bottom edges.

    Examples
    --------
    >>> kp.nn.MaxPool2d(2)(kp.arange(16.0).reshape(1, 4, 4))
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    """1-d average pooling: y[n, c, i] = (1/N) Σ_{k<K} x[n, c, i·S − P + k], zero padding,
    O = ⌊(L + 2P − K)/S⌋ + 1; N = K (clipped at the padded edge), or the number of input
    elements in the window without ``count_include_pad``.

    Parameters
    ----------
    kernel_size : int
        K.
    stride : int, optional
        S; defaults to K.
    padding : int, default 0
        P, at most K/2.
    ceil_mode : bool, default False
        Round O up.
    count_include_pad : bool, default True
        Count the zero padding in N.

    Examples
    --------
    >>> kp.nn.AvgPool1d(2)(kp.tensor([[1.0, 3.0, 2.0, 0.0]]))
    tensor([[2., 1.]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AvgPool2d(Module):
    """2-d average pooling: y[n, c, i, j] = (1/N) Σ_{k₁, k₂} x[n, c, i·S₁ − P₁ + k₁,
    j·S₂ − P₂ + k₂], zero padding, O = ⌊(I + 2P − K)/S⌋ + 1 per axis.

    Parameters
    ----------
    kernel_size : int or (int, int)
        K.
    stride : int or (int, int), optional
        S; defaults to K.
    padding : int or (int, int), default 0
        P, at most K/2.
    ceil_mode : bool, default False
        Round O up.
    count_include_pad : bool, default True
        N counts the zero padding (the window's size, clipped at the padded edge); else N is the
        number of input elements in the window.
    divisor_override : int, optional
        N for every window.

    Examples
    --------
    >>> kp.nn.AvgPool2d(2)(kp.ones(1, 2, 2))
    tensor([[[1.]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _LPPoolNd(Module):
    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """1-d power-average pooling: y = (Σ_window x^p)^(1/p); p = ∞ is max pooling.

    Examples
    --------
    >>> kp.nn.LPPool1d(2, 4)(kp.ones(1, 4))
    tensor([[2.]])
    """

    def forward(self, input):
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """2-d power-average pooling: y = (Σ_window x^p)^(1/p) over K₁ × K₂ windows.

    Examples
    --------
    >>> kp.nn.LPPool2d(2, 2)(kp.ones(1, 2, 2))
    tensor([[[2.]]])
    """

    def forward(self, input):
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class _AdaptivePool(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average pooling to O outputs whatever L: y[n, c, i] = mean x[n, c, ⌊iL/O⌋ : ⌈(i+1)L/O⌉].

    Parameters
    ----------
    output_size : int
        O.

    Examples
    --------
    >>> kp.nn.AdaptiveAvgPool1d(2)(kp.tensor([[1.0, 2.0, 3.0]]))
    tensor([[1.5, 2.5]])
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average pooling to an H_out × W_out grid whatever the input's size, over the bins
    [⌊iH/H_out⌋, ⌈(i+1)H/H_out⌉) × [⌊jW/W_out⌋, ⌈(j+1)W/W_out⌉); ``(1, 1)`` is global average
    pooling.

    Parameters
    ----------
    output_size : int or (int or None, int or None)
        (H_out, W_out); None keeps the input's size along that axis.

    Examples
    --------
    >>> kp.nn.AdaptiveAvgPool2d(1)(kp.arange(4.0).reshape(1, 2, 2))
    tensor([[[1.5]]])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class _AdaptiveMaxPool(_AdaptivePool):
    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Max pooling to O outputs whatever L: y[n, c, i] = max x[n, c, ⌊iL/O⌋ : ⌈(i+1)L/O⌉].

    Parameters
    ----------
    output_size : int
        O.
    return_indices : bool, default False
        Also return the index of each maximum.

    Examples
    --------
    >>> kp.nn.AdaptiveMaxPool1d(2)(kp.tensor([[1.0, 3.0, 2.0]]))
    tensor([[3., 3.]])
    """

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Max pooling to an H_out × W_out grid over the bins of ``AdaptiveAvgPool2d``.

    Parameters
    ----------
    output_size : int or (int or None, int or None)
        (H_out, W_out); None keeps the input's size along that axis.
    return_indices : bool, default False
        Also return the flat index i·W + j of each maximum.

    Examples
    --------
    >>> kp.nn.AdaptiveMaxPool2d(1)(kp.arange(4.0).reshape(1, 2, 2))
    tensor([[[3.]]])
    """

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)
