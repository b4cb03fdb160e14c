"""The pruning methods of ``konspekt.nn.utils.prune``, torch's classes: ``BasePruningMethod`` (the
reparametrisation name = name_orig ⊙ name_mask and its forward pre-hook), ``PruningContainer``
(repeated pruning), and the mask rules ``Identity``, ``RandomUnstructured``, ``L1Unstructured``,
``RandomStructured``, ``LnStructured`` and ``CustomFromMask``."""

import numbers
from abc import ABC, abstractmethod

import numpy as np

from ...autograd.creation import default_generator
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor, _make_tensor

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
           "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask"]


class BasePruningMethod(ABC):
    """Base class of the pruning methods: a mask rule (``compute_mask``) and the machinery that
    installs it on a module (``apply``) and takes it off (``remove``).

    An instance is the forward pre-hook of the pruned module: before each forward it sets
    ``module.name = name_orig ⊙ name_mask``.

    Attributes
    ----------
    PRUNING_TYPE : {"unstructured", "structured", "global"}
        How a repeated pruning restricts the new method: to the entries still unpruned
        ("unstructured"), to the channels not wholly pruned along ``dim`` ("structured"), or not
        at all ("global").
    """

    PRUNING_TYPE = None
    _tensor_name = None

    def __call__(self, module, inputs):
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The new mask for the importance scores ``t``, on top of ``default_mask`` (the mask of
        earlier prunings, ones the first time); same shape as ``t``."""

    def apply_mask(self, module):
        """The pruned tensor name_orig ⊙ name_mask of ``module`` (differentiable in name_orig)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune ``module.name`` with the method ``cls(*args, **kwargs)`` and install the hook.

        Parameters
        ----------
        module : nn.Module
        name : str
            The parameter to prune, e.g. "weight".
        *args, **kwargs
            The method's arguments (``amount``, ``n``, ``dim`` …).
        importance_scores : Tensor, optional
            Scores of the same shape as the parameter that decide what is pruned; the parameter
            (its current, masked values) when omitted.

        Returns
        -------
        BasePruningMethod
            The installed hook: the method, or a PruningContainer holding every pruning of
            this parameter.
        """
        method, old = cls._composite_method(module, name, *args, **kwargs)
        try:
            orig = getattr(module, name)
            if importance_scores is not None:
                if not isinstance(importance_scores, Tensor):  # an array: scores need no graph
                    importance_scores = _make_tensor(np.asarray(importance_scores))
                if tuple(importance_scores.shape) != tuple(orig.shape):
                    raise AssertionError(
                        f"importance_scores should have the same shape as parameter {name} of "
                        f"{module}, got {tuple(importance_scores.shape)} vs {tuple(orig.shape)}")
            else:
                importance_scores = orig
            if old is None:
                default_mask = _make_tensor(np.ones_like(orig.data))
            else:
                default_mask = _make_tensor(getattr(module, name + "_mask").data.copy())
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
        except Exception:
            if old is method:  # the earlier container: forget the method just added
                method._pruning_methods = method._pruning_methods[:-1]
            raise
        if old is None:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
        else:
            module._forward_pre_hooks.remove(old)
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    @classmethod
    def _composite_method(cls, module, name, *args, **kwargs):
        """The new method and the hook already pruning ``name`` (None if there is none); with
        one, the method returned is a container of both (the earlier container, extended)."""
        hooks = module._forward_pre_hooks
        found = [h for h in hooks if isinstance(h, BasePruningMethod) and h._tensor_name == name]
        if len(found) > 1:
            raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} "
                                 f"of module {module}. Use a PruningContainer.")
        method = cls(*args, **kwargs)
        method._tensor_name = name
        if not found:
            return method, None
        old = found[0]
        if isinstance(old, PruningContainer):
            old.add_pruning_method(method)
            return old, old
        container = PruningContainer(old)
        container.add_pruning_method(method)
        return container, old

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t`` ⊙ mask, the mask computed from ``importance_scores`` (``t`` if None) on top of
        ``default_mask`` (ones if None); the module is not touched."""
        if importance_scores is not None:
            if tuple(importance_scores.shape) != tuple(t.shape):
                raise AssertionError("importance_scores should have the same shape as tensor t, "
                                     f"got {tuple(importance_scores.shape)} vs {tuple(t.shape)}")
        else:
            importance_scores = t
        if default_mask is None:
            default_mask = _make_tensor(np.ones_like(t.data))
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: ``module.name`` becomes a Parameter holding name_orig ⊙
        name_mask, and name_orig and name_mask are deleted (the pruned entries stay zero)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be "
                                 "removed")
        name = self._tensor_name
        with no_grad():
            weight = self.apply_mask(module)
        if name in module.__dict__:
            delattr(module, name)
        orig = module._parameters.pop(name + "_orig")
        orig.data = weight.data
        del module._buffers[name + "_mask"]
        module._non_persistent_buffers.discard(name + "_mask")
        setattr(module, name, orig)


