"""``konspekt.nn``: neural-network building blocks with torch.nn's API.

``Module`` and ``Parameter``, the containers, the layers (``konspekt.nn.modules``, one family per
file), their functional forms (``konspekt.nn.functional``) and initialisation (``konspekt.nn.init``).
"""

from .parameter import Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init, modules

__all__ = ["Parameter", "functional", "init"] + modules.__all__
