"""Reshaping layers: ``Flatten`` (between the convolutional and the fully connected part of a CNN)
and its inverse ``Unflatten``."""

import numbers

from ...autograd.ops.shape import flatten, unflatten
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge the dimensions start_dim … end_dim into one: (N, C, H, W) → (N, C·H·W) by default.

    Parameters
    ----------
    start_dim : int, default 1
        The first dimension merged (1 keeps the batch dimension).
    end_dim : int, default -1
        The last dimension merged.

    Examples
    --------
    >>> kp.nn.Flatten()(kp.ones(32, 1, 5, 5)).shape
    (32, 25)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``: (N, C·H·W) → (N, C, H, W).

    Parameters
    ----------
    dim : int
        The dimension to split.
    unflattened_size : tuple or list of int
        Its new sizes, whose product is the size of ``dim``; one may be −1 (inferred).

    Examples
    --------
    >>> kp.nn.Unflatten(1, (2, 5, 5))(kp.ones(2, 50)).shape
    (2, 2, 5, 5)
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
            raise TypeError(f"invalid argument type for dim parameter, expected `int`, got "
                            f"{type(dim).__name__}")
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        for position, size in enumerate(unflattened_size):
            if not isinstance(size, numbers.Integral) or isinstance(size, bool):
                raise TypeError(f"unflattened_size must be tuple of ints, but found element of "
                                f"type {type(size).__name__} at pos {position}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
