"""Dropout layers: ``Dropout``, ``Dropout1d``, ``Dropout2d`` and ``AlphaDropout``, active in
training mode and the identity after ``eval()``. The formulas are documented with the functional
forms in ``konspekt.nn.functional.dropout``.
"""

from .. import functional as F
from ..functional.dropout import check_probability
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "AlphaDropout"]


class _DropoutNd(Module):
    """The options every dropout layer has: ``p`` and ``inplace``."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check_probability(p)
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Inverted dropout: in training y = x ⊙ m/(1 − p), m_i ~ Bernoulli(1 − p), so E[y] = x;
    in evaluation y = x.

    Parameters
    ----------
    p : float, default 0.5
        The probability of zeroing a unit.
    inplace : bool, default False
        Overwrite the input with the output.

    Raises
    ------
    ValueError
        If p is outside [0, 1].

    Examples
    --------
    >>> layer = kp.nn.Dropout(0.2)
    >>> layer.eval()(kp.ones(3))
    tensor([1., 1., 1.])
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Channel dropout for (N, C, L) or (C, L) inputs: each channel is zeroed as a whole with
    probability p, the kept ones scaled by 1/(1 − p); the identity in evaluation.

    Parameters
    ----------
    p : float, default 0.5
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.Dropout1d(0.5)(kp.ones(2, 3, 4)).shape
    (2, 3, 4)
    """

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Channel dropout for (N, C, H, W) inputs: each feature map is zeroed as a whole with
    probability p, the kept ones scaled by 1/(1 − p); the identity in evaluation.

    Parameters
    ----------
    p : float, default 0.5
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.Dropout2d(0.5)(kp.ones(2, 3, 4, 4)).shape
    (2, 3, 4, 4)
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Alpha dropout for SELU networks: dropped units take SELU's saturation value −λα and an
    affine map keeps mean 0 and variance 1; the identity in evaluation.

    Parameters
    ----------
    p : float, default 0.5
    inplace : bool, default False

    Examples
    --------
    >>> kp.nn.AlphaDropout(0.2)(kp.randn(8)).shape
    (8,)
    """

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training, self.inplace)
