"""Freezing and unfreezing layers for transfer learning.

A pretrained network is reused by freezing its feature extractor (``requires_grad_(False)``: the
optimiser leaves those weights alone and no gradient is computed for them) and training only the
new head; later some of the top layers may be unfrozen and fine-tuned with a small step.

A frozen BatchNorm still updates its running mean and variance in training mode, which changes
the frozen features the head was trained on. With ``batchnorm_eval=True`` (the default) the
frozen batch-norm layers normalise with their running statistics in every forward pass —
evaluation mode for their own forward only, whatever ``model.train()`` says — until unfrozen.
"""

from collections import namedtuple

from ..modules.normalization import _BatchNorm

__all__ = ["TrainableCount", "count_trainable_parameters", "freeze", "freeze_all_but",
           "unfreeze"]

TrainableCount = namedtuple("TrainableCount", ["before", "after", "total"])
TrainableCount.__doc__ = """Trainable parameter counts around a freezing: ``before``, ``after``
and ``total`` (all parameters, trainable or not)."""


class _EvalForward:
    """Forward pre-hook: run this batch-norm layer in evaluation mode, remembering its mode."""

    def __call__(self, module, args):
        # a forward that raised left its saved mode behind: that one is the real mode
        module.__dict__.setdefault("_mode_before_frozen_forward", module.training)
        object.__setattr__(module, "training", False)


class _RestoreMode:
    """Forward hook: give the batch-norm layer back the mode it had before the forward."""

    def __call__(self, module, args, output):
        mode = module.__dict__.pop("_mode_before_frozen_forward", None)
        if mode is not None:
            object.__setattr__(module, "training", mode)


def _set_batchnorm_eval(module, on):
    """Install (on=True) or take off the evaluation-mode hooks of a batch-norm layer."""
    mode = module.__dict__.pop("_mode_before_frozen_forward", None)
    if mode is not None:
        object.__setattr__(module, "training", mode)
    module._forward_pre_hooks[:] = [h for h in module._forward_pre_hooks
                                    if not isinstance(h, _EvalForward)]
    module._forward_hooks[:] = [h for h in module._forward_hooks
                                if not isinstance(h, _RestoreMode)]
    if on:
        module._forward_pre_hooks.insert(0, _EvalForward())
        module._forward_hooks.append(_RestoreMode())


def count_trainable_parameters(model):
    """The number of scalar parameters of ``model`` that require grad (each shared one once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _count_all(model):
    return sum(p.numel() for p in model.parameters())


def freeze(module, batchnorm_eval=True):
    """Stop training ``module``: ``requires_grad_(False)`` on all its parameters.

    Parameters
    ----------
    module : nn.Module
    batchnorm_eval : bool, default True
        Also keep its batch-norm layers in evaluation mode (running statistics, no update).

    Returns
    -------
    nn.Module
        ``module``.

    Examples
    --------
    >>> net = kp.nn.Sequential(kp.nn.Linear(4, 8), kp.nn.ReLU(), kp.nn.Linear(8, 2))
    >>> _ = kp.nn.utils.prune.freeze(net[0])
    >>> kp.nn.utils.prune.count_trainable_parameters(net)
    18
    """
    module.requires_grad_(False)
    for sub in module.modules():
        if isinstance(sub, _BatchNorm):
            _set_batchnorm_eval(sub, batchnorm_eval)
    return module


def unfreeze(module):
    """Train ``module`` again: ``requires_grad_(True)`` on all its parameters, and its batch-norm
    layers follow the model's mode again.

    Returns
    -------
    nn.Module
        ``module``.
    """
    module.requires_grad_(True)
    for sub in module.modules():
        if isinstance(sub, _BatchNorm):
            _set_batchnorm_eval(sub, False)
    return module


def freeze_all_but(model, names, batchnorm_eval=True):
    """Freeze every parameter of ``model`` except those of the named submodules (transfer
    learning: e.g. ``freeze_all_but(resnet, ["fc"])`` trains the new head only).

    Parameters
    ----------
    model : nn.Module
    names : str or iterable of str
        Dotted names of submodules (as in ``named_modules``: "fc", "layer4", "layer4.1.conv2")
        that stay — or become — trainable, with all their descendants.
    batchnorm_eval : bool, default True
        Keep the batch-norm layers of the frozen part in evaluation mode (see the module's
        notes); those of the trainable part follow the model's mode.

    Returns
    -------
    TrainableCount
        ``(before, after, total)`` counts of scalar parameters.

    Examples
    --------
    >>> net = kp.nn.Sequential(kp.nn.Linear(4, 8), kp.nn.ReLU(), kp.nn.Linear(8, 2))
    >>> kp.nn.utils.prune.freeze_all_but(net, ["2"])
    TrainableCount(before=58, after=18, total=58)
    """
    if isinstance(names, str):
        names = [names]
    names = list(names)
    modules = dict(model.named_modules())
    for name in names:
        if not isinstance(name, str) or name not in modules:
            raise AttributeError(f"freeze_all_but: {type(model).__name__} has no submodule "
                                 f"named {name!r}; names must be dotted names from "
                                 "named_modules()")
    before = count_trainable_parameters(model)
    kept_modules = {id(m) for name in names for m in modules[name].modules()}
    kept_parameters = {id(p) for name in names for p in modules[name].parameters()}
    for p in model.parameters():
        p.requires_grad_(id(p) in kept_parameters)
    for m in model.modules():
        if isinstance(m, _BatchNorm):
            _set_batchnorm_eval(m, batchnorm_eval and id(m) not in kept_modules)
    return TrainableCount(before, count_trainable_parameters(model), _count_all(model))
