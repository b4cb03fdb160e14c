"""``fit``, ``evaluate`` and ``predict``: the training loop of the course, written once.

One epoch of ``fit`` is the loop every lecture writes by hand: for each batch (x, y)

    model.train(); optimizer.zero_grad()
    ŷ = model(x);  L = loss_fn(ŷ, y);  L.backward()
    (optional) clip the gradients to global norm c:  g ← g · min(1, c / (‖g‖₂ + 10⁻⁶))
    optimizer.step();  (optional) scheduler.step() after each step

then the validation pass, the scheduler step of the epoch, and the epoch's row of the History.
The epoch's loss and metrics are means over samples: batch means weighted by batch size.
"""

import inspect
import math
from collections.abc import Iterator

import numpy as np

from ..autograd.creation import as_tensor
from ..autograd.grad_mode import no_grad
from ..autograd.ops.shape import cat
from ..autograd.tensor import Tensor
from ..nn.utils.clip_grad import clip_grad_norm_
from .callbacks.base import CallbackList
from .checkpoint import load_checkpoint, restore_run
from .history import History
from .metrics import resolve_metrics

__all__ = ["FitState", "NonFiniteLossError", "evaluate", "fit", "predict"]


class NonFiniteLossError(RuntimeError):
    """The training loss became NaN or infinite; ``fit`` stops before the optimizer step.

    Attributes
    ----------
    epoch, batch : int
        Indices (from 0) of the epoch and of the batch within it.
    loss : float
        The offending value.
    """

    def __init__(self, message, epoch, batch, loss):
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch
        self.loss = loss


class FitState:
    """The state of a run of ``fit``, passed to every callback hook.

    Attributes
    ----------
    model, loss_fn, optimizer, scheduler, train_loader, val_loader
        As given to ``fit``.
    callbacks : CallbackList
    history : History
    metric_names : list of str
        The training metrics' names (validation ones carry the prefix ``val_``).
    epochs : int
        Total number of epochs of the run (a resumed run counts the epochs done before).
    start_epoch : int
        First epoch this call of ``fit`` runs (> 0 after ``resume_from``).
    epoch : int
        Index of the current epoch, from 0.
    batch : int
        Index of the current batch in the epoch, from 0.
    num_batches : int or None
        ``len(train_loader)`` when the loader has a length.
    step : int
        Optimizer steps taken in the whole run.
    batch_logs : dict
        This batch's ``'loss'``, its training metrics and ``'size'`` (samples in it).
    running_logs : dict
        Means of the loss and training metrics over the epoch's batches so far.
    logs : dict
        The epoch's results, complete before ``on_epoch_end``: ``'loss'``, metrics,
        ``'val_loss'``, ``'val_<metric>'``, ``'lr'``. It starts empty before
        ``on_epoch_start``; entries that callbacks add until then (``LearningRateMonitor``)
        go into the History row too.
    stop_training : bool
        Set by a callback to end the run after the current epoch.
    """

    def __init__(self, **attributes):
        self.scheduler = None
        self.val_loader = None
        self.start_epoch = self.epoch = self.batch = self.step = 0
        self.num_batches = None
        self.batch_logs, self.running_logs, self.logs = {}, {}, {}
        self.stop_training = False
        self.__dict__.update(attributes)

    def learning_rate(self):
        """The learning rate of the first parameter group."""
        return float(self.optimizer.param_groups[0]["lr"])


def _to_tensor(value):
    return as_tensor(value) if isinstance(value, np.ndarray) else value


