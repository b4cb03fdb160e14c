"""The prune / fine-tune / roll-back loop: an MLP 64-32-10 on scikit-learn's digits keeps its
validation accuracy within one point at 50 % sparsity; a step that worsens the score beyond the
tolerance is rolled back exactly (weights, masks, other parameters); the least salient entries
are the ones masked (signed ranking, over all layers together); step counts and the sparsity
limit; argument errors."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

import konspekt as kp
from konspekt.nn.utils import prune


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    x, y = (x / 16.0).astype(np.float32)[order], y[order]
    return kp.tensor(x[:1200]), kp.tensor(y[:1200]), kp.tensor(x[1200:]), y[1200:]


def _train(model, x, y, epochs, seed):
    """Mini-batch SGD with momentum on the cross-entropy."""
    optimizer = kp.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(x.data))
        for start in range(0, len(order), 64):
            batch = kp.tensor(order[start:start + 64])
            optimizer.zero_grad()
            kp.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()


def _accuracy(model, x, y):
    with kp.no_grad():
        return float((model(x).data.argmax(1) == y).mean())


def test_mlp_on_digits_keeps_its_accuracy_at_half_sparsity(digits):
    x_train, y_train, x_valid, y_valid = digits
    kp.manual_seed(0)
    net = kp.nn.Sequential(kp.nn.Linear(64, 32), kp.nn.ReLU(), kp.nn.Linear(32, 10))
    _train(net, x_train, y_train, epochs=15, seed=0)
    dense = _accuracy(net, x_valid, y_valid)
    assert dense > 0.93

    epochs_run = []

    def fine_tune(model):   # one epoch, a new shuffling each time
        epochs_run.append(1)
        _train(model, x_train, y_train, epochs=1, seed=len(epochs_run))

    history = prune.prune_finetune(net, fine_tune, lambda m: _accuracy(m, x_valid, y_valid),
                                   step=0.1, tolerance=0.01, max_sparsity=0.5)
    assert all(step["accepted"] for step in history)
    total = 64 * 32 + 32 * 10
    assert [step["pruned"] for step in history] == [0, 237, 237, 237, 237, 236]
    assert history[-1]["sparsity"] == 0.5
    masked = sum(int((m.weight_mask.data == 0).sum()) for m in (net[0], net[2]))
    assert masked == total // 2
    for layer in (net[0], net[2]):
        assert np.all(layer.weight.data[layer.weight_mask.data == 0] == 0)
    pruned = _accuracy(net, x_valid, y_valid)
    assert pruned == history[-1]["score"] >= dense - 0.01
    for layer in (net[0], net[2]):
        prune.remove(layer, "weight")
    assert _accuracy(net, x_valid, y_valid) == pruned


def _small_net(seed=0):
    kp.manual_seed(seed)
    return kp.nn.Sequential(kp.nn.Linear(4, 6), kp.nn.ReLU(), kp.nn.Linear(6, 3))


def test_a_step_worse_than_the_tolerance_is_rolled_back_exactly():
    net = _small_net()
    scores = iter([0.90, 0.895, 0.85, 0.99])
    states = []

    def fine_tune(model):
        with kp.no_grad():
            for p in model.parameters():
                p.data[...] += 0.5   # changes every parameter, weights and biases
        states.append({k: v.data.copy() for k, v in model.state_dict().items()})

    history = prune.prune_finetune(net, fine_tune, lambda m: next(scores), step=5,
                                   tolerance=0.01, max_sparsity=1.0)
    assert [s["accepted"] for s in history] == [True, True, False]
    assert [s["score"] for s in history] == [0.90, 0.895, 0.85]
    kept = states[0]   # the state after the accepted step
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value.data, kept[key], err_msg=key)
    assert (net[0].weight_mask.data == 0).sum() + (net[2].weight_mask.data == 0).sum() == 5
    for layer in (net[0], net[2]):
        np.testing.assert_array_equal(layer.weight.data,
                                      layer.weight_orig.data * layer.weight_mask.data)


def test_smaller_is_better_scores_roll_back_on_an_increase():
    net = _small_net()
    losses = iter([1.0, 1.05, 1.2])
    history = prune.prune_finetune(net, lambda m: None, lambda m: next(losses), step=0.25,
                                   tolerance=0.1, greater_is_better=False)
    assert [s["accepted"] for s in history] == [True, True, False]


def test_the_least_salient_entries_are_masked_over_all_layers_with_signed_scores():
    net = _small_net()
    params = [(net[0], "weight"), (net[2], "weight")]
    rng = np.random.default_rng(1)
    fixed = {pair: rng.normal(size=pair[0].weight.shape) for pair in params}
    prune.prune_finetune(net, lambda m: None, lambda m: 1.0, parameters=params,
                         saliency=lambda p: {pair: kp.tensor(fixed[pair]) for pair in p},
                         step=7, max_sparsity=7 / 42)
    scores = np.concatenate([fixed[pair].reshape(-1) for pair in params])
    masks = np.concatenate([m.weight_mask.data.reshape(-1) for m, _ in params])
    np.testing.assert_array_equal(np.sort(np.flatnonzero(masks == 0)),
                                  np.sort(np.argsort(scores)[:7]))


def test_counts_per_step_and_the_sparsity_limit():
    net = _small_net()
    history = prune.prune_finetune(net, lambda m: None, lambda m: 1.0, step=10, max_sparsity=0.6)
    # 42 weights, at most 25 pruned
    assert [s["pruned"] for s in history] == [0, 10, 10, 5]
    assert history[-1]["sparsity"] == pytest.approx(25 / 42)
    assert not hasattr(net[0], "bias_mask")   # only the connections are pruned


def test_optimal_brain_damage_as_the_saliency():
    net = _small_net(seed=3)
    x = kp.randn(20, 4)
    y = kp.randint(0, 3, (20,))

    def closure():
        return kp.nn.functional.cross_entropy(net(x), y)

    seen = []

    def saliency(parameters):
        scores = prune.optimal_brain_damage(parameters, closure)
        seen.append(scores)
        return scores

    prune.prune_finetune(net, lambda m: None, lambda m: 1.0, saliency=saliency, step=6,
                         max_sparsity=6 / 42)
    (scores,) = seen
    flat = np.concatenate([scores[(m, "weight")].data.reshape(-1) for m in (net[0], net[2])])
    masks = np.concatenate([m.weight_mask.data.reshape(-1) for m in (net[0], net[2])])
    np.testing.assert_array_equal(np.flatnonzero(masks == 0), np.sort(np.argsort(flat)[:6]))


@pytest.mark.parametrize("kwargs, message", [
    (dict(step=0), "step must be a positive count or a fraction"),
    (dict(step=1.5), "step must be a positive count or a fraction"),
    (dict(max_sparsity=1.2), r"max_sparsity must be in \[0, 1\]"),
    (dict(tolerance=-0.1), "tolerance must be a nonnegative number"),
    (dict(saliency="hessian"), "saliency must be 'magnitude' or a callable"),
    (dict(parameters=[]), "no parameters to prune"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        prune.prune_finetune(_small_net(), lambda m: None, lambda m: 1.0, **kwargs)
