"""Saliencies from second derivatives: Optimal Brain Damage and Optimal Brain Surgeon.

Both expand the training loss Q around the trained weights w to second order,
    δQ ≈ gᵀδw + ½ δwᵀ H δw,   g = ∇Q ≈ 0 at a minimum,
and ask how much Q grows when one weight is set to zero.

* Optimal Brain Damage (LeCun, Denker & Solla 1990) keeps only the diagonal of H and leaves the
  other weights where they are: deleting w_k costs the salience
      S_k = ½ · ∂²Q/∂w_k² · w_k².
* Optimal Brain Surgeon (Hassibi & Stork 1993) uses the whole H and moves the other weights to
  make up for the deleted one: deleting w_q with the correction
      δw = −(w_q / [H⁻¹]_qq) · H⁻¹ e_q
  costs L_q = w_q² / (2 [H⁻¹]_qq). The course writes L_q = w_q² / [H⁻¹]_qq, without the ½: the
  ranking is the same; konspekt returns the ½ form, the increase of the quadratic model itself.

The derivatives come from the autodiff engine (double backward, ``create_graph=True``): the exact
diagonal takes one Hessian row per weight, Hutchinson's estimate diag H ≈ mean over z of z ⊙ Hz
(Rademacher z, E[zzᵀ] = I) one Hessian-vector product per sample, whatever the size of the layer.

The weights are given as torch's pruning does, pairs (module, name); a parameter already pruned
is differentiated through its ``name_orig`` (its masked entries then have zero derivatives and
are left out).
"""

import numbers

import numpy as np

from ...autograd.creation import default_generator
from ...autograd.engine import grad
from ...autograd.grad_mode import enable_grad, no_grad
from ...autograd.ops.shape import cat
from ...autograd.tensor import Tensor, _make_tensor
from .prune import custom_from_mask
from .pruning_methods import _compute_nparams_toprune, _validate_pruning_amount, \
    _validate_pruning_amount_init

__all__ = ["hessian_diagonal", "optimal_brain_damage", "optimal_brain_surgeon"]


def _loss(closure):
    """Q = closure(), recorded for double backward; it must be a one-element tensor."""
    with enable_grad():
        loss = closure()
    if not isinstance(loss, Tensor) or loss.data.size != 1:
        raise TypeError("closure must return the loss as a one-element Tensor, got "
                        f"{getattr(loss, 'shape', type(loss).__name__)}")
    if not loss.requires_grad:
        raise RuntimeError("closure's loss does not depend on the parameters (it does not "
                           "require grad)")
    return loss


def _first_derivatives(closure, tensors):
    """∂Q/∂θ for each θ of ``tensors``, as a differentiable graph (zeros where Q does not use θ)."""
    loss = _loss(closure)
    with enable_grad():
        grads = grad(loss, tensors, create_graph=True, allow_unused=True)
    return [_make_tensor(np.zeros_like(t.data)) if g is None else g
            for g, t in zip(grads, tensors)]


def _derivative(output, tensors):
    """∂output/∂θ for each θ as arrays (zeros where unused), keeping the graph for the next."""
    if not output.requires_grad:
        return [np.zeros_like(t.data) for t in tensors]
    grads = grad(output, tensors, retain_graph=True, allow_unused=True)
    return [np.zeros_like(t.data) if g is None else g.data for g, t in zip(grads, tensors)]


