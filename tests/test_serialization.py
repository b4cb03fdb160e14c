"""konspekt.serialization: save / load round trips, the atomic write, errors, and that loading
never unpickles (so never runs code)."""

import io
import math
import os
import pathlib
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import konspekt as kp
from konspekt.serialization import load, save


def round_trip(obj):
    buffer = io.BytesIO()
    save(obj, buffer)
    buffer.seek(0)
    return load(buffer)


def state_dict():
    """What a state dict holds: float32/float64/int64/bool tensors, 0-d and empty ones."""
    return OrderedDict([
        ("layer.weight", kp.randn(3, 2)),
        ("layer.bias", kp.zeros(3, dtype=kp.float64)),
        ("bn.num_batches_tracked", kp.tensor(7)),
        ("mask", kp.tensor([True, False])),
        ("empty", kp.zeros(0, 4)),
        ("a.later.key", kp.ones(1)),
    ])


def assert_same_tensor(loaded, saved):
    assert type(loaded) is type(saved)
    assert loaded.dtype == saved.dtype and loaded.shape == saved.shape
    assert loaded.requires_grad == saved.requires_grad
    np.testing.assert_array_equal(loaded.data, saved.data)


def test_state_dict_round_trip_keeps_order_types_and_values():
    saved = state_dict()
    loaded = round_trip(saved)
    assert type(loaded) is OrderedDict and list(loaded) == list(saved)
    for key in saved:
        assert_same_tensor(loaded[key], saved[key])
    assert loaded["layer.weight"].data.flags.writeable


def test_checkpoint_round_trip():
    model = OrderedDict(weight=kp.nn.Parameter(kp.randn(2, 2)),
                        frozen=kp.nn.Parameter(kp.ones(2), requires_grad=False),
                        leaf=kp.ones(2, requires_grad=True))
    checkpoint = {
        "model": model,
        "optimizer": {"state": {0: {"step": 3, "exp_avg": np.ones(2, np.float32)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1],
                                        "nesterov": False, "foreach": None}]},
        "epoch": 3, "loss": 0.25, "best": float("inf"), "nan": float("nan"),
        "name": "lenet ✓", "history": [1.0, 2, "x", None, True, (), []],
        "scalars": [np.float32(1.5), np.int64(4), np.bool_(True)],
        "dtype": kp.float64, 1.5: "float key", None: "none key", True: "bool key",
    }
    loaded = round_trip(checkpoint)
    assert type(loaded) is dict and list(loaded) == list(checkpoint)
    for key in model:
        assert_same_tensor(loaded["model"][key], model[key])
    optimizer = loaded["optimizer"]
    assert list(optimizer["state"]) == [0] and optimizer["state"][0]["step"] == 3
    np.testing.assert_array_equal(optimizer["state"][0]["exp_avg"], np.ones(2, np.float32))
    assert optimizer["state"][0]["exp_avg"].dtype == np.float32
    assert optimizer["param_groups"] == checkpoint["optimizer"]["param_groups"]
    assert type(loaded["epoch"]) is int and type(loaded["loss"]) is float
    assert loaded["best"] == math.inf and math.isnan(loaded["nan"])
    assert loaded["history"] == checkpoint["history"]
    assert type(loaded["history"][5]) is tuple and type(loaded["history"][6]) is list
    assert [type(s) for s in loaded["scalars"]] == [np.float32, np.int64, np.bool_]
    assert loaded["scalars"] == checkpoint["scalars"]
    assert loaded["dtype"] is kp.float64
    assert loaded[1.5] == "float key" and loaded[None] == "none key"
    assert loaded[True] == "bool key"


def test_views_and_other_dtypes():
    base = np.arange(12.0).reshape(3, 4)
    saved = {"transposed": base.T, "strided": base[::2, 1::2], "half": kp.ones(2, dtype=kp.float16),
             "int8": np.array([-1, 2], np.int8), "uint8": kp.tensor(np.array([255], np.uint8)),
             "strings": np.array(["a", "bc"]), "scalar": kp.tensor(2.5)}
    loaded = round_trip(saved)
    for key in ("transposed", "strided", "int8", "strings"):
        np.testing.assert_array_equal(loaded[key], saved[key])
        assert loaded[key].dtype == saved[key].dtype
    for key in ("half", "uint8", "scalar"):
        assert_same_tensor(loaded[key], saved[key])


