"""``ProgressBar``: a tqdm bar per epoch showing the running loss and metrics."""

import sys

from tqdm import tqdm

from .base import Callback

__all__ = ["ProgressBar"]


def _format(logs):
    return {name: f"{value:.4g}" for name, value in logs.items() if name != "size"}


class ProgressBar(Callback):
    """One tqdm bar per epoch, advanced per batch, its postfix the epoch's running loss and
    metrics; at the end of the epoch the postfix shows the epoch's logs (validation included).

    Parameters
    ----------
    disable : bool or None, default None
        tqdm's meaning: None shows the bar only when ``file`` is a terminal, so a log file or a
        CI run stays quiet; True hides it.
    file : file object, optional
        Where to draw; the standard output by default, as Keras and Lightning draw.
    leave : bool, default True
        Keep each epoch's finished bar on screen.
    """

    def __init__(self, disable=None, file=None, leave=True):
        self.disable = disable
        self.file = file
        self.leave = leave
        self.bar = None

    def on_epoch_start(self, state):
        self.bar = tqdm(total=state.num_batches, desc=f"Epoch {state.epoch + 1}/{state.epochs}",
                        unit="batch", disable=self.disable, leave=self.leave,
                        file=self.file if self.file is not None else sys.stdout,
                        dynamic_ncols=True)

    def on_batch_end(self, state):
        self.bar.set_postfix(_format(state.running_logs), refresh=False)
        self.bar.update(1)

    def on_epoch_end(self, state):
        self.bar.set_postfix(_format(state.logs), refresh=False)
        self._close()

    def on_exception(self, state, error):
        self._close()

    def _close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
