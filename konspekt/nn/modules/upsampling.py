"""Upsampling layers: the module form of ``konspekt.nn.functional.interpolate``.

Per spatial axis with input size I and output size O, output o reads the source position
s(o) = o·I/O (nearest: x[⌊s⌋]) or, for the linear modes, s = (o + ½)·I/O − ½
(s = o·(I − 1)/(O − 1) with ``align_corners``) and blends x[⌊s⌋] and x[⌊s⌋ + 1] with weights
1 − λ and λ, λ = s − ⌊s⌋; see ``interpolate``.
"""

from .. import functional as F
from .module import Module

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]


class Upsample(Module):
    """Resample the spatial axes to ``size`` or by ``scale_factor`` (exactly one of them).

    Parameters
    ----------
    size : int or tuple of int, optional
        The output's spatial size.
    scale_factor : float or tuple of float, optional
        O = ⌊I · scale_factor⌋ per axis.
    mode : str, default 'nearest'
        'nearest', 'nearest-exact', 'linear' (3-D input), 'bilinear', 'bicubic' (4-D),
        'trilinear' (5-D) or 'area'.
    align_corners : bool, optional
        For the interpolating modes: map the corner pixels' centres onto each other.
    recompute_scale_factor : bool, optional
        Use I/O rather than 1/scale_factor as the source step.

    Examples
    --------
    >>> kp.nn.Upsample(scale_factor=2)(kp.tensor([[[1.0, 2.0]]]))
    tensor([[[1., 1., 2., 2.]]])
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W): y[i, j] = x[⌊i·H/H_out⌋, ⌊j·W/W_out⌋].

    Examples
    --------
    >>> kp.nn.UpsamplingNearest2d(scale_factor=2)(kp.ones(1, 1, 1, 1)).shape
    (1, 1, 2, 2)
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) with ``align_corners=True``:
    s(o) = o·(I − 1)/(O − 1) per axis.

    Examples
    --------
    >>> kp.nn.UpsamplingBilinear2d(size=3)(kp.tensor([[[[0.0, 2.0]]]]))
    tensor([[[[0., 1., 2.],
              [0., 1., 2.],
              [0., 1., 2.]]]])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