def test_shared_tensors_stored_once_and_shared_after_loading(tmp_path):
    weight = kp.nn.Parameter(kp.randn(4, 4))
    # Tied weights: a state dict holds two detached views of one array.
    saved = {"encoder.weight": weight.detach(), "decoder.weight": weight.detach(),
             "same": weight, "again": weight}
    path = tmp_path / "tied.kp"
    save(saved, path)
    with np.load(path) as archive:
        assert len([name for name in archive.files if name != "__konspekt__"]) == 1
    loaded = load(path)
    assert loaded["same"] is loaded["again"]
    assert np.shares_memory(loaded["encoder.weight"].data, loaded["decoder.weight"].data)


def test_paths_and_file_objects(tmp_path):
    saved = {"w": kp.ones(2)}
    for target in (str(tmp_path / "a.pt"), tmp_path / "b", pathlib.Path(tmp_path / "c.npz")):
        save(saved, target)
        assert os.path.exists(target)
        np.testing.assert_array_equal(load(target)["w"].data, np.ones(2, np.float32))
    assert sorted(os.listdir(tmp_path)) == ["a.pt", "b", "c.npz"]
    with open(tmp_path / "d", "wb") as file:
        save(saved, file)
    with open(tmp_path / "d", "rb") as file:
        assert list(load(file)) == ["w"]


def test_saving_replaces_an_existing_file(tmp_path):
    path = tmp_path / "checkpoint"
    save({"epoch": 1}, path)
    save({"epoch": 2}, path)
    assert load(path) == {"epoch": 2}
    assert os.listdir(tmp_path) == ["checkpoint"]


def test_saved_file_has_ordinary_permissions(tmp_path):
    save({"epoch": 1}, tmp_path / "checkpoint")
    _write(tmp_path / "ordinary", b"")
    assert (os.stat(tmp_path / "checkpoint").st_mode == os.stat(tmp_path / "ordinary").st_mode)


@pytest.mark.parametrize("fail_in", ["savez", "replace"])
def test_crash_while_saving_keeps_the_old_file(tmp_path, monkeypatch, fail_in):
    path = tmp_path / "checkpoint"
    save({"epoch": 1}, path)

    def crash(*args, **kwargs):
        if fail_in == "savez":
            args[0].write(b"half a file")
        raise KeyboardInterrupt("power cut")
    monkeypatch.setattr(np if fail_in == "savez" else os, fail_in, crash)
    with pytest.raises(KeyboardInterrupt):
        save({"epoch": 2}, path)
    monkeypatch.undo()
    assert load(path) == {"epoch": 1}
    assert os.listdir(tmp_path) == ["checkpoint"]


def test_torch_state_dict_saved_as_arrays_loads_into_the_twin(tmp_path, default_float64):
    def build(lib):
        net = lib.nn.Module()
        net.weight = lib.nn.Parameter(lib.zeros(3, 2))
        net.register_buffer("running", lib.zeros(3))
        return net
    twin = build(torch)
    with torch.no_grad():
        twin.weight.normal_()
        twin.running.normal_()
    path = tmp_path / "from_torch"
    save(OrderedDict((k, v.numpy()) for k, v in twin.state_dict().items()), path)
    net = build(kp)
    net.load_state_dict(load(path))
    np.testing.assert_array_equal(net.weight.data, twin.weight.detach().numpy())
    np.testing.assert_array_equal(net.running.data, twin.running.numpy())


def test_module_state_dict_round_trip(tmp_path):
    net = kp.nn.Sequential(kp.nn.Tanh())
    net.weight = kp.nn.Parameter(kp.randn(3))
    net.register_buffer("steps", kp.tensor(5))
    path = tmp_path / "net"
    save(net.state_dict(), path)
    other = kp.nn.Sequential(kp.nn.Tanh())
    other.weight = kp.nn.Parameter(kp.zeros(3))
    other.register_buffer("steps", kp.tensor(0))
    other.load_state_dict(load(path))
    np.testing.assert_array_equal(other.weight.data, net.weight.data)
    assert other.steps.item() == 5


