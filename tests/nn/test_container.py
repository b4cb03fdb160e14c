"""Sequential, ModuleList and ModuleDict against torch: the same operations on twin containers
give the same structure (compared through repr, which names every child), the same errors."""

from collections import OrderedDict

import numpy as np
import pytest
import torch
from oracle import assert_close

import konspekt as kp


def tags(lib, *names):
    """Parameter-free modules that print their own name, to follow them through operations."""
    class Tag(lib.nn.Module):
        def __init__(self, name):
            super().__init__()
            self.name = name

        def forward(self, x):
            return x + len(self.name)

        def extra_repr(self):
            return self.name
    return [Tag(n) for n in names]


def on_both(build):
    """``build(lib)`` for each library: (konspekt's result, torch's)."""
    return build(kp), build(torch)


def same_repr(pair):
    kp_obj, torch_obj = pair
    assert repr(kp_obj) == repr(torch_obj)


def same_error(operation, pair):
    """The operation raises the same exception type in both; konspekt's message contains
    torch's first line."""
    kp_obj, torch_obj = pair
    with pytest.raises(Exception) as torch_error:
        operation(torch_obj)
    with pytest.raises(torch_error.type) as kp_error:
        operation(kp_obj)
    return str(kp_error.value), str(torch_error.value).splitlines()[0]


# ---- Sequential -------------------------------------------------------------------------------

def sequential(lib, n=4):
    return lib.nn.Sequential(*tags(lib, *"abcdefgh"[:n]))


def named_sequential(lib):
    return lib.nn.Sequential(OrderedDict(zip(["x", "y", "z"], tags(lib, "a", "bb", "ccc"))))


def test_sequential_forward_and_names():
    pair = on_both(named_sequential)
    same_repr(pair)
    x = np.arange(3.0)
    assert_close(pair[0](kp.tensor(x)), pair[1](torch.tensor(x)))
    assert [n for n, _ in pair[0].named_children()] == ["x", "y", "z"]
    assert len(pair[0]) == 3 and [m.name for m in pair[0]] == ["a", "bb", "ccc"]


@pytest.mark.parametrize("index", [0, 2, -1, -4])
def test_sequential_getitem(index):
    k, t = on_both(sequential)
    assert repr(k[index]) == repr(t[index])


@pytest.mark.parametrize("index", [slice(1, 3), slice(None, None, 2), slice(-2, None),
                                   slice(3, 1)])
@pytest.mark.parametrize("make", [sequential, named_sequential])
def test_sequential_slice_keeps_names(make, index):
    k, t = on_both(make)
    assert type(k[index]) is kp.nn.Sequential
    assert repr(k[index]) == repr(t[index])
    assert k[index][0] is k[index.indices(len(k))[0]] if len(k[index]) else True


@pytest.mark.parametrize("index", [4, -5, 10])
def test_sequential_index_errors(index):
    message, torch_message = same_error(lambda s: s[index], on_both(sequential))
    assert torch_message in message


@pytest.mark.parametrize("index", [0, -1, 2])
def test_sequential_setitem(index):
    pair = on_both(sequential)
    for seq, lib in zip(pair, (kp, torch)):
        seq[index] = tags(lib, "new")[0]
    same_repr(pair)


@pytest.mark.parametrize("index", [0, -1, 1, slice(1, 3), slice(None, None, 2)])
@pytest.mark.parametrize("make", [sequential, named_sequential])
def test_sequential_delitem_renumbers_like_torch(make, index):
    pair = on_both(make)
    for seq in pair:
        del seq[index]
    same_repr(pair)


@pytest.mark.parametrize("index", [0, 2, 4, -1, -4])
def test_sequential_insert(index):
    pair = on_both(sequential)
    for seq, lib in zip(pair, (kp, torch)):
        assert seq.insert(index, tags(lib, "new")[0]) is seq
    same_repr(pair)


@pytest.mark.parametrize("index", [5, -5])
def test_sequential_insert_out_of_range(index):
    message, torch_message = same_error(lambda s: s.insert(index, s[0]), on_both(sequential))
    assert torch_message in message


def test_sequential_append_and_extend():
    pair = on_both(sequential)
    for seq, lib in zip(pair, (kp, torch)):
        assert seq.append(tags(lib, "p")[0]) is seq
        assert seq.extend(tags(lib, "q", "r")) is seq
    same_repr(pair)
    assert len(pair[0]) == 7


def test_sequential_of_sequentials_in_state_dict():
    def build(lib):
        inner = lib.nn.Sequential(lib.nn.Tanh())
        inner.weight = lib.nn.Parameter(lib.ones(2))
        return lib.nn.Sequential(inner, lib.nn.Sequential(OrderedDict(deep=inner)))
    k, t = on_both(build)
    assert list(k.state_dict()) == list(t.state_dict())
    same_repr((k, t))


# ---- ModuleList -------------------------------------------------------------------------------

def module_list(lib, n=3):
    return lib.nn.ModuleList(tags(lib, *"abcdefgh"[:n]))


