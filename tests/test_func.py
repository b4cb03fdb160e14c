"""Function transforms against torch.func: ``grad`` (one argument or several), ``value_and_grad``,
``vjp``, ``jvp``, ``jacobian``, ``hessian`` and ``hvp`` on float64 functions of one and two
arguments, their nesting, and the defining identities that tie them together:
  vjp(u) = uᵀJ,  jvp(v) = Jv,  hessian = jacobian ∘ grad,  hvp(v) = H v.

Each test function is written once with tensor methods, so the same code runs on konspekt and on
torch tensors.
"""

import numpy as np
import pytest
import torch
import torch.func as tf
from hypothesis import given, settings

import konspekt as kp
import konspekt.func as kf
from oracle import assert_close, seeds


def sin_times_x(x):
    """f(x) = Σ x·sin x: ∇f = sin x + x cos x, H = diag(2 cos x − x sin x)."""
    return (x.sin() * x).sum()


def tanh_of_product(x, y):
    """f(x, y) = Σ tanh(x @ y), for a vector x and a matrix y."""
    return (x @ y).tanh().sum()


def vector_of_one(x):
    return x.sin() * x.exp()


def vector_of_two(x, y):
    return (x @ y).tanh() * y.sum(0)


def pair_of_outputs(x):
    return x * 3.0, (x * x).sum()


def inputs(seed, shapes=((4,), (4, 3))):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.5, 1.5, size=s) for s in shapes]


def kp_tensors(arrays):
    return [kp.tensor(a) for a in arrays]


def torch_tensors(arrays):
    return [torch.tensor(a) for a in arrays]


def assert_tree_close(k, t, what="result"):
    """Tensors, or tuples of them nested as torch nests them."""
    if isinstance(t, (tuple, list)):
        assert isinstance(k, tuple), f"{what}: expected a tuple, got {type(k).__name__}"
        assert len(k) == len(t), f"{what}: {len(k)} entries vs torch's {len(t)}"
        for i, (a, b) in enumerate(zip(k, t)):
            assert_tree_close(a, b, f"{what}[{i}]")
    else:
        assert isinstance(k, kp.Tensor), f"{what}: expected a Tensor, got {type(k).__name__}"
        assert_close(k, t, what=what)


def assert_tree_detached(k):
    for leaf in (k if isinstance(k, tuple) else (k,)):
        if isinstance(leaf, tuple):
            assert_tree_detached(leaf)
        else:
            assert not leaf.requires_grad and leaf.grad_fn is None


SEEDS = [0, 1, 2]


# ---- grad and value_and_grad ---------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_grad_of_one_argument_matches_torch(seed):
    x, = inputs(seed, [(5,)])
    k = kf.grad(sin_times_x)(kp.tensor(x))
    assert_tree_close(k, tf.grad(sin_times_x)(torch.tensor(x)))
    assert_close(k, np.sin(x) + x * np.cos(x))
    assert_tree_detached(k)


@pytest.mark.parametrize("argnums", [0, 1, -1, (0, 1), (1, 0), (1,)])
@pytest.mark.parametrize("seed", SEEDS)
def test_grad_of_two_arguments_matches_torch(argnums, seed):
    arrays = inputs(seed)
    k = kf.grad(tanh_of_product, argnums=argnums)(*kp_tensors(arrays))
    t = tf.grad(tanh_of_product, argnums=argnums)(*torch_tensors(arrays))
    assert_tree_close(k, t)
    assert_tree_detached(k)


def test_grad_of_a_matrix_argument_keeps_its_shape():
    x, y = inputs(3)
    g = kf.grad(tanh_of_product, argnums=1)(kp.tensor(x), kp.tensor(y))
    assert g.shape == y.shape


@pytest.mark.parametrize("seed", SEEDS)
def test_value_and_grad_matches_torchs_grad_and_value(seed):
    arrays = inputs(seed)
    value, grads = kf.value_and_grad(tanh_of_product, argnums=(0, 1))(*kp_tensors(arrays))
    t_grads, t_value = tf.grad_and_value(tanh_of_product, argnums=(0, 1))(*torch_tensors(arrays))
    assert_tree_close(value, t_value, "value")
    assert_tree_close(grads, t_grads, "grads")
    assert_tree_detached(value)


