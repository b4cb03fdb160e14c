"""``fit``, ``evaluate``, ``predict``: the loop against a torch loop on the same weights (float64),
against the hand-written konspekt loop (bit-identical, dropout included), sample-weighted means,
schedulers per epoch and per step, non-finite losses, the restored training flags, and errors."""

import math

import numpy as np
import pytest
import torch

import konspekt as kp
from konspekt.optim import lr_scheduler
from konspekt.train import NonFiniteLossError, evaluate, fit, predict
from konspekt.train.callbacks import LearningRateMonitor, ModelCheckpoint


def _data(n=40, features=3, classes=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64) if classes == 2 else \
        rng.integers(0, classes, size=n)
    return x, y


def _batches(x, y, size):
    return [(kp.tensor(x[i:i + size]), kp.tensor(y[i:i + size])) for i in range(0, len(x), size)]


def _classifier(seed=0, dropout=0.0):
    kp.manual_seed(seed)
    return kp.nn.Sequential(kp.nn.Linear(3, 8), kp.nn.Tanh(), kp.nn.Dropout(dropout),
                            kp.nn.Linear(8, 2))


def _weights(model):
    return {key: value.data.copy() for key, value in model.state_dict().items()}


def _assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(a[key], b[key]), key


# ---- against torch ------------------------------------------------------------------------

def test_fit_matches_a_torch_training_loop(default_float64):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(23, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(23, 1))
    sizes = [(0, 8), (8, 16), (16, 23)]  # the last batch is smaller
    val = rng.normal(size=(7, 3)), rng.normal(size=(7, 1))

    model = kp.nn.Sequential(kp.nn.Linear(3, 5), kp.nn.Tanh(), kp.nn.Linear(5, 1))
    reference = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))
    reference.load_state_dict({k: torch.tensor(v.data) for k, v in model.state_dict().items()})

    history = fit(model, kp.nn.MSELoss(), kp.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                  [(kp.tensor(x[a:b]), kp.tensor(y[a:b])) for a, b in sizes],
                  val_loader=[(kp.tensor(val[0]), kp.tensor(val[1]))], epochs=6,
                  metrics=["mae"], grad_clip=1.0)

    optimizer = torch.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9)
    losses, maes, val_losses = [], [], []
    for _ in range(6):
        total = absolute = 0.0
        for a, b in sizes:
            xb, yb = torch.tensor(x[a:b]), torch.tensor(y[a:b])
            optimizer.zero_grad()
            output = reference(xb)
            loss = torch.nn.functional.mse_loss(output, yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(reference.parameters(), 1.0)
            optimizer.step()
            total += loss.item() * (b - a)
            absolute += (output - yb).abs().sum().item()
        losses.append(total / len(x))
        maes.append(absolute / len(x))
        with torch.no_grad():
            val_losses.append(torch.nn.functional.mse_loss(
                reference(torch.tensor(val[0])), torch.tensor(val[1])).item())

    np.testing.assert_allclose(history["loss"], losses, rtol=1e-10)
    np.testing.assert_allclose(history["mae"], maes, rtol=1e-10)
    np.testing.assert_allclose(history["val_loss"], val_losses, rtol=1e-10)
    assert history["lr"] == [0.1] * 6 and history.epoch == list(range(6))
    for key, value in reference.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[key].data, value.numpy(), rtol=1e-10)
    assert history["loss"][-1] < history["loss"][0] / 2


# ---- against the hand-written loop ----------------------------------------------------------

