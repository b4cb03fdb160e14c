"""``konspekt.nn.functional``: the functional form of layers, activations and losses.

This first part holds what the autodiff engine provides directly: ``pad`` (the course's four
paddings), ``softmax``/``log_softmax``, and the activations that are primitives of the engine.
"""

from ..autograd.ops.elementwise import relu, sigmoid, tanh
from ..autograd.ops.shape import pad
from ..autograd.ops.softmax import log_softmax, softmax

__all__ = ["pad", "softmax", "log_softmax", "relu", "sigmoid", "tanh"]