def test_module_list_basics():
    pair = on_both(module_list)
    same_repr(pair)
    k = pair[0]
    assert len(k) == 3 and [m.name for m in k] == ["a", "b", "c"]
    assert k[-1].name == "c" and type(k[1:]) is kp.nn.ModuleList
    assert repr(k[1:]) == repr(pair[1][1:])
    assert len(kp.nn.ModuleList()) == 0
    with pytest.raises(NotImplementedError):
        k(kp.ones(1))


def test_module_list_mutations():
    pair = on_both(module_list)
    for ml, lib in zip(pair, (kp, torch)):
        ml.append(tags(lib, "d")[0])
        ml.extend(tags(lib, "e", "f"))
        ml += tags(lib, "g")
        ml.insert(1, tags(lib, "ins")[0])
        ml[0] = tags(lib, "set")[0]
        del ml[2]
        del ml[-2:]
    same_repr(pair)
    assert [n for n, _ in pair[0].named_children()] == [n for n, _ in pair[1].named_children()]


@pytest.mark.parametrize("index", [3, -4])
def test_module_list_index_errors(index):
    message, torch_message = same_error(lambda ml: ml[index], on_both(module_list))
    assert torch_message in message


@pytest.mark.parametrize("value", [5, None])
def test_module_list_extend_needs_iterable(value):
    message, torch_message = same_error(lambda ml: ml.extend(value), on_both(module_list))
    assert torch_message in message


def test_module_list_rejects_non_modules():
    pair = on_both(module_list)
    same_error(lambda ml: ml.append(3), pair)


def test_module_list_parameters_seen_by_parent():
    class Holder(kp.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = kp.nn.ModuleList()
            for _ in range(3):
                block = kp.nn.Module()
                block.weight = kp.nn.Parameter(kp.ones(2))
                self.layers.append(block)
    holder = Holder()
    assert [n for n, _ in holder.named_parameters()] == [
        "layers.0.weight", "layers.1.weight", "layers.2.weight"]


# ---- ModuleDict -------------------------------------------------------------------------------

def module_dict(lib):
    return lib.nn.ModuleDict(OrderedDict(zip(["x", "y", "z"], tags(lib, "a", "b", "c"))))


def test_module_dict_basics():
    pair = on_both(module_dict)
    same_repr(pair)
    k, t = pair
    assert list(k) == list(t) == ["x", "y", "z"]
    assert list(k.keys()) == list(t.keys())
    assert [m.name for m in k.values()] == ["a", "b", "c"]
    assert [(n, m.name) for n, m in k.items()] == [("x", "a"), ("y", "b"), ("z", "c")]
    assert "y" in k and "w" not in k and len(k) == 3
    assert k["y"].name == "b"


def test_module_dict_mutations():
    pair = on_both(module_dict)
    for md, lib in zip(pair, (kp, torch)):
        md["w"] = tags(lib, "new")[0]
        del md["x"]
        assert md.pop("y").name == "b"
        md.update([("u", tags(lib, "u")[0])])
        md.update({"v": tags(lib, "v")[0], "z": tags(lib, "z2")[0]})
    same_repr(pair)
    for md in pair:
        md.clear()
    same_repr(pair)


def test_module_dict_update_from_module_dict():
    pair = on_both(module_dict)
    for md, lib in zip(pair, (kp, torch)):
        md.update(lib.nn.ModuleDict({"q": tags(lib, "q")[0]}))
    same_repr(pair)


def test_module_dict_errors():
    pair = on_both(module_dict)
    same_error(lambda md: md["missing"], pair)
    same_error(lambda md: md.update([("a", md["x"], 1)]), pair)
    message, _ = same_error(lambda md: md.update(5), pair)
    assert "ModuleDict" in message
    same_error(lambda md: md.__setitem__("bad.name", md["x"]), pair)
    same_error(lambda md: md.__setitem__("n", 3), pair)


def test_sequential_rejects_non_modules():
    message, torch_message = same_error(lambda lib: lib.nn.Sequential([lib.nn.ReLU()]),
                                        (kp, torch))
    assert torch_message in message
    same_error(lambda seq: seq.append(3), on_both(sequential))
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        sequential(kp).insert(0, 3)


def test_module_list_repr_groups_repeats_like_torch():
    def build(lib):
        block = lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh())
        return lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.ReLU(), lib.nn.ReLU(), lib.nn.Tanh(),
                                  lib.nn.ReLU(), block, block])
    same_repr(on_both(build))
    same_repr(on_both(lambda lib: lib.nn.ModuleList([lib.nn.Tanh()])))
    same_repr(on_both(lambda lib: lib.nn.Sequential(lib.nn.ModuleList([lib.nn.Tanh()] * 2))))


@pytest.mark.parametrize("make", [sequential, module_list])
@pytest.mark.parametrize("index", [0, -1, slice(1, 3)])
def test_pop_like_torch(make, index):
    pair = on_both(make)
    popped = [container.pop(index) for container in pair]
    assert repr(popped[0]) == repr(popped[1])
    same_repr(pair)


def test_concatenation_like_torch():
    for make in (sequential, module_list):
        left, right = on_both(make), on_both(lambda lib, make=make: make(lib, 2))
        same_repr((left[0] + right[0], left[1] + right[1]))
        for a, b in zip(left, right):
            a += b
        same_repr(left)
    with pytest.raises(TypeError):
        sequential(kp) + [kp.nn.Tanh()]
