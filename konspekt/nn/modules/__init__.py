"""The layers of ``konspekt.nn``, one family per file as in torch.nn.modules."""

from .module import Module
from .container import ModuleDict, ModuleList, Sequential
from .activation import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .positional import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from . import (activation, attention, conv, dropout, flatten, linear, loss, normalization, pooling,
               positional, rnn, sparse, transformer, upsampling)

__all__ = (["Module", "Sequential", "ModuleList", "ModuleDict"] + activation.__all__
           + conv.__all__ + dropout.__all__ + flatten.__all__ + linear.__all__ + loss.__all__
           + normalization.__all__ + pooling.__all__ + sparse.__all__ + upsampling.__all__
           + attention.__all__ + rnn.__all__ + transformer.__all__ + positional.__all__)
