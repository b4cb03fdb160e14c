"""``konspekt.nn.utils``: gradient clipping, parameters as one vector, weight penalties, freezing
for transfer learning, pruning (``prune``) and variable-length sequences (``rnn``), as
torch.nn.utils."""

from . import clip_grad, convert_parameters, freezing, penalties, prune, rnn
from .clip_grad import *  # noqa: F401,F403
from .convert_parameters import *  # noqa: F401,F403
from .freezing import *  # noqa: F401,F403
from .penalties import *  # noqa: F401,F403

__all__ = (["prune", "rnn"] + clip_grad.__all__ + convert_parameters.__all__
           + freezing.__all__ + penalties.__all__)
