"""The adaptive optimisers — Adagrad, RMSprop, Adadelta, Adam, AdamW, NAdam — against
torch.optim: 20-step parameter trajectories of a float64 MLP for each setting, parameter groups,
float32 runs, state contents and errors."""

import numpy as np
import pytest
import torch

import konspekt as kp
from optim_oracle import assert_moves, assert_same_path, models, train, trajectories
from oracle import assert_raises_like_torch

CASES = [
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3)),
    ("Adagrad", dict(lr=0.05, eps=1e-3, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, centered=True, momentum=0.8, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, eps=1e-3, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.01, betas=(0.5, 0.99), maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.95), momentum_decay=0.05, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
]


@pytest.mark.parametrize("name, settings", CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_trajectory_matches_torch(name, settings):
    kp_path, torch_path = trajectories(getattr(kp.optim, name), getattr(torch.optim, name),
                                       **settings)
    assert_moves(kp_path)
    assert_same_path(kp_path, torch_path)


@pytest.mark.parametrize("name", ["Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam"])
def test_defaults_match_torch(name):
    kp_path, torch_path = trajectories(getattr(kp.optim, name), getattr(torch.optim, name),
                                       steps=5)
    assert_same_path(kp_path, torch_path)


@pytest.mark.parametrize("name", ["Adagrad", "RMSprop", "Adam", "NAdam"])
def test_parameter_groups_with_different_rates_match_torch(name):
    def groups(params):
        return [{"params": params[:2], "lr": 0.03}, {"params": params[2:3]},
                {"params": params[3:], "lr": 0.001, "weight_decay": 0.2}]
    kp_path, torch_path = trajectories(getattr(kp.optim, name), getattr(torch.optim, name),
                                       groups=groups, lr=0.01)
    assert_same_path(kp_path, torch_path)


@pytest.mark.parametrize("name", ["Adagrad", "RMSprop", "Adadelta", "Adam", "NAdam"])
def test_float32_parameters_stay_float32_and_follow_torch(name):
    kp_net, torch_net = models()
    kp_net, torch_net = kp_net.float(), torch_net.float()
    kp_opt = getattr(kp.optim, name)(kp_net.parameters(), lr=0.01)
    torch_opt = getattr(torch.optim, name)(torch_net.parameters(), lr=0.01)
    kp_path, torch_path = train(kp_net, kp_opt, kp, 10), train(torch_net, torch_opt, torch, 10)
    assert all(p.dtype == np.float32 for step in kp_path for p in step)
    assert_same_path(kp_path, torch_path, rtol=1e-4, atol=1e-6)
    for state in kp_opt.state.values():
        for key, value in state.items():
            if key not in ("step", "mu_product"):
                assert value.dtype == kp.float32, key


@pytest.mark.parametrize("name, keys", [
    ("Adagrad", {"step", "sum"}),
    ("RMSprop", {"step", "square_avg", "momentum_buffer", "grad_avg"}),
    ("Adadelta", {"step", "square_avg", "acc_delta"}),
    ("Adam", {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("NAdam", {"step", "mu_product", "exp_avg", "exp_avg_sq"}),
])
def test_state_holds_torch_s_entries_with_torch_s_values(name, keys):
    extra = {"RMSprop": dict(momentum=0.9, centered=True), "Adam": dict(amsgrad=True)}
    settings = extra.get(name, {})
    kp_net, torch_net = models()
    kp_opt = getattr(kp.optim, name)(kp_net.parameters(), **settings)
    torch_opt = getattr(torch.optim, name)(torch_net.parameters(), **settings)
    train(kp_net, kp_opt, kp, 3), train(torch_net, torch_opt, torch, 3)
    kp_state, torch_state = kp_opt.state_dict()["state"], torch_opt.state_dict()["state"]
    assert kp_state.keys() == torch_state.keys()
    for index in torch_state:
        assert set(kp_state[index]) == set(torch_state[index]) == keys
        for key, value in torch_state[index].items():
            np.testing.assert_allclose(kp_state[index][key].data, value.numpy(), rtol=1e-6,
                                       err_msg=key)
            assert kp_state[index][key].dtype.name == str(value.dtype).removeprefix("torch.")


def test_adagrad_state_exists_from_the_start_as_in_torch():
    w = kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.Adagrad([w], initial_accumulator_value=0.5)
    np.testing.assert_array_equal(opt.state[w]["sum"].data, [0.5, 0.5])
    assert float(opt.state[w]["step"]) == 0.0


def test_adagrad_group_added_later_is_initialised():
    w, later = kp.nn.Parameter(kp.ones(2)), kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.Adagrad([w], lr=0.5)
    opt.add_param_group({"params": [later], "initial_accumulator_value": 1.0})
    (w.sum() + (later ** 2).sum()).backward()
    opt.step()
    # G = 1 + 2² for `later`: θ = 1 − 0.5 · 2 / √5.
    np.testing.assert_allclose(later.data, 1 - 0.5 * 2 / np.sqrt(5))


def test_adamw_is_adam_with_decoupled_decay():
    a_path, _ = trajectories(kp.optim.AdamW, torch.optim.AdamW, steps=5, lr=0.01,
                             weight_decay=0.2)
    b_path, _ = trajectories(kp.optim.Adam, torch.optim.Adam, steps=5, lr=0.01, weight_decay=0.2,
                             decoupled_weight_decay=True)
    assert_same_path(a_path, b_path, rtol=0, atol=0)


def test_adamw_keeps_decoupled_decay_when_loading_an_adam_state():
    w = kp.nn.Parameter(kp.ones(2))
    adam_state = kp.optim.Adam([w], weight_decay=0.1).state_dict()
    adamw = kp.optim.AdamW([w])
    adamw.load_state_dict(adam_state)
    assert adamw.param_groups[0]["decoupled_weight_decay"] is True


OPTIMIZERS = ["Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam"]
BAD_SETTINGS = {
    "Adagrad": [dict(lr=-1.0), dict(lr_decay=-0.1), dict(weight_decay=-0.1),
                dict(initial_accumulator_value=-1.0), dict(eps=-1e-10)],
    "RMSprop": [dict(lr=-1.0), dict(eps=-1.0), dict(momentum=-0.9), dict(weight_decay=-1.0),
                dict(alpha=-0.5)],
    "Adadelta": [dict(lr=-1.0), dict(rho=1.5), dict(rho=-0.1), dict(eps=-1.0),
                 dict(weight_decay=-1.0)],
    "Adam": [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.999)), dict(betas=(0.9, -0.1)),
             dict(weight_decay=-1.0), dict(fused=True, foreach=True)],
    "AdamW": [dict(lr=-1.0), dict(betas=(-0.1, 0.999)), dict(betas=(0.9, 1.0)),
              dict(weight_decay=-0.1)],
    "NAdam": [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.2, 0.9)), dict(betas=(0.9, 1.0)),
              dict(weight_decay=-1.0), dict(momentum_decay=-1.0)],
}


@pytest.mark.parametrize("name, settings", [(n, s) for n in OPTIMIZERS for s in BAD_SETTINGS[n]],
                         ids=str)
def test_errors_like_torch(name, settings):
    assert_raises_like_torch(
        lambda: getattr(kp.optim, name)([kp.nn.Parameter(kp.ones(1))], **settings),
        lambda: getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **settings))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_signature_and_defaults_match_torch(name):
    import inspect
    kp_sig = inspect.signature(getattr(kp.optim, name).__init__)
    torch_sig = inspect.signature(getattr(torch.optim, name).__init__)
    assert list(kp_sig.parameters) == list(torch_sig.parameters)
    for key, parameter in torch_sig.parameters.items():
        assert kp_sig.parameters[key].default == parameter.default, key
        assert kp_sig.parameters[key].kind == parameter.kind, key
