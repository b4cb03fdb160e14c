"""``History``: what ``fit`` returns, one row of losses, metrics and learning rate per epoch, as
Keras's ``History`` keeps them."""

import math

__all__ = ["History"]


class History:
    """The per-epoch record of a training run.

    Attributes
    ----------
    history : dict of str to list of float
        One list per quantity, one entry per epoch, in the order the keys first appeared:
        ``'loss'`` and each training metric (``'accuracy'`` …), then ``'val_loss'`` and
        ``'val_<metric>'`` when there is validation data, then ``'lr'`` (the learning rate of the
        first parameter group during the epoch) and whatever callbacks added to the epoch's logs.
        A quantity missing in some epoch holds NaN there.
    epoch : list of int
        The epoch index of each row, counted from 0 (a resumed run continues the count).

    Examples
    --------
    >>> history = History()
    >>> history.append(0, {'loss': 0.9, 'lr': 0.1})
    >>> history.append(1, {'loss': 0.5, 'lr': 0.1})
    >>> history['loss']
    [0.9, 0.5]
    """

    def __init__(self):
        self.history = {}
        self.epoch = []

    def append(self, epoch, logs):
        """Add the row of ``epoch``: ``logs`` maps names to numbers."""
        rows = len(self.epoch)
        for key in logs:
            if key not in self.history:
                # A quantity that appears late (a callback added it) is NaN for earlier epochs.
                self.history[key] = [math.nan] * rows
        for key, values in self.history.items():
            values.append(float(logs[key]) if key in logs else math.nan)
        self.epoch.append(int(epoch))

    def __getitem__(self, key):
        return self.history[key]

    def __contains__(self, key):
        return key in self.history

    def __len__(self):
        return len(self.epoch)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"

    def state_dict(self):
        """The record as plain lists, for a checkpoint."""
        return {"epoch": list(self.epoch),
                "history": {key: list(values) for key, values in self.history.items()}}

    def load_state_dict(self, state_dict):
        """Replace the record with one from ``state_dict``."""
        self.epoch = [int(e) for e in state_dict["epoch"]]
        self.history = {key: [float(v) for v in values]
                        for key, values in state_dict["history"].items()}
