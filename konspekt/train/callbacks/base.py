"""``Callback``: the hooks that ``fit`` calls around epochs and batches, and ``CallbackList``.

The order of the calls in one run of ``fit``::

    on_fit_start
    for each epoch:
        on_epoch_start
        for each batch:
            on_batch_start
            (forward, loss, backward, clipping, optimizer step)
            on_batch_end
        (validation, scheduler step, the epoch's row appended to the History)
        on_epoch_end
    on_fit_end            (on_exception instead, when the loop raises)

Every hook receives the ``FitState`` of the run: the model, optimiser, scheduler, History, the
current epoch and batch, their logs, and ``stop_training`` which a callback sets to end the run
after the current epoch. The names follow Lightning's hooks (``on_fit_start``…); Keras calls the
same moments ``on_train_begin``, ``on_epoch_begin``, ``on_train_batch_begin``….
"""

__all__ = ["Callback", "CallbackList"]


class Callback:
    """Base class of the callbacks of ``fit``: every hook does nothing until overridden.

    A callback that keeps state across epochs (a best score, a patience counter) returns it
    from ``state_dict`` and takes it back in ``load_state_dict``: a checkpoint stores it, so a
    resumed run behaves as the uninterrupted one would.

    Examples
    --------
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, state):
    ...         print(state.epoch, state.logs['loss'])
    """

    def on_fit_start(self, state):
        """Before the first epoch (after a checkpoint given as ``resume_from`` was loaded)."""

    def on_fit_end(self, state):
        """After the last epoch, or after the epoch in which ``stop_training`` was set."""

    def on_exception(self, state, error):
        """When the loop raises ``error`` (a non-finite loss, an interrupt …), instead of
        ``on_fit_end``; a callback releases its files or progress bar here."""

    def on_epoch_start(self, state):
        """Before the first batch of epoch ``state.epoch``."""

    def on_epoch_end(self, state):
        """After validation; ``state.logs`` holds the epoch's losses, metrics and lr."""

    def on_batch_start(self, state):
        """Before the forward pass of batch ``state.batch``."""

    def on_batch_end(self, state):
        """After the optimizer step; ``state.batch_logs`` holds this batch's loss and metrics,
        ``state.running_logs`` their means over the epoch so far."""

    def state_dict(self):
        """What a checkpoint keeps of this callback; nothing by default."""
        return {}

    def load_state_dict(self, state_dict):
        """Take back what ``state_dict`` returned."""


class CallbackList:
    """The callbacks of one run, called in turn.

    Checkpoint writers (callbacks whose class sets ``runs_last = True``, as ``ModelCheckpoint``
    does) are moved after the others, so that the state they save at the end of an epoch
    includes the other callbacks' updates of that epoch (a patience counter, a CSV row).
    """

    def __init__(self, callbacks=None):
        callbacks = list(callbacks or [])
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"callbacks: expected instances of konspekt.train.Callback, got "
                                f"{type(callback).__name__}")
        self.callbacks = ([c for c in callbacks if not getattr(c, "runs_last", False)]
                          + [c for c in callbacks if getattr(c, "runs_last", False)])

    def __iter__(self):
        return iter(self.callbacks)

    def call(self, hook, *args):
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    def _keys(self):
        """A name per callback for its entry in a checkpoint: the class name, with ``-2``, ``-3``
        … appended to the second and later ones of a class."""
        seen = {}
        for callback in self.callbacks:
            name = type(callback).__name__
            seen[name] = seen.get(name, 0) + 1
            yield (name if seen[name] == 1 else f"{name}-{seen[name]}"), callback

    def state_dict(self):
        return {key: callback.state_dict() for key, callback in self._keys()}

    def load_state_dict(self, state_dict):
        for key, callback in self._keys():
            if key in state_dict:
                callback.load_state_dict(state_dict[key])