def test_grad_with_aux_matches_torch_and_detaches_the_aux():
    x, = inputs(4, [(4,)])

    def with_aux(v):
        return sin_times_x(v), v.cos()
    k_grad, k_aux = kf.grad(with_aux, has_aux=True)(kp.tensor(x))
    t_grad, t_aux = tf.grad(with_aux, has_aux=True)(torch.tensor(x))
    assert_tree_close(k_grad, t_grad, "grad")
    assert_tree_close(k_aux, t_aux, "aux")
    assert_tree_detached(k_aux)
    (value, aux), grad = kf.value_and_grad(with_aux, has_aux=True)(kp.tensor(x))
    assert_close(value, sin_times_x(torch.tensor(x)))
    assert_tree_close(grad, t_grad)


def test_grad_with_aux_needs_a_pair():
    with pytest.raises(RuntimeError, match="pair"):
        kf.grad(sin_times_x, has_aux=True)(kp.tensor(np.ones(3)))


def test_grad_passes_keyword_arguments_through():
    x, y = inputs(5)

    def scaled(a, b, scale=1.0):
        return tanh_of_product(a, b) * scale
    k = kf.grad(scaled)(kp.tensor(x), kp.tensor(y), scale=3.0)
    t = tf.grad(scaled)(torch.tensor(x), torch.tensor(y), scale=3.0)
    assert_tree_close(k, t)


def test_grad_of_an_unused_argument_is_zero_like_torch():
    x, y = inputs(6)
    k = kf.grad(lambda a, b: sin_times_x(a), argnums=(0, 1))(kp.tensor(x), kp.tensor(y))
    t = tf.grad(lambda a, b: sin_times_x(a), argnums=(0, 1))(torch.tensor(x), torch.tensor(y))
    assert_tree_close(k, t)
    assert not k[1].data.any()


def test_grad_of_a_constant_is_zero_like_torch():
    x, = inputs(7, [(3,)])
    k = kf.grad(lambda a: kp.tensor(2.0, dtype=kp.float64))(kp.tensor(x))
    t = tf.grad(lambda a: torch.tensor(2.0, dtype=torch.float64))(torch.tensor(x))
    assert_tree_close(k, t)


def test_grad_leaves_its_input_alone():
    x = kp.tensor(np.array([0.5, -1.0]))
    kf.grad(sin_times_x)(x)
    assert not x.requires_grad and x.grad is None and x.is_leaf


def test_grad_works_under_no_grad():
    x, = inputs(8, [(3,)])
    with kp.no_grad():
        k = kf.grad(sin_times_x)(kp.tensor(x))
    assert_close(k, np.sin(x) + x * np.cos(x))


GRAD_ERRORS = {
    "argnums out of range": (lambda f: f.grad(tanh_of_product, argnums=2),
                             "but only 2 positional inputs"),
    "vector output": (lambda f: f.grad(lambda a, b: (a @ b).tanh()), "scalar|one-element"),
}


@pytest.mark.parametrize("name", GRAD_ERRORS)
def test_grad_errors_like_torch(name):
    make, message = GRAD_ERRORS[name]
    x, y = inputs(9)
    with pytest.raises(RuntimeError, match=message):
        make(tf)(torch.tensor(x), torch.tensor(y))
    with pytest.raises(RuntimeError, match=message):
        make(kf)(kp.tensor(x), kp.tensor(y))


def test_grad_refuses_integer_inputs_like_torch():
    with pytest.raises(RuntimeError, match="floating point"):
        tf.grad(lambda a: a.sum())(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="floating point"):
        kf.grad(lambda a: a.sum())(kp.tensor([1, 2]))


def test_grad_refuses_non_tensor_inputs():
    with pytest.raises(TypeError, match="expected Tensor inputs, got ndarray"):
        kf.grad(sin_times_x)(np.ones(3))


# ---- vjp -----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_vjp_of_one_argument_matches_torch(seed):
    x, u = inputs(seed, [(5,), (5,)])
    k_out, k_fn = kf.vjp(vector_of_one, kp.tensor(x))
    t_out, t_fn = tf.vjp(vector_of_one, torch.tensor(x))
    assert_tree_close(k_out, t_out, "output")
    assert_tree_detached(k_out)
    k = k_fn(kp.tensor(u))
    assert_tree_close(k, t_fn(torch.tensor(u)), "vjp")
    assert_tree_close(k_fn(kp.tensor(u)), k, "second call")  # the graph is kept for reuse
    assert_tree_detached(k)


@pytest.mark.parametrize("seed", SEEDS)
def test_vjp_of_two_arguments_matches_torch(seed):
    x, y, u = inputs(seed, [(4,), (4, 3), (3,)])
    k_out, k_fn = kf.vjp(vector_of_two, kp.tensor(x), kp.tensor(y))
    t_out, t_fn = tf.vjp(vector_of_two, torch.tensor(x), torch.tensor(y))
    assert_tree_close(k_out, t_out, "output")
    assert_tree_close(k_fn(kp.tensor(u)), t_fn(torch.tensor(u)), "vjp")


