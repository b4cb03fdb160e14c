"""``LearningRateMonitor``: record the learning rate (and momentum) of every parameter group."""

from .base import Callback

__all__ = ["LearningRateMonitor"]


class LearningRateMonitor(Callback):
    """Record the learning rate each epoch or each step trains with, as Lightning's callback.

    The values are read before the epoch's (or the step's) update, so they are the rates that
    update used. They are named ``'lr-<Optimizer>'`` for a single parameter group and
    ``'lr-<Optimizer>/pg<i>'`` for several (``'momentum-…'`` likewise), kept in ``lrs`` and
    added to the epoch's logs (``'epoch'``: so they reach the History, ``CSVLogger`` and
    ``TensorBoard``) or to each batch's logs (``'step'``).

    Parameters
    ----------
    logging_interval : {'epoch', 'step'}, default 'epoch'
    log_momentum : bool, default False
        Also record the momentum: a group's ``momentum``, or the first of its ``betas``.

    Attributes
    ----------
    lrs : dict of str to list of float
        The recorded values by name, in order.
    """

    def __init__(self, logging_interval="epoch", log_momentum=False):
        if logging_interval not in ("epoch", "step"):
            raise ValueError(f"LearningRateMonitor: logging_interval must be 'epoch' or 'step', "
                             f"got {logging_interval!r}")
        self.logging_interval = logging_interval
        self.log_momentum = log_momentum
        self.lrs = {}
        self._values = {}

    def on_fit_start(self, state):
        if state.start_epoch == 0:
            self.lrs = {}

    def _read(self, optimizer):
        groups = optimizer.param_groups
        base = type(optimizer).__name__
        values = {}
        for index, group in enumerate(groups):
            suffix = f"/pg{index}" if len(groups) > 1 else ""
            values[f"lr-{base}{suffix}"] = float(group["lr"])
            if self.log_momentum:
                momentum = group.get("momentum", group.get("betas", (None,))[0])
                if momentum is not None:
                    values[f"momentum-{base}{suffix}"] = float(momentum)
        return values

    def _record(self, values, logs):
        for name, value in values.items():
            self.lrs.setdefault(name, []).append(value)
        logs.update(values)

    def on_epoch_start(self, state):
        if self.logging_interval == "epoch":
            self._record(self._read(state.optimizer), state.logs)

    def on_batch_start(self, state):
        if self.logging_interval == "step":
            self._values = self._read(state.optimizer)

    def on_batch_end(self, state):
        if self.logging_interval == "step":
            self._record(self._values, state.batch_logs)

    def state_dict(self):
        return {"lrs": {name: list(values) for name, values in self.lrs.items()}}

    def load_state_dict(self, state_dict):
        self.lrs = {name: list(values) for name, values in state_dict["lrs"].items()}
