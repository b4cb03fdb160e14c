"""``Optimizer``: the base of every optimiser — parameter groups, per-parameter state,
``zero_grad``, ``step(closure)`` and ``state_dict``, with torch.optim's API.

An optimiser minimises a loss L(θ) over parameters θ split into *parameter groups*; each group is
a dict holding its tensors under ``'params'`` and its own hyperparameters (``lr``, ``momentum`` …),
so that, say, a pretrained body and a new head can learn at different rates. What an optimiser
remembers between steps (a velocity, running averages of g and g², a step count) lives in
``state[p]``, a dict per parameter.

Writing a subclass
------------------
``__init__`` checks the hyperparameters and calls ``super().__init__(params, defaults)``;
``step(closure=None)`` evaluates the closure, if any, with ``self._evaluate(closure)``, then for
each group and each ``p`` whose ``p.grad`` is not None updates ``p.data`` *in place* with NumPy
(no graph is recorded: an update is not part of the model) and calls ``p._bump_version()`` so
that a graph which saved ``p`` before the update refuses to backpropagate through the stale
value, as in torch. ``state[p]`` is filled lazily on a parameter's first step.
"""

import concurrent.futures
import copy
import functools
import os
import threading
import warnings
from collections import OrderedDict, defaultdict
from itertools import chain

from ..autograd.backend import xp
from ..autograd.dtype import get_default_dtype
from ..autograd.grad_mode import enable_grad
from ..autograd.tensor import Tensor

__all__ = ["Optimizer"]


