"""Numerical gradient checks: ``gradcheck`` and ``gradgradcheck``.

The analytic Jacobian from backward is compared with the central difference of the lecture,
  ∂f_j/∂w_i ≈ (f_j(w + ε e_i) − f_j(w − ε e_i)) / 2ε,
whose error is O(ε²). Both checks work in float64: in float32 the rounding error ~1e-7/ε swamps
the comparison. They return True or raise ``GradcheckError`` naming the worst element.
"""

from .backend import xp
from .engine import grad as autograd_grad
from .tensor import Tensor, _make_tensor


class GradcheckError(RuntimeError):
    """The analytic and numerical derivatives disagree."""


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    return tuple(x) if isinstance(x, list) else (x,)


def _outputs(function, inputs):
    return tuple(o for o in _as_tuple(function(*inputs)) if isinstance(o, Tensor))


def _output_values(function, inputs):
    # Copies: an output may share memory with an input (the gradient of a sum is the cotangent
    # itself), and the inputs are perturbed in place.
    return [o.data.copy() for o in _outputs(function, inputs)]


def _numerical_jacobians(function, inputs, eps):
    """For each differentiable input, the (n_out_total, n_in) matrix of central differences."""
    # Evaluated with grad mode on: for gradgradcheck the function is itself a backward pass.
    base = _outputs(function, inputs)
    n_out = sum(o.data.size for o in base)
    jacobians = []
    for x in inputs:
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        J = xp.zeros((n_out, x.data.size))
        if not x.data.flags.c_contiguous or not x.data.flags.writeable:
            x.data = xp.ascontiguousarray(x.data).copy()
        flat = x.data.reshape(-1)  # a view: writing it perturbs the input
        for i in range(flat.size):
            original = flat[i].item()
            flat[i] = original + eps
            plus = _output_values(function, inputs)
            flat[i] = original - eps
            minus = _output_values(function, inputs)
            flat[i] = original
            J[:, i] = xp.concatenate([((p - m) / (2 * eps)).reshape(-1)
                                      for p, m in zip(plus, minus)])
        jacobians.append(J)
    return jacobians


def _analytical_jacobians(function, inputs):
    """Row by row: the vector-Jacobian product with each unit vector of the outputs."""
    differentiable = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outputs = _outputs(function, inputs)
    n_out = sum(o.data.size for o in outputs)
    jacobians = [xp.zeros((n_out, x.data.size)) for x in differentiable]
    row = 0
    for k, out in enumerate(outputs):
        for j in range(out.data.size):
            if not out.requires_grad:
                row += 1
                continue
            seed = xp.zeros(out.shape, dtype=out.data.dtype)
            seed.reshape(-1)[j] = 1.0
            grads = autograd_grad(out, differentiable, _make_tensor(seed), retain_graph=True,
                                  allow_unused=True)
            for J, g in zip(jacobians, grads):
                if g is not None:
                    J[row] = g.data.reshape(-1)
            row += 1
    return jacobians


def _check_inputs(inputs, name):
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.data.dtype != xp.float64:
            raise GradcheckError(f"{name}: input {i} is {x.dtype}; checks need float64 inputs "
                                 "(float32 rounding error swamps the finite difference)")


def _compare(analytical, numerical, atol, rtol, what):
    for index, (A, N) in enumerate(zip(analytical, numerical)):
        error = xp.abs(A - N) - (atol + rtol * xp.abs(N))
        if error.size and error.max() > 0:
            row, col = xp.unravel_index(xp.argmax(error), error.shape)
            raise GradcheckError(
                f"{what} mismatch for input {index}, output element {row}, input element {col}: "
                f"analytical {A[row, col]:.10g} vs numerical {N[row, col]:.10g}\n"
                f"analytical:\n{A}\nnumerical:\n{N}")


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check backward against central differences for every input that requires grad.

    Parameters
    ----------
    func : callable
        Takes the inputs, returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple
        float64 tensors (those with ``requires_grad`` are checked) and other arguments.
    eps, atol, rtol : float
        Step of the difference; tolerance |a − n| ≤ atol + rtol·|n|.
    raise_exception : bool, default True
        Raise ``GradcheckError`` on a mismatch (else return False).

    Returns
    -------
    bool
        True when every element agrees.
    """
    inputs = _as_tuple(inputs)
    # Wrong inputs are a usage error, not a failed check: raised even when raise_exception=False.
    _check_inputs(inputs, "gradcheck")
    try:
        numerical = _numerical_jacobians(func, inputs, eps)
        analytical = _analytical_jacobians(func, inputs)
        _compare(analytical, numerical, atol, rtol, "Jacobian")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True):
    """Check second derivatives: gradcheck of (inputs, v) ↦ vᵀ·∂func/∂inputs.

    ``grad_outputs`` (random when None) are the vectors v; they are checked as inputs too, so the
    mixed derivative is covered.
    """
    inputs = _as_tuple(inputs)
    _check_inputs(inputs, "gradgradcheck")
    if grad_outputs is None:
        # One v per differentiable output, the outputs that first_derivative pairs them with.
        rng = xp.random.default_rng(0)
        outputs = [o for o in _outputs(func, inputs) if o.requires_grad]
        grad_outputs = tuple(_make_tensor(rng.standard_normal(o.shape), True) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)
    differentiable = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_derivative(*args):
        xs, vs = args[:n], args[n:]
        outs = [o for o in _outputs(func, xs) if o.requires_grad]
        grads = autograd_grad(outs, [xs[i] for i in differentiable], vs[:len(outs)],
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
