"""Module and Parameter against torch.nn.Module: the same custom module tree is built in both
libraries and its traversal, state dict, modes, freezing, dtype casts, repr, hooks, attribute
errors, copying and pickling are compared."""

import copy
import pickle
import re
from collections import OrderedDict

import numpy as np
import pytest
import torch
from oracle import assert_close, assert_raises_like_torch

import konspekt as kp


def make_net(lib):
    """A tree with everything the Module system handles: parameters, an absent parameter,
    persistent, integer and non-persistent buffers, Sequential from modules and from an
    OrderedDict, ModuleList, ModuleDict, a submodule shared under two names, extra_repr."""
    nn = lib.nn

    class Affine(nn.Module):
        def __init__(self, n, bias=True):
            super().__init__()
            self.n = n
            self.weight = nn.Parameter(lib.ones(n))
            if bias:
                self.bias = nn.Parameter(lib.zeros(n))
            else:
                self.register_parameter("bias", None)
            self.register_buffer("count", lib.zeros((), dtype=lib.int64))
            self.register_buffer("cache", lib.zeros(n), persistent=False)

        def forward(self, x):
            return x * self.weight + (self.bias if self.bias is not None else 0)

        def extra_repr(self):
            return f"n={self.n}, bias={self.bias is not None}"

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            shared = Affine(3)
            self.stem = nn.Sequential(Affine(3), nn.Tanh(), shared)
            self.blocks = nn.ModuleList([Affine(3, bias=False), Affine(3)])
            self.heads = nn.ModuleDict({
                "a": Affine(3),
                "b": nn.Sequential(OrderedDict([("inner", Affine(3)), ("act", nn.ReLU())]))})
            self.shared_again = shared
            self.scale = nn.Parameter(lib.ones(1))
            self.register_buffer("steps", lib.zeros(1))

        def forward(self, x):
            x = self.stem(x)
            for block in self.blocks:
                x = block(x)
            x = self.heads["a"](x) + self.heads["b"](x)
            return self.shared_again(x) * self.scale

    return Net()


@pytest.fixture
def nets(default_float64):
    """The twin trees, torch's with random values, konspekt's loaded from torch's state dict."""
    torch.manual_seed(0)
    tnet = make_net(torch)
    with torch.no_grad():
        for p in tnet.parameters():
            p.copy_(torch.randn(p.shape))
        tnet.steps.fill_(7)
    knet = make_net(kp)
    knet.load_state_dict({k: v.numpy() for k, v in tnet.state_dict().items()})
    return knet, tnet


def names(pairs):
    return [name for name, _ in pairs]


# ---- traversal --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["named_parameters", "named_buffers", "named_modules",
                                    "named_children"])
def test_names_and_order(nets, method):
    knet, tnet = nets
    assert names(getattr(knet, method)()) == names(getattr(tnet, method)())


@pytest.mark.parametrize("method", ["named_parameters", "named_buffers", "named_modules"])
def test_names_keeping_duplicates(nets, method):
    knet, tnet = nets
    assert (names(getattr(knet, method)(remove_duplicate=False))
            == names(getattr(tnet, method)(remove_duplicate=False)))


@pytest.mark.parametrize("method", ["parameters", "buffers"])
def test_not_recursive(nets, method):
    knet, tnet = nets
    assert ([tuple(t.shape) for t in getattr(knet, method)(recurse=False)]
            == [tuple(t.shape) for t in getattr(tnet, method)(recurse=False)])


def test_named_parameters_with_prefix(nets):
    knet, tnet = nets
    assert names(knet.named_parameters(prefix="model")) == \
        names(tnet.named_parameters(prefix="model"))


def test_shared_parameters_listed_once(nets):
    knet, _ = nets
    params = list(knet.parameters())
    assert len(params) == len({id(p) for p in params})
    assert knet.stem[2].weight is knet.shared_again.weight


def test_get_submodule(nets):
    knet, tnet = nets
    assert knet.get_submodule("heads.b.inner") is knet.heads["b"].inner
    assert knet.get_submodule("") is knet
    assert_raises_like_torch(lambda: knet.get_submodule("stem.nothing"),
                             lambda: tnet.get_submodule("stem.nothing"))