def test_fit_is_bit_identical_to_the_hand_written_loop():
    x, y = _data()
    batches, val = _batches(x, y, 12), _batches(x[:16], y[:16], 16)

    model = _classifier(dropout=0.3)
    kp.manual_seed(5)  # the dropout masks
    history = fit(model, kp.nn.CrossEntropyLoss(), kp.optim.Adam(model.parameters(), lr=0.05),
                  batches, val_loader=val, epochs=3, metrics=["accuracy"], grad_clip=1.0)
    generator_after_fit = kp.default_generator.get_state().data.copy()

    by_hand = _classifier(dropout=0.3)
    kp.manual_seed(5)
    optimizer = kp.optim.Adam(by_hand.parameters(), lr=0.05)
    loss_fn = kp.nn.CrossEntropyLoss()
    rows = []
    for _ in range(3):
        total = correct = 0.0
        for xb, yb in batches:
            by_hand.train()
            optimizer.zero_grad()
            output = by_hand(xb)
            loss = loss_fn(output, yb)
            loss.backward()
            kp.nn.utils.clip_grad_norm_(by_hand.parameters(), 1.0)
            optimizer.step()
            total += loss.item() * len(yb)
            correct += (output.argmax(1) == yb).sum().item()
        by_hand.eval()
        with kp.no_grad():
            val_loss = loss_fn(by_hand(val[0][0]), val[0][1]).item()
        rows.append((total / len(y), correct / len(y), val_loss))

    _assert_same_weights(_weights(model), _weights(by_hand))
    assert history["loss"] == [row[0] for row in rows]  # bit for bit
    assert history["accuracy"] == pytest.approx([row[1] for row in rows], rel=1e-12)
    assert history["val_loss"] == [row[2] for row in rows]
    assert history["loss"][-1] < history["loss"][0]
    # The same random numbers were drawn (the dropout masks), no more.
    assert np.array_equal(kp.default_generator.get_state().data, generator_after_fit)


def test_fit_reduces_the_loss_with_a_data_loader():
    x, y = _data(64)
    loader = kp.utils.data.DataLoader(
        kp.utils.data.TensorDataset(kp.tensor(x), kp.tensor(y)), batch_size=16, shuffle=True)
    model = _classifier()
    history = fit(model, kp.nn.CrossEntropyLoss(), kp.optim.SGD(model.parameters(), lr=0.5),
                  loader, epochs=8, metrics="accuracy")
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.85
    assert len(history) == 8


# ---- means over samples ---------------------------------------------------------------------

def test_evaluate_weights_batch_means_by_batch_size():
    x, y = _data(23)
    model = _classifier()
    uneven = _batches(x, y, 10)  # 10, 10, 3
    whole = evaluate(model, kp.nn.CrossEntropyLoss(), [(kp.tensor(x), kp.tensor(y))],
                     ["accuracy", "top5_accuracy"])
    parts = evaluate(model, kp.nn.CrossEntropyLoss(), uneven, ["accuracy", "top5_accuracy"])
    assert parts == pytest.approx(whole, rel=1e-6)
    logits = torch.tensor(model(kp.tensor(x)).detach().numpy())
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor(y)).item()
    assert parts["loss"] == pytest.approx(expected, rel=1e-6)
    assert parts["accuracy"] == pytest.approx((logits.argmax(1).numpy() == y).mean())
    assert parts["top5_accuracy"] == 1.0  # two classes: always among the top five


def test_evaluate_runs_in_eval_mode_without_gradients_and_restores_every_flag():
    x, y = _data(8)
    model = _classifier(dropout=0.9)
    model.train()
    model[1].eval()  # a mixed state must come back as it was
    flags = [m.training for m in model.modules()]
    first = evaluate(model, kp.nn.CrossEntropyLoss(), _batches(x, y, 4))
    second = evaluate(model, kp.nn.CrossEntropyLoss(), _batches(x, y, 4))
    assert first == second  # dropout off
    assert [m.training for m in model.modules()] == flags
    assert all(p.grad is None for p in model.parameters())


def test_evaluate_metrics_only_and_errors():
    x, y = _data(8)
    model = _classifier()
    assert list(evaluate(model, None, _batches(x, y, 4), "accuracy")) == ["accuracy"]
    with pytest.raises(ValueError, match="no batches"):
        evaluate(model, kp.nn.CrossEntropyLoss(), [])
    with pytest.raises(TypeError, match=r"pair \(inputs, target\)"):
        evaluate(model, kp.nn.CrossEntropyLoss(), [kp.tensor(x)])


# ---- predict --------------------------------------------------------------------------------

