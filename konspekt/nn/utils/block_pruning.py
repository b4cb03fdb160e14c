"""Pruning whole residual blocks of a ResNet: a block y = ReLU(F(x) + x) whose residual branch F
contributes little on the validation data is replaced by its shortcut, y = ReLU(x)."""

import numpy as np

from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor
from ..modules.activation import ReLU
from .pruning_methods import _compute_nparams_toprune, _validate_pruning_amount, \
    _validate_pruning_amount_init

__all__ = ["residual_branch_norms", "prune_residual_blocks"]


def _basic_block_type():
    # konspekt.models builds on konspekt.nn, so the block class is looked up when used, not
    # when konspekt.nn is imported.
    from ...models.vision.resnet import BasicBlock
    return BasicBlock


def _inputs_of(data):
    """The input tensors of ``data``: one tensor, or an iterable of batches, each a tensor or a
    tuple/list whose first entry is the input (as a DataLoader yields (x, y))."""
    if isinstance(data, Tensor):
        yield data
        return
    for batch in data:
        x = batch[0] if isinstance(batch, (tuple, list)) else batch
        if not isinstance(x, Tensor):
            raise TypeError(f"data: expected Tensor batches or (input, target) pairs, got "
                            f"{type(x).__name__}")
        yield x


def residual_branch_norms(model, data):
    """The mean norm of each residual block's branch output on ``data``.

    For every ``BasicBlock`` (its branch F(x) = BN(conv(ReLU(BN(conv(x))))), the output of its
    ``bn2``) the mean over the samples of ‖F(x_n)‖₂, the norm taken over channels and pixels,
    measured by forward hooks with the model in evaluation mode (running batch-norm
    statistics) and without gradients; the model's modes are restored afterwards.

    Parameters
    ----------
    model : nn.Module
        A network built of ``konspekt.models.vision.BasicBlock`` (resnet18/34, resnet20 …).
    data : Tensor or iterable
        Validation inputs: one batch, or batches (tensors or (input, target) pairs).

    Returns
    -------
    dict
        ``{dotted block name: mean norm}`` in the model's order, e.g. ``{"layer1.0": 3.2, …}``.
    """
    block_type = _basic_block_type()
    blocks = [(name, m) for name, m in model.named_modules() if isinstance(m, block_type)]
    if not blocks:
        raise ValueError(f"residual_branch_norms: {type(model).__name__} has no BasicBlock")
    totals = {name: 0.0 for name, _ in blocks}
    seen = [0]

    def recorder(name):
        def hook(module, args, output):
            norms = np.sqrt((output.data.astype(np.float64) ** 2).reshape(len(output.data), -1)
                            .sum(axis=1))
            totals[name] += float(norms.sum())
        return hook

    handles = [block.bn2.register_forward_hook(recorder(name)) for name, block in blocks]
    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        with no_grad():
            for x in _inputs_of(data):
                model(x)
                seen[0] += len(x.data)
    finally:
        for handle in handles:
            handle.remove()
        for m, mode in modes:
            object.__setattr__(m, "training", mode)
    if seen[0] == 0:
        raise ValueError("residual_branch_norms: data holds no samples")
    return {name: total / seen[0] for name, total in totals.items()}


def prune_residual_blocks(model, data, amount=1):
    """Replace the residual blocks whose branch output is smallest by their shortcut.

    Steps: measure ‖F(x)‖ of every block on the validation ``data`` (see
    :func:`residual_branch_norms`); among the blocks with an identity shortcut (those that keep
    the shape; a block with a ``downsample`` shortcut changes it and stays), take the
    ``amount`` of smallest mean norm and replace each, in place, by ``ReLU()`` — the block with
    F = 0, y = ReLU(0 + x), which is the identity on the block's input in a ResNet, itself a
    ReLU output. The caller then fine-tunes the shallower network.

    Parameters
    ----------
    model : nn.Module
    data : Tensor or iterable
        Validation inputs (batches, or (input, target) pairs).
    amount : int or float, default 1
        Blocks to remove: a count, or a fraction of the removable blocks.

    Returns
    -------
    list of str
        The dotted names of the removed blocks, smallest norm first.

    Examples
    --------
    >>> model = kp.models.vision.resnet20()
    >>> removed = kp.nn.utils.prune.prune_residual_blocks(model, kp.randn(8, 3, 32, 32), 2)
    >>> len(removed), model(kp.randn(1, 3, 32, 32)).shape
    (2, (1, 10))
    """
    _validate_pruning_amount_init(amount)
    norms = residual_branch_norms(model, data)
    modules = dict(model.named_modules())
    removable = [name for name in norms if modules[name].downsample is None]
    count = _compute_nparams_toprune(amount, len(removable))
    _validate_pruning_amount(count, len(removable))
    chosen = sorted(removable, key=lambda name: norms[name])[:count]
    for name in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = modules[parent_name]
        # replaced in its table so that a Sequential keeps the order of its layers
        parent._modules[child] = ReLU()
    return chosen

