"""Activation layers: the module form of each function in ``konspekt.nn.functional.activation``.

Each layer stores its hyperparameters under torch's names and prints them as torch does
(``LeakyReLU(negative_slope=0.01)``; ``inplace=True`` only when set). The formulas and their
derivatives are documented with the functional forms.
"""

from ...autograd.creation import empty
from ...autograd.grad_mode import no_grad
from ...autograd.ops.softmax import log_softmax, softmax
from .. import functional as F
from ..functional.activation import _implicit_softmax_dim
from ..parameter import Parameter
from .module import Module, check_device

__all__ = ["Sigmoid", "Tanh", "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU",
           "GELU", "SiLU", "Mish", "Softplus", "Softsign", "Hardtanh", "Hardsigmoid",
           "Hardswish", "Threshold", "LogSigmoid", "Tanhshrink", "Softshrink", "Hardshrink",
           "GLU", "Softmax", "LogSoftmax", "Softmin", "Arctan", "Heaviside", "NoisyReLU",
           "LeCunTanh"]


def _inplace_repr(inplace):
    return ", inplace=True" if inplace else ""


class Sigmoid(Module):
    """y = σ(x) = 1 / (1 + e^(−x)); y′ = y(1 − y).

    Examples
    --------
    >>> kp.nn.Sigmoid()(kp.tensor([0.0]))
    tensor([0.5])
    """

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """y = tanh x; y′ = 1 − y².

    Examples
    --------
    >>> kp.nn.Tanh()(kp.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input):
        return F.tanh(input)


class _InplaceActivation(Module):
    """A parameterless activation whose only option is ``inplace``."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    """y = max(0, x); y′ = [x > 0].

    Parameters
    ----------
    inplace : bool, default False
        Overwrite the input with the output.

    Examples
    --------
    >>> kp.nn.ReLU()(kp.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, input):
        return F.relu(input, self.inplace)


