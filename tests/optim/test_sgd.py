"""SGD against torch.optim.SGD: 20-step parameter trajectories of a float64 MLP with momentum,
dampening, Nesterov, weight decay, maximize and parameter groups; the course's two momentum
forms and its Nesterov look-ahead, reached through torch's parametrisation; errors."""

import numpy as np
import pytest
import torch

import konspekt as kp
from optim_oracle import assert_moves, assert_same_path, trajectories
from oracle import assert_raises_like_torch


@pytest.mark.parametrize("settings", [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.1, momentum=0.9, dampening=0.5),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(lr=0.01, momentum=0.5, dampening=0.1, weight_decay=0.2, maximize=True),
    dict(),
], ids=str)
def test_trajectory_matches_torch(settings):
    kp_path, torch_path = trajectories(kp.optim.SGD, torch.optim.SGD, **settings)
    assert_moves(kp_path)
    assert_same_path(kp_path, torch_path)


def test_parameter_groups_with_their_own_settings_match_torch():
    def groups(params):
        return [{"params": params[:2], "lr": 0.2, "momentum": 0.5},
                {"params": params[2:3], "nesterov": True},
                # torch checks Nesterov's zero dampening for the defaults only, not per group
                {"params": params[3:], "nesterov": True, "dampening": 0.3, "weight_decay": 0.1}]
    kp_path, torch_path = trajectories(kp.optim.SGD, torch.optim.SGD, groups=groups, lr=0.05,
                                       momentum=0.9)
    assert_same_path(kp_path, torch_path)


def _quadratic_gradient(theta, a):
    """∇ of L(θ) = ½ Σ aᵢ θᵢ²."""
    return a * theta


def _sgd_path(theta0, a, steps, **settings):
    w = kp.nn.Parameter(kp.tensor(theta0.copy()))
    opt = kp.optim.SGD([w], **settings)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * kp.tensor(a) * w ** 2).sum().backward()
        opt.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


A = np.array([1.0, 4.0, 0.3])
THETA0 = np.array([1.0, -2.0, 3.0])


def test_course_momentum_v_equals_gamma_v_plus_eta_grad():
    """v ← γv + η∇L, θ ← θ − v  is  momentum=γ, dampening=0, lr=η."""
    gamma, eta = 0.8, 0.1
    theta, v, expected = THETA0.copy(), np.zeros(3), []
    for _ in range(15):
        v = gamma * v + eta * _quadratic_gradient(theta, A)
        theta = theta - v
        expected.append(theta)
    np.testing.assert_allclose(_sgd_path(THETA0, A, 15, lr=eta, momentum=gamma), expected,
                               rtol=1e-12)


def test_course_momentum_as_moving_average():
    """v ← γv + (1 − γ)∇L, θ ← θ − ηv  is  momentum=γ, dampening=0, lr=η(1 − γ)."""
    gamma, eta = 0.8, 0.5
    theta, v, expected = THETA0.copy(), np.zeros(3), []
    for _ in range(15):
        v = gamma * v + (1 - gamma) * _quadratic_gradient(theta, A)
        theta = theta - eta * v
        expected.append(theta)
    np.testing.assert_allclose(_sgd_path(THETA0, A, 15, lr=eta * (1 - gamma), momentum=gamma),
                               expected, rtol=1e-12)


def test_dampening_gamma_is_the_moving_average_started_at_the_first_gradient():
    gamma, eta = 0.8, 0.5
    theta, v, expected = THETA0.copy(), None, []
    for _ in range(15):
        g = _quadratic_gradient(theta, A)
        v = g if v is None else gamma * v + (1 - gamma) * g
        theta = theta - eta * v
        expected.append(theta)
    np.testing.assert_allclose(_sgd_path(THETA0, A, 15, lr=eta, momentum=gamma,
                                         dampening=gamma), expected, rtol=1e-12)


def test_nesterov_is_the_course_look_ahead_update_reparametrised():
    """Course: v ← γv + η∇L(θ − γv), θ ← θ − v. SGD(nesterov=True) holds φ = θ − γv."""
    gamma, eta = 0.9, 0.05
    theta, v, expected = THETA0.copy(), np.zeros(3), []
    for _ in range(15):
        v = gamma * v + eta * _quadratic_gradient(theta - gamma * v, A)
        theta = theta - v
        expected.append(theta - gamma * v)
    np.testing.assert_allclose(_sgd_path(THETA0, A, 15, lr=eta, momentum=gamma, nesterov=True),
                               expected, rtol=1e-12)


def test_a_parameter_without_gradient_is_left_alone():
    w, unused = kp.nn.Parameter(kp.ones(2)), kp.nn.Parameter(kp.ones(2))
    opt = kp.optim.SGD([w, unused], lr=0.1, momentum=0.9, weight_decay=0.1)
    (w ** 2).sum().backward()
    opt.step()
    np.testing.assert_array_equal(unused.data, np.ones(2))
    assert unused not in opt.state


def test_grad_is_not_modified():
    w = kp.nn.Parameter(kp.tensor([1.0, 2.0]))
    opt = kp.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.5, maximize=True)
    for _ in range(2):
        opt.zero_grad()
        (w ** 2).sum().backward()
        before = w.grad.data.copy()
        opt.step()
        np.testing.assert_array_equal(w.grad.data, before)


@pytest.mark.parametrize("settings", [
    dict(lr=-0.1), dict(momentum=-0.5), dict(weight_decay=-1e-4),
    dict(nesterov=True), dict(nesterov=True, momentum=0.9, dampening=0.1),
    dict(fused=True, foreach=True),
], ids=str)
def test_errors_like_torch(settings):
    assert_raises_like_torch(lambda: kp.optim.SGD([kp.nn.Parameter(kp.ones(1))], **settings),
                             lambda: torch.optim.SGD([torch.nn.Parameter(torch.ones(1))],
                                                     **settings))


def test_differentiable_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        kp.optim.SGD([kp.nn.Parameter(kp.ones(1))], differentiable=True)
