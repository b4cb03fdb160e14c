"""Comparing konspekt with its oracle, torch: forward values, first and second derivatives.

``compare_with_torch(kp_fn, torch_fn, arrays)`` runs both functions on the same float64 arrays and
checks, at rtol 1e-6:
  1. the outputs;
  2. the vector-Jacobian products vᵀJ for a random cotangent v (first order);
  3. the derivatives of Σ u ∘ (vᵀJ) for a random u, with respect to the inputs and to v
     (second order: Hessian-vector products and the mixed term).
``check_gradients`` runs konspekt's own gradcheck and gradgradcheck on the same function.
"""

import re

import numpy as np
import pytest
import torch
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import konspekt as kp

RTOL = 1e-6
ATOL = 1e-9


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _numpy(t):
    if t is None:
        return None
    if isinstance(t, torch.Tensor):
        return t.detach().numpy(force=True)  # force: a ZeroTensor (a known-zero derivative)
    return t.detach().data if isinstance(t, kp.Tensor) else np.asarray(t)


def assert_close(actual, expected, rtol=RTOL, atol=ATOL, what="value"):
    """Same shape, same dtype kind, same values (NaN where torch has NaN)."""
    a, e = _numpy(actual), _numpy(expected)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != torch's {e.shape}"
    assert a.dtype.kind == e.dtype.kind, f"{what}: dtype {a.dtype} vs torch's {e.dtype}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def _differentiable(array, requires_grad):
    return requires_grad and np.asarray(array).dtype.kind == "f"


def _inputs(arrays, requires_grad):
    if requires_grad is None:
        requires_grad = [True] * len(arrays)
    kx, tx = [], []
    for a, r in zip(arrays, requires_grad):
        if isinstance(a, np.ndarray):
            d = _differentiable(a, r)
            kx.append(kp.tensor(a, requires_grad=d))
            tx.append(torch.tensor(a, requires_grad=d))
        else:
            kx.append(a)
            tx.append(a)
    return kx, tx


def _grads(outputs, inputs, cotangents, create_graph, library):
    """autograd.grad of the outputs that require grad, with zeros for unused inputs."""
    pairs = [(o, v) for o, v in zip(outputs, cotangents) if o.requires_grad]
    if not pairs:
        return [None] * len(inputs)
    grad = kp.autograd.grad if library is kp else torch.autograd.grad
    return list(grad([o for o, _ in pairs], inputs, [v for _, v in pairs],
                     create_graph=create_graph, allow_unused=True))


def _compare_grads(kg, tg, rtol, atol, what):
    for i, (k, t) in enumerate(zip(kg, tg)):
        if t is None and k is None:
            continue
        if t is None:
            assert_close(k, np.zeros_like(_numpy(k)), rtol, atol, f"{what}[{i}] (torch: unused)")
        elif k is None:
            assert_close(np.zeros_like(_numpy(t)), t, rtol, atol, f"{what}[{i}] (konspekt: unused)")
        else:
            assert_close(k, t, rtol, atol, f"{what}[{i}]")


