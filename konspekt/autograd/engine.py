"""The backward pass: ``backward`` and ``grad``.

Backpropagation as the lecture states it: walk the graph once, from the outputs to the leaves, in
reverse topological order; at each node multiply the incoming gradient by the node's local
Jacobian (its ``backward``); where a tensor feeds several nodes, its gradient is the **sum** of
what they send back (∂L/∂x = Σ_k ∂L/∂y_k · ∂y_k/∂x), so gradients are accumulated with ``+``.
A node runs only when every consumer of its output has reported, which a count of pending
consumers per node decides.
"""

from .backend import xp
from .function import Function
from .grad_mode import enable_grad, no_grad
from .tensor import Tensor, _make_tensor


def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _initial_gradients(outputs, grad_outputs):
    if grad_outputs is None and len(outputs) == 1:  # loss.backward(): the common case
        out = outputs[0]
        if isinstance(out, Tensor) and out._requires_grad and out.data.size == 1:
            return [_make_tensor(xp.ones_like(out.data))]
    if grad_outputs is not None and len(grad_outputs) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients: "
                           "pass one gradient per output")
    grads = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"outputs[{i}]: expected a Tensor, got {type(out).__name__}")
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
        g = grad_outputs[i] if grad_outputs is not None else None
        if g is None:
            if out.data.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs; "
                                   f"output {i} has shape {list(out.shape)}: pass `gradient`")
            g = _make_tensor(xp.ones_like(out.data))
        elif not isinstance(g, Tensor):
            g = _make_tensor(xp.asarray(g, dtype=out.data.dtype))
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{list(g.shape)} and output[{i}] has a shape of "
                               f"{list(out.shape)}.")
        grads.append(g)
    return grads


def _graph(roots):
    """Count, for each node or leaf, how many edges of the graph reach it.

    A node is pushed for a visit the first time an edge reaches it, so the counts double as the
    record of what has been seen.
    """
    # The roots count as seen from the start: a root listed twice (backward([y, y])) or reached
    # from another root (grad([loss, hidden], …)) must not have its edges counted twice, or its
    # inputs would wait for a report that never comes.
    pending = dict.fromkeys(roots, 0)
    stack = [r for r in pending if isinstance(r, Function)]
    while stack:
        for e in stack.pop()._edges:
            if e is None:
                continue
            if e in pending:
                pending[e] += 1
            else:
                pending[e] = 1
                if isinstance(e, Function):
                    stack.append(e)
    return pending


def _needed(roots, targets):
    """The nodes whose backward must run for ``grad``: those with a child that reaches a target."""
    reaches = {}
    runs = set()
    stack = [r for r in roots if isinstance(r, Function)]
    while stack:
        node = stack[-1]
        if node in reaches:
            stack.pop()
            continue
        unvisited = [e for e in node._edges if isinstance(e, Function) and e not in reaches]
        if unvisited:
            stack.extend(unvisited)
            continue
        stack.pop()
        child_reaches = any(reaches[e] if isinstance(e, Function) else e in targets
                            for e in node._edges if e is not None)
        if child_reaches:
            runs.add(node)
        reaches[node] = child_reaches or node in targets
    return runs


def _run(roots, root_grads, retain_graph, create_graph, capture=None):
    """Propagate ``root_grads`` from ``roots``; accumulate into leaves or capture at targets."""
    pending = _graph(roots)
    needed = _needed(roots, capture) if capture is not None else None
    buffers = {}
    ready = []
    for r, g in zip(roots, root_grads):
        if r in buffers:
            buffers[r] = buffers[r] + g
        else:
            buffers[r] = g
            if pending.get(r, 0) == 0:
                ready.append(r)
    captured = {}
    # Arrays a leaf must not own without copying: the caller's own gradient arguments.
    given_to_leaves = {id(g.data) for g in root_grads}
    with enable_grad() if create_graph else no_grad():
        while ready:
            node = ready.pop()
            g = buffers.pop(node, None)
            if capture is not None and g is not None and node in capture:
                g = _call_hooks(node, g)
                captured[node] = g
                hooked = True
            else:
                hooked = False
            if not isinstance(node, Function):
                if g is not None and capture is None:
                    _accumulate(node, g, create_graph, given_to_leaves)
                continue
            edges = node._edges
            grads = None
            if g is not None and (needed is None or node in needed):
                if node._pre_hooks and not hooked:
                    g = _call_hooks(node, g)
                grads = type(node).backward(node, g)
                if type(grads) is not tuple:
                    grads = (grads,)
                if len(grads) != len(edges):
                    grads = _pad_gradients(node, grads, edges)
                if not retain_graph and node._saved:
                    node._freed = True
                    node._saved = ()
            for i, e in enumerate(edges):
                if e is None:
                    continue
                if grads is not None:
                    gi = grads[i]
                    if gi is not None:
                        if type(gi) is not Tensor:
                            gi = _as_gradient(gi, node)
                        previous = buffers.get(e)
                        if previous is None:
                            buffers[e] = gi
                        elif create_graph:
                            buffers[e] = previous + gi  # recorded: the sum is differentiated too
                        else:
                            buffers[e] = _make_tensor(previous.data + gi.data)
                count = pending[e] - 1
                pending[e] = count
                if count == 0:
                    ready.append(e)
    return captured