def test_vjp_of_a_tuple_of_outputs_matches_torch():
    x, u = inputs(10, [(4,), (4,)])
    k_out, k_fn = kf.vjp(pair_of_outputs, kp.tensor(x))
    t_out, t_fn = tf.vjp(pair_of_outputs, torch.tensor(x))
    assert_tree_close(k_out, t_out, "outputs")
    k_cot = (kp.tensor(u), kp.tensor(np.array(0.7)))
    t_cot = (torch.tensor(u), torch.tensor(np.array(0.7)))
    assert_tree_close(k_fn(k_cot), t_fn(t_cot), "vjp")


def test_vjp_with_aux_matches_torch():
    x, u = inputs(11, [(3,), (3,)])

    def with_aux(v):
        return vector_of_one(v), v.sum()
    k_out, k_fn, k_aux = kf.vjp(with_aux, kp.tensor(x), has_aux=True)
    t_out, t_fn, t_aux = tf.vjp(with_aux, torch.tensor(x), has_aux=True)
    assert_tree_close(k_aux, t_aux, "aux")
    assert_tree_detached(k_aux)
    assert_tree_close(k_fn(kp.tensor(u)), t_fn(torch.tensor(u)), "vjp")


def test_vjp_of_a_constant_output_is_zero_like_torch():
    x, u = inputs(12, [(3,), (2,)])
    k_out, k_fn = kf.vjp(lambda a: kp.tensor(np.ones(2)), kp.tensor(x))
    t_out, t_fn = tf.vjp(lambda a: torch.tensor(np.ones(2)), torch.tensor(x))
    assert_tree_close(k_fn(kp.tensor(u)), t_fn(torch.tensor(u)))


# ---- jvp -----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_jvp_of_one_argument_matches_torch(seed):
    x, v = inputs(seed, [(5,), (5,)])
    k = kf.jvp(vector_of_one, (kp.tensor(x),), (kp.tensor(v),))
    t = tf.jvp(vector_of_one, (torch.tensor(x),), (torch.tensor(v),))
    assert_tree_close(k, t)
    assert_tree_detached(k)


@pytest.mark.parametrize("seed", SEEDS)
def test_jvp_of_two_arguments_matches_torch(seed):
    x, y, v, w = inputs(seed, [(4,), (4, 3), (4,), (4, 3)])
    k = kf.jvp(vector_of_two, kp_tensors([x, y]), kp_tensors([v, w]))
    t = tf.jvp(vector_of_two, tuple(torch_tensors([x, y])), tuple(torch_tensors([v, w])))
    assert_tree_close(k, t)


def test_jvp_of_a_scalar_function_matches_torch():
    x, y, v, w = inputs(13, [(4,), (4, 3), (4,), (4, 3)])
    k = kf.jvp(tanh_of_product, kp_tensors([x, y]), kp_tensors([v, w]))
    t = tf.jvp(tanh_of_product, tuple(torch_tensors([x, y])), tuple(torch_tensors([v, w])))
    assert_tree_close(k, t)


def test_jvp_of_a_tuple_of_outputs_matches_torch():
    x, v = inputs(14, [(4,), (4,)])
    k = kf.jvp(pair_of_outputs, (kp.tensor(x),), (kp.tensor(v),))
    t = tf.jvp(pair_of_outputs, (torch.tensor(x),), (torch.tensor(v),))
    assert_tree_close(k, t)


@pytest.mark.parametrize("function", [lambda a: a * 0.0 + 1.0,
                                      lambda a: kp.tensor(np.ones(2)) if isinstance(a, kp.Tensor)
                                      else torch.tensor(np.ones(2))])
def test_jvp_of_a_constant_is_zero_like_torch(function):
    x, v = inputs(15, [(3,), (3,)])
    k = kf.jvp(function, (kp.tensor(x),), (kp.tensor(v),))
    t = tf.jvp(function, (torch.tensor(x),), (torch.tensor(v),))
    assert_tree_close(k, t)


def test_jvp_of_a_linear_function_is_the_function_of_the_tangent():
    x, v = inputs(16, [(3,), (3,)])
    _, jv = kf.jvp(lambda a: a * 3.0 - 1.0, (kp.tensor(x),), (kp.tensor(v),))
    assert_close(jv, 3.0 * v)


