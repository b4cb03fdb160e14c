"""Function transforms in the style of ``torch.func``: ``grad``, ``value_and_grad``, ``vjp``,
``jvp``, ``jacobian``, ``hessian``, ``hvp``.

All are built on reverse mode (``autograd.grad``):
  vjp:      uᵀJ, one backward pass;
  jvp:      Jv = ∂/∂u (uᵀJ)·v — the vjp is linear in u, so differentiating it once more in u
            with cotangent v gives the forward-mode product (the "double-vjp" trick);
  jacobian: the rows uᵢᵀJ for every unit vector uᵢ of the output;
  hessian:  the jacobian of the gradient;
  hvp:      Hv = ∇(∇f · v), without forming H.
The transforms nest (``jacobian(grad(f))`` is ``hessian(f)``): an input that already requires
grad is used as it is and the inner derivative is recorded, so the outer one can differentiate it.
"""

from .autograd.backend import xp
from .autograd.engine import grad as _grad
from .autograd.grad_mode import enable_grad
from .autograd.ops.shape import stack
from .autograd.tensor import Tensor, _make_tensor


def _track(x):
    """An input as a differentiable variable, and whether it was one already (nesting)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"expected Tensor inputs, got {type(x).__name__}")
    if x.requires_grad:
        return x, True
    if x.data.dtype.kind != "f":
        raise RuntimeError(f"only floating point inputs can be differentiated, got {x.dtype}")
    return x.detach().requires_grad_(), False


def _argnums_tuple(argnums, n):
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={argnums}, but only {n} positional inputs")
    return tuple(a % n for a in nums), single


def _differentiate(outputs, inputs, cotangents, keep_graph):
    """Σ cotangentᵀ·∂output/∂inputs over the outputs, with zeros where an input does not reach
    them: an output that does not depend on the inputs at all (a constant) adds nothing, as in
    torch.func, instead of being an error."""
    if isinstance(outputs, Tensor):
        outputs, cotangents = [outputs], [cotangents]
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
    grads = (_grad([o for o, _ in pairs], inputs, [c for _, c in pairs], create_graph=keep_graph,
                   retain_graph=True, allow_unused=True) if pairs else [None] * len(inputs))
    return tuple(_make_tensor(xp.zeros_like(x.data)) if g is None else g
                 for g, x in zip(grads, inputs))


def _detached(value):
    """A result cut from the graph that computed it: a tensor, or a tuple whose tensors are cut;
    anything else (an aux string, a number) as it is."""
    if isinstance(value, Tensor):
        return value.detach()
    if isinstance(value, tuple):
        return tuple(_detached(v) for v in value)
    return value


def _split_aux(result, has_aux):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError("has_aux=True: the function must return a pair (output, aux)")
    return result


def value_and_grad(func, argnums=0, has_aux=False):
    """A function that returns (func(*args), ∂func/∂args[argnums]); func must return a scalar."""
    def wrapper(*args, **kwargs):
        nums, single = _argnums_tuple(argnums, len(args))
        args = list(args)
        nested = False
        with enable_grad():
            for i in nums:
                args[i], was = _track(args[i])
                nested = nested or was
            output, aux = _split_aux(func(*args, **kwargs), has_aux)
            if not isinstance(output, Tensor) or output.data.size != 1:
                raise RuntimeError("grad: the function must return a one-element tensor, got "
                                   f"{getattr(output, 'shape', type(output).__name__)}")
            grads = _differentiate(output, [args[i] for i in nums], None, nested)
        if not nested:
            output, aux = output.detach(), _detached(aux)
        grads = grads[0] if single else grads
        return ((output, aux) if has_aux else output), grads
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function that returns ∂func/∂args[argnums] (a tuple for several argnums)."""
    both = value_and_grad(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        value, grads = both(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def vjp(func, *primals, has_aux=False):
    """Return (func(*primals), vjp_fn) where vjp_fn(u) = uᵀ·∂func/∂primals, one per primal."""
    tracked, nested = [], False
    with enable_grad():
        for p in primals:
            t, was = _track(p)
            tracked.append(t)
            nested = nested or was
        output, aux = _split_aux(func(*tracked), has_aux)

    def vjp_fn(*cotangents):
        if len(cotangents) == 1 and isinstance(cotangents[0], tuple):
            cotangents = cotangents[0]
        outs = output if isinstance(output, tuple) else (output,)
        with enable_grad():
            keep = nested or any(c.requires_grad for c in cotangents)
            return _differentiate(list(outs), tracked, list(cotangents), keep)
    # new names: vjp_fn differentiates the recorded output, not the detached one shown
    shown, shown_aux = (output, aux) if nested else (_detached(output), _detached(aux))
    return (shown, vjp_fn, shown_aux) if has_aux else (shown, vjp_fn)


def jvp(func, primals, tangents):
    """Return (func(*primals), J·tangents), by differentiating the vjp (linear in u) again.

    ``func`` may return a tuple of tensors; then both results are tuples, one entry per output.
    """
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise RuntimeError(f"jvp: expected one tangent per primal, got {len(tangents)} tangents "
                           f"for {len(primals)} primals")
    for p, t in zip(primals, tangents):
        if p.shape != t.shape:
            raise RuntimeError(f"jvp: tangent of shape {list(t.shape)} for a primal of shape "
                               f"{list(p.shape)}")
    tracked, nested = [], False
    with enable_grad():
        for p in primals:
            t, was = _track(p)
            tracked.append(t)
            nested = nested or was
        output = func(*tracked)
        outputs = output if isinstance(output, tuple) else (output,)
        us = [_make_tensor(xp.zeros_like(o.data), True) for o in outputs]
        vjps = _differentiate(list(outputs), tracked, us, True)
        used = [(g, t) for g, t in zip(vjps, tangents) if g.requires_grad]
        jvs = (_grad([g for g, _ in used], us, [t for _, t in used], create_graph=nested,
                     allow_unused=True) if used else [None] * len(us))
    jvs = tuple(_make_tensor(xp.zeros_like(o.data)) if jv is None else jv
                for jv, o in zip(jvs, outputs))
    shown = outputs if nested else _detached(outputs)
    return (shown, jvs) if isinstance(output, tuple) else (shown[0], jvs[0])


def _jacobian_blocks(output, inputs, nested):
    """∂output/∂x for each x of inputs, of shape output.shape + x.shape: row j is the vjp with
    the unit cotangent eⱼ."""
    rows = [[] for _ in inputs]
    for j in range(output.data.size):
        seed = xp.zeros(output.shape, dtype=output.data.dtype)
        seed.reshape(-1)[j] = 1
        for r, g in zip(rows, _differentiate(output, inputs, _make_tensor(seed), nested)):
            r.append(g)
    blocks = tuple(stack(r).reshape(output.shape + x.shape) if r else
                   _make_tensor(xp.zeros(output.shape + x.shape, output.data.dtype))
                   for r, x in zip(rows, inputs))
    return blocks if nested else _detached(blocks)


def jacobian(func, argnums=0):
    """A function that returns ∂func/∂args[argnums], of shape output.shape + input.shape.

    For several argnums, a tuple with one block per input; for a func that returns a tuple, a
    tuple with one entry per output (torch.func.jacrev's nesting: result[output][input]).
    """
    def wrapper(*args):
        nums, single = _argnums_tuple(argnums, len(args))
        args = list(args)
        nested = False
        with enable_grad():
            for i in nums:
                args[i], was = _track(args[i])
                nested = nested or was
            output = func(*args)
            inputs = [args[i] for i in nums]
            outputs = output if isinstance(output, tuple) else (output,)
            blocks = tuple(_jacobian_blocks(o, inputs, nested) for o in outputs)
        blocks = tuple(b[0] if single else b for b in blocks)
        return blocks if isinstance(output, tuple) else blocks[0]
    return wrapper


jacrev = jacobian


def hessian(func, argnums=0):
    """A function that returns the matrix of second derivatives ∂²func/∂x², the jacobian of the
    gradient (shape input.shape + input.shape for a scalar func)."""
    return jacobian(grad(func, argnums), argnums)


def hvp(func, primals, tangents):
    """Return (func(*primals), H·tangents) without forming H: ∇(∇f · v)."""
    primals, tangents = tuple(primals), tuple(tangents)
    tracked, nested = [], False
    with enable_grad():
        for p in primals:
            t, was = _track(p)
            tracked.append(t)
            nested = nested or was
        output = func(*tracked)
        grads = _differentiate(output, tracked, None, True)
        inner = sum((g * v).sum() for g, v in zip(grads, tangents) if g.requires_grad)
        # no gradient depends on the primals (f is linear or constant): H = 0
        result = (_differentiate(inner, tracked, None, nested) if isinstance(inner, Tensor)
                  else tuple(_make_tensor(xp.zeros_like(p.data)) for p in primals))
    return (output if nested else output.detach()), result