# ---- errors -----------------------------------------------------------------------------------

class Opaque:
    pass


@pytest.mark.parametrize("obj, where, what", [
    ({"model": {"fc.weight": Opaque()}}, "obj['model']['fc.weight']", "Opaque"),
    ([1, {2: {3, 4}}], "obj[1][2]", "set"),
    ({"w": torch.ones(2)}, "obj['w']", "torch.Tensor"),
    ({"w": np.array([object()])}, "obj['w']", "dtype object"),
    (lambda: 0, "obj", "function"),
    ({(1, 2): 3}, "obj", "tuple"),
])
def test_unsupported_objects_name_type_and_place(obj, where, what):
    with pytest.raises(TypeError) as error:
        save(obj, io.BytesIO())
    assert what in str(error.value) and where in str(error.value)


def test_torch_tensor_error_suggests_numpy():
    with pytest.raises(TypeError, match=r"\.numpy\(\)"):
        save({"w": torch.ones(2)}, io.BytesIO())


def test_failed_save_leaves_no_file(tmp_path):
    with pytest.raises(TypeError):
        save({"x": Opaque()}, tmp_path / "never")
    assert os.listdir(tmp_path) == []


def _write(path, content):
    with open(path, "wb") as file:
        file.write(content)
    return path


def test_loading_other_files_says_so(tmp_path):
    np.savez(tmp_path / "plain.npz", x=np.ones(2))
    np.save(tmp_path / "array.npy", np.ones(2))
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    files = [tmp_path / "plain.npz", tmp_path / "array.npy", tmp_path / "torch.pt",
             _write(tmp_path / "text.txt", b"hello, world\n"), _write(tmp_path / "empty", b"")]
    for path in files:
        with pytest.raises(ValueError, match="not a konspekt file"):
            load(path)


def test_loading_a_malicious_pickle_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))
    path = _write(tmp_path / "evil.pt", pickle.dumps({"w": Exploit()}))
    with pytest.raises(ValueError, match="not a konspekt file"):
        load(path)
    assert not marker.exists()


def test_object_array_smuggled_into_an_archive_is_refused(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))
    good = tmp_path / "good"
    save({"w": np.ones(2)}, good)
    evil = tmp_path / "evil"
    with np.load(good) as archive, zipfile.ZipFile(evil, "w") as out:
        header = archive["__konspekt__"]
        buffer = io.BytesIO()
        np.save(buffer, np.array([Exploit()], dtype=object), allow_pickle=True)
        out.writestr("a0.npy", buffer.getvalue())
        buffer = io.BytesIO()
        np.save(buffer, header)
        out.writestr("__konspekt__.npy", buffer.getvalue())
    with pytest.raises(ValueError, match="damaged"):
        load(evil)
    assert not marker.exists()


def test_damaged_header(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, __konspekt__=np.frombuffer(b'{"format": "konspekt", "version": 99}',
                                                 dtype=np.uint8))
    buffer.seek(0)
    with pytest.raises(ValueError, match="version 99"):
        load(buffer)
    buffer = io.BytesIO()
    np.savez(buffer, __konspekt__=np.frombuffer(b"{not json", dtype=np.uint8))
    buffer.seek(0)
    with pytest.raises(ValueError, match="damaged"):
        load(buffer)
    buffer = io.BytesIO()
    np.savez(buffer, __konspekt__=np.frombuffer(
        b'{"format": "konspekt", "version": 1, "root": {"type": "tensor", "array": "a7"}}',
        dtype=np.uint8))
    buffer.seek(0)
    with pytest.raises(ValueError, match="damaged"):
        load(buffer)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nothing")


def test_map_location_and_weights_only():
    buffer = io.BytesIO()
    save({"w": kp.ones(1)}, buffer)
    for options in ({"map_location": "cpu"}, {"weights_only": False}, {}):
        buffer.seek(0)
        assert list(load(buffer, **options)) == ["w"]
    with pytest.raises(RuntimeError, match="cuda"):
        load(buffer, map_location="cuda")
