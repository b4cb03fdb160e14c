"""``ModelCheckpoint``: save the run at the end of epochs — every one, the best, the last."""

import os

from ..checkpoint import save_checkpoint
from .base import Callback
from .monitor import Monitor

__all__ = ["ModelCheckpoint"]


class ModelCheckpoint(Callback):
    """Write checkpoints that ``fit(resume_from=...)`` and ``load_checkpoint`` read.

    A checkpoint holds the model, optimizer and scheduler states, the History, the callback
    states and the random generators (see ``konspekt.train.checkpoint``); it is written with
    ``konspekt.save`` to a temporary file and renamed, so the previous file stays whole if
    the process dies while saving. The callback runs after the other callbacks of the epoch.

    Parameters
    ----------
    dirpath : str or os.PathLike
        Folder of the checkpoints; created when missing.
    filename : str, default 'epoch={epoch}'
        A format string filled with ``epoch`` (index, from 0), ``step`` and the epoch's logs,
        e.g. ``'{epoch:02d}-{val_loss:.3f}'``; '.ckpt' is appended.
    monitor : str, optional
        A key of the epoch's logs. Without it every epoch is saved (under its formatted name:
        with a constant ``filename``, the file is overwritten each epoch).
    mode : {'min', 'max', 'auto'}, default 'min'
    save_best_only : bool, default False
        With ``monitor``: save only when the monitored value improves, and remove the file of
        the previous best (one best checkpoint is kept). Without it every epoch is saved and
        the best is tracked.
    save_last : bool, default False
        Also write ``last.ckpt`` at the end of every epoch (what ``resume_from`` needs).
    save_weights_only : bool, default False
        Store the model's state dict only (and the epoch); such a file cannot resume a run.
    every_n_epochs : int, default 1
        Save every n-th epoch (epochs with index n − 1, 2n − 1 …); ``last.ckpt`` too.
    verbose : bool, default False
        Print a line for each file written.

    Attributes
    ----------
    best_model_path : str or None
    best_model_score : float or None
    last_model_path : str or None
        The file written last (``last.ckpt`` with ``save_last``).

    Examples
    --------
    >>> checkpoint = ModelCheckpoint('runs/ckpt', monitor='val_loss', save_best_only=True,
    ...                              save_last=True)                   # doctest: +SKIP
    >>> fit(model, loss_fn, optimizer, train, val, epochs=10,
    ...     callbacks=[checkpoint])                                    # doctest: +SKIP

    Later, or after a crash, the same run continues to epoch 20:

    >>> fit(model, loss_fn, optimizer, train, val, epochs=20, callbacks=[checkpoint],
    ...     resume_from='runs/ckpt/last.ckpt')                         # doctest: +SKIP
    """

    runs_last = True

    def __init__(self, dirpath, filename=None, monitor=None, mode="min", save_best_only=False,
                 save_last=False, save_weights_only=False, every_n_epochs=1, verbose=False):
        self.dirpath = os.fspath(dirpath)
        self.filename = "epoch={epoch}" if filename is None else filename
        if not isinstance(self.filename, str):
            raise TypeError(f"ModelCheckpoint: filename must be a str, got "
                            f"{type(self.filename).__name__}")
        if save_best_only and monitor is None:
            raise ValueError("ModelCheckpoint: save_best_only=True needs monitor= (the logged "
                             "quantity that decides which epoch is best)")
        if isinstance(every_n_epochs, bool) or not isinstance(every_n_epochs, int) or \
                every_n_epochs < 1:
            raise ValueError(f"ModelCheckpoint: every_n_epochs must be a positive int, got "
                             f"{every_n_epochs!r}")
        self.monitor = None if monitor is None else \
            Monitor(monitor, mode, owner="ModelCheckpoint")
        self.save_best_only = save_best_only
        self.save_last = save_last
        self.save_weights_only = save_weights_only
        self.every_n_epochs = every_n_epochs
        self.verbose = verbose
        self.best_model_path = self.best_model_score = self.last_model_path = None

    def format_path(self, state):
        """The path of the checkpoint of the current epoch."""
        try:
            name = self.filename.format(epoch=state.epoch, step=state.step, **state.logs)
        except KeyError as error:
            raise KeyError(f"ModelCheckpoint: filename {self.filename!r} names {error}, which is "
                           f"not logged; available: epoch, step, {', '.join(state.logs)}") \
                from None
        if not name.endswith(".ckpt"):
            name += ".ckpt"
        return os.path.join(self.dirpath, name)

    def _write(self, path, state):
        os.makedirs(self.dirpath, exist_ok=True)
        save_checkpoint(path, state, weights_only=self.save_weights_only)
        self.last_model_path = path
        if self.verbose:
            print(f"ModelCheckpoint: epoch {state.epoch}: saved {path}")

    def on_fit_start(self, state):
        if state.start_epoch == 0:
            self.best_model_path = self.best_model_score = self.last_model_path = None

    def on_epoch_end(self, state):
        if (state.epoch + 1) % self.every_n_epochs:
            return
        path = self.format_path(state)
        improved = False
        if self.monitor is not None:
            value = self.monitor.read(state.logs)
            best = self.monitor.initial() if self.best_model_score is None \
                else self.best_model_score
            improved = self.monitor.improves(value, best)
        if improved:
            previous = self.best_model_path
            # Record the new best before saving, so the checkpoint holds it.
            self.best_model_path, self.best_model_score = path, value
            self._write(path, state)
            if self.save_best_only and previous is not None and previous != path and \
                    os.path.exists(previous):
                os.remove(previous)
        elif not self.save_best_only:
            self._write(path, state)
        if self.save_last:
            self._write(os.path.join(self.dirpath, "last.ckpt"), state)

    def state_dict(self):
        return {"best_model_path": self.best_model_path,
                "best_model_score": self.best_model_score,
                "last_model_path": self.last_model_path}

    def load_state_dict(self, state_dict):
        self.best_model_path = state_dict["best_model_path"]
        self.best_model_score = state_dict["best_model_score"]
        self.last_model_path = state_dict["last_model_path"]
