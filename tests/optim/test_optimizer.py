"""The ``Optimizer`` base against torch.optim.Optimizer: parameter groups and their errors,
``zero_grad``, printing, ``state_dict`` layout, resuming bit-identically from a saved state
(in memory and through ``kp.save``), step hooks, closures and the version counter."""

import warnings

import numpy as np
import pytest
import torch
from torch.optim.optimizer import required as torch_required

import konspekt as kp
from optim_oracle import kp_model_like, models, torch_model, train
from oracle import assert_raises_like_torch

ALL = {
    "SGD": dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adagrad": dict(lr=0.1, lr_decay=0.01),
    "RMSprop": dict(lr=0.01, momentum=0.5, centered=True),
    "Adadelta": dict(weight_decay=0.01),
    "Adam": dict(lr=0.01, amsgrad=True),
    "AdamW": dict(lr=0.01),
    "NAdam": dict(lr=0.01),
}


def _on_both(build):
    """``build(library, parameters)`` applied to fresh parameters of each library."""
    return (build(kp, [kp.nn.Parameter(kp.ones(2)), kp.nn.Parameter(kp.ones(3))]),
            build(torch, [torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(3))]))


# ---- constructing -------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [
    "empty", "set", "number", "non-leaf", "two groups", "group not a dict",
    "names missing", "names mixed across groups",
])
def test_construction_errors_like_torch(case):
    def build(lib):
        a, b = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(2))
        if case == "empty":
            return lib.optim.SGD([])
        if case == "set":
            return lib.optim.SGD([{"params": {a}}])
        if case == "number":
            return lib.optim.SGD([a, 3.0])
        if case == "non-leaf":
            return lib.optim.SGD([a * 2])
        if case == "two groups":
            return lib.optim.SGD([{"params": [a, b]}, {"params": [b]}])
        if case == "names missing":
            return lib.optim.SGD([("a", a), b])
        opt = lib.optim.SGD([a])
        if case == "group not a dict":
            return opt.add_param_group([b])
        return opt.add_param_group({"params": [("b", b)]})
    assert_raises_like_torch(lambda: build(kp), lambda: build(torch))


def test_tensor_params_error_names_the_type():
    with pytest.raises(TypeError, match="but got konspekt.nn.parameter.Parameter"):
        kp.optim.SGD(kp.nn.Parameter(kp.ones(1)))


def test_required_hyperparameter_like_torch():
    def build(lib):
        class Custom(lib.optim.Optimizer):
            pass
        required = kp.optim.optimizer.required if lib is kp else torch_required
        return Custom([{"params": [lib.nn.Parameter(lib.ones(1))]}], {"lr": required})
    assert_raises_like_torch(lambda: build(kp), lambda: build(torch))
    assert repr(kp.optim.optimizer.required) == "<required parameter>"


def test_duplicate_parameter_warns_like_torch():
    w = kp.nn.Parameter(kp.ones(1))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        kp.optim.SGD([w, w])


def test_retained_non_leaf_can_be_optimised():
    x = kp.nn.Parameter(kp.ones(2)) * 2
    x.retain_grad()
    assert kp.optim.SGD([x]).param_groups[0]["params"][0] is x


@pytest.mark.parametrize("name", list(ALL))
def test_param_groups_and_printing_match_torch(name):
    def build(lib, params):
        opt = getattr(lib.optim, name)([{"params": params[:1]}], **ALL[name])
        opt.add_param_group({"params": params[1:], "lr": 0.5})
        return opt
    kp_opt, torch_opt = _on_both(build)
    for k, t in zip(kp_opt.param_groups, torch_opt.param_groups):
        assert {key: v for key, v in k.items() if key != "params"} == \
            {key: v for key, v in t.items() if key != "params"}
    assert repr(kp_opt) == repr(torch_opt)


def test_named_parameters_are_kept_as_param_names_like_torch():
    kp_net, torch_net = models()
    kp_opt = kp.optim.Adam(kp_net.named_parameters())
    torch_opt = torch.optim.Adam(torch_net.named_parameters())
    assert kp_opt.param_groups[0]["param_names"] == torch_opt.param_groups[0]["param_names"]
    assert kp_opt.state_dict()["param_groups"] == torch_opt.state_dict()["param_groups"]


def test_step_of_the_base_class_is_abstract():
    opt = kp.optim.Optimizer([kp.nn.Parameter(kp.ones(1))], {})
    with pytest.raises(NotImplementedError):
        opt.step()


