"""The layers of ``konspekt.nn``, one family per file as in torch.nn.modules."""

from .module import Module
from .container import ModuleDict, ModuleList, Sequential
from .activation import *  # noqa: F401,F403
from . import activation

__all__ = (["Module", "Sequential", "ModuleList", "ModuleDict"] + activation.__all__)
