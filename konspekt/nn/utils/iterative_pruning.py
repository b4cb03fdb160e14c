"""The course's pruning loop: prune the least salient connections, fine-tune, check the validation
score, roll back and stop once it has worsened beyond a tolerance."""

import numbers

import numpy as np

from ...autograd.tensor import Tensor
from ..modules.conv import _ConvNd
from ..modules.linear import Bilinear, Linear
from .prune import BasePruningMethod, custom_from_mask, identity
from .saliency import _leaf, _unpruned

__all__ = ["prune_finetune"]


def _weights_of(model):
    """(module, "weight") for every Linear, Bilinear and convolution of ``model``: its
    connections."""
    return [(m, "weight") for m in model.modules() if isinstance(m, (Linear, Bilinear, _ConvNd))]


def _magnitude(parameters):
    """Magnitude saliency |w| (the effective, masked values)."""
    return {(m, n): np.abs(np.where(_unpruned(m, n), _leaf(m, n).data, 0))
            for m, n in parameters}


def _as_array(score):
    return score.data if isinstance(score, Tensor) else np.asarray(score)


def _prune_least_salient(parameters, scores, count):
    """Mask the ``count`` unpruned entries of lowest score (signed: a negative OBD saliency
    predicts a loss decrease), ranked over all the parameters together."""
    keeps, values = [], []
    for module, name in parameters:
        if (module, name) not in scores:
            raise KeyError(f"saliency: no scores for parameter '{name}' of {module}")
        score = _as_array(scores[(module, name)])
        if score.shape != _leaf(module, name).shape:
            raise ValueError(f"saliency: scores of shape {score.shape} for parameter '{name}' "
                             f"of shape {_leaf(module, name).shape}")
        keeps.append(_unpruned(module, name).reshape(-1))
        values.append(score.reshape(-1).astype(np.float64))
    keep, value = np.concatenate(keeps), np.concatenate(values)
    candidates = np.flatnonzero(keep)
    chosen = candidates[np.argsort(value[candidates], kind="stable")[:count]]
    keep = keep.copy()
    keep[chosen] = False
    start = 0
    for (module, name), part in zip(parameters, keeps):
        mask = keep[start:start + part.size].reshape(_leaf(module, name).shape)
        custom_from_mask(module, name, mask=mask.astype(_leaf(module, name).data.dtype))
        start += part.size


def _refresh(parameters):
    """Recompute module.name = name_orig ⊙ name_mask after the state was loaded back."""
    for module, name in parameters:
        for hook in module._forward_pre_hooks:
            if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
                hook(module, ())


def _sparsity(parameters):
    kept = sum(int(_unpruned(m, n).sum()) for m, n in parameters)
    total = sum(_leaf(m, n).data.size for m, n in parameters)
    return 1 - kept / total, total - kept, total


def prune_finetune(model, fine_tune, evaluate, parameters=None, saliency="magnitude", step=0.1,
                   tolerance=0.01, max_sparsity=0.9, greater_is_better=True):
    """Iterative pruning with fine-tuning and roll-back.

    Steps (the score s₀ = evaluate(model) is measured first):
      1. remember the model's state (weights, masks, buffers);
      2. compute the saliency of every connection and mask the ``step`` least salient ones
         still unpruned, ranked over all the given weights together;
      3. ``fine_tune(model)`` (the masked connections stay zero: their gradient is zero);
      4. s = evaluate(model); if s < s₀ − tolerance (s > s₀ + tolerance when smaller is
         better), restore the state remembered in 1 and stop;
      5. otherwise repeat, until the sparsity reaches ``max_sparsity``.

    The pruning stays as masks (torch's reparametrisation, see ``remove`` to make it
    permanent); every weight taking part is reparametrised at the start (``identity``).

    Parameters
    ----------
    model : nn.Module
    fine_tune : callable
        ``fine_tune(model)`` trains the pruned model for a while (a few epochs).
    evaluate : callable
        ``evaluate(model)`` returns the validation score (e.g. accuracy).
    parameters : list of (nn.Module, str), optional
        The connections to prune; by default the weight of every Linear, Bilinear and
        convolution of the model.
    saliency : "magnitude" or callable, default "magnitude"
        "magnitude": S = |w|. A callable ``saliency(parameters)`` returns ``{(module, name):
        scores}`` of the parameters' shapes, e.g. ``lambda p: optimal_brain_damage(p, closure)``.
    step : int or float, default 0.1
        Connections pruned per step: a count, or a fraction of all the connections.
    tolerance : float, default 0.01
        How much worse than s₀ the score may become (in the units of ``evaluate``).
    max_sparsity : float, default 0.9
        The loop stops once this fraction of the connections is pruned.
    greater_is_better : bool, default True
        Whether a larger score is better (accuracy) or worse (a loss).

    Returns
    -------
    list of dict
        One record per step, the first for the starting point: ``step``, ``pruned`` (connections
        masked in that step), ``sparsity`` (after it), ``score`` and ``accepted`` (False for the
        step that was rolled back).

    Examples
    --------
    With ``train_one_epoch(model)`` and ``accuracy(model)`` written for the task:

    >>> history = kp.nn.utils.prune.prune_finetune(model, train_one_epoch, accuracy,
    ...                                             step=0.1, tolerance=0.01)
    >>> [(h["sparsity"], h["score"]) for h in history if h["accepted"]]  # the path taken
    """
    if not (saliency == "magnitude" or callable(saliency)):
        raise ValueError(f"saliency must be 'magnitude' or a callable, got {saliency!r}")
    if not callable(fine_tune) or not callable(evaluate):
        raise TypeError("fine_tune and evaluate must be callables taking the model")
    if isinstance(step, bool) or not isinstance(step, numbers.Real) or step <= 0 or (
            not isinstance(step, numbers.Integral) and step > 1):
        raise ValueError(f"step must be a positive count or a fraction in (0, 1], got {step!r}")
    if not isinstance(max_sparsity, numbers.Real) or not 0 <= max_sparsity <= 1:
        raise ValueError(f"max_sparsity must be in [0, 1], got {max_sparsity!r}")
    if not isinstance(tolerance, numbers.Real) or tolerance < 0:
        raise ValueError(f"tolerance must be a nonnegative number, got {tolerance!r}")
    parameters = _weights_of(model) if parameters is None else list(parameters)
    if not parameters:
        raise ValueError("prune_finetune: no parameters to prune")
    for module, name in parameters:
        if not hasattr(module, name + "_mask"):
            identity(module, name)  # stable state-dict keys, so a snapshot can be loaded back
    sparsity, pruned, total = _sparsity(parameters)
    per_step = int(step) if isinstance(step, numbers.Integral) else max(1, round(step * total))
    limit = int(np.floor(max_sparsity * total + 1e-9))
    baseline = evaluate(model)
    history = [dict(step=0, pruned=0, sparsity=sparsity, score=baseline, accepted=True)]
    while pruned < limit:
        count = min(per_step, limit - pruned)
        snapshot = {k: v.data.copy() for k, v in model.state_dict().items()}
        scores = _magnitude(parameters) if saliency == "magnitude" else saliency(parameters)
        _prune_least_salient(parameters, scores, count)
        fine_tune(model)
        score = evaluate(model)
        accepted = (score >= baseline - tolerance if greater_is_better
                    else score <= baseline + tolerance)
        sparsity_after, pruned_after, _ = _sparsity(parameters)
        history.append(dict(step=len(history), pruned=count, sparsity=sparsity_after,
                            score=score, accepted=bool(accepted)))
        if not accepted:
            model.load_state_dict(snapshot)
            _refresh(parameters)
            break
        pruned = pruned_after
    return history