class PruningContainer(BasePruningMethod):
    """The successive pruning methods of one parameter (iterative pruning).

    The mask of the latest method is computed on the part the earlier masks left: for an
    "unstructured" method the entries whose mask is 1, for a "structured" one the channels along
    its ``dim`` not yet wholly zero, for a "global" one the whole tensor; the result is the
    earlier mask with that part replaced.

    Parameters
    ----------
    *args : BasePruningMethod
        The methods so far, all acting on the same parameter name.
    """

    def __init__(self, *args):
        self._pruning_methods = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append ``method`` (which must prune the container's parameter)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError("Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}. Found "
                             f"'{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, index):
        return self._pruning_methods[index]

    def compute_mask(self, t, default_mask):
        method = self._pruning_methods[-1]
        mask = default_mask.data
        if method.PRUNING_TYPE == "unstructured":
            part = mask == 1
        elif method.PRUNING_TYPE == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have '
                                     "the attribute `dim` defined.")
            n_dims = mask.ndim
            dim = method.dim + n_dims if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")
            others = tuple(d for d in range(n_dims) if d != dim)
            part = [slice(None)] * n_dims
            part[dim] = mask.sum(axis=others) != 0
            part = tuple(part)
        elif method.PRUNING_TYPE == "global":
            part = (slice(None),) * mask.ndim
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")
        scores = t.data if isinstance(t, Tensor) else np.asarray(t)
        partial = method.compute_mask(_make_tensor(scores[part]),
                                      default_mask=_make_tensor(mask[part]))
        new_mask = mask.copy()
        new_mask[part] = partial.data
        return _make_tensor(new_mask)


def _validate_pruning_amount_init(amount):
    """amount: an int ≥ 0 (a count) or a real in [0, 1] (a fraction)."""
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if ((isinstance(amount, numbers.Integral) and amount < 0)
            or (not isinstance(amount, numbers.Integral)
                and (float(amount) > 1.0 or float(amount) < 0.0))):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a "
                         "non-negative integer")


def _validate_pruning_amount(amount, tensor_size):
    if isinstance(amount, numbers.Integral) and amount > tensor_size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to "
                         f"prune={tensor_size}")


def _compute_nparams_toprune(amount, tensor_size):
    """A count as it is; a fraction times the size, rounded half to even (Python's round)."""
    if isinstance(amount, numbers.Integral):
        return amount
    return round(amount * tensor_size)


def _validate_structured_pruning(t):
    if len(t.shape) <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. "
                         f"Found tensor of shape {tuple(t.shape)} with {len(t.shape)} dims")


def _validate_pruning_dim(t, dim):
    if dim >= len(t.shape):
        raise IndexError(f"Invalid index {dim} for tensor of size {tuple(t.shape)}")


def _channel_norms(array, n, dim):
    """‖channel‖_n of each slice along ``dim`` (all the other axes reduced), torch.norm's p."""
    dim = dim % array.ndim
    others = tuple(d for d in range(array.ndim) if d != dim)
    size = np.abs(array)
    if n == "fro":
        n = 2
    if n == "nuc":
        if len(others) != 2:
            raise ValueError("n='nuc' needs exactly two axes besides dim, got "
                             f"{len(others)}")
        return np.linalg.norm(np.moveaxis(array, dim, 0), ord="nuc", axis=(1, 2))
    if not isinstance(n, numbers.Real):
        raise ValueError(f"n must be a number, inf, -inf, 'fro' or 'nuc', got {n!r}")
    if n == np.inf:
        return size.max(axis=others)
    if n == -np.inf:
        return size.min(axis=others)
    if n == 0:
        return (size != 0).sum(axis=others).astype(size.dtype)
    return (size ** n).sum(axis=others) ** (1.0 / n)