# ---- state dict -------------------------------------------------------------------------------

def test_state_dict_keys_and_shapes(nets):
    knet, tnet = nets
    kstate, tstate = knet.state_dict(), tnet.state_dict()
    assert isinstance(kstate, OrderedDict)
    assert list(kstate) == list(tstate)
    for key in tstate:
        assert_close(kstate[key], tstate[key], what=key)


def test_state_dict_with_prefix(nets):
    knet, tnet = nets
    assert list(knet.state_dict(prefix="net.")) == list(tnet.state_dict(prefix="net."))


def test_state_dict_shares_memory_and_keep_vars(nets):
    knet, _ = nets
    state = knet.state_dict()
    assert not state["scale"].requires_grad
    state["scale"].data[...] = 5.0
    assert knet.scale.data[0] == 5.0
    assert knet.state_dict(keep_vars=True)["scale"] is knet.scale


def test_loaded_twin_computes_the_same(nets):
    knet, tnet = nets
    x = np.random.default_rng(0).standard_normal((4, 3))
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kout, tout = knet(kx), tnet(tx)
    assert_close(kout, tout)
    kout.sum().backward()
    tout.sum().backward()
    assert_close(kx.grad, tx.grad, what="input grad")
    for (name, kp_param), (_, torch_param) in zip(knet.named_parameters(),
                                                  tnet.named_parameters()):
        assert_close(kp_param.grad, torch_param.grad, what=name)


def test_load_keeps_parameter_objects_and_dtype(nets):
    knet, _ = nets
    weight = knet.stem[0].weight
    state = {k: v.data.astype(np.float32) for k, v in knet.state_dict().items()}
    knet.load_state_dict(state)
    assert knet.stem[0].weight is weight
    assert weight.dtype == kp.float64
    assert knet.stem[0].count.dtype == kp.int64


def test_load_non_strict_reports_like_torch(nets):
    knet, tnet = nets
    state = {k: v.numpy() for k, v in tnet.state_dict().items()
             if not k.startswith("heads.")}
    state["extra.weight"] = np.zeros(2)
    kresult = knet.load_state_dict(state, strict=False)
    tresult = tnet.load_state_dict({k: torch.tensor(v) for k, v in state.items()},
                                   strict=False)
    assert kresult.missing_keys == tresult.missing_keys
    assert kresult.unexpected_keys == tresult.unexpected_keys
    assert kresult == tuple(tresult)


def _error_lines(call):
    with pytest.raises(RuntimeError) as info:
        call()
    return str(info.value).split("\n\t")


@pytest.mark.parametrize("case", ["missing", "unexpected", "size", "all"])
def test_strict_load_errors_like_torch(nets, case):
    knet, tnet = nets
    state = {k: v.numpy() for k, v in tnet.state_dict().items()}
    if case in ("missing", "all"):
        del state["scale"], state["blocks.1.bias"]
    if case in ("unexpected", "all"):
        state["blocks.2.weight"] = np.zeros(3)
    if case in ("size", "all"):
        state["heads.a.weight"] = np.zeros(4)
    klines = _error_lines(lambda: knet.load_state_dict(state))
    tlines = _error_lines(lambda: tnet.load_state_dict(
        {k: torch.tensor(v) for k, v in state.items()}))
    # konspekt writes a shape as [3] where torch writes torch.Size([3]).
    tlines = [re.sub(r"torch\.Size\((\[[^]]*\])\)", r"\1", line) for line in tlines]
    assert [line.strip() for line in klines] == [line.strip() for line in tlines]


def test_size_mismatch_raises_even_when_not_strict(nets):
    knet, _ = nets
    with pytest.raises(RuntimeError, match="size mismatch for scale"):
        knet.load_state_dict({"scale": np.zeros(2)}, strict=False)