def _split_batch(batch, where):
    """(inputs as a tuple of positional arguments, target) from a batch ``(x, y)``."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        kind = f"a {type(batch).__name__} of length {len(batch)}" \
            if isinstance(batch, (tuple, list)) else f"a {type(batch).__name__}"
        raise TypeError(f"{where}: each batch must be a pair (inputs, target), got {kind}")
    inputs, target = batch
    inputs = tuple(map(_to_tensor, inputs)) if isinstance(inputs, (tuple, list)) \
        else (_to_tensor(inputs),)
    return inputs, _to_tensor(target)


def _batch_size(inputs, target):
    for value in (target,) + inputs:
        shape = getattr(value, "shape", ())
        if len(shape) > 0:
            return int(shape[0])
    return 1


class _Means:
    """Running means over samples: Σ n_b · v_b / Σ n_b for each name."""

    def __init__(self):
        self.sums, self.count = {}, 0

    def add(self, values, size):
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + value * size
        self.count += size

    def means(self):
        return {name: total / self.count if self.count else math.nan
                for name, total in self.sums.items()}


def _batch_metrics(metrics, output, target):
    if not metrics:
        return {}
    detached = output.detach() if isinstance(output, Tensor) else output
    return {name: float(metric(detached, target)) for name, metric in metrics.items()}


def _takes_metric(scheduler):
    """ReduceLROnPlateau's ``step(metrics)`` needs the monitored value; others take nothing."""
    try:
        parameters = inspect.signature(scheduler.step).parameters
    except (TypeError, ValueError):
        return False
    return "metrics" in parameters


def _check_epochs(epochs):
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")


