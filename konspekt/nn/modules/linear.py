"""Linear layers: ``Identity``, ``Linear``, ``Bilinear`` and ``LazyLinear``, with torch's arguments,
parameters (``weight``, ``bias``: the state-dict keys torch uses), default initialisation and
printing. The formulas are those of ``konspekt.nn.functional.linear``.
"""

import math

from ...autograd.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module, check_device

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


class Identity(Module):
    """y = x: a placeholder that keeps a model's structure (e.g. a removed head).

    Parameters
    ----------
    *args, **kwargs
        Accepted and ignored, so that it can stand in for any layer's constructor.

    Examples
    --------
    >>> kp.nn.Identity(54, unused="x")(kp.ones(2)).shape
    (2,)
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """The fully connected layer y = x Wᵀ + b.

    Parameters
    ----------
    in_features : int
        n_in, the size of each input's last dimension.
    out_features : int
        n_out, the size of each output's last dimension.
    bias : bool, default True
        Whether to learn the bias b.
    device : None or "cpu"
    dtype : dtype, optional
        The parameters' dtype; the default dtype when omitted.

    Attributes
    ----------
    weight : Parameter
        W, shape (out_features, in_features), initialised U(−1/√n_in, 1/√n_in) (torch's
        ``kaiming_uniform_`` with a = √5).
    bias : Parameter or None
        b, shape (out_features,), initialised U(−1/√n_in, 1/√n_in).

    Examples
    --------
    >>> layer = kp.nn.Linear(20, 30)
    >>> layer(kp.randn(128, 20)).shape
    (128, 30)
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        check_device(type(self).__name__, device)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """torch's default: kaiming_uniform_(a=√5) for W, whose bound √3·√(2/(1+5))/√n_in is
        1/√n_in, and the same bound for b."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """The bilinear layer y_k = x₁ᵀ A_k x₂ + b_k, k = 1 … out_features.

    Parameters
    ----------
    in1_features : int
        The size of the first input's last dimension.
    in2_features : int
        The size of the second input's last dimension.
    out_features : int
        The size of the output's last dimension.
    bias : bool, default True
    device : None or "cpu"
    dtype : dtype, optional

    Attributes
    ----------
    weight : Parameter
        The matrices A_k, shape (out_features, in1_features, in2_features), initialised
        U(−1/√in1_features, 1/√in1_features).
    bias : Parameter or None
        b, shape (out_features,), with the same initial distribution.

    Examples
    --------
    >>> layer = kp.nn.Bilinear(20, 30, 40)
    >>> layer(kp.randn(128, 20), kp.randn(128, 30)).shape
    (128, 40)
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        check_device(type(self).__name__, device)
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in1_features, in2_features, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """torch's default: A and b uniform on ±1/√in1_features."""
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class LazyLinear(Linear):
    """A ``Linear`` whose ``in_features`` is read from the first input it sees.

    Until then its weight is empty (0 elements) and ``in_features`` is 0; the first forward call
    creates and initialises the parameters, and the layer becomes a plain ``Linear``. Build the
    optimizer after that first call, so that it holds the real parameters.

    Parameters
    ----------
    out_features : int
    bias : bool, default True
    device : None or "cpu"
    dtype : dtype, optional

    Examples
    --------
    >>> layer = kp.nn.LazyLinear(10)
    >>> layer(kp.randn(4, 7)).shape, layer.in_features
    ((4, 10), 7)
    """

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, out_features, bias, device, dtype)

    def reset_parameters(self):
        if self.in_features != 0:
            super().reset_parameters()

    def forward(self, input):
        if input.dim() == 0:
            raise RuntimeError("LazyLinear: the input must have at least 1 dimension, got a 0-D "
                               "tensor")
        self.in_features = input.shape[-1]
        self.weight = Parameter(empty(self.out_features, self.in_features,
                                      dtype=self.weight.dtype))
        if self.bias is not None:
            self.bias = Parameter(empty(self.out_features, dtype=self.bias.dtype))
        self.reset_parameters()
        self.__class__ = Linear
        return self.forward(input)