def test_failed_load_changes_nothing(nets):
    knet, _ = nets
    before = {k: v.data.copy() for k, v in knet.state_dict().items()}
    state = {k: np.full_like(v, 9.0) for k, v in before.items()}
    state["heads.a.weight"] = np.zeros(4)
    with pytest.raises(RuntimeError):
        knet.load_state_dict(state)
    for key, value in knet.state_dict().items():
        np.testing.assert_array_equal(value.data, before[key])


def test_load_state_dict_rejects_non_mapping(nets):
    knet, _ = nets
    with pytest.raises(TypeError, match="dict-like"):
        knet.load_state_dict([("scale", np.ones(1))])


# ---- modes, freezing, gradients ---------------------------------------------------------------

def test_train_eval_propagate(nets):
    knet, tnet = nets
    for net in (knet, tnet):
        net.eval()
        net.stem.train()
    assert [m.training for m in knet.modules()] == [m.training for m in tnet.modules()]
    assert knet.stem[1].training and not knet.heads["b"].act.training
    assert knet.train() is knet
    assert all(m.training for m in knet.modules())
    assert_raises_like_torch(lambda: knet.train("no"), lambda: tnet.train("no"))


def test_requires_grad_false_freezes(nets):
    knet, tnet = nets
    x = np.ones((2, 3))
    for net, lib in ((knet, kp), (tnet, torch)):
        assert net.stem.requires_grad_(False) is net.stem
        net(lib.tensor(x)).sum().backward()
    for (name, kp_param), (_, torch_param) in zip(knet.named_parameters(),
                                                  tnet.named_parameters()):
        assert kp_param.requires_grad == torch_param.requires_grad, name
        assert (kp_param.grad is None) == (torch_param.grad is None), name
    knet.requires_grad_()
    assert all(p.requires_grad for p in knet.parameters())


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(nets, set_to_none):
    knet, tnet = nets
    for net, lib in ((knet, kp), (tnet, torch)):
        net(lib.ones(2, 3)).sum().backward()
        net.zero_grad(set_to_none=set_to_none)
    for kp_param, torch_param in zip(knet.parameters(), tnet.parameters()):
        if set_to_none:
            assert kp_param.grad is None and torch_param.grad is None
        else:
            assert_close(kp_param.grad, torch_param.grad)


def test_apply_visits_children_first(nets):
    knet, tnet = nets
    visited = {"kp": [], "torch": []}
    for net, key in ((knet, "kp"), (tnet, "torch")):
        assert net.apply(lambda m, key=key: visited[key].append(type(m).__name__)) is net
    assert visited["kp"] == visited["torch"]


def test_to_float64_keeps_objects_and_integer_buffers():
    knet, tnet = make_net(kp), make_net(torch)
    kparams = list(knet.parameters())
    knet(kp.ones(2, 3)).sum().backward()
    assert knet.to(kp.float64) is knet
    tnet.to(torch.float64)
    assert [p is q for p, q in zip(kparams, knet.parameters())] == [True] * len(kparams)
    assert ([str(t.dtype).split(".")[1] for t in knet.state_dict().values()]
            == [str(t.dtype).split(".")[1] for t in tnet.state_dict().values()])
    assert all(p.grad.dtype == kp.float64 for p in knet.parameters())
    assert knet.stem[0].cache.dtype == kp.float64
    assert knet.float().scale.dtype == kp.float32
    assert knet.double().scale.dtype == kp.float64
    assert knet.to("cpu") is knet and knet.cpu() is knet


def test_to_rejects_integer_dtype_and_other_devices():
    knet, tnet = make_net(kp), make_net(torch)
    with pytest.raises(TypeError):
        tnet.to(torch.int64)
    with pytest.raises(TypeError, match="only accepts floating point dtypes.*int64"):
        knet.to(kp.int64)
    with pytest.raises(RuntimeError, match="cuda"):
        knet.to("cuda")


# ---- repr, hooks, forward ---------------------------------------------------------------------

def test_repr_like_torch(nets):
    knet, tnet = nets
    assert repr(knet) == repr(tnet)
    assert repr(knet.heads) == repr(tnet.heads)
    assert repr(kp.nn.Sequential()) == repr(torch.nn.Sequential())