class _RequiredParameter:
    """The default of a hyperparameter that every parameter group must give itself."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(value):
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


class _RemovableHandle:
    """What ``register_step_pre_hook`` / ``register_step_post_hook`` return."""

    _next_id = 0

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = _RemovableHandle._next_id
        _RemovableHandle._next_id += 1

    def remove(self):
        self._hooks.pop(self.id, None)


def _with_step_hooks(step):
    """Wrap a subclass's ``step`` so that the registered pre- and post-hooks run around it."""

    @functools.wraps(step)
    def hooked_step(self, *args, **kwargs):
        # A step that calls super().step() runs the hooks once, in the outermost call.
        if self._in_step:
            return step(self, *args, **kwargs)
        for hook in list(self._step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
                args, kwargs = result
        self._in_step = True
        self._opt_called = True  # lets a learning-rate scheduler check the order of the calls
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._in_step = False
        for hook in list(self._step_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    return hooked_step


class Optimizer:
    """Base class of the optimisers: holds the parameter groups and their state.

    Parameters
    ----------
    params : iterable of Tensor, of (name, Tensor) pairs, or of dict
        The tensors to optimise, or parameter groups: dicts with a ``'params'`` entry and
        hyperparameters that override ``defaults`` for that group.
    defaults : dict
        Each hyperparameter's default, used by groups that do not set it. A default equal to
        ``required`` must be given by every group.

    Attributes
    ----------
    param_groups : list of dict
        The groups, each with ``'params'`` (a list of tensors) and every hyperparameter.
    state : collections.defaultdict of dict
        Per-parameter memory (velocities, running averages, step counts), keyed by the tensor.
    defaults : dict
        The hyperparameters' defaults.

    Examples
    --------
    >>> import konspekt as kp
    >>> w = kp.nn.Parameter(kp.ones(3))
    >>> opt = kp.optim.SGD([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([0.8, 0.8, 0.8], requires_grad=True)
    """

    _in_step = False
    # State entries kept in their own dtype by load_state_dict: scalars such as the step count
    # live in the default dtype whatever the parameter's, and casting them would change the
    # arithmetic of a resumed run.
    _scalar_state = ("step",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._step_pre_hooks = OrderedDict()
        self._step_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_step_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_step_post_hooks", OrderedDict())

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group)
                            if key != "params")
        return text + ")"

    # ---- parameter groups ------------------------------------------------------------------------

    def add_param_group(self, param_group):
        """Add a group of parameters, with its own hyperparameters, to ``param_groups``.

        Useful when fine-tuning: layers unfrozen during training join the optimiser then.

        Parameters
        ----------
        param_group : dict
            ``'params'``: a tensor or an ordered iterable of tensors (or of (name, tensor)
            pairs); any other key overrides the optimiser's default for this group.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names

        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        # Tensors compare elementwise, so membership is decided by identity.
        ids = [id(p) for p in params]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- the training step -------------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of every optimised tensor.

        Parameters
        ----------
        set_to_none : bool, default True
            Set ``.grad`` to None (less memory; an optimiser skips a parameter whose grad is
            None) instead of filling it with zeros (a zero gradient still moves a parameter
            that has momentum or weight decay).
        """
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    def step(self, closure=None):
        """Perform one optimisation step (implemented by each optimiser).

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss; needed by methods that evaluate the
            loss several times per step (LBFGS), optional for the others.
        """
        raise NotImplementedError

    @staticmethod
    def _evaluate(closure):
        """The closure's loss, computed with gradients enabled (None without a closure)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def register_step_pre_hook(self, hook):
        """Call ``hook(optimizer, args, kwargs)`` before each ``step``.

        The hook may return a pair ``(new_args, new_kwargs)`` to call ``step`` with instead.
        Returns a handle whose ``remove()`` unregisters the hook.
        """
        handle = _RemovableHandle(self._step_pre_hooks)
        self._step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """Call ``hook(optimizer, args, kwargs)`` after each ``step``; returns a handle."""
        handle = _RemovableHandle(self._step_post_hooks)
        self._step_post_hooks[handle.id] = hook
        return handle

    # ---- saving and resuming ---------------------------------------------------------------

    def state_dict(self):
        """The optimiser's state as a dict, with parameters replaced by their index.

        Returns
        -------
        dict
            ``'state'``: {index: that parameter's state dict} (the live state, not a copy, as in
            torch); ``'param_groups'``: the groups' hyperparameters with ``'params'`` a list of
            indices, numbering the parameters in order across the groups.
        """
        index_of = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            indices = []
            for p in group["params"]:
                indices.append(index_of.setdefault(id(p), len(index_of)))
            packed["params"] = indices
            packed_groups.append(packed)
        packed_state = {(index_of[id(key)] if isinstance(key, Tensor) else key): value
                        for key, value in self.state.items()}
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        """Resume from a ``state_dict()``: hyperparameters and per-parameter state.

        The saved groups must match this optimiser's in number and sizes; parameters are
        matched by position. Loaded tensors are copies, cast to their parameter's floating
        dtype except scalar bookkeeping (the step count; NAdam's ∏μ), which keeps its dtype so
        that a resumed run is bit-identical to an uninterrupted one. (torch casts NAdam's
        ``mu_product`` to the parameter's dtype.)

        Parameters
        ----------
        state_dict : dict
            What ``state_dict()`` returned.
        """
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        param_of = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                            chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_of:
                param = param_of[key]
                state[param] = _copy_state(param, value, self._scalar_state)
            else:
                state[key] = value
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})


def _copy_state(param, value, scalar_keys, key=None):
    """A deep copy of one parameter's saved state, its float tensors in the parameter's dtype
    except the scalar bookkeeping named in ``scalar_keys``."""
    if isinstance(value, Tensor):
        data = value.data
        if key not in scalar_keys and param.data.dtype.kind == "f" and data.dtype.kind == "f":
            return Tensor(data.astype(param.data.dtype, copy=True))
        return Tensor(data.copy())
    if isinstance(value, dict):
        return {k: _copy_state(param, v, scalar_keys, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_state(param, v, scalar_keys) for v in value)
    return copy.deepcopy(value)


# ---- helpers shared by the optimisers' steps -------------------------------------------------


def _gradient(param, grad, weight_decay, maximize):
    """The gradient to descend, g ← ±∇L(θ) + λθ (L2 weight decay), as an array.

    Returns the array and whether it is a fresh one that the caller may overwrite; without
    weight decay or ``maximize`` it is ``p.grad``'s own array, which must stay untouched.
    """
    if weight_decay == 0:
        if maximize:
            return xp.negative(grad), True
        return grad, False
    direction = xp.multiply(param, weight_decay)
    if maximize:
        xp.subtract(direction, grad, out=direction)
    else:
        xp.add(direction, grad, out=direction)
    return direction, True


_scratch_buffers = threading.local()


def _scratch(like):
    """A work array shaped and typed as ``like``, one per thread, reused from step to step: a
    fresh array of megabytes costs more in page faults than the arithmetic that fills it."""
    buffer = getattr(_scratch_buffers, "array", None)
    if buffer is None or buffer.size < like.size or buffer.dtype != like.dtype:
        buffer = _scratch_buffers.array = xp.empty(like.size, like.dtype)
    return buffer[:like.size].reshape(like.shape)


# Below this many elements per step, one thread is faster than handing work to others.
_PARALLEL_ELEMENTS = 1 << 18
_pool = None


def _pieces(arrays, parts=2):
    """``arrays`` (same shape, or None) cut into ``parts`` flat pieces when they are all
    C-contiguous and large enough to share out, else whole: the elementwise updates of an
    optimiser can run on the pieces in separate threads."""
    present = [a for a in arrays if a is not None]
    if present[0].size < _PARALLEL_ELEMENTS // parts or not all(
            a.flags.c_contiguous for a in present):
        return [arrays]
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    bounds = [present[0].size * k // parts for k in range(parts + 1)]
    return [tuple(None if a is None else a[lo:hi] for a in flat)
            for lo, hi in zip(bounds[:-1], bounds[1:])]


def _run(jobs, elements):
    """Call every job (a function of no arguments); in a small thread pool when the step touches
    at least _PARALLEL_ELEMENTS elements, as torch's multi-threaded foreach kernels do (NumPy
    releases the GIL inside its loops)."""
    global _pool
    if elements < _PARALLEL_ELEMENTS or len(jobs) < 2:
        for job in jobs:
            job()
        return
    if _pool is None:
        _pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1),
                                                      thread_name_prefix="konspekt-optim")
    for future in [_pool.submit(job) for job in jobs]:
        future.result()  # re-raises a job's exception here


def _zeros_like(param):
    """A state tensor of zeros shaped and typed as the parameter."""
    return Tensor(xp.zeros_like(param.data))


def _scalar(value):
    """A 0-d state tensor (a step count, a running product) in the default float dtype, as torch
    keeps them in its default dtype whatever the parameter's."""
    return Tensor(xp.asarray(value, dtype=get_default_dtype().numpy))


def _next_step(state):
    """Advance the parameter's step count t by one and return the new t as a float."""
    step = state["step"].data
    step += 1
    return float(step)


def _check_flags(foreach, differentiable, fused):
    """torch's implementation switches: accepted, but only their consistency is checked."""
    if fused and differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if differentiable:
        raise NotImplementedError("differentiable=True (differentiating through the optimiser's "
                                  "step) is not supported by konspekt's optimisers")
