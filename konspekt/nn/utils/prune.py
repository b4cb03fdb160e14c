"""``konspekt.nn.utils.prune``: pruning as masks, with torch.nn.utils.prune's API, and the course's
pruning and transfer-learning helpers.

Pruning a parameter ``name`` of a module reparametrises it as torch does: the Parameter moves to
``name + "_orig"``, a buffer ``name + "_mask"`` (1 keep, 0 pruned) is added, and a forward
pre-hook recomputes the plain attribute ``module.name = name_orig ⊙ name_mask`` before every
forward, so the gradient of a pruned entry is zero and the state dict has torch's keys
(``weight_orig``, ``weight_mask``). Pruning the same parameter again composes the masks: the new
amount is counted among the entries (or channels) still unpruned. ``remove`` makes the pruning
permanent: the masked values become the Parameter ``name`` again.

Besides torch's magnitude and random criteria this module gathers the course's methods (each in
its own file, re-exported here):

* saliencies from second derivatives — Optimal Brain Damage and Optimal Brain Surgeon
  (:mod:`konspekt.nn.utils.saliency`);
* the prune / fine-tune / roll-back loop (:mod:`konspekt.nn.utils.iterative_pruning`);
* dropping whole residual blocks of a ResNet (:mod:`konspekt.nn.utils.block_pruning`);
* freezing layers for transfer learning (:mod:`konspekt.nn.utils.freezing`).
"""

from collections.abc import Iterable

import numpy as np

from ...autograd.tensor import Tensor, _make_tensor
from . import pruning_methods as _pruning_methods
from .pruning_methods import (BasePruningMethod, CustomFromMask, Identity,  # noqa: F401
                              L1Unstructured, LnStructured, PruningContainer, RandomStructured,
                              RandomUnstructured)

__all__ = _pruning_methods.__all__ + [
    "identity", "random_unstructured", "l1_unstructured", "random_structured", "ln_structured",
    "global_unstructured", "custom_from_mask", "remove", "is_pruned"]


def identity(module, name):
    """Reparametrise ``module.name`` as name_orig ⊙ name_mask with a mask of ones.

    Returns
    -------
    nn.Module
        ``module``, modified in place.

    Examples
    --------
    >>> layer = kp.nn.utils.prune.identity(kp.nn.Linear(2, 3), "weight")
    >>> sorted(layer.state_dict())
    ['bias', 'weight_mask', 'weight_orig']
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune ``amount`` unpruned entries of ``module.name`` chosen at random (konspekt's default
    generator: ``kp.manual_seed`` makes it reproducible).

    Parameters
    ----------
    module : nn.Module
    name : str
    amount : int or float
        A count, or a fraction of the entries still unpruned.

    Returns
    -------
    nn.Module
        ``module``, modified in place.
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Magnitude pruning of ``module.name``: mask the ``amount`` unpruned entries of smallest
    |w_i| (or |importance_scores_i|).

    Parameters
    ----------
    module : nn.Module
    name : str
    amount : int or float
        A count, or a fraction of the entries still unpruned (rounded to the nearest count).
    importance_scores : Tensor, optional
        Same shape as the parameter.

    Returns
    -------
    nn.Module
        ``module``, modified in place.

    Examples
    --------
    >>> layer = kp.nn.utils.prune.l1_unstructured(kp.nn.Linear(4, 5), "weight", amount=0.5)
    >>> int(layer.weight_mask.sum())
    10
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune ``amount`` random whole channels of ``module.name`` along ``dim``.

    Returns
    -------
    nn.Module
        ``module``, modified in place.
    """
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the ``amount`` channels of ``module.name`` along ``dim`` with smallest L_n norm
    (dim 0 of a Linear weight: whole neurons; of a Conv weight: whole filters).

    Parameters
    ----------
    module : nn.Module
    name : str
    amount : int or float
        A count of channels, or a fraction of the channels still unpruned.
    n : int, float, inf, -inf, "fro" or "nuc"
    dim : int
    importance_scores : Tensor, optional

    Returns
    -------
    nn.Module
        ``module``, modified in place.

    Examples
    --------
    >>> layer = kp.nn.utils.prune.ln_structured(kp.nn.Linear(4, 6), "weight", 2, n=2, dim=0)
    >>> int((layer.weight_mask.sum(1) == 0).sum())
    2
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune several parameters together: the method ranks all their unpruned entries as one
    vector, e.g. the 20 % smallest |w| of the whole network rather than 20 % of each layer.

    Parameters
    ----------
    parameters : iterable of (nn.Module, str)
    pruning_method : type
        An "unstructured" pruning class, e.g. ``L1Unstructured``.
    importance_scores : dict, optional
        ``{(module, name): Tensor}``; a parameter missing from it is scored by its values.
    **kwargs
        The method's arguments, e.g. ``amount``.

    Examples
    --------
    >>> net = kp.nn.Sequential(kp.nn.Linear(4, 8), kp.nn.ReLU(), kp.nn.Linear(8, 2))
    >>> prune = kp.nn.utils.prune
    >>> prune.global_unstructured([(net[0], "weight"), (net[2], "weight")],
    ...                           pruning_method=prune.L1Unstructured, amount=0.5)
    >>> int(net[0].weight_mask.sum() + net[2].weight_mask.sum())
    24
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = np.concatenate([
        np.asarray(_array(importance_scores.get((module, name), getattr(module, name))))
        .reshape(-1) for module, name in parameters]) if parameters else np.zeros(0)
    default_mask = np.concatenate([
        getattr(module, name + "_mask").data.reshape(-1) if hasattr(module, name + "_mask")
        else np.ones(getattr(module, name).data.size, getattr(module, name).data.dtype)
        for module, name in parameters]) if parameters else np.zeros(0)
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                        f"Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final_mask = container.compute_mask(_make_tensor(scores), _make_tensor(default_mask)).data
    start = 0
    for module, name in parameters:
        shape = getattr(module, name).shape
        size = int(np.prod(shape))
        custom_from_mask(module, name, mask=_make_tensor(final_mask[start:start + size]
                                                         .reshape(shape)))
        start += size


def _array(x):
    """The array of a Tensor; anything else as an array."""
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def custom_from_mask(module, name, mask):
    """Prune ``module.name`` where ``mask`` (same shape) is 0, on top of any earlier mask.

    Returns
    -------
    nn.Module
        ``module``, modified in place.
    """
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Make the pruning of ``module.name`` permanent: the Parameter ``name`` holds the masked
    values; ``name_orig``, ``name_mask`` and the hook are removed.

    Returns
    -------
    nn.Module
        ``module``, modified in place.
    """
    for hook in module._forward_pre_hooks:
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            module._forward_pre_hooks.remove(hook)
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can "
                     "be removed")


def is_pruned(module):
    """Whether ``module`` or any of its descendants carries a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for sub in module.modules() for hook in sub._forward_pre_hooks)



# The course's methods live in their own files (they import the machinery above, hence at the
# end) and are reached from here, as ``konspekt.nn.utils.prune.<name>``.
from . import block_pruning as _block_pruning  # noqa: E402
from . import freezing as _freezing  # noqa: E402
from . import iterative_pruning as _iterative_pruning  # noqa: E402
from . import saliency as _saliency  # noqa: E402
from .block_pruning import *  # noqa: E402,F401,F403
from .freezing import *  # noqa: E402,F401,F403
from .iterative_pruning import *  # noqa: E402,F401,F403
from .saliency import *  # noqa: E402,F401,F403

__all__ += (_saliency.__all__ + _iterative_pruning.__all__ + _block_pruning.__all__
            + _freezing.__all__)