def hessian_diagonal(closure, parameters, method="exact", n_samples=100, generator=None):
    """The diagonal of the Hessian of Q = ``closure()`` for each tensor of ``parameters``.

    ``method="exact"``: h_ii = ∂/∂θ_i (∂Q/∂θ_i), one backward pass through the gradient's graph
    per entry (entry i of Hessian row i). ``method="hutchinson"``: the unbiased estimate
        diag H ≈ (1/S) Σ_s z_s ⊙ H z_s,   z_s with independent ±1 entries,
    whose entry i has variance Σ_{j≠i} H_ij² / S: one Hessian-vector product per sample.

    Parameters
    ----------
    closure : callable
        Computes and returns the scalar loss Q (e.g. on the training set).
    parameters : sequence of Tensor
        Tensors that require grad (leaves the loss depends on).
    method : {"exact", "hutchinson"}, default "exact"
    n_samples : int, default 100
        S, for Hutchinson's estimate.
    generator : Generator, optional
        The source of the Rademacher vectors; konspekt's default generator when None.

    Returns
    -------
    list of Tensor
        diag H, one tensor per parameter, of its shape.

    Examples
    --------
    >>> w = kp.tensor([1.0, 2.0], requires_grad=True)
    >>> kp.nn.utils.prune.hessian_diagonal(lambda: (w ** 3).sum(), [w])[0]
    tensor([ 6., 12.])
    """
    if method not in ("exact", "hutchinson"):
        raise ValueError(f"method must be 'exact' or 'hutchinson', got {method!r}")
    if (not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool)
            or n_samples < 1):
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    tensors = list(parameters)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise ValueError(f"parameters[{i}] must be a Tensor that requires grad")
    grads = _first_derivatives(closure, tensors)
    if method == "exact":
        diagonals = []
        with enable_grad():  # entry i of the gradient is taken on the recorded graph
            for t, g in zip(tensors, grads):
                flat = g.reshape(-1)
                diagonal = np.empty(t.data.size, dtype=t.data.dtype)
                for i in range(t.data.size):
                    diagonal[i] = _derivative(flat[i], [t])[0].reshape(-1)[i]
                diagonals.append(diagonal.reshape(t.shape))
    else:
        rng = (generator if generator is not None else default_generator).rng
        diagonals = [np.zeros_like(t.data) for t in tensors]
        for _ in range(n_samples):
            zs = [(rng.integers(0, 2, size=t.shape) * 2 - 1).astype(t.data.dtype)
                  for t in tensors]
            with enable_grad():
                inner = sum((g * _make_tensor(z)).sum() for g, z in zip(grads, zs))
            for d, z, hz in zip(diagonals, zs, _derivative(inner, tensors)):
                d += z * hz
        diagonals = [d / n_samples for d in diagonals]
    return [_make_tensor(d) for d in diagonals]


def _leaf(module, name):
    """The trainable tensor behind ``module.name``: ``name_orig`` once pruned."""
    params = module._parameters
    leaf = params.get(name + "_orig", params.get(name))
    if leaf is None:
        raise AttributeError(f"'{type(module).__name__}' object has no parameter '{name}'")
    return leaf


def _unpruned(module, name):
    """Booleans: the entries of ``module.name`` that its mask (if any) keeps."""
    mask = getattr(module, name + "_mask", None)
    if mask is None:
        return np.ones(_leaf(module, name).shape, dtype=bool)
    return mask.data != 0


def optimal_brain_damage(parameters, closure, method="exact", n_samples=100, generator=None):
    """Optimal Brain Damage saliences S_k = ½ · ∂²Q/∂w_k² · w_k² of the given weights.

    The cost of deleting w_k according to the diagonal second-order model of the loss at a
    minimum (the gradient term vanishes, the off-diagonal terms are neglected). Rank by S (small
    first); S < 0 where the curvature is negative, i.e. away from a minimum. With nonnegative
    saliences the result can be given to ``global_unstructured(..., L1Unstructured,
    importance_scores=...)``; ``prune_finetune`` ranks by the signed value.

    Parameters
    ----------
    parameters : iterable of (nn.Module, str)
        The weights, as for ``global_unstructured``.
    closure : callable
        Returns the loss Q computed through the model (the pruning hooks then apply the masks).
    method : {"exact", "hutchinson"}, default "exact"
        How ∂²Q/∂w_k² is obtained (see :func:`hessian_diagonal`).
    n_samples : int, default 100
    generator : Generator, optional

    Returns
    -------
    dict
        ``{(module, name): Tensor S}``, S of the parameter's shape (0 on pruned entries).

    References
    ----------
    Y. LeCun, J. S. Denker, S. A. Solla. Optimal brain damage. NIPS 2, 1990.
    """
    parameters = list(parameters)
    leaves = [_leaf(module, name) for module, name in parameters]
    diagonals = hessian_diagonal(closure, leaves, method, n_samples, generator)
    saliencies = {}
    for (module, name), leaf, h in zip(parameters, leaves, diagonals):
        w = np.where(_unpruned(module, name), leaf.data, 0)
        saliencies[(module, name)] = _make_tensor(0.5 * h.data * w ** 2)
    return saliencies


def _hessian(closure, leaves, free):
    """The Hessian of Q over the entries ``free`` (indices into the concatenated flattened
    leaves): its rows are the derivatives of the gradient's entries."""
    grads = _first_derivatives(closure, leaves)
    with enable_grad():
        flat = cat([g.reshape(-1) for g in grads])
        rows = [np.concatenate([r.reshape(-1) for r in _derivative(flat[int(i)], leaves)])[free]
                for i in free]
    hessian = np.array(rows, dtype=np.float64).reshape(len(free), len(free))
    return (hessian + hessian.T) / 2  # rounding makes the two halves differ slightly


