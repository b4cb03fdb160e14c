"""The autodiff engine: ``Tensor``, ``Function``, the backward pass and gradient checks.

This package imports nothing else of konspekt; everything else is built on it.
"""

from .dtype import get_default_dtype, set_default_dtype
from .engine import backward, grad
from .function import AccumulateGrad, Function, once_differentiable
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .tensor import Tensor
from . import methods  # noqa: F401  (binds the operations to Tensor)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck


__all__ = ["Tensor", "Function", "AccumulateGrad", "once_differentiable", "backward", "grad",
           "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "gradcheck",
           "gradgradcheck", "GradcheckError", "get_default_dtype",
           "set_default_dtype"]
