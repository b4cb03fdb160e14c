"""Checkpoints: a run of 4 epochs and a run of 2 epochs resumed for 2 more end bit-identical
(weights, optimizer state, scheduler, History, CSV and TensorBoard logs, random generators),
with shuffling by the default generator or by the loader's own, dropout, Adam and callbacks;
the file's contents; errors."""

import csv

import numpy as np
import pytest

import konspekt as kp
from konspekt.optim import lr_scheduler
from konspekt.train import fit, load_checkpoint, save_checkpoint
from konspekt.train.callbacks import (CSVLogger, EarlyStopping, LearningRateMonitor,
                                      ModelCheckpoint, TensorBoard)
from konspekt.utils.data import DataLoader, TensorDataset
from konspekt.utils.tensorboard import read_scalars


def _dataset():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3)).astype(np.float32)
    y = (x[:, 0] - x[:, 2] > 0).astype(np.int64)
    return TensorDataset(kp.tensor(x), kp.tensor(y))


def _setup(model_seed, loader_generator=None):
    """A fresh model (its initial weights drawn with ``model_seed``), Adam, a StepLR halving the
    lr every other epoch, and a shuffling loader."""
    kp.manual_seed(model_seed)
    model = kp.nn.Sequential(kp.nn.Linear(3, 8), kp.nn.ReLU(), kp.nn.Dropout(0.25),
                             kp.nn.Linear(8, 2))
    optimizer = kp.optim.Adam(model.parameters(), lr=0.05)
    loader = DataLoader(_dataset(), batch_size=8, shuffle=True, generator=loader_generator)
    return model, optimizer, lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5), loader


def _train(setup, epochs, callbacks, **kwargs):
    model, optimizer, scheduler, loader = setup
    history = fit(model, kp.nn.CrossEntropyLoss(), optimizer, loader,
                  val_loader=[(kp.tensor(np.ones((4, 3), np.float32)), kp.tensor([0, 1, 0, 1]))],
                  epochs=epochs, metrics=["accuracy"], callbacks=callbacks, scheduler=scheduler,
                  **kwargs)
    return history