def test_multiline_extra_repr_is_indented():
    def make(lib):
        class Two(lib.nn.Module):
            def extra_repr(self):
                return "first,\nsecond"

        class Outer(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = Two()
        return Outer()
    assert repr(make(kp)) == repr(make(torch))
    assert str(make(kp).inner) == str(make(torch).inner)


def test_forward_hooks_like_torch(nets):
    knet, tnet = nets
    calls = {"kp": [], "torch": []}
    handles = []
    for net, key in ((knet, "kp"), (tnet, "torch")):
        log = calls[key]
        handles.append(net.stem.register_forward_pre_hook(
            lambda m, args, log=log: (log.append("pre"), (args[0] * 2,))[1]))
        handles.append(net.stem.register_forward_hook(
            lambda m, args, out, log=log: (log.append(tuple(out.shape)), out + 1)[1]))
    x = np.random.default_rng(1).standard_normal((2, 3))
    assert_close(knet(kp.tensor(x)), tnet(torch.tensor(x)))
    assert calls["kp"] == calls["torch"] == ["pre", (2, 3)]
    for handle in handles:
        handle.remove()
    assert_close(knet(kp.tensor(x)), tnet(torch.tensor(x)))
    assert len(calls["kp"]) == 2


def test_missing_forward_raises_like_torch():
    assert_raises_like_torch(lambda: kp.nn.Module()(kp.ones(1)),
                             lambda: torch.nn.Module()(torch.ones(1)))


# ---- attributes -------------------------------------------------------------------------------

def test_tensor_assigned_to_parameter_name_is_type_error(nets):
    knet, tnet = nets
    with pytest.raises(TypeError) as torch_error:
        tnet.scale = torch.ones(1)
    with pytest.raises(TypeError, match="as parameter 'scale'") as kp_error:
        knet.scale = kp.ones(1)
    assert "or None expected" in str(torch_error.value) and "or None expected" in str(
        kp_error.value)
    knet.scale = None
    assert knet.scale is None and "scale" not in dict(knet.named_parameters())


def test_assignments_to_registered_names(nets):
    knet, tnet = nets
    with pytest.raises(TypeError, match="child module 'stem'"):
        knet.stem = 3
    with pytest.raises(TypeError):
        tnet.stem = 3
    with pytest.raises(TypeError, match="buffer 'steps'"):
        knet.steps = 3
    with pytest.raises(TypeError):
        tnet.steps = 3
    knet.steps = kp.ones(1)
    assert knet.state_dict()["steps"].data[0] == 1.0
    # A Parameter assigned to a buffer's name turns it into a parameter, as in torch.
    knet.steps = kp.nn.Parameter(kp.ones(1))
    tnet.steps = torch.nn.Parameter(torch.ones(1))
    assert names(knet.named_parameters()) == names(tnet.named_parameters())
    assert names(knet.named_buffers()) == names(tnet.named_buffers())


def test_registration_errors_like_torch(nets):
    knet, tnet = nets
    for call in (lambda m, lib: m.register_buffer("a.b", lib.ones(1)),
                 lambda m, lib: m.register_buffer("", lib.ones(1)),
                 lambda m, lib: m.register_parameter("n.x", None),
                 lambda m, lib: m.register_buffer("stem", lib.ones(1)),
                 lambda m, lib: m.add_module("scale", lib.nn.Tanh()),
                 lambda m, lib: m.register_parameter("steps", None),
                 lambda m, lib: m.add_module(3, lib.nn.Tanh())):
        with pytest.raises(Exception) as torch_error:
            call(tnet, torch)
        with pytest.raises(torch_error.type) as kp_error:
            call(knet, kp)
        # KeyError's str() quotes its message; its argument is the message itself.
        assert torch_error.value.args[0] in kp_error.value.args[0]
    with pytest.raises(TypeError, match="parameter 'x'"):
        knet.register_parameter("x", kp.ones(1))
    with pytest.raises(TypeError):
        tnet.register_parameter("x", torch.ones(1))
    with pytest.raises(TypeError):
        knet.register_buffer("y", np.ones(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        knet.add_module("z", 3)


def test_assignment_before_init_like_torch():
    def make(lib, value):
        class Early(lib.nn.Module):
            def __init__(self):
                self.weight = value
                super().__init__()
        return Early()
    assert_raises_like_torch(lambda: make(kp, kp.nn.Parameter(kp.ones(1))),
                             lambda: make(torch, torch.nn.Parameter(torch.ones(1))))
    assert_raises_like_torch(lambda: make(kp, kp.nn.Tanh()), lambda: make(torch, torch.nn.Tanh()))


def test_missing_attribute_like_torch(nets):
    knet, tnet = nets
    assert_raises_like_torch(lambda: knet.nothing, lambda: tnet.nothing)


def test_delattr_unregisters(nets):
    knet, tnet = nets
    for net in (knet, tnet):
        del net.scale, net.steps, net.blocks
    assert names(knet.named_parameters()) == names(tnet.named_parameters())
    assert list(knet.state_dict()) == list(tnet.state_dict())
    assert "scale" not in dir(knet) and "stem" in dir(knet)


# ---- copying ----------------------------------------------------------------------------------

class Scaled(kp.nn.Module):
    """A picklable tree (its classes live at module level) with a shared submodule."""

    def __init__(self):
        super().__init__()
        self.weight = kp.nn.Parameter(kp.randn(3))
        self.register_buffer("cache", kp.zeros(3), persistent=False)
        self.register_buffer("count", kp.zeros((), dtype=kp.int64))

    def forward(self, x):
        return x * self.weight


class Tree(kp.nn.Module):
    def __init__(self):
        super().__init__()
        shared = Scaled()
        self.body = kp.nn.Sequential(shared, kp.nn.Tanh(), Scaled())
        self.heads = kp.nn.ModuleDict({"a": Scaled()})
        self.shared_again = shared
        self.scale = kp.nn.Parameter(kp.ones(1))

    def forward(self, x):
        return self.shared_again(self.heads["a"](self.body(x))) * self.scale


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copy_is_independent_and_keeps_sharing(how):
    tree = Tree()
    clone = copy.deepcopy(tree) if how == "deepcopy" else pickle.loads(pickle.dumps(tree))
    assert repr(clone) == repr(tree)
    assert clone.body[0] is clone.shared_again
    assert type(clone.scale) is kp.nn.Parameter and clone.scale.requires_grad
    x = kp.ones(2, 3)
    assert_close(clone(x), tree(x))
    clone.scale.data[...] = 0
    assert tree.scale.data[0] != 0
    assert list(clone.state_dict()) == list(tree.state_dict())
    assert "cache" in dict(clone.body[0].named_buffers())
    assert "cache" not in clone.body[0].state_dict()


def test_deepcopy_of_the_twin_tree(nets):
    knet, _ = nets
    clone = copy.deepcopy(knet)
    assert repr(clone) == repr(knet)
    assert clone.stem[2] is clone.shared_again
    assert type(clone.scale) is kp.nn.Parameter and clone.scale.requires_grad
    x = kp.ones(2, 3)
    assert_close(clone(x), knet(x))
    clone.scale.data[...] = 0
    assert knet.scale.data[0] != 0
    assert list(clone.state_dict()) == list(knet.state_dict())


# ---- Parameter --------------------------------------------------------------------------------

def test_parameter_basics():
    p = kp.nn.Parameter(kp.ones(2))
    t = torch.nn.Parameter(torch.ones(2))
    assert isinstance(p, kp.Tensor) and p.is_leaf and p.requires_grad
    assert repr(p).splitlines()[0] == repr(t).splitlines()[0] == "Parameter containing:"
    assert not kp.nn.Parameter(kp.ones(2), requires_grad=False).requires_grad
    assert kp.nn.Parameter().shape == torch.nn.Parameter().shape
    frozen = copy.deepcopy(kp.nn.Parameter(kp.ones(1), requires_grad=False))
    assert type(frozen) is kp.nn.Parameter and not frozen.requires_grad


def test_parameter_shares_the_tensor_array():
    data = kp.zeros(3)
    p = kp.nn.Parameter(data)
    p.data[0] = 1.0
    assert data.data[0] == 1.0


def test_parameter_of_integer_dtype_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        kp.nn.Parameter(kp.zeros(2, dtype=kp.int64))


def test_load_result_prints_like_torch(nets):
    knet, tnet = nets
    state = {k: v.numpy() for k, v in tnet.state_dict().items()}
    assert repr(knet.load_state_dict(state)) == repr(tnet.load_state_dict(
        {k: torch.tensor(v) for k, v in state.items()}))
    assert "missing_keys=['scale']" in repr(knet.load_state_dict(
        {k: v for k, v in state.items() if k != "scale"}, strict=False))


# ---- real layers ------------------------------------------------------------------------------

def _real_pair(build):
    """The same network of library layers in both, torch's values loaded into konspekt's."""
    tnet, knet = build(torch), build(kp)
    assert list(knet.state_dict()) == list(tnet.state_dict())
    for (key, kv), tv in zip(knet.state_dict().items(), tnet.state_dict().values()):
        assert tuple(kv.shape) == tuple(tv.shape), key
        assert str(kv.dtype).split(".")[1] == str(tv.dtype).split(".")[1], key
    knet.load_state_dict({k: v.numpy() for k, v in tnet.state_dict().items()})
    assert repr(knet) == repr(tnet)
    return knet, tnet


def test_prelu_network_from_torch_state_dict(default_float64):
    def build(lib):
        return lib.nn.Sequential(lib.nn.PReLU(3, init=0.1), lib.nn.Tanh(), lib.nn.PReLU())
    knet, tnet = _real_pair(build)
    x = np.random.default_rng(2).standard_normal((4, 3))
    assert_close(knet(kp.tensor(x)), tnet(torch.tensor(x)))


def test_linear_network_from_torch_state_dict(default_float64):
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.ReLU(),
                                 lib.nn.Linear(3, 2, bias=False))
    knet, tnet = _real_pair(build)
    x = np.random.default_rng(3).standard_normal((5, 4))
    assert_close(knet(kp.tensor(x)), tnet(torch.tensor(x)))


def test_convolution_network_from_torch_state_dict(default_float64):
    def build(lib):
        return lib.nn.Sequential(lib.nn.Conv2d(2, 4, 3, padding=1), lib.nn.BatchNorm2d(4),
                                 lib.nn.ReLU())
    knet, tnet = _real_pair(build)
    x = np.random.default_rng(4).standard_normal((2, 2, 5, 5))
    for net in (knet, tnet):
        net.eval()
    assert_close(knet(kp.tensor(x)), tnet(torch.tensor(x)))


def test_an_error_in_forward_names_the_innermost_layer_once():
    net = kp.nn.Sequential(kp.nn.Linear(2, 3), kp.nn.Sequential(kp.nn.Conv2d(3, 8, 3)))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 .*\(4x5 and 2x3\)") as info:
        net(kp.randn(4, 5))
    assert info.value.__notes__ == ["in layer Linear(in_features=2, out_features=3, bias=True)"]
    with pytest.raises(RuntimeError, match="input.* to have 3 channels, but got 4") as info:
        net[1](kp.randn(1, 4, 8, 8))
    assert info.value.__notes__ == ["in layer Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))"]


def test_reassigning_a_child_or_a_parameter_keeps_its_place_as_torch():
    def build(L):
        net = L.nn.Sequential(L.nn.Linear(2, 3), L.nn.ReLU(), L.nn.Linear(3, 1))
        setattr(net, "0", L.nn.Linear(2, 3, bias=False))
        net[2].weight = L.nn.Parameter(L.zeros(1, 3))
        return net

    k, t = build(kp), build(torch)
    assert [type(m).__name__ for m in k] == [type(m).__name__ for m in t] == ["Linear", "ReLU",
                                                                                "Linear"]
    assert list(k.state_dict()) == list(t.state_dict()) == ["0.weight", "2.weight", "2.bias"]
