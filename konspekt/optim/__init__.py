"""``konspekt.optim``: optimisers with torch.optim's API, first and second order, and
``lr_scheduler``.

Every optimiser subclasses ``Optimizer`` (param groups, per-parameter state, ``zero_grad``,
``step(closure)``, ``state_dict``); one family per file.
"""

from . import (adadelta, adagrad, adam, bfgs, lbfgs, lr_scheduler, nadam, natural_gradient,
               newton, optimizer, rmsprop, sgd)
from .adadelta import *  # noqa: F401,F403
from .adagrad import *  # noqa: F401,F403
from .adam import *  # noqa: F401,F403
from .bfgs import *  # noqa: F401,F403
from .lbfgs import *  # noqa: F401,F403
from .nadam import *  # noqa: F401,F403
from .natural_gradient import *  # noqa: F401,F403
from .newton import *  # noqa: F401,F403
from .optimizer import *  # noqa: F401,F403
from .rmsprop import *  # noqa: F401,F403
from .sgd import *  # noqa: F401,F403

__all__ = (["lr_scheduler"] + optimizer.__all__ + sgd.__all__ + adagrad.__all__ + rmsprop.__all__
           + adadelta.__all__ + adam.__all__ + nadam.__all__ + newton.__all__ + bfgs.__all__
           + lbfgs.__all__ + natural_gradient.__all__)
