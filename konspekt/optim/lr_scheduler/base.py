"""``LRScheduler``, the base of the learning-rate schedulers, and their shared helpers.

A scheduler changes ``group['lr']`` of its optimiser's parameter groups once per call of
``step()`` (usually once per epoch, after ``optimizer.step()``). ``last_epoch`` counts the calls;
creating a scheduler makes the first call, so ``last_epoch`` is 0 and the groups hold the
schedule's first rate. The chainable schedules compute η_t from η_{t−1} (the rate now in the
group), so that two schedulers on one optimiser compose, and their values match torch's exactly.
"""

import warnings

from ..optimizer import Optimizer

__all__ = ["LRScheduler"]

_EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available.")


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _learning_rates(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def _per_group(name, optimizer, value):
    """One value per parameter group: a list of that length, or one value repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. "
                             f"{name} has {len(value)} values, param_groups has "
                             f"{len(optimizer.param_groups)}.")
        return list(value)
    return [value] * len(optimizer.param_groups)


class LRScheduler:
    """Base class of the learning-rate schedulers.

    A subclass implements ``get_lr()``: the rates for ``last_epoch`` (already advanced), one per
    parameter group, computed from the groups' present rates or from ``base_lrs``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser whose learning rates are scheduled.
    last_epoch : int, default -1
        The index of the last epoch; -1 starts the schedule, another value resumes it (the
        groups must then hold ``'initial_lr'``, as a loaded optimiser state does).

    Attributes
    ----------
    base_lrs : list of float
        Each group's initial rate η₀ (``group['initial_lr']``).
    last_epoch : int
        How many times ``step()`` was called since the start.
    """

    _is_initial = False

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   "when resuming scheduler with last_epoch >= 0.\n"
                                   "This typically happens when:\n"
                                   "1. You're trying to resume training from a checkpoint but "
                                   "haven't properly loaded the optimizer state\n"
                                   "2. You're using last_epoch >= 0 for a fresh training run "
                                   "(not recommended)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The learning rates for the epoch ``last_epoch``, one per parameter group."""
        raise NotImplementedError

    def get_last_lr(self):
        """The learning rates set by the last ``step()``, one per parameter group."""
        return self._last_lr

    def step(self, epoch=None):
        """Advance the schedule by one epoch and set the groups' learning rates.

        Call it after ``optimizer.step()``. Passing ``epoch`` (deprecated, as in torch) jumps to
        that epoch with the schedule's closed form, where it has one.
        """
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
                          "In PyTorch 1.1.0 and later, you should call them in the opposite "
                          "order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to "
                          "do this will result in PyTorch skipping the first value of the "
                          "learning rate schedule.", UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(_EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = _learning_rates(self.optimizer)

    def state_dict(self):
        """Everything the scheduler holds except the optimiser, to resume it later."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Resume from a ``state_dict()``."""
        self.__dict__.update(state_dict)
