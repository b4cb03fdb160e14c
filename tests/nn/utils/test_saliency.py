"""Second-order saliencies: the exact Hessian diagonal and Optimal Brain Damage against
torch.autograd.functional.hessian on the same float64 network; Hutchinson's estimate within its
standard error of the exact diagonal; Optimal Brain Surgeon on a quadratic loss against the
exact constrained minimum (loss increase, corrected weights, the order of deletion)."""

import numpy as np
import pytest
import torch

import konspekt as kp
from konspekt.nn.utils import prune
from oracle import assert_close


def _network(seed=0):
    """A float64 3-4-2 tanh network with data, in konspekt, and the same loss as a torch function
    of the four parameter tensors."""
    rng = np.random.default_rng(seed)
    net = kp.nn.Sequential(kp.nn.Linear(3, 4, dtype=kp.float64), kp.nn.Tanh(),
                           kp.nn.Linear(4, 2, dtype=kp.float64))
    values = [rng.normal(size=p.shape) for p in net.parameters()]
    for p, v in zip(net.parameters(), values):
        p.data[...] = v
    x, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))

    def closure():
        return kp.nn.functional.mse_loss(net(kp.tensor(x)), kp.tensor(y))

    def torch_loss(w1, b1, w2, b2):
        hidden = torch.tanh(torch.tensor(x) @ w1.T + b1)
        return ((hidden @ w2.T + b2 - torch.tensor(y)) ** 2).mean()

    return net, closure, torch_loss, [torch.tensor(v) for v in values]


def _torch_hessian_diagonals(torch_loss, tensors):
    blocks = torch.autograd.functional.hessian(torch_loss, tuple(tensors))
    return [blocks[i][i].reshape(t.numel(), t.numel()).diagonal().reshape(t.shape)
            for i, t in enumerate(tensors)]


def test_exact_hessian_diagonal_matches_torch():
    net, closure, torch_loss, tensors = _network()
    diagonals = prune.hessian_diagonal(closure, list(net.parameters()))
    for k, t in zip(diagonals, _torch_hessian_diagonals(torch_loss, tensors)):
        assert_close(k, t, rtol=1e-9, atol=1e-12)


def test_hessian_diagonal_of_a_cubic():
    w = kp.tensor([1.0, -2.0, 0.5], dtype=kp.float64, requires_grad=True)
    (h,) = prune.hessian_diagonal(lambda: (w ** 3).sum() + (w[0] * w[1]), [w])
    np.testing.assert_allclose(h.data, 6 * w.data)


def test_optimal_brain_damage_saliency_is_half_curvature_times_square():
    net, closure, torch_loss, tensors = _network(seed=1)
    pairs = [(net[0], "weight"), (net[2], "weight"), (net[2], "bias")]
    saliency = prune.optimal_brain_damage(pairs, closure)
    diag = _torch_hessian_diagonals(torch_loss, tensors)
    for (module, name), h, t in zip(pairs, [diag[0], diag[2], diag[3]],
                                    [tensors[0], tensors[2], tensors[3]]):
        assert_close(saliency[(module, name)], 0.5 * h * t ** 2, rtol=1e-9, atol=1e-12)


def test_optimal_brain_damage_on_a_pruned_layer_differentiates_through_the_mask():
    net, closure, torch_loss, tensors = _network(seed=2)
    prune.l1_unstructured(net[0], "weight", 5)
    mask = net[0].weight_mask.data
    saliency = prune.optimal_brain_damage([(net[0], "weight")], closure)[(net[0], "weight")]
    masked = [tensors[0] * torch.tensor(mask)] + tensors[1:]
    h = _torch_hessian_diagonals(torch_loss, masked)[0]
    expected = np.where(mask == 1, 0.5 * h.numpy() * masked[0].numpy() ** 2, 0)
    np.testing.assert_allclose(saliency.data, expected, rtol=1e-9, atol=1e-12)


def test_hutchinson_estimate_converges_to_the_exact_diagonal():
    net, closure, torch_loss, tensors = _network(seed=3)
    params = list(net.parameters())
    flat = torch.cat([t.reshape(-1) for t in tensors])

    def loss_of_flat(v):
        parts, start = [], 0
        for t in tensors:
            parts.append(v[start:start + t.numel()].reshape(t.shape))
            start += t.numel()
        return torch_loss(*parts)

    hessian = torch.autograd.functional.hessian(loss_of_flat, flat).numpy()
    exact = np.diag(hessian)
    # entry i of the estimate has variance Σ_{j≠i} H_ij² / S
    spread = np.sqrt((hessian ** 2).sum(1) - exact ** 2)
    errors = []
    for samples in (20, 800):
        g = kp.Generator().manual_seed(0)
        estimate = prune.hessian_diagonal(closure, params, method="hutchinson",
                                          n_samples=samples, generator=g)
        estimate = np.concatenate([e.data.reshape(-1) for e in estimate])
        assert np.all(np.abs(estimate - exact) <= 5 * spread / np.sqrt(samples) + 1e-12)
        errors.append(np.abs(estimate - exact).mean())
    assert errors[1] < errors[0] / 3


def test_hutchinson_is_reproducible_with_a_generator():
    net, closure, _, _ = _network()
    runs = [prune.hessian_diagonal(closure, list(net.parameters()), method="hutchinson",
                                   n_samples=5, generator=kp.Generator().manual_seed(4))
            for _ in range(2)]
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a.data, b.data)