def compare_with_torch(kp_fn, torch_fn, arrays, requires_grad=None, *, rtol=RTOL, atol=ATOL,
                       second_order=True, seed=0):
    """Check kp_fn against torch_fn on ``arrays`` (floats are differentiated unless
    ``requires_grad`` says otherwise); outputs may be tensors or tuples of tensors."""
    kx, tx = _inputs(arrays, requires_grad)
    kout, tout = _tuple(kp_fn(*kx)), _tuple(torch_fn(*tx))
    assert len(kout) == len(tout), f"{len(kout)} outputs vs torch's {len(tout)}"
    for i, (k, t) in enumerate(zip(kout, tout)):
        assert_close(k, t, rtol, atol, f"output {i}")
    k_in = [x for x in kx if isinstance(x, kp.Tensor) and x.requires_grad]
    t_in = [x for x in tx if isinstance(x, torch.Tensor) and x.requires_grad]
    float_out = [i for i, t in enumerate(tout) if t.dtype.is_floating_point and t.requires_grad]
    if not k_in or not float_out:
        return
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(tout[i].shape) for i in float_out]
    kv = [kp.tensor(v, requires_grad=True) for v in vs]
    tv = [torch.tensor(v, requires_grad=True) for v in vs]
    ko = [kout[i] for i in float_out]
    to = [tout[i] for i in float_out]
    kg = _grads(ko, k_in, kv, True, kp)
    tg = _grads(to, t_in, tv, True, torch)
    _compare_grads(kg, tg, rtol, atol, "first derivative")
    if not second_order:
        return
    us = [rng.standard_normal(x.shape) for x in t_in]
    k_s = [(g * kp.tensor(u)).sum() for g, u in zip(kg, us) if g is not None and g.requires_grad]
    t_s = [(g * torch.tensor(u)).sum() for g, u in zip(tg, us)
           if g is not None and g.requires_grad]
    wrt_k, wrt_t = k_in + kv, t_in + tv
    k2 = (list(kp.autograd.grad(sum(k_s[1:], k_s[0]), wrt_k, allow_unused=True)) if k_s
          else [None] * len(wrt_k))
    t2 = (list(torch.autograd.grad(sum(t_s[1:], t_s[0]), wrt_t, allow_unused=True)) if t_s
          else [None] * len(wrt_t))
    _compare_grads(k2, t2, rtol, atol, "second derivative")


def check_gradients(kp_fn, arrays, requires_grad=None, second_order=True, **tolerances):
    """konspekt's own gradcheck (and gradgradcheck) on float64 inputs."""
    kx, _ = _inputs(arrays, requires_grad)
    assert kp.autograd.gradcheck(kp_fn, tuple(kx), **tolerances)
    if second_order:
        assert kp.autograd.gradgradcheck(kp_fn, tuple(kx), **tolerances)


def arrays_for(shapes, seed, low=-2.0, high=2.0, away_from=None):
    """Random float64 arrays of the given shapes; ``away_from`` keeps values at least 0.1 from a
    point (a kink or a pole) so finite differences stay valid."""
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        a = rng.uniform(low, high, size=s)
        if away_from is not None:
            close = np.abs(a - away_from) < 0.1
            a = np.where(close, away_from + 0.1 * np.sign(a - away_from + 1e-12) + 0.05, a)
        out.append(a)
    return out


def broadcast_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4):
    """Hypothesis strategy: shapes that broadcast together, e.g. ((3, 1), (4, 1, 2))."""
    return mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims,
                                         max_dims=max_dims, min_side=1,
                                         max_side=max_side).map(lambda s: s.input_shapes)


seeds = st.integers(0, 2 ** 31 - 1)


def dtype_name(t):
    """The dtype's name without the library prefix: 'float32' for both libraries."""
    if isinstance(t, kp.Tensor):
        return t.dtype.name
    return str(t.dtype).removeprefix("torch.")


def assert_same_result(k, t, rtol=None):
    """Same dtype (by name) and the same values as torch's result (float16 to rtol 1e-3)."""
    assert dtype_name(k) == dtype_name(t), f"dtype {dtype_name(k)} vs torch's {t.dtype}"
    if rtol is None:
        rtol = 1e-3 if t.dtype == torch.float16 else RTOL
    assert_close(k, t, rtol=rtol)


def assert_same_tensor(k, t, rtol=0.0, atol=0.0):
    """Same shape, same dtype (by name), same values; exact unless a tolerance is given."""
    assert isinstance(k, kp.Tensor), f"expected a konspekt Tensor, got {type(k).__name__}"
    assert dtype_name(k) == dtype_name(t), f"dtype {k.dtype.name} vs torch's {t.dtype}"
    assert k.shape == tuple(t.shape), f"shape {k.shape} vs torch's {tuple(t.shape)}"
    np.testing.assert_allclose(k.data, t.detach().numpy(), rtol=rtol, atol=atol)


def assert_raises_like_torch(kp_call, torch_call):
    """konspekt raises torch's exception type, its message containing torch's first line."""
    with pytest.raises(Exception) as expected:
        torch_call()
    message = str(expected.value).splitlines()[0]
    with pytest.raises(expected.type, match=re.escape(message)):
        kp_call()


def on_both(call):
    """``call`` applied to each library: (konspekt's result, torch's)."""
    return call(kp), call(torch)
