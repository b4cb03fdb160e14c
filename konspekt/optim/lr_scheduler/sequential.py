"""Combining schedulers: ``SequentialLR`` runs them one after another, ``ChainedScheduler``
all at once (their factors multiply)."""

from bisect import bisect_right

from .base import LRScheduler, _learning_rates
from .plateau import ReduceLROnPlateau

__all__ = ["SequentialLR", "ChainedScheduler"]


class SequentialLR(LRScheduler):
    """Run schedulers one after another, switching at the milestone epochs (e.g. a linear
    warm-up, then cosine annealing). Each scheduler restarts its own count at its milestone.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser, shared by all the schedulers.
    schedulers : list of LRScheduler
        The schedulers, in order.
    milestones : list of int
        The epochs at which the next scheduler takes over (one fewer than the schedulers).
    last_epoch : int, default -1
        See ``LRScheduler``.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_schedulers(type(self).__name__, schedulers, optimizer, "")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be "
                             "one more than the number of milestone points, but got number of "
                             f"schedulers {len(schedulers)} and the number of milestones to be "
                             f"equal to {len(milestones)}")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Creating each scheduler stepped it once; start again from the initial rates, with
        # only the first scheduler's initial step.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps(self)
        current = self._schedulers[bisect_right(self._milestones, 0)]
        current._initial_step()
        self._last_lr = current.get_last_lr()

    def _undo_initial_steps(self, scheduler):
        if hasattr(scheduler, "_schedulers"):
            for inner in scheduler._schedulers:
                self._undo_initial_steps(inner)
        elif hasattr(scheduler, "last_epoch"):
            scheduler.last_epoch -= 1

    def step(self):
        """Advance the active scheduler (restarting the next one at its milestone)."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """The state, with each inner scheduler's state dict."""
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


class ChainedScheduler(LRScheduler):
    """Step several schedulers together at each ``step()``; the chainable ones compose, e.g.
    a ``ConstantLR`` warm-up times an ``ExponentialLR`` decay.

    Parameters
    ----------
    schedulers : sequence of LRScheduler
        The schedulers, stepped in this order.
    optimizer : Optimizer, optional
        Their shared optimiser (by default the first scheduler's).
    """

    def __init__(self, schedulers, optimizer=None):
        if optimizer is None and len(schedulers):
            optimizer = schedulers[0].optimizer
        _check_schedulers(type(self).__name__, schedulers, optimizer, " to be chained")
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = _learning_rates(self._schedulers[-1].optimizer)

    def step(self):
        """Step every scheduler once."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _learning_rates(self._schedulers[-1].optimizer)

    def state_dict(self):
        """The state, with each inner scheduler's state dict."""
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


def _check_schedulers(name, schedulers, optimizer, purpose):
    """torch's checks of the schedulers given to SequentialLR and ChainedScheduler."""
    if len(schedulers) < 1:
        raise ValueError(f"{name} expects at least one scheduler{purpose}, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{name} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{name} does not support `ReduceLROnPlateau` scheduler as it "
                             "requires additional kwargs to be specified when calling `step`, "
                             f"but got one at index {i} in the given schedulers sequence.")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{name} expects all schedulers to belong to the same optimizer, "
                             f"but got scheduler {type(scheduler).__name__} at index {i} has "
                             f"{scheduler.optimizer}, which is different from "
                             f"{type(optimizer).__name__}.")
