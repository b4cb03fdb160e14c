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
    grads = _grad(outputs, inputs, cotangents, create_graph=keep_graph, retain_graph=True,
                  allow_unused=True)
    return tuple(_make_tensor(xp.zeros_like(x.data)) if g is None else g
                 for g, x in zip(grads, inputs))


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
        value = output if nested else output.detach()
        grads = grads[0] if single else grads
        return ((value, aux) if has_aux else value), grads
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
    shown = output if nested else (tuple(o.detach() for o in output)
                                   if isinstance(output, tuple) else output.detach())
    return (shown, vjp_fn, aux) if has_aux else (shown, vjp_fn)


def jvp(func, primals, tangents):
    """Return (func(*primals), J·tangents), by differentiating the vjp (linear in u) again."""
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
        u = _make_tensor(xp.zeros_like(output.data), True)
        vjps = _differentiate(output, tracked, u, True)
        used = [(g, t) for g, t in zip(vjps, tangents) if g.requires_grad]
        if not used:
            return (output if nested else output.detach()), _make_tensor(
                xp.zeros_like(output.data))
        jv, = _grad([g for g, _ in used], [u], [t for _, t in used], create_graph=nested,
                    allow_unused=True)
    if jv is None:
        jv = _make_tensor(xp.zeros_like(output.data))
    return (output if nested else output.detach()), jv


def jacobian(func, argnums=0):
    """A function that returns ∂func/∂args[argnums], of shape output.shape + input.shape."""
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
            rows = [[] for _ in inputs]
            for j in range(output.data.size):
                seed = xp.zeros(output.shape, dtype=output.data.dtype)
                seed.reshape(-1)[j] = 1
                grads = _differentiate(output, inputs, _make_tensor(seed), nested)
                for r, g in zip(rows, grads):
                    r.append(g)
        from .autograd.ops.shape import stack
        jacobians = tuple(stack(r).reshape(output.shape + x.shape) if r else
                          _make_tensor(xp.zeros(output.shape + x.shape, output.data.dtype))
                          for r, x in zip(rows, inputs))
        if not nested:
            jacobians = tuple(J.detach() for J in jacobians)
        return jacobians[0] if single else jacobians
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
        if not isinstance(inner, Tensor):
            zero = tuple(_make_tensor(xp.zeros_like(p.data)) for p in primals)
            return output.detach(), zero
        result = _differentiate(inner, tracked, None, nested)
    return (output if nested else output.detach()), result
