"""Weight penalties: values by hand (α ρ‖w‖₁ + α(1 − ρ)/2 ‖w‖²), which tensors of a module are
penalised (not biases, not normalisation γ/β, by default), the gradient α(ρ sign w + (1 − ρ)w),
gradcheck and gradgradcheck in float64, and errors."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.autograd import gradcheck, gradgradcheck
from konspekt.nn.utils import elastic_net_penalty, l1_penalty, l2_penalty


def _model():
    kp.manual_seed(0)
    return kp.nn.Sequential(kp.nn.Linear(3, 4), kp.nn.BatchNorm1d(4), kp.nn.Linear(4, 2))


def _weights(model):
    return [model[0].weight.data, model[2].weight.data]


def _by_hand(arrays, alpha, rho):
    l1 = sum(np.abs(a).sum() for a in arrays)
    l2 = sum((a ** 2).sum() for a in arrays)
    return alpha * (rho * l1 + (1 - rho) / 2 * l2)


@pytest.mark.parametrize("alpha, rho", [(1.0, 0.5), (0.3, 0.0), (0.3, 1.0), (2.0, 0.2)])
def test_elastic_net_value_by_hand(alpha, rho):
    model = _model()
    value = elastic_net_penalty(model, alpha, rho)
    assert value.shape == ()
    assert float(value) == pytest.approx(_by_hand(_weights(model), alpha, rho), rel=1e-6)


def test_l1_and_l2_are_the_end_points():
    model = _model()
    assert float(l1_penalty(model, 0.7)) == pytest.approx(_by_hand(_weights(model), 0.7, 1.0),
                                                          rel=1e-6)
    assert float(l2_penalty(model, 0.7)) == pytest.approx(_by_hand(_weights(model), 0.7, 0.0),
                                                          rel=1e-6)


def test_biases_and_normalisation_are_left_out_unless_asked():
    model = _model()
    with_bias = _weights(model) + [model[0].bias.data, model[2].bias.data]
    every = with_bias + [model[1].weight.data, model[1].bias.data]
    assert float(l2_penalty(model, include_bias=True)) == pytest.approx(
        _by_hand(with_bias, 1.0, 0.0), rel=1e-6)
    assert float(l2_penalty(model, include_bias=True, include_norm=True)) == pytest.approx(
        _by_hand(every, 1.0, 0.0), rel=1e-6)


def test_gradient_is_weight_decay_plus_sign():
    model = _model()
    elastic_net_penalty(model, 0.5, 0.3).backward()
    for layer in (model[0], model[2]):
        w = layer.weight.data
        np.testing.assert_allclose(layer.weight.grad.data, 0.5 * (0.3 * np.sign(w) + 0.7 * w),
                                   rtol=1e-6)
        assert layer.bias.grad is None
    assert model[1].weight.grad is None


@pytest.mark.parametrize("function", [l1_penalty, l2_penalty,
                                      lambda ts, a: elastic_net_penalty(ts, a, 0.4)])
def test_gradcheck_and_gradgradcheck(function):
    rng = np.random.default_rng(1)
    # away from 0, where |w| is not differentiable
    a = kp.tensor(rng.uniform(0.2, 1.0, (3, 2)) * rng.choice([-1, 1], (3, 2)), requires_grad=True)
    b = kp.tensor(rng.uniform(0.2, 1.0, 4), requires_grad=True)
    assert gradcheck(lambda x, y: function([x, y], 0.8), (a, b))
    assert gradgradcheck(lambda x, y: function([x, y], 0.8), (a, b))


def test_a_tensor_is_penalised_as_given():
    w = kp.tensor([1.0, -2.0], requires_grad=True)
    assert float(l1_penalty(w, 0.5)) == pytest.approx(1.5)
    assert float(l2_penalty(w, 0.5)) == pytest.approx(1.25)


def test_errors():
    model = _model()
    with pytest.raises(ValueError, match="alpha"):
        l2_penalty(model, -1.0)
    with pytest.raises(ValueError, match="l1_ratio"):
        elastic_net_penalty(model, 1.0, 1.5)
    with pytest.raises(ValueError, match="no weights"):
        l2_penalty(kp.nn.BatchNorm1d(3))
    with pytest.raises(TypeError, match="module"):
        l1_penalty(3.0)
    with pytest.raises(TypeError, match=r"module\[1\]"):
        l1_penalty([kp.zeros(2), "w"])