# ---- zero_grad ----------------------------------------------------------------------------------

def test_zero_grad_sets_to_none_by_default():
    w = kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.SGD([w])
    (w * 3).sum().backward()
    opt.zero_grad()
    assert w.grad is None


def test_zero_grad_without_none_fills_the_same_tensor_with_zeros():
    w = kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.SGD([w])
    (w * 3).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad
    np.testing.assert_array_equal(grad.data, [0.0, 0.0])
    assert not grad.requires_grad


def test_zero_grad_detaches_a_grad_with_history():
    w = kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.SGD([w])
    (w ** 3).sum().backward(create_graph=True)
    assert w.grad.grad_fn is not None
    opt.zero_grad(set_to_none=False)
    assert w.grad.grad_fn is None
    np.testing.assert_array_equal(w.grad.data, [0.0, 0.0])


def test_gradients_accumulate_without_zero_grad_and_a_zero_grad_still_moves_momentum():
    w = kp.nn.Parameter(kp.ones(1))
    opt = kp.optim.SGD([w], lr=0.1, momentum=0.9)
    w.sum().backward()
    opt.step()                      # b = 1, w = 0.9
    opt.zero_grad(set_to_none=False)
    opt.step()                      # b = 0.9, w = 0.81
    np.testing.assert_allclose(w.data, [0.81])


# ---- state_dict ---------------------------------------------------------------------------------

def _two_group_optimizers(library, name, model):
    params = list(model.parameters())
    return getattr(library.optim, name)([{"params": params[:2]},
                                         {"params": params[2:], "lr": 0.002}], **ALL[name])


@pytest.mark.parametrize("name", list(ALL))
def test_state_dict_layout_matches_torch(name):
    kp_net, torch_net = models()
    kp_opt = _two_group_optimizers(kp, name, kp_net)
    torch_opt = _two_group_optimizers(torch, name, torch_net)
    train(kp_net, kp_opt, kp, 3), train(torch_net, torch_opt, torch, 3)
    kp_sd, torch_sd = kp_opt.state_dict(), torch_opt.state_dict()
    assert kp_sd.keys() == torch_sd.keys() == {"state", "param_groups"}
    assert kp_sd["param_groups"] == torch_sd["param_groups"]
    assert [g["params"] for g in kp_sd["param_groups"]] == [[0, 1], [2, 3]]
    assert kp_sd["state"].keys() == torch_sd["state"].keys()
    for index, state in torch_sd["state"].items():
        assert kp_sd["state"][index].keys() == state.keys()
        for key, value in state.items():
            np.testing.assert_allclose(kp_sd["state"][index][key].data, value.numpy(),
                                       rtol=1e-6, err_msg=f"{index} {key}")


def _resume(name, saved, weights):
    """A fresh model with the given weights and a fresh optimiser loaded with ``saved``."""
    net = kp_model_like(torch_model())
    for p, w in zip(net.parameters(), weights):
        p.data[...] = w
    opt = _two_group_optimizers(kp, name, net)
    opt.load_state_dict(saved)
    return net, opt


@pytest.mark.parametrize("name", list(ALL))
def test_resuming_from_a_state_dict_is_bit_identical(name):
    straight_net = kp_model_like(torch_model())
    straight = train(straight_net, _two_group_optimizers(kp, name, straight_net), kp, 20)

    net = kp_model_like(torch_model())
    opt = _two_group_optimizers(kp, name, net)
    first = train(net, opt, kp, 10)
    resumed_net, resumed_opt = _resume(name, opt.state_dict(), first[-1])
    second = train(resumed_net, resumed_opt, kp, 10)
    for a, b in zip(straight, first + second):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", ["SGD", "Adam", "NAdam"])
def test_resuming_from_a_checkpoint_file_is_bit_identical(name, tmp_path):
    straight_net = kp_model_like(torch_model())
    straight = train(straight_net, _two_group_optimizers(kp, name, straight_net), kp, 20)

    net = kp_model_like(torch_model())
    opt = _two_group_optimizers(kp, name, net)
    first = train(net, opt, kp, 10)
    kp.save(opt.state_dict(), tmp_path / "optimizer.kp")
    resumed_net, resumed_opt = _resume(name, kp.load(tmp_path / "optimizer.kp"), first[-1])
    second = train(resumed_net, resumed_opt, kp, 10)
    for x, y in zip(straight[-1], second[-1]):
        np.testing.assert_array_equal(x, y)


