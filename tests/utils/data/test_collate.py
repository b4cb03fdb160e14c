"""default_collate and default_convert against torch's on the same Python data: the same
structure (container types), shapes, dtypes and values."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import konspekt as kp
from konspekt.utils.data import default_collate, default_convert

Point = collections.namedtuple("Point", ["x", "y"])


def assert_same(ours, theirs):
    """Recursive comparison of a konspekt result with torch's."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, kp.Tensor), f"expected a Tensor, got {type(ours).__name__}"
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        return
    assert type(ours) is type(theirs), f"{type(ours).__name__} != {type(theirs).__name__}"
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for key in theirs:
            assert_same(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    else:
        assert ours == theirs


def _torchify(sample):
    """The same sample with konspekt tensors replaced by torch tensors."""
    if isinstance(sample, kp.Tensor):
        return torch.from_numpy(sample.data.copy())
    if isinstance(sample, dict):
        return type(sample)((k, _torchify(v)) for k, v in sample.items())
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):
        return type(sample)(*(_torchify(v) for v in sample))
    if isinstance(sample, (list, tuple)):
        return type(sample)(_torchify(v) for v in sample)
    return sample


rng = np.random.default_rng(0)
BATCHES = {
    "ints": [0, 1, 2, 3],
    "floats": [0.5, 1.5, -2.0],
    "bools": [True, False, True],
    "strings": ["a", "b", "c"],
    "bytes": [b"a", b"b"],
    "numpy float32 arrays": [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(4)],
    "numpy int arrays": [np.arange(3) + i for i in range(2)],
    "numpy scalars": [np.float32(1.5), np.float32(2.5)],
    "numpy int scalars": [np.int32(1), np.int32(7)],
    "tensors": [kp.tensor(rng.standard_normal((3,))) for _ in range(5)],
    "int tensors": [kp.tensor([i, i + 1]) for i in range(3)],
    "tuples": [(kp.tensor([1.0, 2.0]), 3, "x"), (kp.tensor([4.0, 5.0]), 6, "y")],
    "lists": [[0, 1.5], [2, 3.5]],
    "dicts": [{"image": np.ones((2, 2)), "label": 1}, {"image": np.zeros((2, 2)), "label": 0}],
    "nested": [{"a": (1, [2.0, np.int64(3)])}, {"a": (4, [5.0, np.int64(6)])}],
    "namedtuples": [Point(0, 1.0), Point(2, 3.0)],
    "ordered dicts": [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
}


@pytest.mark.parametrize("name", BATCHES)
def test_default_collate_matches_torch(name):
    batch = BATCHES[name]
    assert_same(default_collate(batch), tud.default_collate([_torchify(s) for s in batch]))


@pytest.mark.parametrize("sample", [np.arange(3), (np.ones(2), "a"), {"x": np.float64(2.0)},
                                    [np.zeros(1), 1], Point(np.array(0), 1), 3, "text",
                                    np.array(["a", "b"])])
def test_default_convert_matches_torch(sample):
    ours, theirs = default_convert(sample), tud.default_convert(sample)
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray) and np.array_equal(ours, theirs)
    else:
        assert_same(ours, theirs)


def test_collating_tensors_keeps_the_graph():
    """Stacking is an operation like any other: the gradient flows back to each sample."""
    a = kp.tensor([1.0, 2.0], requires_grad=True)
    b = kp.tensor([3.0, 4.0], requires_grad=True)
    default_collate([a, b]).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0])


@pytest.mark.parametrize("batch, error, message", [
    ([object(), object()], TypeError, "default_collate: batch must contain tensors, numpy arrays, "
                                      "numbers, dicts or lists; found <class 'object'>"),
    ([np.array(["a"]), np.array(["b"])], TypeError, "found <U1"),
    ([[1, 2], [3]], RuntimeError, "each element in list of batch should be of equal size"),
])
def test_collate_errors_as_torch(batch, error, message):
    with pytest.raises(error) as theirs:
        tud.default_collate(batch)
    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")) as ours:
        default_collate(batch)
    assert str(ours.value) == str(theirs.value)