def _as_gradient(value, node):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, xp.ndarray):
        return _make_tensor(value)
    # RuntimeError, as torch raises it ("expected Variable or None").
    raise RuntimeError(f"function {node.name()} returned a gradient of type "
                       f"{type(value).__name__}; expected a Tensor or None")


def _pad_gradients(node, grads, edges):
    # Trailing options of forward (dim, keepdim …) need no gradient from backward; surplus
    # trailing Nones are accepted, as torch does. (Edges may be leaf Tensors: compare with None,
    # a Tensor has no truth value.)
    n = len(edges)
    if len(grads) < n and all(e is None for e in edges[len(grads):]):
        return grads + (None,) * (n - len(grads))
    if len(grads) > n and all(g is None for g in grads[n:]):
        return grads[:n]
    raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                       f"(expected {len(edges)}, got {len(grads)})")


def _call_hooks(node, g):
    hooks = node._hooks if isinstance(node, Tensor) else node._pre_hooks
    if hooks:
        for hook in tuple(hooks):
            result = hook(g)
            if result is not None:
                g = result
    return g


def _accumulate(leaf, g, create_graph, given_to_leaves):
    g = _call_hooks(leaf, g)
    if g.shape != leaf.data.shape:
        raise RuntimeError(f"the gradient computed for a leaf has shape {list(g.shape)}, "
                           f"expected {list(leaf.data.shape)}")
    if create_graph:
        leaf._grad = g if leaf._grad is None else leaf._grad + g
        return
    data = g.data
    if leaf._grad is not None:
        leaf._grad = _make_tensor(leaf._grad.data + data)
        return
    # A gradient array can be shared (x + x sends one array to x twice, y = x + w to both) or be
    # a read-only broadcast view (a view has a base); the leaf must own its .grad, since
    # optimisers update it in place.
    if data.base is not None or id(data) in given_to_leaves or data.dtype != leaf.data.dtype:
        data = data.astype(leaf.data.dtype, copy=True)
    given_to_leaves.add(id(data))
    leaf._grad = _make_tensor(data)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the graph's leaves.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
        The outputs to differentiate.
    grad_tensors : Tensor or sequence of Tensor, optional
        ∂L/∂output for each output; None allowed for one-element outputs.
    retain_graph : bool, optional
        Keep saved tensors for another pass; defaults to ``create_graph``.
    create_graph : bool, default False
        Record the pass, so that the gradients can be differentiated again.
    inputs : sequence of Tensor, optional
        Accumulate only into these tensors.
    """
    outputs = _as_tuple(tensors)
    grad_outputs = _as_tuple(grad_tensors) if grad_tensors is not None else None
    grads = _initial_gradients(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    roots = [o.grad_fn if o.grad_fn is not None else o for o in outputs]
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        targets = _targets(inputs, allow_unused=True)
        # A non-leaf input keeps its .grad from now on, as in torch; the retain_grad hook fills
        # it during the pass.
        for tensor in inputs:
            tensor.retain_grad()
        captured = _run(roots, grads, retain_graph, create_graph, capture=set(targets))
        given = set()
        for tensor, key in zip(inputs, targets):
            if key in captured and tensor.grad_fn is None:
                _accumulate(tensor, captured[key], create_graph, given)
        return
    _run(roots, grads, retain_graph, create_graph)


def _targets(inputs, allow_unused):
    keys = []
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"inputs[{i}]: expected a Tensor, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        keys.append(t.grad_fn if t.grad_fn is not None else t)
    return keys


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Return ∂outputs/∂inputs · grad_outputs, without touching any ``.grad``.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
        What to differentiate.
    inputs : Tensor or sequence of Tensor
        With respect to what; they must require grad.
    grad_outputs : Tensor or sequence of Tensor, optional
        The vector of the vector-Jacobian product; None allowed for one-element outputs.
    retain_graph : bool, optional
        Keep saved tensors for another pass; defaults to ``create_graph``.
    create_graph : bool, default False
        Record the pass: the result can be differentiated again (Hessians, double backprop).
    allow_unused : bool, default False
        Return None for an input the outputs do not depend on, instead of raising.

    Returns
    -------
    tuple of Tensor
        One gradient per input.
    """
    outputs = _as_tuple(outputs)
    inputs_tuple = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else None
    grads = _initial_gradients(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    targets = _targets(inputs_tuple, allow_unused)
    roots = [o.grad_fn if o.grad_fn is not None else o for o in outputs]
    captured = _run(roots, grads, retain_graph, create_graph, capture=set(targets))
    result = []
    for key in targets:
        g = captured.get(key)
        if g is None and not allow_unused:
            raise RuntimeError("One of the differentiated Tensors appears to not have been used "
                               "in the graph. Set allow_unused=True if this is the desired "
                               "behavior.")
        result.append(g)
    return tuple(result)