def test_loaded_state_is_a_copy_and_takes_the_saved_hyperparameters():
    net = kp_model_like(torch_model())
    opt = kp.optim.Adam(net.parameters(), lr=0.01)
    train(net, opt, kp, 2)
    saved = opt.state_dict()
    other = kp.optim.Adam(net.parameters(), lr=0.5)
    other.load_state_dict(saved)
    assert other.param_groups[0]["lr"] == 0.01
    assert other.param_groups[0]["params"] == list(net.parameters()) or all(
        a is b for a, b in zip(other.param_groups[0]["params"], net.parameters()))
    for p in net.parameters():
        assert other.state[p]["exp_avg"] is not opt.state[p]["exp_avg"]
        assert not np.shares_memory(other.state[p]["exp_avg"].data, opt.state[p]["exp_avg"].data)
    train(net, opt, kp, 1)
    assert float(other.state[next(iter(net.parameters()))]["step"]) == 2.0


def test_loaded_state_is_cast_to_the_parameter_dtype_but_the_step_is_not():
    w64 = kp.nn.Parameter(kp.ones(2, dtype=kp.float64))
    opt = kp.optim.Adam([w64])
    (w64 ** 2).sum().backward()
    opt.step()
    w32 = kp.nn.Parameter(kp.ones(2))
    other = kp.optim.Adam([w32])
    other.load_state_dict(opt.state_dict())
    assert other.state[w32]["exp_avg"].dtype == kp.float32
    assert other.state[w32]["step"].dtype == opt.state[w64]["step"].dtype


@pytest.mark.parametrize("case", ["groups", "sizes"])
def test_load_state_dict_errors_like_torch(case):
    def build(lib):
        a, b, c = (lib.nn.Parameter(lib.ones(2)) for _ in range(3))
        saved = lib.optim.SGD([{"params": [a]}, {"params": [b, c]}]).state_dict()
        other = (lib.optim.SGD([a, b, c]) if case == "groups"
                 else lib.optim.SGD([{"params": [a, b]}, {"params": [c]}]))
        other.load_state_dict(saved)
    assert_raises_like_torch(lambda: build(kp), lambda: build(torch))


# ---- the step -------------------------------------------------------------------------------

def test_step_bumps_the_version_so_a_stale_graph_refuses_backward():
    w = kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.SGD([w], lr=0.1)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    version = w._version
    opt.step()
    assert w._version > version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize("name", list(ALL))
def test_step_records_no_graph_and_returns_the_closure_s_loss(name):
    w = kp.nn.Parameter(kp.tensor([1.0, -2.0]))
    opt = getattr(kp.optim, name)([w], **ALL[name])

    def closure():
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss

    with kp.no_grad():  # the closure still computes gradients
        loss = opt.step(closure)
    assert float(loss) == 5.0
    assert w.is_leaf and w.grad_fn is None and w.requires_grad
    assert not any(t.requires_grad for t in opt.state[w].values())


def test_step_hooks_run_around_the_step_and_can_be_removed():
    w = kp.nn.Parameter(kp.ones(1))
    opt = kp.optim.SGD([w], lr=0.5)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", float(w))))
    post = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", float(w))))
    w.sum().backward()
    opt.step()
    assert calls == [("pre", 1.0), ("post", 0.5)]
    pre.remove(), post.remove()
    opt.step()
    assert len(calls) == 2


def test_a_pre_hook_can_replace_the_arguments():
    w = kp.nn.Parameter(kp.ones(1))
    opt = kp.optim.SGD([w], lr=0.5)
    w.sum().backward()
    opt.register_step_pre_hook(lambda o, args, kwargs: ((), {"closure": lambda: 7.0}))
    assert opt.step() == 7.0


def test_a_subclass_step_calling_super_runs_the_hooks_once():
    class Noisy(kp.optim.SGD):
        def step(self, closure=None):
            return super().step(closure)

    w = kp.nn.Parameter(kp.ones(1))
    opt = Noisy([w], lr=0.5)
    calls = []
    opt.register_step_pre_hook(lambda *args: calls.append(1))
    w.sum().backward()
    opt.step()
    assert calls == [1]
    np.testing.assert_allclose(w.data, [0.5])


def test_no_warning_on_an_ordinary_loop():
    net = kp_model_like(torch_model())
    opt = kp.optim.Adam(net.parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(net, opt, kp, 2)
