"""``Tensor``: an array, its gradient, and the node of the graph that made it.

The operators and methods (``+``, ``@``, ``exp``, ``sum``, ``reshape`` …) are the functions of
``konspekt.autograd.ops``, bound to the class in ``konspekt.autograd.methods``; this file holds
what belongs to the tensor itself: its state, conversions, ``backward`` and in-place updates.
"""

import weakref

from . import dtype as _dtypes
from .backend import ndarray, xp
from .grad_mode import _state

_new = object.__new__


def _make_tensor(data, requires_grad=False, grad_fn=None):
    """Wrap an array without checks: the fast constructor used by every operation."""
    t = _new(Tensor)
    t.data = data
    t._grad = None
    t._requires_grad = requires_grad
    t.grad_fn = grad_fn
    t._version_counter = None
    t._hooks = None
    t._retains_grad = False
    return t


class Tensor:
    """A multi-dimensional array that records the operations applied to it.

    Parameters
    ----------
    data : array_like
        The values; an array keeps its dtype, Python floats become the default dtype.
    requires_grad : bool, default False
        Whether operations on this tensor are recorded for ``backward``.

    Attributes
    ----------
    data : ndarray
        The values.
    grad : Tensor or None
        ∂L/∂self after ``backward``, accumulated over calls.
    grad_fn : Function or None
        The node that made this tensor; None for a leaf.
    """

    __slots__ = ("data", "_grad", "_requires_grad", "grad_fn", "_version_counter", "_hooks",
                 "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # ndarray ∘ Tensor defers to Tensor's reflected operator

    def __init__(self, data, requires_grad=False):
        if isinstance(data, Tensor):
            data = data.data
        array = xp.asarray(data)
        if array.dtype.kind == "f" and not isinstance(data, ndarray):
            array = array.astype(_dtypes.get_default_dtype().numpy, copy=False)
        _dtypes.from_numpy_dtype(array.dtype)
        self.data = array
        self._grad = None
        self._requires_grad = False
        self.grad_fn = None
        self._version_counter = None
        self._hooks = None
        self._retains_grad = False
        if requires_grad:
            self.requires_grad = True

    # ---- attributes -----------------------------------------------------------------------------

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if not isinstance(value, bool):
            raise TypeError(f"requires_grad must be a bool, got {type(value).__name__}")
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if value and self.data.dtype.kind != "f":
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients, "
                f"got dtype {self.dtype}")
        self._requires_grad = value

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place and return self (for freezing and unfreezing)."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor or None, got "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: expected "
                                   f"{list(self.shape)}, got {list(value.shape)}")
        self._grad = value

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    def dim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return _dtypes.from_numpy_dtype(self.data.dtype)

    @property
    def device(self):
        return "cpu"

    @property
    def _version(self):
        counter = self._version_counter
        return 0 if counter is None else counter[0]

    def _version_counter_shared(self):
        if self._version_counter is None:
            self._version_counter = [0]
        return self._version_counter

    def _bump_version(self):
        if self._version_counter is None:
            self._version_counter = [1]
        else:
            self._version_counter[0] += 1

    def size(self, dim=None):
        """The shape, or the length of one dimension."""
        if dim is None:
            return self.data.shape
        return self.data.shape[_check_dim(dim, self.data.ndim)]

    def numel(self):
        return self.data.size

    def element_size(self):
        return self.data.itemsize

    def is_floating_point(self):
        return self.data.dtype.kind == "f"

    def is_contiguous(self):
        return self.data.flags.c_contiguous

    def contiguous(self):
        return self if self.data.flags.c_contiguous else self.clone()

    # ---- conversion ------------------------------------------------------------------------------

    def numpy(self):
        """The values as an array that shares memory with the tensor."""
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self.data

    def __array__(self, dtype=None, copy=None):
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return array.copy() if copy else array

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise RuntimeError(f"a Tensor with {self.data.size} elements cannot be converted "
                               "to Scalar")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.data.size} elements is "
                               "ambiguous")
        return bool(self.data.item())

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    __hash__ = object.__hash__

    def detach(self):
        """A tensor with the same values (shared memory) cut from the graph."""
        # A new array object over the same memory: operations recognise their saved inputs by
        # array identity, so in x * x.detach() the two operands must not be the same object.
        t = _make_tensor(self.data.view())
        t._version_counter = self._version_counter_shared()
        return t

    def detach_(self):
        """Cut this tensor from the graph in place: it becomes a leaf that does not require grad."""
        if self.grad_fn is not None and type(self.grad_fn).is_view:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ---- gradients ---------------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate ∂self/∂leaf · gradient into the ``.grad`` of every leaf that needs it.

        Parameters
        ----------
        gradient : Tensor, optional
            ∂L/∂self; may be omitted only for a one-element tensor (then 1).
        retain_graph : bool, optional
            Keep the saved tensors for another backward; defaults to ``create_graph``.
        create_graph : bool, default False
            Record the backward pass itself, for higher derivatives.
        inputs : sequence of Tensor, optional
            Accumulate only into these tensors' ``.grad``.
        """
        _engine.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when the gradient of this tensor is computed.

        The hook may return a new gradient to use instead. Returns a handle with ``remove()``.
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            self.grad_fn.register_prehook(hook)
            hooks = self.grad_fn._pre_hooks
            keep = self._retains_grad
            if keep:
                # .grad of a tensor that retains it holds the gradient after all its hooks, as
                # in torch, whichever was registered first.
                hooks.remove(keep)
                hooks.append(keep)
        else:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            hooks = self._hooks
        return _RemovableHandle(hooks, hook)

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves keep it anyway)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        ref = weakref.ref(self)

        def keep(grad):
            tensor = ref()
            if tensor is not None:
                value = grad.detach() if not _state.enabled else grad
                tensor._grad = value if tensor._grad is None else tensor._grad + value
        self.grad_fn.register_prehook(keep)
        self._retains_grad = keep  # kept so that later hooks can be put before it

    @property
    def retains_grad(self):
        return self._retains_grad is not False

    # ---- in-place updates -------------------------------------------------------------------

    def _check_inplace(self):
        if not (self._requires_grad and _state.enabled):
            return
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        # A view shares its base's memory and version counter; writing it would change a leaf
        # behind the graph's back.
        node, counter = self.grad_fn, self._version_counter
        while counter is not None and getattr(node, "is_view", False):
            base = node._edges[0]
            if isinstance(base, Tensor):
                if base._version_counter is counter:
                    raise RuntimeError("a view of a leaf Variable that requires grad is being "
                                       "used in an in-place operation.")
                return
            node = base

    def _assign_result(self, result):
        """Make self the result of a recorded operation applied to its old value.

        The old value lives on in a new Tensor object that the operation saved, so nodes that
        saved ``self`` before the change see its version move and refuse to run. As in torch, an
        in-place result keeps self's shape and dtype (``float32 += float64`` stays float32).
        """
        if result.data.shape != self.data.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)}")
        if result.data.dtype != self.data.dtype:
            if not xp.can_cast(result.data.dtype, self.data.dtype, "same_kind"):
                raise RuntimeError(f"result type {result.dtype} can't be cast to the desired "
                                   f"output type {self.dtype}")
            result = result.to(self.dtype)
        keep = self._retains_grad
        if keep and self.grad_fn is not None and result.grad_fn is not None:
            # .grad follows the tensor to its new node, as in torch; other hooks stay behind.
            self.grad_fn._pre_hooks.remove(keep)
            result.grad_fn.register_prehook(keep)
        self.data = result.data
        self.grad_fn = result.grad_fn
        self._requires_grad = result._requires_grad
        self._bump_version()
        if result._version_counter is not None and result.grad_fn is not None:
            # The operation saved its output (exp_, tanh_ …): that array is self's now, so the
            # node must watch self's counter, not the one of the discarded result.
            result.grad_fn._rebind_output(self)
        return self

    def _old_value(self):
        """A Tensor with self's present value and graph position, for a recorded in-place op."""
        old = _make_tensor(self.data, self._requires_grad, self.grad_fn)
        old._version_counter = [self._version]
        return old

    def _writable_data(self):
        if not self.data.flags.writeable:
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location (an expanded tensor); "
                               "clone it first.")
        return self.data

    def zero_(self):
        """Fill with zeros in place."""
        return self.fill_(0)

    def fill_(self, value):
        """Fill with a number or a 0-d tensor in place."""
        if isinstance(value, Tensor) and value.data.ndim:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.data.ndim} dimensions.")
        # As ``self[...] = value``: when recorded, the old value gets a zero gradient (it no
        # longer counts) and a tensor value the sum of the gradient.
        self[...] = value
        return self

    def copy_(self, src):
        """Copy the values of ``src`` (broadcast to self's shape) into self, in place."""
        # As ``self[...] = src``: when recorded, the gradient goes to src (summed over the
        # broadcast) and none to the old value.
        self[...] = src
        return self

    def __setitem__(self, key, value):
        from .ops.indexing import index_put, _normalize_key
        self._check_inplace()
        value_requires = isinstance(value, Tensor) and value._requires_grad
        if _state.enabled and (self._requires_grad or value_requires):
            if not isinstance(value, Tensor):
                value = _make_tensor(xp.asarray(value, dtype=self.data.dtype))
            return self._assign_result(index_put(self._old_value(), key, value.to(self.dtype)))
        if isinstance(value, Tensor):
            value = value.data
        self._writable_data()[_normalize_key(key)] = value
        self._bump_version()

    # ---- printing -------------------------------------------------------------------------------

    def __repr__(self):
        prefix = "tensor("
        body = xp.array2string(self.data, separator=", ", prefix=prefix, threshold=1000)
        extras = []
        default_float = _dtypes.get_default_dtype().numpy
        if self.data.size == 0:
            # An empty body cannot show its kind, so like torch the dtype is named unless it is
            # the default float, and the size unless the tensor is one-dimensional.
            body = "[]" if self.data.ndim == 1 else f"[], size={tuple(self.shape)}"
            if self.data.dtype != default_float:
                extras.append(f"dtype={self.dtype}")
        elif self.data.dtype not in (default_float, xp.dtype("int64"), xp.dtype("bool")):
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return prefix + body + "".join(", " + e for e in extras) + ")"

    __str__ = __repr__


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _check_dim(dim, ndim):
    """A dimension index in [−ndim, ndim) made non-negative; IndexError naming the range."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-size}, {size - 1}], but got {dim})")
    return dim % size


from . import engine as _engine  # noqa: E402  (engine builds on Tensor; imported last)