@pytest.mark.parametrize("tangents", [(np.ones(4),), (np.ones(3), np.ones(3))])
def test_jvp_refuses_mismatched_tangents(tangents):
    x = kp.tensor(np.ones(3))
    with pytest.raises(RuntimeError, match="jvp: "):
        kf.jvp(vector_of_one, (x,), tuple(kp.tensor(t) for t in tangents))
    with pytest.raises(RuntimeError):
        tf.jvp(vector_of_one, (torch.ones(3, dtype=torch.float64),),
               tuple(torch.tensor(t) for t in tangents))


# ---- jacobian ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_jacobian_of_one_argument_matches_jacrev(seed):
    x, = inputs(seed, [(4,)])
    k = kf.jacobian(vector_of_one)(kp.tensor(x))
    assert k.shape == (4, 4)
    assert_tree_close(k, tf.jacrev(vector_of_one)(torch.tensor(x)))
    assert_tree_detached(k)
    assert kf.jacrev is kf.jacobian


@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_jacobian_of_two_arguments_matches_jacrev(argnums):
    arrays = inputs(17)
    k = kf.jacobian(vector_of_two, argnums=argnums)(*kp_tensors(arrays))
    t = tf.jacrev(vector_of_two, argnums=argnums)(*torch_tensors(arrays))
    assert_tree_close(k, t)


def test_jacobian_of_a_matrix_valued_function_has_output_then_input_shape():
    x, y = inputs(18)
    k = kf.jacobian(lambda a, b: a[:, None] * b, argnums=1)(kp.tensor(x), kp.tensor(y))
    t = tf.jacrev(lambda a, b: a[:, None] * b, argnums=1)(torch.tensor(x), torch.tensor(y))
    assert k.shape == (4, 3, 4, 3)
    assert_tree_close(k, t)


def test_jacobian_of_a_scalar_function_is_the_gradient():
    x, y = inputs(19)
    k = kf.jacobian(tanh_of_product, argnums=(0, 1))(kp.tensor(x), kp.tensor(y))
    assert_tree_close(k, kf.grad(tanh_of_product, argnums=(0, 1))(kp.tensor(x), kp.tensor(y)))


def test_jacobian_with_respect_to_a_scalar():
    c = np.arange(3.0)
    k = kf.jacobian(lambda s: s * kp.tensor(c))(kp.tensor(np.array(2.0)))
    t = tf.jacrev(lambda s: s * torch.tensor(c))(torch.tensor(np.array(2.0)))
    assert_tree_close(k, t)


def test_jacobian_of_a_tuple_of_outputs_nests_like_jacrev():
    arrays = inputs(20)

    def two(a, b):
        return vector_of_two(a, b), (a * a).sum()
    k = kf.jacobian(two, argnums=(0, 1))(*kp_tensors(arrays))
    t = tf.jacrev(two, argnums=(0, 1))(*torch_tensors(arrays))
    assert_tree_close(k, t)


def test_jacobian_of_a_function_that_ignores_its_input_is_zero():
    x, = inputs(21, [(3,)])
    k = kf.jacobian(lambda a: kp.tensor(np.ones(2)))(kp.tensor(x))
    assert k.shape == (2, 3) and not k.data.any()


# ---- hessian and hvp -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_hessian_of_one_argument_matches_torch(seed):
    x, = inputs(seed, [(4,)])
    k = kf.hessian(sin_times_x)(kp.tensor(x))
    assert_tree_close(k, tf.hessian(sin_times_x)(torch.tensor(x)))
    assert_close(k, np.diag(2 * np.cos(x) - x * np.sin(x)))
    assert_tree_detached(k)


@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_hessian_of_two_arguments_matches_torch(argnums):
    arrays = inputs(22, [(3,), (3, 2)])
    k = kf.hessian(tanh_of_product, argnums=argnums)(*kp_tensors(arrays))
    t = tf.hessian(tanh_of_product, argnums=argnums)(*torch_tensors(arrays))
    assert_tree_close(k, t)


def test_hessian_is_symmetric():
    x, y = inputs(23, [(3,), (3, 2)])
    H = kf.hessian(tanh_of_product, argnums=1)(kp.tensor(x), kp.tensor(y)).data.reshape(6, 6)
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-14)


def test_hessian_is_the_jacobian_of_the_gradient():
    x, = inputs(24, [(5,)])
    nested = kf.jacobian(kf.grad(sin_times_x))(kp.tensor(x))
    assert_tree_close(nested, tf.jacrev(tf.grad(sin_times_x))(torch.tensor(x)))
    assert_tree_close(kf.hessian(sin_times_x)(kp.tensor(x)), nested.data)