class Hardtanh(Module):
    """y = min(max(x, min_val), max_val); y′ = 1 on (min_val, max_val), else 0.

    Parameters
    ----------
    min_val, max_val : float, default −1, 1
    inplace : bool, default False

    Raises
    ------
    AssertionError
        If max_val < min_val (as torch).

    Examples
    --------
    >>> kp.nn.Hardtanh(-2.0, 2.0)
    Hardtanh(min_val=-2.0, max_val=2.0)
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        assert max_val > min_val, (f"Hardtanh: max_val ({max_val}) must be greater than "
                                   f"min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace_repr(self.inplace)


class ReLU6(Hardtanh):
    """y = min(max(0, x), 6); y′ = [0 < x < 6].

    Examples
    --------
    >>> kp.nn.ReLU6()(kp.tensor([-1.0, 9.0]))
    tensor([0., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """y = x for x > 0, else a·x with a = ``negative_slope``.

    Parameters
    ----------
    negative_slope : float, default 0.01
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.LeakyReLU(0.1)(kp.tensor([-2.0, 3.0]))
    tensor([-0.2,  3. ])
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + _inplace_repr(self.inplace)


class PReLU(Module):
    """y = x for x > 0, else a_c·x, with slopes a learned by gradient descent (He et al., 2015).

    Parameters
    ----------
    num_parameters : int, default 1
        1 (one slope shared by all channels) or the number of channels C (dimension 1 of the
        input).
    init : float, default 0.25
        The initial value of every slope.
    device : None or 'cpu'
    dtype : konspekt.dtype, optional
        The weight's dtype (the default dtype when None).

    Attributes
    ----------
    weight : Parameter
        The slopes, shape (num_parameters,).

    Examples
    --------
    >>> layer = kp.nn.PReLU(3)
    >>> layer(kp.randn(2, 3, 5)).shape
    (2, 3, 5)
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        check_device("PReLU", device)
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Set every slope to ``init``."""
        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class _ExponentialUnit(Module):
    """ELU and CELU: the options ``alpha`` and ``inplace``."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def extra_repr(self):
        return f"alpha={self.alpha}" + _inplace_repr(self.inplace)


class ELU(_ExponentialUnit):
    """y = x for x > 0, else α(eˣ − 1).

    Parameters
    ----------
    alpha : float, default 1.0
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.ELU()
    ELU(alpha=1.0)
    """

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)


class CELU(_ExponentialUnit):
    """y = x for x > 0, else α(e^(x/α) − 1) (continuously differentiable at 0).

    Parameters
    ----------
    alpha : float, default 1.0
        Not 0.
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.CELU(0.5)
    CELU(alpha=0.5)
    """

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class SELU(_InplaceActivation):
    """y = λ·elu(x, α), λ ≈ 1.0507, α ≈ 1.6733 (self-normalising).

    Examples
    --------
    >>> kp.nn.SELU()(kp.tensor([1.0]))
    tensor([1.050701])
    """

    def forward(self, input):
        return F.selu(input, self.inplace)


class GELU(Module):
    """y = x·Φ(x), exactly by erf or by the tanh approximation.

    Parameters
    ----------
    approximate : {'none', 'tanh'}, default 'none'

    Examples
    --------
    >>> kp.nn.GELU(approximate="tanh")
    GELU(approximate='tanh')
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(_InplaceActivation):
    """y = x·σ(x) (swish).

    Examples
    --------
    >>> kp.nn.SiLU()(kp.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input):
        return F.silu(input, self.inplace)


class Mish(_InplaceActivation):
    """y = x·tanh(softplus(x)).

    Examples
    --------
    >>> kp.nn.Mish()(kp.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input):
        return F.mish(input, self.inplace)


class Softplus(Module):
    """y = (1/β) ln(1 + e^(βx)), and x where βx > threshold.

    Parameters
    ----------
    beta : float, default 1.0
    threshold : float, default 20.0

    Examples
    --------
    >>> kp.nn.Softplus()
    Softplus(beta=1.0, threshold=20.0)
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softsign(Module):
    """y = x / (1 + |x|).

    Examples
    --------
    >>> kp.nn.Softsign()(kp.tensor([1.0]))
    tensor([0.5])
    """

    def forward(self, input):
        return F.softsign(input)


class Hardsigmoid(_InplaceActivation):
    """y = relu6(x + 3)/6.

    Examples
    --------
    >>> kp.nn.Hardsigmoid()(kp.tensor([0.0]))
    tensor([0.5])
    """

    def extra_repr(self):
        return ""  # torch does not print ``inplace`` for this layer

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Hardswish(_InplaceActivation):
    """y = x·relu6(x + 3)/6.

    Examples
    --------
    >>> kp.nn.Hardswish()(kp.tensor([4.0]))
    tensor([4.])
    """

    def extra_repr(self):
        return ""  # torch does not print ``inplace`` for this layer

    def forward(self, input):
        return F.hardswish(input, self.inplace)


class Threshold(Module):
    """y = x for x > threshold, else ``value``.

    Parameters
    ----------
    threshold : float
    value : float
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.Threshold(0.1, 20)
    Threshold(threshold=0.1, value=20)
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}" + _inplace_repr(self.inplace)


class LogSigmoid(Module):
    """y = ln σ(x) = −ln(1 + e^(−x)), finite for every x.

    Examples
    --------
    >>> kp.nn.LogSigmoid()(kp.tensor([0.0]))
    tensor([-0.6931472])
    """

    def forward(self, input):
        return F.logsigmoid(input)


class Tanhshrink(Module):
    """y = x − tanh x.

    Examples
    --------
    >>> kp.nn.Tanhshrink()(kp.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input):
        return F.tanhshrink(input)


class _Shrink(Module):
    """Softshrink and Hardshrink: the option ``lambd``, printed bare as torch does."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def extra_repr(self):
        return str(self.lambd)


class Softshrink(_Shrink):
    """y = x − λ for x > λ, x + λ for x < −λ, else 0.

    Parameters
    ----------
    lambd : float, default 0.5
        λ ≥ 0.

    Examples
    --------
    >>> kp.nn.Softshrink()
    Softshrink(0.5)
    """

    def forward(self, input):
        return F.softshrink(input, self.lambd)


class Hardshrink(_Shrink):
    """y = x for |x| > λ, else 0.

    Parameters
    ----------
    lambd : float, default 0.5

    Examples
    --------
    >>> kp.nn.Hardshrink()
    Hardshrink(0.5)
    """

    def forward(self, input):
        return F.hardshrink(input, self.lambd)


class GLU(Module):
    """y = a ∘ σ(b), where a and b are the halves of the input along ``dim``.

    Parameters
    ----------
    dim : int, default −1

    Examples
    --------
    >>> kp.nn.GLU()(kp.randn(4, 6)).shape
    (4, 3)
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class _Normalised(Module):
    """softmax, log_softmax and softmin along ``dim``; without ``dim``, torch's deprecated
    implicit choice (0 for 0-, 1- and 3-d inputs, else 1) with its warning."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def _dim(self, input, name):
        if self.dim is None:
            return _implicit_softmax_dim(name, input.data.ndim, stacklevel=5)
        return self.dim

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_Normalised):
    """y_i = exp(x_i) / Σ_j exp(x_j) along ``dim``: the outputs along it sum to 1.

    Parameters
    ----------
    dim : int, optional

    Examples
    --------
    >>> kp.nn.Softmax(dim=1)
    Softmax(dim=1)
    """

    def forward(self, input):
        return softmax(input, self._dim(input, "softmax"))


class LogSoftmax(_Normalised):
    """y_i = x_i − ln Σ_j exp(x_j) along ``dim``, computed stably.

    Parameters
    ----------
    dim : int, optional

    Examples
    --------
    >>> kp.nn.LogSoftmax(dim=1)
    LogSoftmax(dim=1)
    """

    def forward(self, input):
        return log_softmax(input, self._dim(input, "log_softmax"))


class Softmin(_Normalised):
    """y_i = exp(−x_i) / Σ_j exp(−x_j) along ``dim``.

    Parameters
    ----------
    dim : int, optional

    Examples
    --------
    >>> kp.nn.Softmin(dim=0)
    Softmin(dim=0)
    """

    def forward(self, input):
        return softmax(-input, self._dim(input, "softmin"))


class Arctan(Module):
    """The course's arctangent activation: y = arctan x; y′ = 1 / (1 + x²).

    Examples
    --------
    >>> kp.nn.Arctan()(kp.tensor([1.0]))
    tensor([0.7853982])
    """

    def forward(self, input):
        return F.arctan(input)


class Heaviside(Module):
    """The perceptron's step: y = 1 for x ≥ 0, else 0; the gradient passed back is 0.

    See ``konspekt.nn.functional.heaviside_step`` for the value at 0 and the gradient.

    Examples
    --------
    >>> kp.nn.Heaviside()(kp.tensor([-1.0, 0.0, 1.0]))
    tensor([0., 1., 1.])
    """

    def forward(self, input):
        return F.heaviside_step(input)


class NoisyReLU(Module):
    """y = max(0, x + ε), ε ~ N(0, σ²) drawn anew at each call in training mode; max(0, x) in
    evaluation mode (Nair & Hinton, 2010).

    Parameters
    ----------
    sigma : float, default 1.0
        The standard deviation of the noise.

    Examples
    --------
    >>> layer = kp.nn.NoisyReLU(sigma=0.5).eval()
    >>> layer(kp.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def __init__(self, sigma=1.0):
        super().__init__()
        if sigma < 0:
            raise ValueError(f"NoisyReLU: sigma must be non-negative, got {sigma}")
        self.sigma = sigma

    def forward(self, input):
        return F.noisy_relu(input, self.sigma, self.training)

    def extra_repr(self):
        return f"sigma={self.sigma}"


class LeCunTanh(Module):
    """LeCun's tanh with a linear term: y = tanh(x) + a·x; y′ = 1 − tanh²(x) + a ≥ a.

    Parameters
    ----------
    a : float, default 0.01
        The slope of the linear term (see ``konspekt.nn.functional.lecun_tanh``).

    Examples
    --------
    >>> kp.nn.LeCunTanh()
    LeCunTanh(a=0.01)
    """

    def __init__(self, a=0.01):
        super().__init__()
        self.a = a

    def forward(self, input):
        return F.lecun_tanh(input, self.a)

    def extra_repr(self):
        return f"a={self.a}"