def test_predict_from_a_tensor_an_array_slices_and_loaders():
    x, y = _data(10)
    model = _classifier(dropout=0.5)
    model.train()
    model.eval()
    with kp.no_grad():
        expected = model(kp.tensor(x)).data
    model.train()
    for result in (predict(model, kp.tensor(x)), predict(model, x),
                   predict(model, kp.tensor(x), batch_size=3),
                   predict(model, _batches(x, y, 4)),
                   predict(model, [kp.tensor(x[:6]), kp.tensor(x[6:])]),
                   predict(model, [(kp.tensor(x[:6]),), (kp.tensor(x[6:]),)])):
        np.testing.assert_allclose(result.data, expected, rtol=1e-6)
        assert not result.requires_grad
    assert model.training
    with pytest.raises(ValueError, match="batch_size"):
        predict(model, x, batch_size=0)
    with pytest.raises(ValueError, match="batch_size"):
        predict(model, _batches(x, y, 4), batch_size=2)


# ---- schedulers -----------------------------------------------------------------------------

class _RecordingPlateau(lr_scheduler.ReduceLROnPlateau):
    """ReduceLROnPlateau that also keeps what its ``step`` received."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def step(self, metrics, epoch=None):
        self.seen.append(metrics)
        super().step(metrics)


def test_scheduler_steps_per_epoch_and_history_records_the_epochs_lr():
    x, y = _data(12)
    model = _classifier()
    optimizer = kp.optim.SGD(model.parameters(), lr=0.8)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    history = fit(model, kp.nn.CrossEntropyLoss(), optimizer, _batches(x, y, 4), epochs=3,
                  scheduler=scheduler)
    assert history["lr"] == [0.8, 0.4, 0.2]
    assert scheduler.last_epoch == 3 and optimizer.param_groups[0]["lr"] == 0.1


def test_one_cycle_per_step_follows_torchs_schedule():
    x, y = _data(12)
    model = _classifier()
    optimizer = kp.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    monitor = LearningRateMonitor("step", log_momentum=True)
    fit(model, kp.nn.CrossEntropyLoss(), optimizer, _batches(x, y, 4), epochs=2,
        scheduler=lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=6),
        scheduler_interval="step", callbacks=[monitor])
    reference = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    one_cycle = torch.optim.lr_scheduler.OneCycleLR(reference, max_lr=1.0, total_steps=6)
    lrs, momenta = [], []
    for _ in range(6):
        lrs.append(reference.param_groups[0]["lr"])
        momenta.append(reference.param_groups[0]["momentum"])
        reference.step()
        one_cycle.step()
    np.testing.assert_allclose(monitor.lrs["lr-SGD"], lrs, rtol=1e-12)
    np.testing.assert_allclose(monitor.lrs["momentum-SGD"], momenta, rtol=1e-12)


def test_plateau_scheduler_receives_the_validation_loss_or_the_training_loss():
    x, y = _data(12)
    model = _classifier()
    optimizer = kp.optim.SGD(model.parameters(), lr=2.0)
    plateau = _RecordingPlateau(optimizer, factor=0.5, patience=0, threshold=0.05)
    history = fit(model, kp.nn.CrossEntropyLoss(), optimizer, _batches(x, y, 4),
                  val_loader=_batches(x[::-1], y[::-1], 6), epochs=6, scheduler=plateau)
    assert plateau.seen == history["val_loss"]
    # torch's ReduceLROnPlateau fed the same losses gives the same learning rates
    reference = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=2.0)
    torch_plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(reference, factor=0.5,
                                                               patience=0, threshold=0.05)
    lrs = []
    for value in history["val_loss"]:
        lrs.append(reference.param_groups[0]["lr"])
        torch_plateau.step(value)
    assert history["lr"] == lrs and len(set(lrs)) > 1
    plateau = _RecordingPlateau(optimizer)
    history = fit(model, kp.nn.CrossEntropyLoss(), optimizer, _batches(x, y, 4), epochs=2,
                  scheduler=plateau)
    assert plateau.seen == history["loss"]
    with pytest.raises(ValueError, match="scheduler_interval='epoch'"):
        fit(model, kp.nn.CrossEntropyLoss(), optimizer, _batches(x, y, 4), scheduler=plateau,
            scheduler_interval="step")


# ---- non-finite loss ------------------------------------------------------------------------

def test_a_nan_loss_stops_training_naming_epoch_and_batch_and_keeps_the_checkpoint(tmp_path):
    x, y = _data(16)
    model = _classifier()
    optimizer = kp.optim.SGD(model.parameters(), lr=0.1)
    cross_entropy = kp.nn.CrossEntropyLoss()
    calls = []
    snapshots = []

    def loss_fn(output, target):
        calls.append(None)
        loss = cross_entropy(output, target)
        # The 7th batch (epoch 2, batch 3 of 4) goes NaN.
        return loss * math.nan if len(calls) == 7 else loss

    class Snapshot(kp.train.Callback):
        def on_batch_end(self, state):
            snapshots.append(_weights(state.model))

    checkpoint = ModelCheckpoint(tmp_path, filename="run")
    with pytest.raises(NonFiniteLossError, match=r"epoch 2/3, batch 3/4") as error:
        fit(model, loss_fn, optimizer, _batches(x, y, 4), epochs=3,
            callbacks=[checkpoint, Snapshot()])
    assert isinstance(error.value, RuntimeError)
    assert (error.value.epoch, error.value.batch) == (1, 2) and math.isnan(error.value.loss)
    assert "nan" in str(error.value)
    # No step was taken with the bad batch: the weights are those after the last good step.
    assert len(snapshots) == 6
    _assert_same_weights(_weights(model), snapshots[-1])
    # The checkpoint of epoch 0 is whole, and is the only file there.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.ckpt"]
    saved = kp.train.load_checkpoint(tmp_path / "run.ckpt", _classifier(seed=9))
    assert saved["epoch"] == 0
    _assert_same_weights({k: v.data for k, v in saved["model"].items()}, snapshots[3])


def test_an_infinite_loss_is_caught_too():
    x, y = _data(8)
    model = _classifier()
    with pytest.raises(NonFiniteLossError, match=r"loss is inf in epoch 1/1, batch 1/2"):
        fit(model, lambda output, target: (output ** 2).sum() + math.inf,
            kp.optim.SGD(model.parameters(), lr=0.1), _batches(x, y, 4))


# ---- arguments ------------------------------------------------------------------------------

def test_batches_of_numpy_arrays_and_models_with_several_inputs():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(8, 2)), rng.normal(size=(8, 2))
    target = (a + b).sum(axis=1, keepdims=True)

    class Sum(kp.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = kp.nn.Linear(2, 1)

        def forward(self, first, second):
            return self.linear(first + second)

    model = Sum().double()
    history = fit(model, kp.nn.MSELoss(), kp.optim.SGD(model.parameters(), lr=0.1),
                  [((a[:4], b[:4]), target[:4]), ((a[4:], b[4:]), target[4:])], epochs=20)
    assert history["loss"][-1] < 0.1 * history["loss"][0]


def test_argument_errors():
    x, y = _data(8)
    model = _classifier()
    optimizer = kp.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = kp.nn.CrossEntropyLoss()
    batches = _batches(x, y, 4)
    with pytest.raises(ValueError, match="epochs must be a non-negative int"):
        fit(model, loss_fn, optimizer, batches, epochs=1.5)
    with pytest.raises(ValueError, match="grad_clip must be a positive number"):
        fit(model, loss_fn, optimizer, batches, grad_clip=0)
    with pytest.raises(ValueError, match="scheduler_interval must be 'epoch' or 'step'"):
        fit(model, loss_fn, optimizer, batches, scheduler_interval="batch")
    with pytest.raises(TypeError, match="re-iterable"):
        fit(model, loss_fn, optimizer, iter(batches))
    with pytest.raises(ValueError, match="no batches"):
        fit(model, loss_fn, optimizer, [])
    with pytest.raises(TypeError, match="got a tuple of length 3"):
        fit(model, loss_fn, optimizer, [(x, y, y)])
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, loss_fn, optimizer, batches, metrics=["f1"])
    with pytest.raises(TypeError, match="konspekt.train.Callback"):
        fit(model, loss_fn, optimizer, batches, callbacks=[print])
    assert len(fit(model, loss_fn, optimizer, batches, epochs=0)) == 0
