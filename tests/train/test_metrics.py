"""Training metrics against scikit-learn (accuracy, top-k accuracy, MAE, MSE), their names and
errors; the ``History`` record (rows, late keys, state round trip through ``konspekt.save``)."""

import io
import math

import numpy as np
import pytest
from sklearn import metrics as sk

import konspekt as kp
from konspekt.train import History
from konspekt.train.metrics import (accuracy, binary_accuracy, mean_absolute_error,
                                    mean_squared_error, resolve_metrics, top_k_accuracy)


def _scores(n=50, classes=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, classes)), rng.integers(0, classes, size=n)


def test_accuracy_matches_scikit_learn():
    scores, labels = _scores()
    expected = sk.accuracy_score(labels, scores.argmax(1))
    assert accuracy(kp.tensor(scores), kp.tensor(labels)) == pytest.approx(expected)
    assert accuracy(scores.argmax(1), labels) == pytest.approx(expected)  # labels given
    # (N, C, L): one prediction per position
    rng = np.random.default_rng(1)
    sequence, targets = rng.normal(size=(4, 3, 5)), rng.integers(0, 3, size=(4, 5))
    assert accuracy(sequence, targets) == pytest.approx(
        sk.accuracy_score(targets.ravel(), sequence.argmax(1).ravel()))


@pytest.mark.parametrize("k", [1, 2, 5])
def test_top_k_accuracy_matches_scikit_learn(k):
    scores, labels = _scores()
    expected = sk.top_k_accuracy_score(labels, scores, k=k, labels=np.arange(7))
    assert top_k_accuracy(kp.tensor(scores), kp.tensor(labels), k=k) == pytest.approx(expected)


def test_binary_accuracy_mae_and_mse_match_scikit_learn():
    rng = np.random.default_rng(2)
    probabilities, labels = rng.uniform(size=(30, 1)), rng.integers(0, 2, size=30)
    assert binary_accuracy(kp.tensor(probabilities), kp.tensor(labels)) == pytest.approx(
        sk.accuracy_score(labels, probabilities[:, 0] > 0.5))
    prediction, target = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    assert mean_absolute_error(kp.tensor(prediction), kp.tensor(target)) == pytest.approx(
        sk.mean_absolute_error(target, prediction))
    assert mean_squared_error(kp.tensor(prediction), target) == pytest.approx(
        sk.mean_squared_error(target, prediction))


def test_resolve_metrics_names_callables_and_errors():
    def f1(y_pred, y_true):
        return 0.0

    resolved = resolve_metrics(["accuracy", "mae", f1])
    assert list(resolved) == ["accuracy", "mae", "f1"] and resolved["mae"] is mean_absolute_error
    assert list(resolve_metrics({"acc@1": "accuracy", "custom": f1})) == ["acc@1", "custom"]
    assert list(resolve_metrics("mse")) == ["mse"] and resolve_metrics(None) == {}
    with pytest.raises(ValueError, match="unknown metric 'f2'; known names: acc, accuracy"):
        resolve_metrics("f2")
    with pytest.raises(TypeError, match="expected a metric name or a callable"):
        resolve_metrics([3])
    with pytest.raises(ValueError, match="reserved"):
        resolve_metrics({"val_x": f1})
    with pytest.raises(ValueError, match="given twice"):
        resolve_metrics(["mae", "mae"])
    with pytest.raises(ValueError, match=r"y_pred \[4, 2\] and y_true \[3\]"):
        accuracy(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"top_k_accuracy: expected y_pred of shape \(N, C\)"):
        top_k_accuracy(np.zeros(4), np.zeros(4))


def test_history_rows_late_keys_and_state_round_trip():
    history = History()
    history.append(0, {"loss": 1.0, "lr": 0.1})
    history.append(1, {"loss": 0.5, "lr": 0.1, "val_loss": 0.7})
    history.append(2, {"loss": 0.25, "val_loss": 0.6})
    assert history.epoch == [0, 1, 2] and len(history) == 3 and "val_loss" in history
    assert history["loss"] == [1.0, 0.5, 0.25]
    assert math.isnan(history["val_loss"][0]) and math.isnan(history["lr"][2])
    buffer = io.BytesIO()
    kp.save(history.state_dict(), buffer)
    buffer.seek(0)
    copy = History()
    copy.load_state_dict(kp.load(buffer))
    assert copy.epoch == history.epoch and list(copy.history) == list(history.history)
    np.testing.assert_array_equal(copy["val_loss"], history["val_loss"])
    assert repr(copy) == "History(epochs=3, keys=['loss', 'lr', 'val_loss'])"
