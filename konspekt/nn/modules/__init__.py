"""The layers of ``konspekt.nn``, one family per file as in torch.nn.modules."""

from .module import Module
from .container import ModuleDict, ModuleList, Sequential

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict"]