@pytest.mark.parametrize("seed", SEEDS)
def test_hvp_matches_torch(seed):
    x, v = inputs(seed, [(5,), (5,)])
    k_value, k_hv = kf.hvp(sin_times_x, (kp.tensor(x),), (kp.tensor(v),))
    t_value, t_hv = torch.autograd.functional.hvp(sin_times_x, torch.tensor(x), torch.tensor(v))
    assert_close(k_value, t_value)
    assert isinstance(k_hv, tuple) and len(k_hv) == 1
    assert_close(k_hv[0], t_hv)
    assert_tree_detached(k_hv)


@pytest.mark.parametrize("seed", SEEDS)
def test_hvp_is_the_hessian_times_the_vector(seed):
    x, y, u, w = inputs(seed, [(3,), (3, 2), (3,), (3, 2)])
    _, (hu, hw) = kf.hvp(tanh_of_product, kp_tensors([x, y]), kp_tensors([u, w]))
    blocks = kf.hessian(tanh_of_product, argnums=(0, 1))(*kp_tensors([x, y]))
    H = np.block([[blocks[0][0].data, blocks[0][1].data.reshape(3, 6)],
                  [blocks[1][0].data.reshape(6, 3), blocks[1][1].data.reshape(6, 6)]])
    Hv = H @ np.concatenate([u, w.ravel()])
    np.testing.assert_allclose(hu.data, Hv[:3], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hw.data.ravel(), Hv[3:], rtol=1e-10, atol=1e-12)


def test_hvp_of_a_linear_function_is_zero():
    x, v = inputs(25, [(3,), (3,)])
    value, (hv,) = kf.hvp(lambda a: (a * 2.0).sum(), (kp.tensor(x),), (kp.tensor(v),))
    assert_close(value, 2.0 * x.sum())
    assert hv.shape == (3,) and not hv.data.any()


# ---- identities and nesting ----------------------------------------------------------------

@settings(max_examples=10)
@given(seed=seeds)
def test_vjp_and_jvp_are_the_jacobian_products(seed):
    x, y, v, w, u = inputs(seed, [(4,), (4, 3), (4,), (4, 3), (3,)])
    Jx, Jy = kf.jacobian(vector_of_two, argnums=(0, 1))(*kp_tensors([x, y]))
    _, jv = kf.jvp(vector_of_two, kp_tensors([x, y]), kp_tensors([v, w]))
    expected = Jx.data @ v + Jy.data.reshape(3, 12) @ w.ravel()
    np.testing.assert_allclose(jv.data, expected, rtol=1e-10, atol=1e-12)
    _, vjp_fn = kf.vjp(vector_of_two, *kp_tensors([x, y]))
    ux, uy = vjp_fn(kp.tensor(u))
    np.testing.assert_allclose(ux.data, u @ Jx.data, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(uy.data, np.tensordot(u, Jy.data, axes=1), rtol=1e-10, atol=1e-12)


def test_grad_of_grad_is_the_second_derivative_like_torch():
    x = np.array(0.7)

    def f(a):
        return a.sin() * a * a
    k = kf.grad(kf.grad(f))(kp.tensor(x))
    t = tf.grad(tf.grad(f))(torch.tensor(x))
    assert_tree_close(k, t)
    k3 = kf.grad(kf.grad(kf.grad(f)))(kp.tensor(x))
    assert_tree_close(k3, tf.grad(tf.grad(tf.grad(f)))(torch.tensor(x)))


def test_grad_of_a_function_of_a_vjp_like_torch():
    x, u = inputs(26, [(3,), (3,)])

    def squared_vjp(func, cotangent):
        def g(a):
            _, vjp_fn = func.vjp(vector_of_one, a)
            return (vjp_fn(cotangent)[0] ** 2).sum()
        return g
    k = kf.grad(squared_vjp(kf, kp.tensor(u)))(kp.tensor(x))
    t = tf.grad(squared_vjp(tf, torch.tensor(u)))(torch.tensor(x))
    assert_tree_close(k, t)


def test_transforms_of_a_tensor_that_requires_grad_stay_differentiable():
    # an input that already requires grad is used as it is, so ordinary backward sees through
    data = np.array([0.3, -0.8, 1.1])
    k, t = kp.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (kf.grad(sin_times_x)(k) ** 2).sum().backward()
    (tf.grad(sin_times_x)(t) ** 2).sum().backward()
    assert_close(k.grad, t.grad)