def optimal_brain_surgeon(parameters, closure, amount, damping=0.0):
    """Optimal Brain Surgeon: delete ``amount`` weights one by one, each time the one of least
    saliency, correcting the remaining weights; meant for small layers (H is formed and
    inverted over all unpruned entries of the given weights).

    Steps, with H the Hessian of Q over the unpruned weights (plus ``damping`` · I):
      1. L_i = w_i² / (2 [H⁻¹]_ii) for each remaining weight (the course's w_i² / [H⁻¹]_ii
         without the ½: the same order);
      2. q = argmin L_i; w ← w + δw with δw = −(w_q / [H⁻¹]_qq) · H⁻¹ e_q, which makes w_q = 0
         and minimises the quadratic model under that constraint;
      3. H⁻¹ ← H⁻¹ − H⁻¹ e_q e_qᵀ H⁻¹ / [H⁻¹]_qq, the inverse Hessian of the weights left (so
         the next deletion starts from the constrained minimum); repeat.
    For a quadratic Q at its minimum the loss grows by exactly Σ L_q. The deleted weights are
    masked (``custom_from_mask``: pruning hooks, torch's state-dict keys) and the others take
    their corrected values.

    Parameters
    ----------
    parameters : iterable of (nn.Module, str)
    closure : callable
        Returns the loss Q (computed in float64 ideally: H is inverted).
    amount : int or float
        How many weights to delete: a count, or a fraction of the unpruned ones.
    damping : float, default 0.0
        λ ≥ 0 added to H's diagonal, (H + λI)⁻¹, when H is singular or not positive definite.

    Returns
    -------
    list of tuple
        ``(module, name, index, increase)`` per deleted weight in order: the entry's index in
        the parameter and L_q, the predicted increase of Q.

    References
    ----------
    B. Hassibi, D. G. Stork. Second order derivatives for network pruning: Optimal Brain
    Surgeon. NIPS 5, 1993.
    """
    _validate_pruning_amount_init(amount)
    if not isinstance(damping, numbers.Real) or damping < 0:
        raise ValueError(f"damping must be a nonnegative number, got {damping!r}")
    parameters = list(parameters)
    leaves = [_leaf(module, name) for module, name in parameters]
    keep = np.concatenate([_unpruned(m, n).reshape(-1) for m, n in parameters])
    free = np.flatnonzero(keep)
    count = _compute_nparams_toprune(amount, free.size)
    _validate_pruning_amount(count, free.size)
    hessian = _hessian(closure, leaves, free) + damping * np.eye(free.size)
    try:
        inverse = np.linalg.inv(hessian)
    except np.linalg.LinAlgError as error:
        raise np.linalg.LinAlgError("optimal_brain_surgeon: the Hessian is singular; give a "
                                    "positive damping") from error
    weights = np.concatenate([leaf.data.reshape(-1) for leaf in leaves])[free].astype(np.float64)
    active = np.ones(free.size, dtype=bool)
    removed = []
    for _ in range(count):
        diagonal = np.diag(inverse)
        if np.any(diagonal[active] <= 0):
            raise np.linalg.LinAlgError("optimal_brain_surgeon: [H⁻¹]_ii ≤ 0, H is not positive "
                                        "definite; give a positive damping")
        costs = np.where(active, weights ** 2 / (2 * np.where(active, diagonal, 1)), np.inf)
        q = int(np.argmin(costs))
        column = inverse[:, q].copy()
        weights -= weights[q] / column[q] * column
        weights[q] = 0.0
        inverse -= np.outer(column, column) / column[q]
        active[q] = False
        removed.append((int(free[q]), float(costs[q])))
    _write_back(parameters, leaves, free, weights, active)
    return _records(parameters, removed)


def _write_back(parameters, leaves, free, weights, active):
    """Corrected values into the leaves, deleted entries into the masks."""
    mask = np.zeros(sum(leaf.data.size for leaf in leaves), dtype=bool)
    mask[free[active]] = True
    values = np.concatenate([leaf.data.reshape(-1) for leaf in leaves])
    values[free] = weights
    start = 0
    for (module, name), leaf in zip(parameters, leaves):
        size = leaf.data.size
        with no_grad():
            leaf.data[...] = values[start:start + size].reshape(leaf.shape)
            leaf._bump_version()
        custom_from_mask(module, name, mask=_make_tensor(
            mask[start:start + size].reshape(leaf.shape).astype(leaf.data.dtype)))
        start += size


def _records(parameters, removed):
    """(module, name, index in the parameter, increase) for each flat position removed."""
    sizes = np.cumsum([0] + [_leaf(m, n).data.size for m, n in parameters])
    records = []
    for position, increase in removed:
        which = int(np.searchsorted(sizes, position, side="right")) - 1
        module, name = parameters[which]
        index = np.unravel_index(position - sizes[which], _leaf(module, name).shape)
        records.append((module, name, tuple(int(i) for i in index), increase))
    return records
