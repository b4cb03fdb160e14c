"""``parameters_to_vector`` and ``vector_to_parameters`` against torch on the same module's
weights: the vector, the round trip, shared memory, the recorded gradient, and errors."""

import numpy as np
import pytest
import torch

import konspekt as kp
from oracle import assert_close, assert_raises_like_torch


def _models():
    k = kp.nn.Sequential(kp.nn.Linear(3, 4), kp.nn.Tanh(), kp.nn.Linear(4, 2))
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    with torch.no_grad():
        for kp_param, torch_param in zip(k.parameters(), t.parameters()):
            torch_param.copy_(torch.tensor(kp_param.data))
    return k, t


def test_parameters_to_vector_matches_torch():
    k, t = _models()
    k_vec = kp.nn.utils.parameters_to_vector(k.parameters())
    t_vec = torch.nn.utils.parameters_to_vector(t.parameters())
    assert k_vec.shape == (26,)
    assert_close(k_vec, t_vec)


def test_parameters_to_vector_is_differentiable():
    k, t = _models()
    weights = np.arange(26.0, dtype=np.float32)
    (kp.nn.utils.parameters_to_vector(k.parameters()) * kp.tensor(weights)).sum().backward()
    (torch.nn.utils.parameters_to_vector(t.parameters()) * torch.tensor(weights)).sum().backward()
    for kp_param, torch_param in zip(k.parameters(), t.parameters()):
        assert_close(kp_param.grad, torch_param.grad)


def test_vector_to_parameters_matches_torch_and_shares_memory():
    k, t = _models()
    values = np.random.default_rng(0).normal(size=26).astype(np.float32)
    k_vec, t_vec = kp.tensor(values), torch.tensor(values)
    kp.nn.utils.vector_to_parameters(k_vec, k.parameters())
    torch.nn.utils.vector_to_parameters(t_vec, t.parameters())
    for kp_param, torch_param in zip(k.parameters(), t.parameters()):
        assert_close(kp_param.detach(), torch_param.detach())
    k_vec.data[0] = 100.0  # a view, as in torch
    t_vec[0] = 100.0
    assert_close(k[0].weight.detach(), t[0].weight.detach())
    x = np.ones((1, 3), dtype=np.float32)
    assert_close(k(kp.tensor(x)).detach(), t(torch.tensor(x)).detach(), rtol=1e-5)


def test_round_trip():
    k, _ = _models()
    before = [p.data.copy() for p in k.parameters()]
    vec = kp.nn.utils.parameters_to_vector(k.parameters()).detach().clone()
    for p in k.parameters():
        p.data = np.zeros_like(p.data)
    kp.nn.utils.vector_to_parameters(vec, k.parameters())
    for b, p in zip(before, k.parameters()):
        np.testing.assert_array_equal(b, p.data)


def test_errors():
    k, t = _models()
    assert_raises_like_torch(lambda: kp.nn.utils.vector_to_parameters([1.0], k.parameters()),
                             lambda: torch.nn.utils.vector_to_parameters([1.0], t.parameters()))
    with pytest.raises(RuntimeError, match="vec has 5 elements"):
        kp.nn.utils.vector_to_parameters(kp.zeros(5), k.parameters())
    with pytest.raises(RuntimeError, match="non-empty"):
        kp.nn.utils.parameters_to_vector([])
    with pytest.raises(TypeError, match=r"parameters\[0\]"):
        kp.nn.utils.parameters_to_vector([np.zeros(2)])
