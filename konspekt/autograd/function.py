"""``Function``: the elementary differentiable block, and the graph node it leaves behind.

An operation y = f(x_1, …, x_n) is a subclass with two static methods:

* ``forward(ctx, *arrays, **options)`` computes y on raw arrays (fast, no graph);
* ``backward(ctx, grad_output)`` returns ∂L/∂x_i = (∂y/∂x_i)ᵀ · ∂L/∂y for each input, written with
  **Tensor operations**. In an ordinary backward pass it runs under ``no_grad`` and costs what the
  arrays cost; with ``create_graph=True`` the same code records a graph, so the derivative of the
  derivative needs no second set of rules.

``Function.apply(*args)`` runs forward and, when grad mode is on and an input requires grad, links a
new node (the ``ctx`` object itself, as in torch) into the graph. ``ctx.save_for_backward`` takes
arrays in forward and gives Tensors back in backward: an input's array comes back as that input
Tensor (so second derivatives flow through it), the output's array as the output (linked to this
node), anything else as a constant.
"""

import weakref

from .backend import ndarray, xp
from .grad_mode import _state

_new = object.__new__
_OUTPUT = object()  # marks the output among the saved tensors


class _Constant:
    """A saved array that is neither an input nor the output: backward sees a plain tensor."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array



class Function:
    """Base class of differentiable operations; subclass it for a custom operation.

    The instance is the context handed to ``forward`` and ``backward`` and, once recorded, the node
    of the graph (``tensor.grad_fn``).

    Attributes
    ----------
    needs_input_grad : tuple of bool
        For each positional input, whether its gradient is wanted. Known once the node is
        recorded, i.e. in backward; empty during forward (torch fills it there too).
    next_functions : tuple of (node, int)
        The nodes this one passes gradients to, one per input, as in torch.

    Examples
    --------
    >>> class Cube(kp.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         x, = ctx.saved_tensors
    ...         return grad_output * 3 * x ** 2
    >>> y = Cube.apply(kp.tensor([2.0], requires_grad=True))
    """

    # Set to True on operations whose output is a view of input 0 (shares memory): the output then
    # shares the input's version counter, so an in-place change through either is noticed.
    is_view = False

    # Node state a fresh node starts with; kept as class attributes so that recording a node
    # writes only what differs.
    _to_save = None
    _saved = ()
    _versions = ()
    _pre_hooks = None
    _freed = False
    _edges = ()
    _n_inputs = None

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *arrays)")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError(
            f"{type(ctx).__name__} defines no backward: it is not differentiable")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = _new(cls)
        arrays = [a.data if isinstance(a, Tensor) else a for a in args]
        raw = cls.forward(ctx, *arrays, **kwargs)
        # NumPy returns scalars from 0-d computations; a tensor always holds an array.
        out = raw if type(raw) is ndarray else xp.asarray(raw)
        result = _new(Tensor)  # _make_tensor, inlined: this line runs for every operation
        result.data = out
        result._grad = result.grad_fn = result._version_counter = result._hooks = None
        result._requires_grad = result._retains_grad = False
        if cls.is_view and xp.may_share_memory(out, arrays[0]):  # reshape may have copied
            result._version_counter = args[0]._version_counter_shared()
        if _state.enabled and out.dtype.kind == "f":
            for a in args:
                if isinstance(a, Tensor) and a._requires_grad:
                    ctx._link(args, arrays, result, raw)
                    break
        return result

    def _link(self, args, arrays, result, raw):
        self._edges = tuple([(a.grad_fn or a) if isinstance(a, Tensor) and a._requires_grad
                             else None for a in args])
        if not isinstance(args[-1], Tensor):
            # Trailing options (dim, keepdim, exponent …) are not inputs of the node.
            n = len(args) - 1
            while n and not isinstance(args[n - 1], Tensor):
                n -= 1
            self._n_inputs = n
        result._requires_grad = True
        result.grad_fn = self
        to_save = self._to_save
        if to_save is None:
            return
        # An input is saved as the Tensor itself with its version beside it (to catch in-place
        # changes before backward), the output as a marker, anything else as a constant.
        saved = []
        versions = []
        for s in to_save:
            if s is raw or s is result.data:
                saved.append(_OUTPUT)
                counter = result._version_counter_shared()
                self._output = (result.data, counter, counter[0])
                continue
            for a, arr in zip(args, arrays):
                if s is arr and isinstance(a, Tensor):
                    saved.append(a)
                    counter = a._version_counter
                    versions.append(0 if counter is None else counter[0])
                    break
            else:
                saved.append(_Constant(s) if isinstance(s, ndarray) else s)
        self._saved = tuple(saved)
        self._versions = versions
        self._to_save = None

    @property
    def needs_input_grad(self):
        """For each positional input, whether backward must return its gradient."""
        return tuple([e is not None for e in self._edges])

    # ---- the context API used inside forward and backward -------------------------------------

    def save_for_backward(self, *arrays):
        """Keep arrays (inputs, the output or constants) for ``backward``; call in forward."""
        self._to_save = arrays

    @property
    def saved_tensors(self):
        """The saved arrays as Tensors, checked against in-place changes since forward."""
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        out = []
        versions = iter(self._versions)
        for s in self._saved:
            if s is _OUTPUT:
                array, counter, version = self._output
                if counter[0] != version:
                    self._raise_modified(array.shape, counter[0], version, "output 0 of")
                out.append(_make_tensor(array, _state.enabled, self if _state.enabled else None))
            elif isinstance(s, Tensor):
                version = next(versions)
                if s._version != version:
                    self._raise_modified(s.shape, s._version, version, "an input of")
                out.append(s)
            elif type(s) is _Constant:
                out.append(_make_tensor(s.array))
            else:
                out.append(s)
        return tuple(out)

    def _rebind_output(self, tensor):
        """The output has been taken over by ``tensor`` (an in-place operation made it that
        tensor's new value): later in-place changes of ``tensor`` must be noticed."""
        output = getattr(self, "_output", None)
        if output is not None:
            counter = tensor._version_counter_shared()
            self._output = (output[0], counter, counter[0])

    def _raise_modified(self, shape, version, expected, role):
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [tensor of shape {list(shape)}], which is {role} "
            f"{self.name()}, is at version {version}; expected version {expected} instead.")

    # ---- the node API ---------------------------------------------------------------------------

    def name(self):
        """The node's name as torch prints it, e.g. ``MulBackward``."""
        return type(self).__name__ + "Backward"

    @property
    def next_functions(self):
        """One (node, 0) pair per tensor input: its grad_fn, the AccumulateGrad of a leaf, or
        None when it needs no gradient."""
        return tuple((_edge_node(e), 0) for e in self._edges[:self._n_inputs])

    def register_prehook(self, hook):
        """Call ``hook(grad_output)`` before this node's backward; it may return a new gradient."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(hook)

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"


class AccumulateGrad:
    """The node of a leaf tensor in ``next_functions``: it stores the gradient in ``.grad``.

    One per leaf, kept only as long as the leaf lives (it refers to the leaf weakly).
    """

    __slots__ = ("_variable",)

    def __init__(self, variable):
        key = id(variable)
        self._variable = weakref.ref(variable, lambda _: _accumulators.pop(key, None))

    @property
    def variable(self):
        return self._variable()

    def name(self):
        return "AccumulateGrad"

    @property
    def next_functions(self):
        return ()

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


# id(leaf) → its AccumulateGrad (keyed by id: tensors compare elementwise, so they cannot be
# the keys of a weak dictionary); an entry leaves when its leaf is collected.
_accumulators = {}


def _edge_node(edge):
    if edge is None or isinstance(edge, Function):
        return edge
    node = _accumulators.get(id(edge))
    if node is None or node.variable is not edge:
        node = _accumulators[id(edge)] = AccumulateGrad(edge)
    return node


def once_differentiable(backward):
    """Mark a backward as not differentiable again: it runs on plain tensors even under
    ``create_graph``, and a second derivative through it raises."""
    from .grad_mode import no_grad

    def wrapper(ctx, *grads):
        with no_grad():
            result = backward(ctx, *grads)
        if _state.enabled and any(g is not None and g._requires_grad for g in grads):
            result = tuple(r if r is None else _make_tensor(r.data, True, _NotDifferentiable())
                           for r in (result if isinstance(result, tuple) else (result,)))
            result = result if len(result) > 1 else result[0]
        return result
    return wrapper


class _NotDifferentiable(Function):
    @staticmethod
    def backward(ctx, grad_output):
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


from .tensor import Tensor, _make_tensor  # noqa: E402  (the two modules refer to each other)