def _channel_mask(shape, dim, keep, dtype):
    """Zeros with ones on the channels ``keep`` (indices or booleans) along ``dim``."""
    mask = np.zeros(shape, dtype=dtype)
    index = [slice(None)] * len(shape)
    index[dim] = keep
    mask[tuple(index)] = 1
    return mask


class Identity(BasePruningMethod):
    """Prunes nothing: installs the reparametrisation with a mask of ones (useful to give every
    parameter the pruned layout before a pruning loop)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


class _Unstructured(BasePruningMethod):
    """Unstructured pruning of ``amount`` entries among those still unpruned: the entries first
    in ``_order`` lose their mask."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def _order(self, t, size):
        raise NotImplementedError

    def compute_mask(self, t, default_mask):
        size = int(np.prod(t.shape))
        k = _compute_nparams_toprune(self.amount, size)
        _validate_pruning_amount(k, size)
        mask = default_mask.data.copy()
        if k != 0:
            mask.reshape(-1)[self._order(t, size)[:k]] = 0
        return _make_tensor(mask)


class RandomUnstructured(_Unstructured):
    """Prunes ``amount`` entries chosen uniformly at random among those still unpruned.

    Parameters
    ----------
    amount : int or float
        A count, or a fraction of the entries (rounded to the nearest count).
    """

    def _order(self, t, size):
        return np.argsort(default_generator.rng.random(size))

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(_Unstructured):
    """Magnitude pruning: zero the ``amount`` entries of smallest |w| (of smallest |score| with
    importance scores) among those still unpruned.

    Parameters
    ----------
    amount : int or float
        A count, or a fraction of the entries (rounded to the nearest count).
    """

    def _order(self, t, size):
        return np.argsort(np.abs(t.data).reshape(-1), kind="stable")

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` whole channels along ``dim``, chosen at random among those not yet
    wholly pruned.

    Parameters
    ----------
    amount : int or float
        A count of channels, or a fraction of them.
    dim : int, default -1
        The axis whose slices are the channels (0: output neurons of a Linear or output
        channels of a Conv; 1: their inputs).
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1):
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        channels = t.shape[self.dim]
        k = _compute_nparams_toprune(self.amount, channels)
        _validate_pruning_amount(k, channels)
        if k == 0:
            return default_mask
        order = np.argsort(default_generator.rng.random(channels))
        keep = np.ones(channels, dtype=bool)
        keep[order[:k]] = False
        mask = _channel_mask(t.shape, self.dim, keep, default_mask.data.dtype)
        return _make_tensor(mask * default_mask.data)

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` whole channels along ``dim`` of smallest L_n norm (among those not
    yet wholly pruned): whole neurons (``dim=0`` of a Linear's weight), inputs (``dim=1``) or
    convolution filters.

    Parameters
    ----------
    amount : int or float
        A count of channels, or a fraction of them.
    n : int, float, inf, -inf or "fro"
        The order of the norm ‖channel‖_n = (Σ|w|ⁿ)^(1/n) ("fro" is n = 2; "nuc", the nuclear
        norm, for 3-D tensors whose channels are matrices).
    dim : int, default -1
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim=-1):
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        channels = t.shape[self.dim]
        k = _compute_nparams_toprune(self.amount, channels)
        _validate_pruning_amount(k, channels)
        if k == 0:
            return default_mask
        norms = _channel_norms(t.data, self.n, self.dim)
        keep = np.argsort(-norms, kind="stable")[:channels - k]
        mask = _channel_mask(t.shape, self.dim % len(t.shape), keep, default_mask.data.dtype)
        return _make_tensor(mask * default_mask.data)

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where the given ``mask`` is 0 (on top of any earlier mask)."""

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        mask = self.mask.data if isinstance(self.mask, Tensor) else np.asarray(self.mask)
        if tuple(default_mask.shape) != mask.shape:
            raise AssertionError(f"default_mask shape {tuple(default_mask.shape)} must match "
                                 f"self.mask shape {mask.shape}")
        return _make_tensor(default_mask.data * mask.astype(default_mask.data.dtype))

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)
