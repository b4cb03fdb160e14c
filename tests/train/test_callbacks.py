"""Callbacks of ``fit``: the order of the hooks, EarlyStopping (the epoch it stops at, restored
weights, min_delta, mode, baseline), ModelCheckpoint (best only, last, every n, file names),
CSVLogger (contents read back, append, atomic rewrite), LearningRateMonitor (values per epoch and
per step, groups, momentum), ProgressBar (drawn on a terminal, quiet elsewhere), TensorBoard
(scalars and histograms read back from the event files), and their errors."""

import csv
import io
import math
import sys

import numpy as np
import pytest

import konspekt as kp
from konspekt.optim import lr_scheduler
from konspekt.train import fit, load_checkpoint
from konspekt.train.callbacks import (Callback, CSVLogger, EarlyStopping, LearningRateMonitor,
                                      ModelCheckpoint, ProgressBar, TensorBoard)


def _batches(n=12, size=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    return [(kp.tensor(x[i:i + size]), kp.tensor(y[i:i + size])) for i in range(0, n, size)]


def _model(seed=0):
    kp.manual_seed(seed)
    return kp.nn.Sequential(kp.nn.Linear(3, 4), kp.nn.Tanh(), kp.nn.Linear(4, 2))


def _weights(model):
    return {key: value.data.copy() for key, value in model.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


class Scripted(Callback):
    """Logs a given value as ``name`` in each epoch and keeps the weights of every epoch."""

    def __init__(self, values, name="score"):
        self.values, self.name = values, name
        self.weights = []

    def on_epoch_start(self, state):
        state.logs[self.name] = self.values[state.epoch]

    def on_epoch_end(self, state):
        self.weights.append(_weights(state.model))


def _run(callbacks, epochs, model=None, **kwargs):
    model = model or _model()
    optimizer = kwargs.pop("optimizer", None) or kp.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, kp.nn.CrossEntropyLoss(), optimizer, _batches(), epochs=epochs,
                  callbacks=callbacks, **kwargs)
    return model, history


# ---- hooks ----------------------------------------------------------------------------------

def test_hooks_are_called_in_order_and_checkpoint_writers_last(tmp_path):
    calls = []

    class Recorder(Callback):
        def __init__(self, name):
            self.name = name

        def on_fit_start(self, state):
            calls.append((self.name, "fit_start"))

        def on_epoch_start(self, state):
            calls.append((self.name, "epoch_start", state.epoch))

        def on_batch_start(self, state):
            calls.append((self.name, "batch_start", state.epoch, state.batch))

        def on_batch_end(self, state):
            calls.append((self.name, "batch_end", state.step, state.batch_logs["size"]))

        def on_epoch_end(self, state):
            calls.append((self.name, "epoch_end", state.epoch, sorted(state.logs)))

        def on_fit_end(self, state):
            calls.append((self.name, "fit_end"))

    class Writer(Recorder):
        runs_last = True

    _run([Writer("w"), Recorder("r")], epochs=1)
    keys = ["loss", "lr"]
    assert calls == [("r", "fit_start"), ("w", "fit_start"),
                     ("r", "epoch_start", 0), ("w", "epoch_start", 0),
                     ("r", "batch_start", 0, 0), ("w", "batch_start", 0, 0),
                     ("r", "batch_end", 1, 4), ("w", "batch_end", 1, 4),
                     ("r", "batch_start", 0, 1), ("w", "batch_start", 0, 1),
                     ("r", "batch_end", 2, 4), ("w", "batch_end", 2, 4),
                     ("r", "batch_start", 0, 2), ("w", "batch_start", 0, 2),
                     ("r", "batch_end", 3, 4), ("w", "batch_end", 3, 4),
                     ("r", "epoch_end", 0, keys), ("w", "epoch_end", 0, keys),
                     ("r", "fit_end"), ("w", "fit_end")]


def test_on_exception_is_called_instead_of_on_fit_end():
    seen = []

    class Watch(Callback):
        def on_exception(self, state, error):
            seen.append(type(error).__name__)

        def on_fit_end(self, state):
            seen.append("fit_end")

    class Boom(Callback):
        def on_batch_end(self, state):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run([Watch(), Boom()], epochs=1)
    assert seen == ["KeyboardInterrupt"]


# ---- EarlyStopping --------------------------------------------------------------------------

def test_early_stopping_stops_after_patience_epochs_without_improvement():
    scripted = Scripted([3.0, 2.0, 2.5, 2.1, 1.0, 0.5])
    stopper = EarlyStopping(monitor="score", patience=2)
    model, history = _run([scripted, stopper], epochs=6)
    # best at epoch 1; epochs 2 and 3 do not improve: stop after epoch 3
    assert history.epoch == [0, 1, 2, 3]
    assert history["score"] == [3.0, 2.0, 2.5, 2.1]
    assert (stopper.stopped_epoch, stopper.best_epoch, stopper.best, stopper.wait) == (3, 1, 2.0, 2)
    assert _same(_weights(model), scripted.weights[3])  # not restored


def test_early_stopping_restores_the_best_weights():
    scripted = Scripted([3.0, 2.0, 2.5, 2.1, 1.0, 0.5])
    model, history = _run([scripted, EarlyStopping(monitor="score", patience=2,
                                                   restore_best_weights=True)], epochs=6)
    assert len(history) == 4
    assert _same(_weights(model), scripted.weights[1])
    assert not _same(_weights(model), scripted.weights[3])


def test_early_stopping_patience_zero_min_delta_mode_and_baseline():
    # patience 0: the first epoch without improvement stops
    _, history = _run([Scripted([3.0, 2.0, 2.0, 1.0]), EarlyStopping("score")], epochs=4)
    assert len(history) == 3
    # min_delta: 2.95 and 2.9 are not better than 3.0 by more than 0.1
    stopper = EarlyStopping("score", min_delta=0.1, patience=1)
    _, history = _run([Scripted([3.0, 2.95, 2.9, 1.0]), stopper], epochs=4)
    assert len(history) == 2 and stopper.best == 3.0
    # mode 'max' (and 'auto' maximises accuracies)
    for mode, name in (("max", "score"), ("auto", "val_accuracy")):
        stopper = EarlyStopping(name, mode=mode)
        _, history = _run([Scripted([0.1, 0.5, 0.4, 0.6], name), stopper], epochs=4)
        assert len(history) == 3 and stopper.best == 0.5
    # baseline: nothing beats 1.0, so it stops after patience epochs
    stopper = EarlyStopping("score", patience=1, baseline=1.0)
    _, history = _run([Scripted([3.0, 2.0, 0.5]), stopper], epochs=3)
    assert len(history) == 1 and stopper.best_epoch is None
    # start_from_epoch: the first two epochs are not counted
    _, history = _run([Scripted([3.0, 4.0, 5.0, 6.0]), EarlyStopping("score", start_from_epoch=2)],
                      epochs=4)
    assert len(history) == 4


def test_early_stopping_errors():
    with pytest.raises(RuntimeError, match=r"EarlyStopping monitors 'val_loss'.*loss, lr"):
        _run([EarlyStopping()], epochs=1)
    with pytest.raises(ValueError, match="mode must be 'min', 'max' or 'auto'"):
        EarlyStopping(mode="up")
    with pytest.raises(ValueError, match="patience must be a non-negative int"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="min_delta must be a non-negative number"):
        EarlyStopping(min_delta=-0.1)


# ---- ModelCheckpoint ------------------------------------------------------------------------

def test_model_checkpoint_keeps_only_the_best_and_the_last(tmp_path):
    scripted = Scripted([3.0, 2.0, 2.5, 1.5, 1.8])
    checkpoint = ModelCheckpoint(tmp_path, filename="{epoch:02d}-{score:.1f}", monitor="score",
                                 save_best_only=True, save_last=True)
    _run([checkpoint, scripted], epochs=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["03-1.5.ckpt", "last.ckpt"]
    assert checkpoint.best_model_path == str(tmp_path / "03-1.5.ckpt")
    assert checkpoint.best_model_score == 1.5
    best = load_checkpoint(checkpoint.best_model_path, _model(seed=7))
    assert best["epoch"] == 3
    assert _same({k: v.data for k, v in best["model"].items()}, scripted.weights[3])
    last = _model(seed=7)
    assert load_checkpoint(tmp_path / "last.ckpt", last)["epoch"] == 4
    assert _same(_weights(last), scripted.weights[4])
    # the checkpoint holds the callback's own state of that epoch
    assert best["callbacks"]["ModelCheckpoint"]["best_model_score"] == 1.5


def test_model_checkpoint_every_epoch_every_n_and_weights_only(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "all", monitor="loss")
    _run([checkpoint], epochs=3)
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == \
        ["epoch=0.ckpt", "epoch=1.ckpt", "epoch=2.ckpt"]
    assert checkpoint.best_model_path == str(tmp_path / "all" / "epoch=2.ckpt")

    _run([ModelCheckpoint(tmp_path / "n", every_n_epochs=2, save_last=True)], epochs=5)
    assert sorted(p.name for p in (tmp_path / "n").iterdir()) == \
        ["epoch=1.ckpt", "epoch=3.ckpt", "last.ckpt"]

    _run([ModelCheckpoint(tmp_path / "w", filename="w", save_weights_only=True)], epochs=1)
    saved = load_checkpoint(tmp_path / "w" / "w.ckpt", _model())
    assert set(saved) == {"format", "epoch", "step", "model"}
    model = _model()
    with pytest.raises(ValueError, match="holds no optimizer state"):
        load_checkpoint(tmp_path / "w" / "w.ckpt", model, kp.optim.SGD(model.parameters(), 0.1))
    with pytest.raises(ValueError, match="holds no optimizer state to load"):
        _run([], epochs=2, resume_from=tmp_path / "w" / "w.ckpt")


def test_model_checkpoint_errors(tmp_path):
    with pytest.raises(ValueError, match="save_best_only=True needs monitor="):
        ModelCheckpoint(tmp_path, save_best_only=True)
    with pytest.raises(ValueError, match="every_n_epochs must be a positive int"):
        ModelCheckpoint(tmp_path, every_n_epochs=0)
    with pytest.raises(RuntimeError, match="ModelCheckpoint monitors 'val_loss'"):
        _run([ModelCheckpoint(tmp_path, monitor="val_loss")], epochs=1)
    with pytest.raises(KeyError, match="names 'val_acc', which is not logged"):
        _run([ModelCheckpoint(tmp_path, filename="{val_acc}")], epochs=1)
    kp.save({"w": kp.ones(2)}, tmp_path / "plain.ckpt")
    with pytest.raises(ValueError, match="not a training checkpoint"):
        load_checkpoint(tmp_path / "plain.ckpt")


# ---- CSVLogger ------------------------------------------------------------------------------

def _read_csv(path, separator=","):
    with open(path, newline="") as file:
        return list(csv.DictReader(file, delimiter=separator))


def test_csv_logger_writes_one_exact_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    _, history = _run([CSVLogger(path)], epochs=3, val_loader=_batches(6, 3, seed=1),
                      metrics=["accuracy"])
    rows = _read_csv(path)
    assert list(rows[0]) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    for key in history.history:
        assert [float(r[key]) for r in rows] == history[key]  # repr: exact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]  # no temporary left


def test_csv_logger_append_separator_and_new_columns(tmp_path):
    path = tmp_path / "log.tsv"
    _run([CSVLogger(path, separator="\t")], epochs=2)
    _run([CSVLogger(path, separator="\t", append=True), LearningRateMonitor()], epochs=1)
    rows = _read_csv(path, "\t")
    assert [r["epoch"] for r in rows] == ["0", "1", "0"]
    assert [r["lr-SGD"] for r in rows] == ["", "", "0.1"]
    _run([CSVLogger(path, separator="\t")], epochs=1)  # without append: a new file
    assert len(_read_csv(path, "\t")) == 1


# ---- LearningRateMonitor --------------------------------------------------------------------

def test_learning_rate_monitor_per_epoch_with_groups_and_momentum():
    model = _model()
    optimizer = kp.optim.SGD([{"params": model[0].parameters()},
                              {"params": model[2].parameters(), "lr": 0.4}],
                             lr=0.2, momentum=0.9)
    monitor = LearningRateMonitor(log_momentum=True)
    _, history = _run([monitor], epochs=3, model=model, optimizer=optimizer,
                      scheduler=lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5))
    assert monitor.lrs == {"lr-SGD/pg0": [0.2, 0.1, 0.05], "momentum-SGD/pg0": [0.9] * 3,
                           "lr-SGD/pg1": [0.4, 0.2, 0.1], "momentum-SGD/pg1": [0.9] * 3}
    assert history["lr-SGD/pg1"] == [0.4, 0.2, 0.1]
    assert history["lr"] == [0.2, 0.1, 0.05]


def test_learning_rate_monitor_per_step_and_adam_betas():
    model = _model()
    optimizer = kp.optim.Adam(model.parameters(), lr=0.8, betas=(0.8, 0.99))
    monitor = LearningRateMonitor("step", log_momentum=True)
    seen = []

    class Batch(Callback):
        def on_batch_end(self, state):
            seen.append(state.batch_logs["lr-Adam"])

    _run([monitor, Batch()], epochs=2, model=model, optimizer=optimizer,
         scheduler=lr_scheduler.ExponentialLR(optimizer, gamma=0.5), scheduler_interval="step")
    assert monitor.lrs["lr-Adam"] == [0.8 * 0.5 ** k for k in range(6)] == seen
    assert monitor.lrs["momentum-Adam"] == [0.8] * 6
    with pytest.raises(ValueError, match="logging_interval must be 'epoch' or 'step'"):
        LearningRateMonitor("batch")


# ---- ProgressBar ----------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_draws_on_a_terminal_and_is_quiet_elsewhere():
    screen = _Terminal()
    _run([ProgressBar(file=screen)], epochs=2, val_loader=_batches(6, 3), metrics=["accuracy"])
    text = screen.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "3/3" in text and "loss=" in text and "val_accuracy=" in text
    log = io.StringIO()  # not a terminal: disable=None keeps it quiet
    _run([ProgressBar(file=log)], epochs=1)
    assert log.getvalue() == ""
    hidden = _Terminal()
    _run([ProgressBar(file=hidden, disable=True)], epochs=1)
    assert hidden.getvalue() == ""


def test_progress_bar_writes_to_stdout_by_default(capsys):
    _run([ProgressBar(disable=False)], epochs=1)
    captured = capsys.readouterr()
    assert "Epoch 1/1" in captured.out and captured.err == ""


# ---- TensorBoard ----------------------------------------------------------------------------

def test_tensorboard_scalars_and_histograms_read_back(tmp_path):
    from konspekt.utils.tensorboard import read_events, read_scalars
    snapshots = Scripted([0.0] * 3)
    model, history = _run([TensorBoard(tmp_path, log_every_n_steps=2, histogram_freq=2),
                           snapshots], epochs=3, val_loader=_batches(6, 3), metrics=["accuracy"])
    scalars = read_scalars(tmp_path)
    for key, values in history.history.items():
        steps, logged = zip(*scalars[f"epoch/{key}"])
        assert steps == (0, 1, 2)
        np.testing.assert_array_equal(logged, np.float32(values))  # TensorBoard keeps float32
    assert [step for step, _ in scalars["batch/loss"]] == [2, 4, 6, 8]
    histograms = {}
    for path in tmp_path.glob("*tfevents*"):
        for event in read_events(path):
            for value in event.summary.value:
                if value.HasField("histo"):
                    histograms.setdefault(value.tag, []).append((event.step, value.histo))
    names = [name for name, _ in model.named_parameters()]
    assert sorted(histograms) == sorted([f"weights/{n}" for n in names]
                                        + [f"gradients/{n}" for n in names])
    step, histogram = histograms["weights/0.weight"][0]
    assert step == 1 and histogram.num == 12
    weights = snapshots.weights[1]["0.weight"]
    assert (histogram.min, histogram.max) == pytest.approx((weights.min(), weights.max()))
    assert histogram.sum == pytest.approx(weights.sum(), abs=1e-6)


def test_tensorboard_writes_weights_as_images(tmp_path):
    pytest.importorskip("PIL", reason="tensorboardX encodes images with Pillow")
    from konspekt.utils.tensorboard import read_events
    kp.manual_seed(0)
    model = kp.nn.Sequential(kp.nn.Conv2d(1, 4, 3), kp.nn.Flatten(), kp.nn.Linear(16, 2))
    x = kp.randn(4, 1, 4, 4)
    fit(model, kp.nn.CrossEntropyLoss(), kp.optim.SGD(model.parameters(), lr=0.1),
        [(x, kp.tensor([0, 1, 0, 1]))], epochs=2,
        callbacks=[TensorBoard(tmp_path, write_images=True)])
    images = {}
    for path in tmp_path.glob("*tfevents*"):
        for event in read_events(path):
            for value in event.summary.value:
                if value.HasField("image"):
                    images.setdefault(value.tag, []).append((event.step, value.image))
    # biases (1-D) are not images; the four 3 × 3 filters form a 3 × 12 grid
    assert sorted(images) == ["images/0.weight", "images/2.weight"]
    assert [step for step, _ in images["images/0.weight"]] == [0, 1]
    assert [(i.height, i.width) for _, i in images["images/0.weight"]] == [(3, 12)] * 2
    assert [(i.height, i.width) for _, i in images["images/2.weight"]] == [(2, 16)] * 2


def test_tensorboard_needs_tensorboardx(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    monkeypatch.delitem(sys.modules, "konspekt.utils.tensorboard", raising=False)
    with pytest.raises(ImportError, match=r"pip install konspekt\[logging\]"):
        TensorBoard("logs")


def test_a_quantity_logged_from_a_later_epoch_on_is_nan_before():
    class Late(Callback):
        def on_epoch_start(self, state):
            if state.epoch == 1:
                state.logs["late"] = 1.0

    _, history = _run([Late()], epochs=2)
    assert math.isnan(history["late"][0]) and history["late"][1] == 1.0
