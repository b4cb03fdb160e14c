"""``konspekt.nn.functional``: the functional form of every layer, activation and loss.

One file per family, as in ``konspekt.nn.modules``; each defines ``__all__`` and everything is
gathered here, so that ``import konspekt.nn.functional as F`` reads as in torch.
"""

from ...autograd.ops.shape import pad
from ...autograd.ops.softmax import log_softmax, softmax
# The families' lists first: the star imports below rebind the names ``dropout`` and ``linear``
# from the submodules to the functions of the same names, as in torch.
from . import (activation, attention, conv, dropout, linear, loss, normalization, pooling, sparse,
               upsampling)

__all__ = (["pad", "softmax", "log_softmax"] + activation.__all__ + attention.__all__
           + conv.__all__ + dropout.__all__ + linear.__all__ + loss.__all__ + normalization.__all__
           + pooling.__all__ + sparse.__all__ + upsampling.__all__)

from .activation import *  # noqa: E402,F401,F403
from .attention import *  # noqa: E402,F401,F403
from .conv import *  # noqa: E402,F401,F403
from .dropout import *  # noqa: E402,F401,F403
from .linear import *  # noqa: E402,F401,F403
from .loss import *  # noqa: E402,F401,F403
from .normalization import *  # noqa: E402,F401,F403
from .pooling import *  # noqa: E402,F401,F403
from .sparse import *  # noqa: E402,F401,F403
from .upsampling import *  # noqa: E402,F401,F403
