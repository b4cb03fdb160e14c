"""NaturalGradient: the per-example gradients equal torch's (both strategies), one update equals
w − η (F + λI)⁻¹∇L computed by hand with block-diagonal empirical Fisher blocks, the method reaches
scipy's minimum on Rosenbrock's function (as a mean of noisy per-example losses) and on an
L2-regularised logistic regression, parameter groups, the state-dict round trip and errors."""

import numpy as np
import pytest
import torch

import konspekt as kp
from second_order_problems import (LAM, N_SAMPLES, ROSEN_START, logistic_losses,
                                   logistic_parameters, scipy_logistic_minimum,
                                   scipy_rosenbrock_minimum)


def _torch_per_example(w, b, penalty=True):
    losses = logistic_losses(torch, w, b, penalty)
    rows = [torch.autograd.grad(losses[i], (w, b), retain_graph=True) for i in range(len(losses))]
    return [np.stack([r[0].numpy() for r in rows]), np.stack([r[1].numpy().reshape(1)
                                                              for r in rows])]


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode", "auto"])
def test_per_example_gradients_equal_torchs(strategy):
    start = np.array([0.3, -0.2, 0.1, 0.5])
    w, b = logistic_parameters()
    with kp.no_grad():
        w.copy_(kp.tensor(start))
        b.fill_(0.2)
    tw = torch.tensor(start, requires_grad=True)
    tb = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    opt = kp.optim.NaturalGradient([w, b], strategy=strategy)
    with kp.enable_grad():
        losses = logistic_losses(kp, w, b)
    jacobians = opt.per_example_gradients(losses)
    assert [J.shape for J in jacobians] == [(N_SAMPLES, 4), (N_SAMPLES, 1)]
    for mine, theirs in zip(jacobians, _torch_per_example(tw, tb)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-14)


def test_one_update_by_hand():
    """w ← w − η (F_w + (λ + κ)I)⁻¹ (∇_w L + κw) and b ← b − η (F_b + λ)⁻¹ ∂L/∂b: one block per
    tensor, F_p = (1/N) J_pᵀJ_p (uncentred), ∇_p L = (1/N) J_pᵀ1, the L2 term κ on w only."""
    start = np.array([0.3, -0.2, 0.1, 0.5])
    w, b = logistic_parameters()
    with kp.no_grad():
        w.copy_(kp.tensor(start))
    tw, tb = logistic_parameters(torch)
    with torch.no_grad():
        tw.copy_(torch.tensor(start))
    J_w, J_b = _torch_per_example(tw, tb, penalty=False)
    lr, lam, kappa = 0.7, 0.05, LAM
    opt = kp.optim.NaturalGradient([{"params": [w], "weight_decay": kappa}, {"params": [b]}],
                                   lr=lr, damping=lam)
    mean_loss = opt.step(lambda: logistic_losses(kp, w, b, penalty=False))
    expected_loss = logistic_losses(torch, tw, tb, False).detach().mean().item()
    assert float(mean_loss) == pytest.approx(expected_loss)
    for J, p, p0, decay in ((J_w, w, start, kappa), (J_b, b, np.zeros(1), 0.0)):
        F = J.T @ J / N_SAMPLES
        step = np.linalg.solve(F + (lam + decay) * np.eye(len(F)), J.mean(axis=0) + decay * p0)
        np.testing.assert_allclose(p.detach().numpy().reshape(-1), p0 - lr * step, rtol=1e-10)
    assert opt.state[w]["step"] == 1


def test_logistic_regression_reaches_scipys_minimum():
    """Labels drawn from a logistic model: F ≈ H, and the iteration converges fast. The L2
    penalty as weight decay (on w only, as in the objective given to scipy)."""
    w, b = logistic_parameters()
    opt = kp.optim.NaturalGradient([{"params": [w], "weight_decay": LAM}, {"params": [b]}],
                                   damping=1e-8)
    for _ in range(30):
        opt.step(lambda: logistic_losses(kp, w, b, penalty=False))
    found = np.append(w.detach().numpy(), b.item())
    np.testing.assert_allclose(found, scipy_logistic_minimum(), atol=1e-6)


def test_rosenbrock_as_a_mean_of_noisy_examples_reaches_scipys_minimum():
    """ℓ_i = (1 − x + ε_i)² + (10 (y − x²) + δ_i)², with ε, δ of mean 0 and covariance I/2 over
    the examples, has mean rosen(x, y) + 1: the same minimum. With zero-residual examples
    (ℓ = rosen) the empirical Fisher vanishes at the minimum faster than the gradient and the
    step does not converge; with the noise F equals the Hessian there, as for a fitted model."""
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(32, 2))
    noise -= noise.mean(axis=0)
    covariance = noise.T @ noise / len(noise)
    noise = noise @ np.linalg.inv(np.linalg.cholesky(covariance)).T * np.sqrt(0.5)
    eps, delta = kp.tensor(noise[:, 0]), kp.tensor(noise[:, 1])
    w = kp.tensor(ROSEN_START.copy(), requires_grad=True)

    def losses():
        return (1 - w[0] + eps) ** 2 + (10 * (w[1] - w[0] ** 2) + delta) ** 2

    opt = kp.optim.NaturalGradient([w], damping=1e-8)
    for _ in range(60):
        mean_loss = opt.step(losses)
    np.testing.assert_allclose(w.detach().numpy(), scipy_rosenbrock_minimum(), atol=1e-6)
    assert float(mean_loss) == pytest.approx(1.0)


def test_parameter_groups_have_their_own_rate():
    w, b = logistic_parameters()
    opt = kp.optim.NaturalGradient([{"params": [w]}, {"params": [b], "lr": 0.0}], lr=0.5)
    opt.step(lambda: logistic_losses(kp, w, b))
    assert b.item() == 0.0 and np.abs(w.detach().numpy()).max() > 0


def test_state_dict_round_trip():
    w, b = logistic_parameters()
    opt = kp.optim.NaturalGradient([w, b], lr=0.5, damping=1e-3)
    opt.step(lambda: logistic_losses(kp, w, b))
    w2, b2 = logistic_parameters()
    with kp.no_grad():
        w2.copy_(w)
        b2.copy_(b)
    opt2 = kp.optim.NaturalGradient([w2, b2])
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == 0.5 and opt2.state[w2]["step"] == 1
    opt.step(lambda: logistic_losses(kp, w, b))
    opt2.step(lambda: logistic_losses(kp, w2, b2))
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


def test_errors():
    w, b = logistic_parameters()
    opt = kp.optim.NaturalGradient([w, b])
    with pytest.raises(ValueError, match="per-example losses as a 1-D tensor"):
        opt.step(lambda: logistic_losses(kp, w, b).mean())
    with pytest.raises(RuntimeError, match="closure"):
        opt.step()
    with pytest.raises(ValueError, match="strategy"):
        kp.optim.NaturalGradient([w], strategy="vmap")
    with pytest.raises(ValueError, match="max_block_size=3"):
        kp.optim.NaturalGradient([w], max_block_size=3)
    with pytest.raises(ValueError, match="damping"):
        kp.optim.NaturalGradient([w], damping=-1)
    with pytest.raises(ValueError, match="weight_decay"):
        kp.optim.NaturalGradient([w], weight_decay=-1)
