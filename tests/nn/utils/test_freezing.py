"""Freezing for transfer learning: counts of trainable parameters, which parameters receive
gradients and which an optimiser moves, batch-norm layers of the frozen part kept in evaluation
mode (running statistics unchanged, normalisation by them) and released by ``unfreeze``;
errors."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.models.vision import resnet20
from konspekt.nn.utils import prune


def _model():
    kp.manual_seed(0)
    return resnet20(num_classes=5)


def _numel(module):
    return sum(int(np.prod(p.shape)) for p in module.parameters())


def test_count_trainable_parameters():
    net = kp.nn.Sequential(kp.nn.Linear(4, 8), kp.nn.ReLU(), kp.nn.Linear(8, 2))
    assert prune.count_trainable_parameters(net) == 58
    net[2].bias.requires_grad_(False)
    assert prune.count_trainable_parameters(net) == 56


def test_freeze_all_but_keeps_the_named_submodules_trainable():
    model = _model()
    total = _numel(model)
    count = prune.freeze_all_but(model, ["fc", "layer3.2"])
    assert count == (total, _numel(model.fc) + _numel(model.layer3[2]), total)
    kept = {id(p) for p in model.fc.parameters()} | {id(p) for p in model.layer3[2].parameters()}
    for name, p in model.named_parameters():
        assert p.requires_grad == (id(p) in kept), name
    x, y = kp.randn(4, 3, 8, 8), kp.tensor([0, 1, 2, 3])
    kp.nn.functional.cross_entropy(model(x), y).backward()
    for name, p in model.named_parameters():
        assert (p.grad is not None) == (id(p) in kept), name
    # an optimiser over all parameters moves only the trainable ones
    frozen_before = model.conv1.weight.data.copy()
    head_before = model.fc.weight.data.copy()
    kp.optim.SGD(model.parameters(), lr=0.1).step()
    np.testing.assert_array_equal(model.conv1.weight.data, frozen_before)
    assert not np.array_equal(model.fc.weight.data, head_before)


def test_frozen_batch_norm_keeps_its_running_statistics():
    model = _model()
    prune.freeze_all_but(model, "layer3")
    frozen, trainable = model.layer1[0].bn1, model.layer3[0].bn1
    frozen_mean = frozen.running_mean.data.copy()
    trainable_mean = trainable.running_mean.data.copy()
    model.train()
    model(kp.randn(4, 3, 8, 8) + 3.0)
    np.testing.assert_array_equal(frozen.running_mean.data, frozen_mean)
    assert not np.array_equal(trainable.running_mean.data, trainable_mean)
    assert frozen.training   # its own flag still follows the model


def test_frozen_batch_norm_normalises_with_its_running_statistics():
    bn = kp.nn.BatchNorm1d(3)
    bn.running_mean.data[...] = [1.0, -1.0, 0.5]
    bn.running_var.data[...] = [4.0, 1.0, 0.25]
    x = kp.randn(6, 3)
    prune.freeze(bn)
    np.testing.assert_allclose(bn(x).data, ((x.data - bn.running_mean.data)
                                            / np.sqrt(bn.running_var.data + bn.eps)),
                               rtol=1e-5, atol=1e-6)
    prune.unfreeze(bn)
    out = bn(x).data   # batch statistics again
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-5)
    assert all(p.requires_grad for p in bn.parameters())


def test_a_forward_that_raises_does_not_leave_batch_norm_in_eval_mode():
    bn = kp.nn.BatchNorm1d(3)
    prune.freeze(bn)
    with pytest.raises(Exception):
        bn(kp.randn(2, 4))          # wrong number of features
    assert not bn.training           # stuck inside the failed forward …
    bn(kp.randn(2, 3))
    assert bn.training               # … and given back by the next one
    prune.freeze(bn)
    with pytest.raises(Exception):
        bn(kp.randn(2, 4))
    prune.unfreeze(bn)
    assert bn.training


def test_batchnorm_eval_false_leaves_batch_norm_in_training_mode():
    model = _model()
    prune.freeze_all_but(model, ["fc"], batchnorm_eval=False)
    bn = model.layer1[0].bn1
    before = bn.running_mean.data.copy()
    model(kp.randn(4, 3, 8, 8) + 3.0)
    assert not np.array_equal(bn.running_mean.data, before)


def test_freeze_and_unfreeze():
    net = kp.nn.Sequential(kp.nn.Linear(4, 8), kp.nn.BatchNorm1d(8), kp.nn.Linear(8, 2))
    assert prune.freeze(net[0]) is net[0]
    assert prune.count_trainable_parameters(net) == 16 + 18
    prune.freeze(net)
    assert prune.count_trainable_parameters(net) == 0
    assert prune.unfreeze(net[2]) is net[2]
    assert prune.count_trainable_parameters(net) == 18
    count = prune.freeze_all_but(net, ["0", "1"])
    assert count == (18, 40 + 16, 74)


def test_unknown_submodule_name_is_refused():
    with pytest.raises(AttributeError, match="has no submodule named 'head'"):
        prune.freeze_all_but(_model(), ["fc", "head"])