def _assert_same_state(a, b):
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _assert_same_state(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same_state(x, y)
    elif isinstance(a, kp.Tensor):
        assert a.dtype == b.dtype and np.array_equal(a.data, b.data)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    else:
        assert a == b


def _csv(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("own_generator", [False, True], ids=["default-generator",
                                                              "loader-generator"])
def test_two_epochs_and_a_resume_equal_four_epochs_bit_for_bit(tmp_path, own_generator):
    def generator(seed):
        return kp.Generator().manual_seed(seed) if own_generator else None

    kp.manual_seed(0)
    straight = _setup(1, generator(3))
    kp.manual_seed(123)
    history = _train(straight, 4, [CSVLogger(tmp_path / "straight.csv"),
                                   EarlyStopping("val_loss", patience=10), LearningRateMonitor()])
    after_straight = kp.rand(4).data

    interrupted = _setup(1, generator(3))
    kp.manual_seed(123)
    log = tmp_path / "resumed.csv"
    board = tmp_path / "board"
    _train(interrupted, 2, [CSVLogger(log), EarlyStopping("val_loss", patience=10),
                            LearningRateMonitor(), ModelCheckpoint(tmp_path, save_last=True),
                            TensorBoard(board)])
    # A new process: other initial weights, another random state, new objects.
    resumed = _setup(99, generator(77))
    kp.manual_seed(4242)
    stopper, monitor = EarlyStopping("val_loss", patience=10), LearningRateMonitor()
    resumed_history = _train(resumed, 4, [CSVLogger(log), stopper, monitor, TensorBoard(board)],
                             resume_from=tmp_path / "last.ckpt")
    after_resumed = kp.rand(4).data

    model, optimizer, scheduler, _ = straight
    model_r, optimizer_r, scheduler_r, _ = resumed
    _assert_same_state(model.state_dict(), model_r.state_dict())
    _assert_same_state(optimizer.state_dict(), optimizer_r.state_dict())
    _assert_same_state(scheduler.state_dict(), scheduler_r.state_dict())
    assert scheduler_r.last_epoch == 4
    assert resumed_history.history == history.history and resumed_history.epoch == [0, 1, 2, 3]
    assert np.array_equal(after_straight, after_resumed)
    assert _csv(log) == _csv(tmp_path / "straight.csv")
    assert monitor.lrs == {"lr-Adam": [0.05, 0.05, 0.025, 0.025]}
    assert stopper.best == min(history["val_loss"])
    logged = read_scalars(board)["epoch/loss"]  # both runs' event files
    assert [step for step, _ in logged] == [0, 1, 2, 3]
    np.testing.assert_array_equal([v for _, v in logged], np.float32(history["loss"]))


def test_a_resumed_run_that_is_already_complete_trains_no_more(tmp_path):
    setup = _setup(1)
    _train(setup, 2, [ModelCheckpoint(tmp_path, save_last=True)])
    resumed = _setup(2)
    history = _train(resumed, 2, [], resume_from=tmp_path / "last.ckpt")
    assert history.epoch == [0, 1]
    _assert_same_state(setup[0].state_dict(), resumed[0].state_dict())


def test_save_checkpoint_contents_and_load_checkpoint(tmp_path):
    setup = _setup(1)
    captured = {}

    class Save(kp.train.Callback):
        def on_epoch_end(self, state):
            save_checkpoint(tmp_path / "manual.ckpt", state)
            captured["step"] = state.step

    _train(setup, 1, [Save()])
    model, optimizer, scheduler, _ = _setup(5)
    checkpoint = load_checkpoint(tmp_path / "manual.ckpt", model, optimizer, scheduler)
    assert list(checkpoint) == ["format", "epoch", "step", "model", "optimizer", "scheduler",
                                "history", "rng", "callbacks"]
    assert checkpoint["epoch"] == 0 and checkpoint["step"] == captured["step"] == 4
    assert checkpoint["callbacks"] == {"Save": {}}
    assert checkpoint["rng"]["loader"] == []
    _assert_same_state(model.state_dict(), setup[0].state_dict())
    _assert_same_state(optimizer.state_dict(), setup[1].state_dict())
    assert scheduler.last_epoch == 1


def test_resume_errors(tmp_path):
    _train(_setup(1, kp.Generator().manual_seed(0)), 1,
           [ModelCheckpoint(tmp_path, filename="own")])
    with pytest.raises(ValueError, match=r"drawing from 1 own generator\(s\); this one draws "
                                         r"from 0"):
        _train(_setup(1), 2, [], resume_from=tmp_path / "own.ckpt")
    with pytest.raises(FileNotFoundError):
        _train(_setup(1), 2, [], resume_from=tmp_path / "missing.ckpt")


def test_early_stopping_keeps_its_best_weights_across_a_resume(tmp_path):
    class Score(kp.train.Callback):
        """Logs 'score' = epoch index (so epoch 0 stays the best) and keeps epoch 0's weights."""

        def on_epoch_start(self, state):
            state.logs["score"] = float(state.epoch)

        def on_epoch_end(self, state):
            if state.epoch == 0:
                self.first = {k: v.data.copy() for k, v in state.model.state_dict().items()}

    score = Score()
    # ModelCheckpoint listed first still saves after EarlyStopping has counted the epoch.
    _train(_setup(1), 2, [ModelCheckpoint(tmp_path, save_last=True), score,
                          EarlyStopping("score", patience=5, restore_best_weights=True)])
    resumed = _setup(2)
    stopper = EarlyStopping("score", patience=5, restore_best_weights=True)
    _train(resumed, 4, [Score(), stopper], resume_from=tmp_path / "last.ckpt")
    assert stopper.best_epoch == 0 and stopper.wait == 3
    _assert_same_state({k: v.data for k, v in resumed[0].state_dict().items()}, score.first)