def fit(model, loss_fn, optimizer, train_loader, val_loader=None, epochs=1, metrics=None,
        callbacks=None, scheduler=None, grad_clip=None, scheduler_interval="epoch",
        resume_from=None):
    """Train ``model`` for ``epochs`` epochs; return its ``History``.

    Parameters
    ----------
    model : Module
    loss_fn : callable
        ``loss_fn(y_pred, y_true)`` returning the batch's mean loss as a 0-d tensor (e.g.
        ``nn.CrossEntropyLoss()``).
    optimizer : Optimizer
        Anything with torch.optim's interface: ``zero_grad``, ``step``, ``param_groups``,
        ``state_dict`` / ``load_state_dict``.
    train_loader : iterable of (inputs, target)
        A ``DataLoader`` or any re-iterable of pairs, e.g. a list of tuples; ``inputs`` may be a
        tuple of tensors, passed as ``model(*inputs)``. NumPy arrays are turned into tensors.
    val_loader : iterable of (inputs, target), optional
        Evaluated after each epoch (``evaluate``); its results carry the prefix ``val_``.
    epochs : int, default 1
        The total number of epochs; a run resumed after epoch e (index, from 0) runs epochs
        e + 1 … epochs − 1.
    metrics : str, callable, or list / dict of them, optional
        'accuracy', 'top5_accuracy', 'binary_accuracy', 'mae', 'mse', or callables
        ``(y_pred, y_true) -> float`` (batch means); see ``konspekt.train.metrics``. The
        training figures come from each batch's forward pass in training mode, while the
        weights change during the epoch (as Keras reports them); ``evaluate`` gives the
        figures of the final weights.
    callbacks : list of Callback, optional
    scheduler : LR scheduler, optional
        Stepped after each epoch (a scheduler whose ``step`` takes ``metrics``, as
        ``ReduceLROnPlateau``, receives the epoch's ``val_loss``, or ``loss`` without
        validation data), or after each optimizer step with ``scheduler_interval='step'``
        (``OneCycleLR``, warm-up schedules).
    grad_clip : float, optional
        Clip the gradients of ``model.parameters()`` to this global L2 norm before each step
        (``nn.utils.clip_grad_norm_``).
    scheduler_interval : {'epoch', 'step'}, default 'epoch'
    resume_from : str or os.PathLike, optional
        A checkpoint written by ``ModelCheckpoint`` or ``save_checkpoint``: the model,
        optimizer, scheduler, History, callback states and random generators are restored and
        training continues after its epoch, taking the steps an uninterrupted run would take.

    Returns
    -------
    History

    Raises
    ------
    NonFiniteLossError
        When a training loss is NaN or infinite; the message names the epoch and batch. The
        parameters are those after the last good step, and checkpoints already written stay.

    Examples
    --------
    >>> import konspekt as kp
    >>> _ = kp.manual_seed(0)
    >>> model = kp.nn.Linear(3, 1)
    >>> batches = [(kp.randn(8, 3), kp.randn(8, 1)) for _ in range(4)]
    >>> history = fit(model, kp.nn.MSELoss(), kp.optim.SGD(model.parameters(), lr=0.1),
    ...               batches, epochs=3, metrics=['mae'])
    >>> list(history.history), history.epoch
    (['loss', 'mae', 'lr'], [0, 1, 2])
    >>> history['loss'][-1] < history['loss'][0]
    True
    """
    _check_epochs(epochs)
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(f"scheduler_interval must be 'epoch' or 'step', got "
                         f"{scheduler_interval!r}")
    if grad_clip is not None and (isinstance(grad_clip, bool) or
                                  not (isinstance(grad_clip, (int, float)) and grad_clip > 0)):
        raise ValueError(f"grad_clip must be a positive number (the largest global gradient "
                         f"norm), got {grad_clip!r}")
    if isinstance(train_loader, Iterator):
        raise TypeError("train_loader must be re-iterable (a DataLoader, a list of batches), "
                        "not an iterator that is used up after one epoch")
    plateau = scheduler is not None and _takes_metric(scheduler)
    if plateau and scheduler_interval == "step":
        raise ValueError("a scheduler stepped on a monitored value (ReduceLROnPlateau) needs "
                         "scheduler_interval='epoch'")
    metric_functions = resolve_metrics(metrics)
    state = FitState(model=model, loss_fn=loss_fn, optimizer=optimizer, scheduler=scheduler,
                     train_loader=train_loader, val_loader=val_loader,
                     callbacks=CallbackList(callbacks), history=History(),
                     metric_names=list(metric_functions), epochs=epochs)
    if resume_from is not None:
        checkpoint = load_checkpoint(resume_from, model, optimizer, scheduler)
        restore_run(checkpoint, state, resume_from)
    try:
        state.num_batches = len(train_loader)
    except TypeError:
        state.num_batches = None

    try:
        state.callbacks.call("on_fit_start", state)
        for epoch in range(state.start_epoch, epochs):
            state.epoch = epoch
            logs, learning_rate = _run_epoch(state, metric_functions, grad_clip,
                                             scheduler_interval)
            if val_loader is not None:
                results = evaluate(model, loss_fn, val_loader, metric_functions)
                logs.update({f"val_{name}": value for name, value in results.items()})
            logs["lr"] = learning_rate
            # What callbacks added during the epoch comes last.
            state.logs = {**logs, **state.logs}
            if scheduler is not None and scheduler_interval == "epoch":
                if plateau:
                    scheduler.step(logs.get("val_loss", logs["loss"]))
                else:
                    scheduler.step()
            state.history.append(epoch, state.logs)
            state.callbacks.call("on_epoch_end", state)
            if state.stop_training:
                break
    except BaseException as error:
        state.callbacks.call("on_exception", state, error)
        raise
    state.callbacks.call("on_fit_end", state)
    return state.history