def _quadratic_layer(seed=0, n_in=3, n_out=2):
    """A bias-free Linear whose weights w minimise Q(w) = ½ (w − w*)ᵀ A (w − w*) + 1."""
    rng = np.random.default_rng(seed)
    size = n_in * n_out
    basis = rng.normal(size=(size, size))
    a = basis @ basis.T + 0.5 * np.eye(size)
    target = rng.normal(size=size)
    layer = kp.nn.Linear(n_in, n_out, bias=False, dtype=kp.float64)
    layer.weight.data[...] = target.reshape(n_out, n_in)

    def closure():
        # the weights as the layer uses them, masked: W = (I Wᵀ)ᵀ
        w = layer(kp.eye(n_in, dtype=kp.float64)).t().reshape(-1)
        d = w - kp.tensor(target)
        return 0.5 * (d * (kp.tensor(a) @ d)).sum() + 1.0

    return layer, closure, a, target


def _constrained_minimum(a, target, removed):
    """argmin of ½ (w − w*)ᵀ A (w − w*) with w_S = 0, by solving for the free entries."""
    removed = np.asarray(sorted(removed))
    free = np.setdiff1d(np.arange(len(target)), removed)
    w = np.zeros_like(target)
    w[free] = target[free] + np.linalg.solve(a[np.ix_(free, free)],
                                             a[np.ix_(free, removed)] @ target[removed])
    d = w - target
    return w, 0.5 * d @ a @ d


@pytest.mark.parametrize("amount", [1, 3, 0.5])
def test_optimal_brain_surgeon_loss_increase_is_the_quadratic_models(amount):
    layer, closure, a, target = _quadratic_layer()
    before = closure().item()
    records = prune.optimal_brain_surgeon([(layer, "weight")], closure, amount)
    after = closure().item()
    removed = [np.ravel_multi_index(index, (2, 3)) for _, _, index, _ in records]
    w, increase = _constrained_minimum(a, target, removed)
    assert len(records) == (amount if isinstance(amount, int) else 3)
    np.testing.assert_allclose(after - before, increase, rtol=1e-9)
    np.testing.assert_allclose(sum(r[3] for r in records), increase, rtol=1e-9)
    np.testing.assert_allclose(layer.weight.data.reshape(-1), w, rtol=1e-9, atol=1e-12)
    assert np.all(layer.weight_mask.data.reshape(-1)[removed] == 0)
    assert layer.weight_mask.data.sum() == 6 - len(removed)


def test_optimal_brain_surgeon_deletes_first_the_weight_of_least_exact_cost():
    layer, closure, a, target = _quadratic_layer(seed=5)
    costs = [_constrained_minimum(a, target, [i])[1] for i in range(6)]
    (_, _, index, increase), = prune.optimal_brain_surgeon([(layer, "weight")], closure, 1)
    assert np.ravel_multi_index(index, (2, 3)) == int(np.argmin(costs))
    np.testing.assert_allclose(increase, min(costs), rtol=1e-9)
    # the course's L_q = w_q² / [H⁻¹]_qq is twice konspekt's
    q = int(np.argmin(costs))
    np.testing.assert_allclose(target[q] ** 2 / np.linalg.inv(a)[q, q], 2 * increase)


def test_optimal_brain_surgeon_leaves_pruned_weights_out():
    layer, closure, a, target = _quadratic_layer(seed=6)
    prune.custom_from_mask(layer, "weight", kp.tensor(np.array([[1., 0, 1], [1, 1, 0]])))
    # start from the minimum among weights with w_1 = w_5 = 0 (the gradient of the free ones 0)
    start_weights, start = _constrained_minimum(a, target, [1, 5])
    layer.weight_orig.data[...] = start_weights.reshape(2, 3)
    np.testing.assert_allclose(closure().item() - 1.0, start, rtol=1e-12)
    records = prune.optimal_brain_surgeon([(layer, "weight")], closure, 2)
    removed = [1, 5] + [int(np.ravel_multi_index(r[2], (2, 3))) for r in records]
    assert len(set(removed)) == 4
    _, end = _constrained_minimum(a, target, removed)
    np.testing.assert_allclose(closure().item() - 1.0, end, rtol=1e-9)
    np.testing.assert_allclose(sum(r[3] for r in records), end - start, rtol=1e-9)


def test_optimal_brain_surgeon_needs_damping_for_a_singular_hessian():
    layer = kp.nn.Linear(2, 1, bias=False, dtype=kp.float64)
    layer.weight.data[...] = [[0.3, -0.7]]

    def closure():
        return (layer(kp.ones(1, 2, dtype=kp.float64)) ** 2).sum()   # H = 2·11ᵀ, rank 1

    with pytest.raises(np.linalg.LinAlgError, match="damping"):
        prune.optimal_brain_surgeon([(layer, "weight")], closure, 1)
    records = prune.optimal_brain_surgeon([(layer, "weight")], closure, 1, damping=1e-3)
    assert records[0][2] == (0, 0)   # the smaller weight goes


def test_saliency_errors():
    net, closure, _, _ = _network()
    with pytest.raises(ValueError, match="method must be 'exact' or 'hutchinson'"):
        prune.hessian_diagonal(closure, list(net.parameters()), method="lanczos")
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        prune.hessian_diagonal(closure, list(net.parameters()), method="hutchinson",
                               n_samples=0)
    with pytest.raises(ValueError, match=r"parameters\[0\] must be a Tensor that requires"):
        prune.hessian_diagonal(closure, [kp.ones(2)])
    with pytest.raises(TypeError, match="one-element Tensor"):
        prune.hessian_diagonal(lambda: net(kp.ones(2, 3, dtype=kp.float64)),
                               list(net.parameters()))
    with pytest.raises(ValueError, match="damping must be a nonnegative number"):
        prune.optimal_brain_surgeon([(net[0], "weight")], closure, 1, damping=-1.0)
    with pytest.raises(ValueError, match="should be smaller than the number of parameters"):
        prune.optimal_brain_surgeon([(net[0], "weight")], closure, 13)
