"""``konspekt.utils.tensorboard``: what SummaryWriter writes (konspekt tensors accepted), read
back from the event files with the protocol buffers tensorboardX ships: scalars, grouped
scalars, histograms, images, text, hyperparameters; damaged files; the import error without
tensorboardX; the module is not imported by ``import konspekt``."""

import os
import subprocess
import sys

import numpy as np
import pytest

import konspekt as kp
from konspekt.utils.tensorboard import SummaryWriter, read_events, read_scalars


def _values(log_dir, kind):
    found = {}
    for name in sorted(os.listdir(log_dir)):
        if "tfevents" in name:
            for event in read_events(os.path.join(log_dir, name)):
                for value in event.summary.value:
                    if value.HasField(kind):
                        found.setdefault(value.tag, []).append((event.step, getattr(value, kind)))
    return found


def test_scalars_from_numbers_and_tensors_read_back(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        assert writer.get_logdir() == str(tmp_path) == writer.log_dir
        for step in range(5):
            writer.add_scalar("loss", kp.tensor(1.0 / (step + 1)), step)
            writer.add_scalar("lr", 0.1 * step, global_step=step)
    scalars = read_scalars(tmp_path)
    assert sorted(scalars) == ["loss", "lr"]
    assert [s for s, _ in scalars["loss"]] == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal([v for _, v in scalars["loss"]],
                                  np.float32([1.0 / (s + 1) for s in range(5)]))
    np.testing.assert_array_equal([v for _, v in scalars["lr"]],
                                  np.float32([0.1 * s for s in range(5)]))


def test_add_scalars_writes_one_run_per_curve(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalars("loss", {"train": kp.tensor(2.0), "val": 3.0}, 7)
    assert read_scalars(tmp_path / "loss" / "train") == {"loss": [(7, 2.0)]}
    assert read_scalars(tmp_path / "loss" / "val") == {"loss": [(7, 3.0)]}


def test_histogram_of_a_tensor(tmp_path):
    values = kp.tensor(np.random.default_rng(0).normal(size=(20, 5)))
    with SummaryWriter(tmp_path) as writer:
        writer.add_histogram("weights", values, 3)
        writer.add_histogram("auto", values.data, 4, bins="auto")
    histograms = _values(tmp_path, "histo")
    (step, histogram), = histograms["weights"]
    assert step == 3 and histogram.num == 100
    assert (histogram.min, histogram.max) == pytest.approx((values.data.min(), values.data.max()))
    assert histogram.sum == pytest.approx(values.data.sum())
    assert histogram.sum_squares == pytest.approx((values.data ** 2).sum())
    assert sum(histogram.bucket) == 100 and sum(histograms["auto"][0][1].bucket) == 100


def test_images_text_and_hyperparameters(tmp_path):
    pytest.importorskip("PIL", reason="tensorboardX encodes images with Pillow")
    image = kp.rand(3, 8, 6)
    with SummaryWriter(tmp_path) as writer:
        writer.add_image("one", image, 0)
        writer.add_image("hwc", image.permute(1, 2, 0), 0, dataformats="HWC")
        writer.add_images("batch", kp.rand(4, 1, 5, 5), 1)
        writer.add_text("note", "**bold**", 2)
        writer.add_hparams({"lr": 0.1, "layers": 2}, {"hparam/loss": kp.tensor(0.5)},
                           run_name="trial")
    images = _values(tmp_path, "image")
    assert (images["one"][0][1].height, images["one"][0][1].width) == (8, 6)
    assert images["hwc"][0][1].encoded_image_string == images["one"][0][1].encoded_image_string
    grid = images["batch"][0][1]
    assert (grid.height, grid.width) == (5, 20)  # the four side by side
    texts = _values(tmp_path, "tensor")
    assert texts["note/text_summary"][0][1].string_val == [b"**bold**"]
    assert read_scalars(tmp_path / "trial") == {"hparam/loss": [(0, 0.5)]}
    with SummaryWriter(tmp_path / "errors") as writer:
        with pytest.raises(NotImplementedError, match="hparam_domain_discrete"):
            writer.add_hparams({"a": 1}, {"b": 2}, hparam_domain_discrete={"a": [1]})
        with pytest.raises(ValueError, match="one element"):
            writer.add_scalar("x", kp.ones(2))


def test_writers_in_one_folder_keep_each_others_files(tmp_path):
    # A run resumed at once writes into the folder of the run it continues.
    for step in range(3):
        with SummaryWriter(tmp_path, filename_suffix=".run") as writer:
            writer.add_scalar("loss", float(step), step)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3 and all(name.endswith(".run") for name in names)
    assert read_scalars(tmp_path) == {"loss": [(0, 0.0), (1, 1.0), (2, 2.0)]}


def test_a_damaged_event_file_is_reported(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("x", 1.0, 0)
    (path,) = tmp_path.glob("*tfevents*")
    data = bytearray(path.read_bytes())
    data[-6] ^= 0xFF  # inside the last record's payload
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum mismatch"):
        read_scalars(tmp_path)
    path.write_bytes(bytes(data[:-3]))
    with pytest.raises(ValueError, match="damaged record header|cut short"):
        read_scalars(tmp_path)


def test_the_module_is_optional_and_imported_on_use_only():
    # One fresh interpreter: konspekt alone loads neither this module nor tensorboardX, and
    # without tensorboardX the import names the extra to install.
    code = ("import sys, konspekt\n"
            "print('tensorboardX' in sys.modules, 'konspekt.utils.tensorboard' in sys.modules)\n"
            "sys.modules['tensorboardX'] = None\n"
            "try:\n    import konspekt.utils.tensorboard\n"
            "except ImportError as error:\n    print(error)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    first, message = result.stdout.split("\n", 1)
    assert first == "False False"
    assert "pip install konspekt[logging]" in message
