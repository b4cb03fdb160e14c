"""``ToTensor`` (an HWC image to a CHW tensor) and ``Normalize`` (per-channel standardisation), as
torchvision's."""

import numpy as np

from ...autograd.dtype import get_default_dtype
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor, _make_tensor
from .base import Transform, to_array

__all__ = ["ToTensor", "Normalize"]


class ToTensor(Transform):
    """An H×W×C (or H×W) image to a C×H×W tensor.

    A uint8 image (0 … 255) becomes x / 255 in the default float dtype, in [0, 1]; an image of any
    other dtype keeps its values and dtype, as torchvision's ``ToTensor``. A PIL image is read
    through ``numpy.asarray``.

    Examples
    --------
    >>> ToTensor()(np.zeros((28, 28, 3), dtype=np.uint8)).shape
    (3, 28, 28)
    """

    def __call__(self, pic):
        if not isinstance(pic, np.ndarray):
            if not hasattr(pic, "__array_interface__"):
                raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
            pic = np.asarray(pic)
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        chw = np.ascontiguousarray(pic.transpose(2, 0, 1))
        if chw.dtype == np.uint8:
            chw = chw.astype(get_default_dtype().numpy) / np.asarray(255, get_default_dtype().numpy)
        return _make_tensor(chw)


class Normalize(Transform):
    """Standardise each channel: out_c = (x_c − mean_c) / std_c.

    Parameters
    ----------
    mean : sequence of float
        One mean per channel.
    std : sequence of float
        One standard deviation per channel.
    inplace : bool, default False
        Overwrite the input.

    Examples
    --------
    >>> Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])(kp.ones(3, 2, 2))[0, 0, 0]
    tensor(2.)
    """

    def __init__(self, mean, std, inplace=False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor):
        array, wrap = to_array(tensor, 0, "Normalize")
        if array.dtype.kind != "f":
            dtype = tensor.dtype if isinstance(tensor, Tensor) else array.dtype
            raise TypeError(f"Input tensor should be a float tensor. Got {dtype}.")
        if array.ndim < 3:
            raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got "
                             f"tensor.size() = {tuple(array.shape)}.")
        mean = np.asarray(self.mean, dtype=array.dtype).reshape(-1, 1, 1)
        std = np.asarray(self.std, dtype=array.dtype).reshape(-1, 1, 1)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {array.dtype}, leading "
                             f"to division by zero.")
        if not self.inplace:
            if isinstance(tensor, Tensor):
                # tensor operations, so that gradients flow through (e.g. to an adversarial input)
                return (tensor - _make_tensor(mean)) / _make_tensor(std)
            return wrap((array - mean) / std)
        result = (array - mean) / std
        if isinstance(tensor, Tensor):
            with no_grad():
                tensor.copy_(_make_tensor(result))
        else:
            tensor[...] = result
        return tensor
