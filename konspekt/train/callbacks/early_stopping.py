"""``EarlyStopping``: stop when the monitored quantity has stopped improving."""

from .base import Callback
from .monitor import Monitor

__all__ = ["EarlyStopping"]


class EarlyStopping(Callback):
    """Stop training after ``patience`` epochs without improvement, as Keras's callback does.

    At the end of each epoch the monitored value v is compared with the best b so far
    (``Monitor``: v < b − min_delta when minimising). An improvement sets b = v and the wait
    counter to 0; otherwise the counter grows, and when it reaches ``patience`` training stops
    after this epoch.

    Parameters
    ----------
    monitor : str, default 'val_loss'
        A key of the epoch's logs ('loss', 'val_accuracy', …).
    min_delta : float, default 0
        The least change that counts as an improvement.
    patience : int, default 0
        Epochs without improvement before stopping (0: stop at the first one).
    mode : {'auto', 'min', 'max'}, default 'auto'
    baseline : float, optional
        A value the monitored quantity must improve on: the starting best.
    restore_best_weights : bool, default False
        At the end of training, load the weights of the best epoch back into the model (done
        whether or not training stopped early, as Keras 3 does).
    start_from_epoch : int, default 0
        Epochs of warm-up during which nothing is counted.
    verbose : bool, default False
        Print a line when stopping.

    Attributes
    ----------
    best : float
    best_epoch : int or None
        Index of the best epoch.
    wait : int
    stopped_epoch : int or None
        Index of the epoch after which training stopped; None if it ran to the end.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0, verbose=False):
        self.monitor = Monitor(monitor, mode, min_delta, owner="EarlyStopping")
        for name, value in (("patience", patience), ("start_from_epoch", start_from_epoch)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"EarlyStopping: {name} must be a non-negative int, got "
                                 f"{value!r}")
        self.patience = patience
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.verbose = verbose
        self.best_weights = None
        self._reset()

    def _reset(self):
        self.best = self.monitor.initial() if self.baseline is None else float(self.baseline)
        self.best_epoch = self.stopped_epoch = None
        self.wait = 0

    def on_fit_start(self, state):
        # A resumed run keeps the counters restored from the checkpoint.
        if state.start_epoch == 0:
            self._reset()
            self.best_weights = None

    def on_epoch_end(self, state):
        if state.epoch < self.start_from_epoch:
            return
        value = self.monitor.read(state.logs)
        if self.monitor.improves(value, self.best):
            self.best, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best_weights:
                self.best_weights = {key: tensor.data.copy()
                                     for key, tensor in state.model.state_dict().items()}
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = state.epoch
            state.stop_training = True
            if self.verbose:
                print(f"EarlyStopping: {self.monitor.name} has not improved on {self.best:.6g} "
                      f"for {self.wait} epoch(s); stopping after epoch {state.epoch}")

    def on_fit_end(self, state):
        if self.restore_best_weights and self.best_weights is not None:
            state.model.load_state_dict(self.best_weights)

    def state_dict(self):
        state = {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                 "stopped_epoch": self.stopped_epoch}
        if self.best_weights is not None:
            state["best_weights"] = self.best_weights
        return state

    def load_state_dict(self, state_dict):
        self.best = state_dict["best"]
        self.best_epoch = state_dict["best_epoch"]
        self.wait = state_dict["wait"]
        self.stopped_epoch = state_dict["stopped_epoch"]
        self.best_weights = state_dict.get("best_weights")
