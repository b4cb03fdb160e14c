"""konspekt.viz.plots: the learning curves and the confusion matrix draw what they are given, and
the pictures are written whole (atomically)."""

import os

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from konspekt.viz import plot_confusion_matrix, plot_history, save_figure  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_history_panels_hold_the_train_and_validation_curves(tmp_path):
    history = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.2, 0.8, 0.7],
               "accuracy": [0.5, 0.7, 0.9], "val_accuracy": [0.4, 0.6, 0.8], "lr": [0.1] * 3}
    figure = plot_history(history, tmp_path / "curves.png")
    loss_axis, accuracy_axis = figure.axes
    assert (loss_axis.get_ylabel(), accuracy_axis.get_ylabel()) == ("loss", "accuracy")
    train, validation = loss_axis.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(train.get_ydata(), history["loss"])
    np.testing.assert_array_equal(validation.get_ydata(), history["val_loss"])
    with open(tmp_path / "curves.png", "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]  # no temporary file left


def test_history_object_and_metric_selection():
    class History:
        history = {"accuracy": [0.5, 0.9], "loss": [1.0, 0.5]}

    figure = plot_history(History(), metrics=["accuracy"])
    assert [a.get_ylabel() for a in figure.axes] == ["accuracy"]
    with pytest.raises(ValueError, match=r"metrics \['f1'\] are not in the history"):
        plot_history(History(), metrics=["f1"])
    with pytest.raises(TypeError, match="history must be a History or a mapping"):
        plot_history([1.0, 0.5])


def test_confusion_matrix_image_and_annotations(tmp_path):
    counts = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 4]])
    figure = plot_confusion_matrix(counts, ["a", "b", "c"], tmp_path / "cm.png")
    axis = figure.axes[0]
    np.testing.assert_array_equal(axis.get_images()[0].get_array(), counts)
    assert [t.get_text() for t in axis.texts][:3] == ["5", "1", "0"]
    assert [t.get_text() for t in axis.get_xticklabels()] == ["a", "b", "c"]
    assert (tmp_path / "cm.png").stat().st_size > 0


@pytest.mark.parametrize("normalize, expected", [
    ("true", np.array([[0.75, 0.25], [0.0, 1.0]])),
    ("pred", np.array([[1.0, 1 / 3], [0.0, 2 / 3]])),
    ("all", np.array([[0.5, 1 / 6], [0.0, 1 / 3]])),
])
def test_confusion_matrix_normalisations(normalize, expected):
    figure = plot_confusion_matrix([[3, 1], [0, 2]], normalize=normalize)
    np.testing.assert_allclose(figure.axes[0].get_images()[0].get_array(), expected)


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"matrix must be square \(K, K\), got shape \(2, 3\)"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="class_names has 1 names for a 2×2 matrix"):
        plot_confusion_matrix(np.eye(2), ["x"])
    with pytest.raises(ValueError, match="normalize must be one of"):
        plot_confusion_matrix(np.eye(2), normalize="rows")


def test_a_failed_save_leaves_no_file(tmp_path, monkeypatch):
    figure = plot_history({"loss": [1.0, 0.5]})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(figure, "savefig", broken)
    with pytest.raises(OSError, match="disk full"):
        save_figure(figure, tmp_path / "curves.png")
    assert os.listdir(tmp_path) == []
