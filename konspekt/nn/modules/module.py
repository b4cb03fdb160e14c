"""``Module``: the base class of every layer and network, with torch.nn.Module's API."""

from collections import OrderedDict, namedtuple

from ...autograd import dtype as _dtypes
from ...autograd.backend import xp
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor, _RemovableHandle
from ..parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; printed as torch prints it when nothing is wrong."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def check_device(owner, device):
    """Refuse any device but the CPU, naming ``owner`` (a layer or method) in the message."""
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"{owner}: konspekt runs on the CPU only; got device {device!r}")


def _name_the_layer(error, module):
    """Add the innermost layer that raised to the error's notes, e.g. "in layer
    Linear(in_features=3, out_features=4, bias=True)": the engine's messages name the operation,
    not the layer."""
    if not getattr(error, "_konspekt_layer_named", False):
        error._konspekt_layer_named = True
        error.add_note(f"in layer {type(module).__name__}({module.extra_repr()})")


class Module:
    """Base class of layers and networks: a function with parameters, buffers and submodules.

    A subclass sets its parameters and submodules as attributes in ``__init__`` (after calling
    ``super().__init__()``) and computes its output in ``forward``; calling the module runs the
    forward pre-hooks, ``forward`` and the forward hooks. Assigning a ``Parameter`` registers a
    parameter, assigning a ``Module`` a submodule; ``register_buffer`` adds state that is saved
    but not trained (BatchNorm's running statistics).

    Attributes
    ----------
    training : bool
        True in training mode (the default), False after ``eval()``: Dropout and BatchNorm act
        differently in the two.

    Examples
    --------
    >>> import konspekt as kp
    >>> class Affine(kp.nn.Module):
    ...     def __init__(self, n):
    ...         super().__init__()
    ...         self.scale = kp.nn.Parameter(kp.ones(n))
    ...         self.shift = kp.nn.Parameter(kp.zeros(n))
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> [name for name, _ in Affine(3).named_parameters()]
    ['scale', 'shift']
    """

    training: bool

    def __init__(self):
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_forward_hooks", [])

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    def __call__(self, *args, **kwargs):
        try:
            if not (self._forward_pre_hooks or self._forward_hooks):
                return self.forward(*args, **kwargs)
            for hook in tuple(self._forward_pre_hooks):
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
            output = self.forward(*args, **kwargs)
            for hook in tuple(self._forward_hooks):
                result = hook(self, args, output)
                if result is not None:
                    output = result
            return output
        except Exception as error:
            _name_the_layer(error, self)
            raise

    def register_forward_pre_hook(self, hook):
        """Call ``hook(module, args)`` before each forward; a non-None result replaces args."""
        self._forward_pre_hooks.append(hook)
        return _RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """Call ``hook(module, args, output)`` after each forward; non-None replaces output."""
        self._forward_hooks.append(hook)
        return _RemovableHandle(self._forward_hooks, hook)

    # ---- registration ---------------------------------------------------------------------------

    def _check_registrable(self, name, kind):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')

    def register_parameter(self, name, param):
        """Add ``param`` (a Parameter, or None for an absent one such as ``bias=False``)."""
        self._check_registrable(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (konspekt.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add state that is not trained; ``persistent=False`` keeps it out of ``state_dict``."""
        self._check_registrable(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(konspekt Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        """Add a child module (or None) under ``name``."""
        self._check_registrable(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            if name not in params:  # a replaced parameter keeps its place in the state dict
                self._forget(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                "(konspekt.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            if name not in self._modules:  # a replaced child keeps its place (Sequential order)
                self._forget(name)
            self._modules[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (konspekt.nn.Module or None expected)")
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(konspekt Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        """Drop ``name`` from wherever it lives, before it is registered anew."""
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name):
        # Only reached when ordinary lookup fails: parameters, buffers and children live in
        # their tables, so that registration and state_dict see them in order.
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    # ---- traversal ------------------------------------------------------------------------------

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(name, module) for this module and every descendant, depth first, each once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            yield from module.named_modules(memo, prefix + ("." if prefix else "") + name,
                                            remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def _named_members(self, table, prefix, recurse, remove_duplicate):
        seen = set()
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        for module_prefix, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Parameter) for every parameter; a shared one is listed once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def get_submodule(self, target):
        """The descendant at the dotted path ``target`` ('' is this module)."""
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules or module._modules[part] is None:
                raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
            module = module._modules[part]
        return module

    def apply(self, fn):
        """Call ``fn`` on every child (recursively) and then on self, e.g. to initialise."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients --------------------------------------------------------------------

    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode on self and all descendants."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self):
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Train (True) or freeze (False) every parameter, e.g. a pretrained backbone."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's ``.grad``: to None (the default, as in torch) or to zeros."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad = param.grad.detach()
                param.grad.data[...] = 0

    # ---- dtype ----------------------------------------------------------------------------------

    def _apply(self, fn):
        """Replace the array of every parameter, gradient and buffer by ``fn(array)``, keeping
        the Parameter objects (an optimiser holding them keeps working)."""
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                param.data = fn(param.data)
                if param.grad is not None:
                    param.grad = Tensor(fn(param.grad.data))
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    module._buffers[name] = Tensor(fn(buffer.data))
        return self

    def to(self, *args, dtype=None, device=None):
        """Cast floating parameters and buffers to ``dtype`` (integer ones stay), in place.

        Accepts ``to(kp.float64)``, ``to(dtype=…)`` and the device ``'cpu'`` (the only one).
        """
        for arg in args:
            if isinstance(arg, _dtypes.dtype):
                dtype = arg
            elif isinstance(arg, str):
                device = arg
            else:
                raise TypeError(f"to() expected a dtype or a device, got {type(arg).__name__}")
        check_device(f"{type(self).__name__}.to", device)
        if dtype is None:
            return self
        if not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got "
                            f"desired dtype={dtype}")
        target = dtype.numpy
        return self._apply(lambda a: a.astype(target) if a.dtype.kind == "f" else a)

    def float(self):
        return self.to(_dtypes.float32)

    def double(self):
        return self.to(_dtypes.float64)

    def cpu(self):
        return self

    # ---- state ----------------------------------------------------------------------------------

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """Every parameter and persistent buffer by dotted name, in registration order.

        The tensors share memory with the module (detached unless ``keep_vars``), as in torch;
        ``konspekt.save`` writes them to a file.
        """
        if destination is None:
            destination = OrderedDict()
        # Every path is listed, a submodule shared under two names under both, as torch does:
        # a torch state dict of the same architecture then has exactly these keys.
        for name, module in self.named_modules(prefix=prefix.rstrip("."),
                                               remove_duplicate=False):
            head = name + "." if name else ""
            for key, param in module._parameters.items():
                if param is not None:
                    destination[head + key] = param if keep_vars else param.detach()
            for key, buffer in module._buffers.items():
                if buffer is not None and key not in module._non_persistent_buffers:
                    destination[head + key] = buffer if keep_vars else buffer.detach()
        return destination

    def load_state_dict(self, state_dict, strict=True):
        """Copy values from ``state_dict`` (tensors or arrays, e.g. torch's converted with
        ``.numpy()``) into the parameters and buffers, in place.

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)``; with ``strict=True`` either raises RuntimeError.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if missing:
                errors.append("Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        updates = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            array = value.detach().data if isinstance(value, Tensor) else xp.asarray(value)
            if array.shape != target.data.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{list(array.shape)} from checkpoint, the shape in current model "
                              f"is {list(target.data.shape)}.")
                continue
            updates.append((target, array))
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        # Nothing is written until every entry has been checked: a failed load leaves the
        # module as it was.
        with no_grad():
            for target, array in updates:
                target.data[...] = array.astype(target.data.dtype, copy=False)
                target._bump_version()
        return _IncompatibleKeys(missing, unexpected)

    # ---- printing -------------------------------------------------------------------------------

    def extra_repr(self):
        """The hyperparameters shown inside ``Name(...)``; layers override it."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            text = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {text}")
        if not lines:
            return f"{self._get_name()}()"
        if len(lines) == 1 and not self._modules:
            return f"{self._get_name()}({extra})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
