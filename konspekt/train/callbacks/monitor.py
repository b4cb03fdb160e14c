"""``Monitor``: the watched quantity of ``EarlyStopping`` and ``ModelCheckpoint`` and its test of
improvement."""

import math

__all__ = ["Monitor"]


class Monitor:
    """A logged quantity to minimise or maximise.

    With ``mode='min'`` the value v improves on the best b when v < b − min_delta; with
    ``mode='max'`` when v > b + min_delta. ``mode='auto'`` maximises names containing 'acc'
    (accuracy) and minimises the others, as Keras does.
    """

    def __init__(self, monitor, mode, min_delta=0.0, owner="callback"):
        if not isinstance(monitor, str):
            raise TypeError(f"{owner}: monitor must be the name of a logged quantity (a str), "
                            f"got {type(monitor).__name__}")
        if mode not in ("min", "max", "auto"):
            raise ValueError(f"{owner}: mode must be 'min', 'max' or 'auto', got {mode!r}")
        if not (isinstance(min_delta, (int, float)) and min_delta >= 0):
            raise ValueError(f"{owner}: min_delta must be a non-negative number, got "
                             f"{min_delta!r}")
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.name, self.mode, self.min_delta, self.owner = monitor, mode, float(min_delta), owner

    def initial(self):
        """The best value before any epoch: +∞ when minimising, −∞ when maximising."""
        return math.inf if self.mode == "min" else -math.inf

    def read(self, logs):
        """The monitored value in ``logs``; a clear error when it is not logged."""
        if self.name not in logs:
            raise RuntimeError(f"{self.owner} monitors {self.name!r}, which is not among the "
                               f"logged quantities: {', '.join(sorted(logs))}. Pass monitor= "
                               "one of them (val_* needs val_loader)")
        return float(logs[self.name])

    def improves(self, value, best):
        if math.isnan(value):
            return False
        if self.mode == "min":
            return value < best - self.min_delta
        return value > best + self.min_delta
