"""Residual-block pruning: the branch norms measured by hooks equal the branch computed by hand;
a block whose branch is zero goes first and its removal leaves the output unchanged; blocks with
a projection or zero-padding shortcut stay; the order of a stage is kept and the pruned network
still runs and trains; modes are restored; errors."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.models.vision import resnet18, resnet20
from konspekt.nn.utils import prune


def _resnet20(seed=0):
    kp.manual_seed(seed)
    model = resnet20(num_classes=4)
    # random running statistics and affine parameters, so that eval mode is not trivial
    rng = np.random.default_rng(seed)
    for m in model.modules():
        if isinstance(m, kp.nn.BatchNorm2d):
            m.running_mean.data[...] = rng.normal(0, 0.1, m.num_features)
            m.running_var.data[...] = rng.uniform(0.5, 1.5, m.num_features)
            m.weight.data[...] = rng.uniform(0.5, 1.5, m.num_features)
            m.bias.data[...] = rng.normal(0, 0.1, m.num_features)
    return model


def _silence(block, scale=0.0):
    """Scale the last batch norm of the branch: F(x) multiplied by ``scale``."""
    block.bn2.weight.data[...] *= scale
    block.bn2.bias.data[...] *= scale


def test_branch_norms_equal_the_branch_computed_by_hand():
    model = _resnet20()
    x = kp.randn(6, 3, 8, 8)
    norms = prune.residual_branch_norms(model, [(x[:4], None), (x[4:], None)])
    assert list(norms) == [f"layer{s}.{b}" for s in (1, 2, 3) for b in range(3)]
    block, captured = model.layer2[1], []
    handle = block.register_forward_pre_hook(lambda m, args: captured.append(args[0]))
    model.eval()
    with kp.no_grad():
        model(x)
        branch = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(captured[0])))))
    handle.remove()
    expected = np.sqrt((branch.data.astype(np.float64) ** 2).reshape(6, -1).sum(1)).mean()
    np.testing.assert_allclose(norms["layer2.1"], expected, rtol=1e-5)


def test_the_zeroed_block_is_removed_and_the_output_is_unchanged():
    model = _resnet20()
    _silence(model.layer1[1])
    _silence(model.layer2[0])          # zero branch, but a zero-padding shortcut: must stay
    _silence(model.layer3[2], 1e-3)    # small branch: second
    x = kp.randn(4, 3, 8, 8)
    model.eval()
    with kp.no_grad():
        before = model(x).data.copy()
    model.train()
    norms = prune.residual_branch_norms(model, x)
    assert norms["layer1.1"] == 0 and norms["layer2.0"] == 0
    assert 0 < norms["layer3.2"] < min(v for k, v in norms.items()
                                       if k not in ("layer1.1", "layer2.0", "layer3.2"))
    assert model.training and model.layer1[0].bn1.training   # modes restored
    removed = prune.prune_residual_blocks(model, x, amount=1)
    assert removed == ["layer1.1"]
    assert list(model.layer1._modules) == ["0", "1", "2"]
    assert isinstance(model.layer1[1], kp.nn.ReLU)
    model.eval()
    with kp.no_grad():
        after = model(x).data
    np.testing.assert_allclose(after, before, rtol=1e-6, atol=1e-6)
    assert prune.prune_residual_blocks(model, x, amount=1) == ["layer3.2"]


def test_a_fraction_of_the_removable_blocks_and_the_pruned_model_trains():
    model = _resnet20(seed=1)
    x, y = kp.randn(4, 3, 8, 8), kp.tensor([0, 1, 2, 3])
    removed = prune.prune_residual_blocks(model, [x], amount=0.5)   # 7 removable: 4 go
    assert len(removed) == 4 and not {"layer2.0", "layer3.0"} & set(removed)
    norms = prune.residual_branch_norms(model, x)
    assert set(norms) == {f"layer{s}.{b}" for s in (1, 2, 3) for b in range(3)} - set(removed)
    loss = kp.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    assert model.fc.weight.grad is not None


def test_resnet18_keeps_its_downsampling_blocks():
    kp.manual_seed(0)
    model = resnet18(num_classes=3)
    x = kp.randn(2, 3, 16, 16)
    removed = prune.prune_residual_blocks(model, x, amount=4)
    assert len(removed) == 4 and not {"layer2.0", "layer3.0", "layer4.0"} & set(removed)
    assert model(x).shape == (2, 3)


def test_block_pruning_errors():
    model = _resnet20()
    with pytest.raises(ValueError, match="should be smaller than the number of parameters"):
        prune.prune_residual_blocks(model, kp.randn(2, 3, 8, 8), amount=8)
    with pytest.raises(ValueError, match="has no BasicBlock"):
        prune.residual_branch_norms(kp.nn.Linear(2, 2), kp.randn(2, 2))
    with pytest.raises(ValueError, match="holds no samples"):
        prune.residual_branch_norms(model, [])
    with pytest.raises(TypeError, match="expected Tensor batches"):
        prune.residual_branch_norms(model, [np.zeros((2, 3, 8, 8))])
