"""``konspekt.optim.lr_scheduler``: learning-rate schedules with torch.optim.lr_scheduler's API.

A scheduler changes ``group['lr']`` of its optimiser's parameter groups at each ``step()``,
called after ``optimizer.step()`` — once per epoch, or once per batch for the cyclical ones:

    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        scheduler.step()

One family per file: the base class (``base``), formula decays and warm-ups (``decay``), the
user's functions (``function``), cosine annealing and warm restarts (``cosine``), cyclical
rates and the 1cycle policy (``cyclic``), plateau detection (``plateau``) and combinations
(``sequential``).
"""

from . import base, cosine, cyclic, decay, function, plateau, sequential
from .base import *  # noqa: F401,F403
from .cosine import *  # noqa: F401,F403
from .cyclic import *  # noqa: F401,F403
from .decay import *  # noqa: F401,F403
from .function import *  # noqa: F401,F403
from .plateau import *  # noqa: F401,F403
from .sequential import *  # noqa: F401,F403

__all__ = (base.__all__ + function.__all__ + decay.__all__ + cosine.__all__ + cyclic.__all__
           + plateau.__all__ + sequential.__all__)