def _run_epoch(state, metrics, grad_clip, scheduler_interval):
    """The batches of one epoch; returns the training means and the lr the epoch used."""
    model, optimizer = state.model, state.optimizer
    means = _Means()
    state.logs, state.running_logs = {}, {}
    # The lr this epoch trains with, read before a per-step scheduler changes it.
    learning_rate = state.learning_rate()
    state.callbacks.call("on_epoch_start", state)
    for index, batch in enumerate(state.train_loader):
        state.batch = index
        inputs, target = _split_batch(batch, "fit")
        state.callbacks.call("on_batch_start", state)
        model.train()
        optimizer.zero_grad()
        output = model(*inputs)
        loss = state.loss_fn(output, target)
        loss_value = float(loss.item())
        if not math.isfinite(loss_value):
            of_batches = f"/{state.num_batches}" if state.num_batches is not None else ""
            raise NonFiniteLossError(
                f"the training loss is {loss_value} in epoch {state.epoch + 1}/{state.epochs}, "
                f"batch {index + 1}{of_batches} (epoch index {state.epoch}, batch index "
                f"{index}); training stopped before this batch's optimizer step, and "
                "checkpoints already written are kept. Lower the learning rate, clip the "
                "gradients (grad_clip) or check the data for NaN/inf.",
                state.epoch, index, loss_value)
        loss.backward()
        if grad_clip is not None:
            clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        state.step += 1
        if state.scheduler is not None and scheduler_interval == "step":
            state.scheduler.step()
        size = _batch_size(inputs, target)
        values = {"loss": loss_value, **_batch_metrics(metrics, output, target)}
        means.add(values, size)
        state.batch_logs = {**values, "size": size}
        state.running_logs = means.means()
        state.callbacks.call("on_batch_end", state)
    if means.count == 0:
        raise ValueError("train_loader yielded no batches")
    return means.means(), learning_rate


def _modes(model):
    return [(module, module.training) for module in model.modules()]


def _restore_modes(modes):
    for module, training in modes:
        module.training = training


def evaluate(model, loss_fn, loader, metrics=None):
    """Mean loss and metrics of ``model`` over ``loader``, in evaluation mode without gradients.

    Parameters
    ----------
    model : Module
    loss_fn : callable or None
        ``loss_fn(y_pred, y_true)``, the batch mean; None to compute the metrics only.
    loader : iterable of (inputs, target)
    metrics : as in ``fit``

    Returns
    -------
    dict
        ``'loss'`` (when ``loss_fn`` is given) and each metric by name: means over the samples
        (batch means weighted by batch size).

    Notes
    -----
    Every module's training flag is restored afterwards, whatever it was.
    """
    metric_functions = resolve_metrics(metrics)
    modes = _modes(model)
    means = _Means()
    model.eval()
    try:
        with no_grad():
            for batch in loader:
                inputs, target = _split_batch(batch, "evaluate")
                output = model(*inputs)
                values = {"loss": float(loss_fn(output, target).item())} if loss_fn else {}
                values.update(_batch_metrics(metric_functions, output, target))
                means.add(values, _batch_size(inputs, target))
    finally:
        _restore_modes(modes)
    if means.count == 0:
        raise ValueError("evaluate: the loader yielded no batches")
    return means.means()


def predict(model, data, batch_size=None):
    """Outputs of ``model`` in evaluation mode without gradients.

    Parameters
    ----------
    model : Module
    data : Tensor, NumPy array, or iterable of batches
        A tensor is passed whole (or in slices of ``batch_size`` along dimension 0); from an
        iterable of batches, the inputs are a batch's first element when it is a tuple or list
        (``(x, y)`` or ``(x,)``), the batch itself otherwise.
    batch_size : int, optional
        Only for a tensor.

    Returns
    -------
    Tensor
        The outputs, concatenated along dimension 0.
    """
    data = _to_tensor(data)
    if isinstance(data, Tensor):
        if batch_size is None:
            batches = [data]
        elif isinstance(batch_size, int) and batch_size > 0:
            batches = [data[start:start + batch_size]
                       for start in range(0, max(len(data), 1), batch_size)]
        else:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    elif batch_size is not None:
        raise ValueError("batch_size applies to a tensor; a loader makes its own batches")
    else:
        batches = (_to_tensor(b[0] if isinstance(b, (tuple, list)) else b) for b in data)
    modes = _modes(model)
    model.eval()
    try:
        with no_grad():
            outputs = [model(batch) for batch in batches]
    finally:
        _restore_modes(modes)
    if not outputs:
        raise ValueError("predict: no batches")
    return outputs[0] if len(outputs) == 1 else cat(outputs, dim=0)
