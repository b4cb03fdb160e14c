"""Reductions against torch: values, first and second derivatives over random shapes and dims,
ties (amax/amin/max/min), zeros (prod), stability (logsumexp), the zero vector (norm), dtypes and
the errors torch raises."""


import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import konspekt as kp
from oracle import (arrays_for, assert_raises_like_torch, assert_same_result,
                    check_gradients, compare_with_torch, seeds)


def pair(values, dtype):
    array = np.asarray(values, dtype=dtype)
    return kp.tensor(array), torch.tensor(array)


def grid_array(shape, seed, values=(-1.0, 0.0, 0.5, 1.0)):
    """An array of a few values: ties and zeros are common."""
    return np.random.default_rng(seed).choice(values, size=shape)


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


@st.composite
def shape_and_dim(draw, kinds=("none", "int", "tuple")):
    """A shape and a ``dim`` for it: None, an int (maybe negative) or a tuple of distinct dims."""
    shape = draw(shapes)
    ndim = len(shape)
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return shape, None
    if ndim == 0:
        dim = draw(st.sampled_from([0, -1]))
        return shape, dim if kind == "int" else (dim,)
    if kind == "int":
        return shape, draw(st.integers(-ndim, ndim - 1))
    dims = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    negate = draw(st.lists(st.booleans(), min_size=len(dims), max_size=len(dims)))
    return shape, tuple(d - ndim if n else d for d, n in zip(dims, negate))


def _reduced_size(shape, dim):
    if dim is None or not shape:
        return int(np.prod(shape))
    dims = dim if isinstance(dim, tuple) else (dim,)
    return int(np.prod([shape[d] for d in dims]))


@pytest.mark.parametrize("name", ["sum", "mean"])
@given(case=shape_and_dim(), keepdim=st.booleans(), seed=seeds)
def test_sum_mean_match_torch(name, case, keepdim, seed):
    shape, dim = case
    x, = arrays_for([shape], seed)
    if dim is None and not keepdim:
        compare_with_torch(getattr(kp, name), getattr(torch, name), [x])
        compare_with_torch(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x])
    compare_with_torch(lambda t: getattr(kp, name)(t, dim=dim, keepdim=keepdim),
                       lambda t: getattr(torch, name)(t, dim=dim, keepdim=keepdim), [x])


@given(case=shape_and_dim(kinds=("none", "int")), keepdim=st.booleans(), seed=seeds)
def test_prod_matches_torch_with_zeros(case, keepdim, seed):
    # Zeros are frequent: one zero in a slice, several zeros, or none.
    shape, dim = case
    x = grid_array(shape, seed, values=(-1.5, -0.5, 0.0, 0.75, 2.0))
    if dim is None:
        compare_with_torch(kp.prod, torch.prod, [x])
    else:
        compare_with_torch(lambda t: kp.prod(t, dim, keepdim=keepdim),
                           lambda t: torch.prod(t, dim, keepdim=keepdim), [x])


@pytest.mark.parametrize("zeros", [0, 1, 2])
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_with_a_given_number_of_zeros(zeros, dim):
    x, = arrays_for([(3, 4)], zeros, low=0.5, high=1.5)
    x[0, :zeros] = 0.0
    x[1, 0:zeros] = 0.0
    x[:zeros, 2] = 0.0
    kp_fn = kp.prod if dim is None else (lambda t: kp.prod(t, dim))
    torch_fn = torch.prod if dim is None else (lambda t: torch.prod(t, dim))
    compare_with_torch(kp_fn, torch_fn, [x])


def test_prod_gradcheck():
    x = np.array([[0.0, 1.5, -0.7], [0.9, -1.2, 0.4]])
    check_gradients(lambda t: kp.prod(t, 1), [x])
    check_gradients(kp.prod, [x[1:]])


@pytest.mark.parametrize("name", ["sum", "prod", "cumsum"])
@pytest.mark.parametrize("dtype", ["bool", "int32", "int64", "uint8", "float32"])
def test_integer_reductions_give_int64(name, dtype):
    k, t = pair([[1, 0, 1], [1, 1, 1]], dtype)
    if name == "cumsum":
        assert_same_result(kp.cumsum(k, 1), torch.cumsum(t, 1))
    else:
        assert_same_result(getattr(kp, name)(k), getattr(torch, name)(t))
        assert_same_result(getattr(kp, name)(k, 0), getattr(torch, name)(t, 0))


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "cumsum"])
def test_dtype_argument(name):
    k, t = pair([[1, 2, 3], [4, 5, 6]], "int32")
    if name == "cumsum":
        assert_same_result(kp.cumsum(k, 1, dtype=kp.float64),
                           torch.cumsum(t, 1, dtype=torch.float64))
    else:
        assert_same_result(getattr(kp, name)(k, dtype=kp.float64),
                           getattr(torch, name)(t, dtype=torch.float64))


@pytest.mark.parametrize("name", ["amax", "amin"])
@given(case=shape_and_dim(), keepdim=st.booleans(), seed=seeds)
def test_amax_amin_share_ties_like_torch(name, case, keepdim, seed):
    shape, dim = case
    x = grid_array(shape, seed)
    torch_dim = () if dim is None else dim
    compare_with_torch(lambda t: getattr(kp, name)(t, dim=torch_dim, keepdim=keepdim),
                       lambda t: getattr(torch, name)(t, dim=torch_dim, keepdim=keepdim), [x])


@pytest.mark.parametrize("name", ["max", "min"])
@given(shape=shapes, seed=seeds)
def test_max_min_without_dim_share_ties_like_torch(name, shape, seed):
    x = grid_array(shape, seed)
    compare_with_torch(getattr(kp, name), getattr(torch, name), [x])
    compare_with_torch(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x])


@pytest.mark.parametrize("name", ["max", "min"])
@given(case=shape_and_dim(kinds=("int",)), keepdim=st.booleans(), seed=seeds)
def test_max_min_with_dim_give_values_and_indices(name, case, keepdim, seed):
    # On a tie torch picks one index and sends the whole gradient there.
    shape, dim = case
    x = grid_array(shape, seed)
    compare_with_torch(lambda t: tuple(getattr(kp, name)(t, dim, keepdim)),
                       lambda t: tuple(getattr(torch, name)(t, dim, keepdim)), [x])
    k = getattr(kp, name)(kp.tensor(x), dim=dim, keepdim=keepdim)
    t = getattr(torch, name)(torch.tensor(x), dim=dim, keepdim=keepdim)
    assert_same_result(k.values, t.values)
    assert_same_result(k.indices, t.indices)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_of_integers(name):
    k, t = pair([[3, 1, 3], [0, 7, 7]], "int32")
    assert_same_result(getattr(kp, name)(k), getattr(torch, name)(t))
    kv, ki = getattr(kp, name)(k, 1)
    tv, ti = getattr(torch, name)(t, 1)
    assert_same_result(kv, tv)
    assert_same_result(ki, ti)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(case=shape_and_dim(kinds=("none", "int")), keepdim=st.booleans(), seed=seeds)
def test_argmax_argmin_match_torch(name, case, keepdim, seed):
    shape, dim = case
    x = grid_array(shape, seed)
    k = getattr(kp, name)(kp.tensor(x), dim=dim, keepdim=keepdim)
    t = getattr(torch, name)(torch.tensor(x), dim=dim, keepdim=keepdim)
    assert_same_result(k, t)
    assert_same_result(getattr(kp.tensor(x), name)(), getattr(torch.tensor(x), name)())


def _correction_kwargs(draw_value):
    kind, value = draw_value
    return {"correction": value} if kind == "correction" else {"unbiased": value}


corrections = st.one_of(st.tuples(st.just("correction"), st.sampled_from([0, 1, 2, 0.5])),
                        st.tuples(st.just("unbiased"), st.booleans()))


@pytest.mark.parametrize("name", ["var", "std"])
@given(case=shape_and_dim(), keepdim=st.booleans(), correction=corrections, seed=seeds)
def test_var_std_match_torch(name, case, keepdim, correction, seed):
    shape, dim = case
    kwargs = _correction_kwargs(correction)
    x, = arrays_for([shape], seed)
    n = _reduced_size(shape, dim)
    c = kwargs.get("correction", 1 if kwargs.get("unbiased", True) else 0)
    # n ≤ correction divides by zero or less: compare the values only (NaN or inf).
    differentiable = n > c
    # With one element std is 0; torch's second derivative there is NaN (0 · ∞ inside its
    # masked backward), konspekt's is 0 (test_std_of_a_constant_slice).
    second = not (name == "std" and n == 1)
    compare_with_torch(lambda t: getattr(kp, name)(t, dim=dim, keepdim=keepdim, **kwargs),
                       lambda t: getattr(torch, name)(t, dim=dim, keepdim=keepdim, **kwargs),
                       [x], requires_grad=[differentiable], second_order=second)


def test_std_of_a_constant_slice():
    # std = 0: torch takes the slope 1/(2 std) as 0, so the gradient is 0, not NaN.
    x = np.array([[1.5, 1.5, 1.5], [0.5, -1.0, 2.0]])
    compare_with_torch(lambda t: kp.std(t, 1), lambda t: torch.std(t, 1), [x],
                       second_order=False)
    compare_with_torch(lambda t: kp.std(t[1:], 1), lambda t: torch.std(t[1:], 1), [x])
    k = kp.tensor(x, requires_grad=True)
    g, = kp.autograd.grad(kp.std(k, 1).sum(), k, create_graph=True)
    h, = kp.autograd.grad((g * g).sum(), k)
    assert np.isfinite(h.data).all()


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_positional_forms(name):
    x, = arrays_for([(3, 4)], 1)
    for args in [(), (0,), (1, False), (1, True, True), (False,), ((0, 1),)]:
        compare_with_torch(lambda t: getattr(kp, name)(t, *args),
                           lambda t: getattr(torch, name)(t, *args), [x])
        compare_with_torch(lambda t: getattr(t, name)(*args),
                           lambda t: getattr(t, name)(*args), [x])


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": (0, 1), "correction": 0},
                                    {"dim": 0, "keepdim": True, "unbiased": False}])
def test_var_mean_std_mean(name, kwargs):
    x, = arrays_for([(3, 4)], 2)
    compare_with_torch(lambda t: getattr(kp, name)(t, **kwargs),
                       lambda t: getattr(torch, name)(t, **kwargs), [x])


def test_var_std_gradcheck():
    x, = arrays_for([(3, 4)], 3)
    check_gradients(lambda t: kp.var(t, 1), [x])
    check_gradients(lambda t: kp.std(t, (0, 1), correction=0), [x])


@given(case=shape_and_dim(kinds=("int", "tuple")), keepdim=st.booleans(), seed=seeds,
       scale=st.sampled_from([1.0, 1000.0]))
def test_logsumexp_matches_torch(case, keepdim, seed, scale):
    # At scale 1000, exp overflows unless the maximum is taken out first.
    shape, dim = case
    x, = arrays_for([shape], seed)
    compare_with_torch(lambda t: kp.logsumexp(t * scale, dim, keepdim),
                       lambda t: torch.logsumexp(t * scale, dim, keepdim), [x])


def test_logsumexp_with_infinities():
    x = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, -np.inf, -np.inf],
                  [-np.inf, 0.0, 1.0], [np.inf, 0.0, 1.0]])
    compare_with_torch(lambda t: kp.logsumexp(t, 1), lambda t: torch.logsumexp(t, 1), [x],
                       second_order=False)
    compare_with_torch(lambda t: kp.logsumexp(t[:3], 1), lambda t: torch.logsumexp(t[:3], 1),
                       [x])


def test_logsumexp_of_integers_and_method():
    k, t = pair([[1, 2, 3], [4, 5, 6]], "int64")
    assert_same_result(kp.logsumexp(k, 1), torch.logsumexp(t, 1))
    x, = arrays_for([(2, 3)], 4)
    compare_with_torch(lambda a: a.logsumexp(0), lambda a: a.logsumexp(0), [x])


def test_logsumexp_gradcheck():
    x, = arrays_for([(3, 4)], 5)
    check_gradients(lambda t: kp.logsumexp(t, 1), [x])


NORM_P = [1, 2, "fro", float("inf"), float("-inf"), 3, 1.5, 0.5, 0]


# torch's second derivative of |x| is a ZeroTensor, which has no NumPy view for the oracle to
# read: for these p the second order is left to gradgradcheck (test_norm_gradgradcheck).
PIECEWISE_LINEAR_P = (1, float("inf"), float("-inf"))


@pytest.mark.parametrize("p", NORM_P, ids=str)
@given(case=shape_and_dim(), keepdim=st.booleans(), seed=seeds)
def test_norm_matches_torch(p, case, keepdim, seed):
    shape, dim = case
    if p == "fro" and isinstance(dim, tuple) and len(dim) > 2:
        dim = dim[:2]  # the Frobenius norm takes at most two dims
    x, = arrays_for([shape], seed, away_from=0.0)
    compare_with_torch(lambda t: kp.norm(t, p, dim, keepdim),
                       lambda t: torch.norm(t, p, dim, keepdim), [x],
                       second_order=p not in PIECEWISE_LINEAR_P)


@pytest.mark.parametrize("p", PIECEWISE_LINEAR_P, ids=str)
def test_norm_gradgradcheck(p):
    x = np.array([[0.3, -1.1, 0.7], [-2.0, 0.5, 1.4]])
    check_gradients(lambda t: kp.norm(t, p, 1), [x])


@pytest.mark.parametrize("p", [float("inf"), float("-inf")], ids=str)
def test_norm_inf_shares_ties_like_torch(p):
    x = np.array([[1.0, -1.0, 0.5], [-2.0, 0.5, 2.0]])
    compare_with_torch(lambda t: kp.norm(t, p), lambda t: torch.norm(t, p), [x],
                       second_order=False)
    compare_with_torch(lambda t: kp.norm(t, p, 1), lambda t: torch.norm(t, p, 1), [x],
                       second_order=False)


@pytest.mark.parametrize("p", [1, 2, "fro", float("inf"), 3, 1.5, 0], ids=str)
def test_norm_of_the_zero_vector_has_zero_gradient(p):
    # The subgradient 0 where the norm is 0 (torch's choice), not the NaN of 0/0.
    x = np.zeros((2, 3))
    x[1] = [0.5, -1.0, 2.0]
    compare_with_torch(lambda t: kp.norm(t, p, 1), lambda t: torch.norm(t, p, 1), [x],
                       second_order=False)
    compare_with_torch(lambda t: kp.norm(t, p), lambda t: torch.norm(t, p), [np.zeros(3)],
                       second_order=False)


@pytest.mark.parametrize("p", [2, 3])
def test_norm_of_the_zero_vector_second_order(p):
    # torch's second derivative at the zero vector is NaN (0 · ∞ inside its masked backward);
    # konspekt's is 0 there, and torch's elsewhere. (For p < 2 the Hessian of |x|^p itself is
    # infinite at 0.)
    x = np.zeros((2, 3))
    x[1] = [0.5, -1.0, 2.0]
    compare_with_torch(lambda t: kp.norm(t[1:], p, 1), lambda t: torch.norm(t[1:], p, 1), [x])
    k = kp.tensor(x, requires_grad=True)
    g, = kp.autograd.grad(kp.norm(k, p, 1).sum(), k, create_graph=True)
    h, = kp.autograd.grad((g * kp.tensor(x + 1.0)).sum(), k)
    assert np.isfinite(h.data).all()


def test_norm_method_and_gradcheck():
    x, = arrays_for([(3, 4)], 6, away_from=0.0)
    compare_with_torch(lambda t: t.norm(), lambda t: t.norm(), [x])
    compare_with_torch(lambda t: t.norm(dim=1), lambda t: t.norm(dim=1), [x])
    check_gradients(lambda t: kp.norm(t, 3, 1), [x])
    check_gradients(lambda t: kp.norm(t, 2, 0), [x])


@given(case=shape_and_dim(kinds=("int",)), seed=seeds)
def test_cumsum_matches_torch(case, seed):
    shape, dim = case
    x, = arrays_for([shape], seed)
    compare_with_torch(lambda t: kp.cumsum(t, dim), lambda t: torch.cumsum(t, dim), [x])
    compare_with_torch(lambda t: t.cumsum(dim), lambda t: t.cumsum(dim), [x])


@pytest.mark.parametrize("name", ["all", "any", "count_nonzero"])
@pytest.mark.parametrize("dtype", ["bool", "float64", "int64", "uint8"])
@given(case=shape_and_dim(), keepdim=st.booleans(), seed=seeds)
def test_logical_reductions_match_torch(name, dtype, case, keepdim, seed):
    shape, dim = case
    rng = np.random.default_rng(seed)
    # Mostly true values, so that all() is sometimes True.
    values = rng.choice([0, 1, 1, 1, 2], size=shape).astype(dtype)
    k, t = kp.tensor(values), torch.tensor(values)
    if name == "count_nonzero":
        assert_same_result(kp.count_nonzero(k, dim), torch.count_nonzero(t, dim))
        return
    if dim is None:
        assert_same_result(getattr(kp, name)(k), getattr(torch, name)(t))
        assert_same_result(getattr(k, name)(), getattr(t, name)())
    else:
        assert_same_result(getattr(kp, name)(k, dim, keepdim),
                           getattr(torch, name)(t, dim, keepdim))


def test_reductions_of_a_0d_tensor():
    x = np.array(1.5)
    for name in ("sum", "mean", "prod", "amax", "cumsum", "logsumexp"):
        compare_with_torch(lambda t: getattr(kp, name)(t, 0), lambda t: getattr(torch, name)(t, 0),
                           [x])
    compare_with_torch(lambda t: tuple(kp.max(t, 0)), lambda t: tuple(torch.max(t, 0)), [x])
    compare_with_torch(lambda t: kp.var(t, 0, correction=0),
                       lambda t: torch.var(t, 0, correction=0), [x])


def test_reductions_of_empty_tensors():
    x = np.zeros((0, 3))
    for name in ("sum", "mean", "prod"):
        compare_with_torch(getattr(kp, name), getattr(torch, name), [x])
        compare_with_torch(lambda t: getattr(kp, name)(t, 0), lambda t: getattr(torch, name)(t, 0),
                           [x])
    compare_with_torch(lambda t: kp.amax(t, 1), lambda t: torch.amax(t, 1), [x])
    compare_with_torch(lambda t: kp.logsumexp(t, 0), lambda t: torch.logsumexp(t, 0), [x])
    compare_with_torch(lambda t: kp.norm(t, 2, 0), lambda t: torch.norm(t, 2, 0), [x])


def test_mean_of_integers_raises_like_torch():
    k, t = pair([1, 2], "int64")
    with pytest.raises(RuntimeError, match="mean"):
        kp.mean(k)
    assert_raises_like_torch(lambda: kp.mean(k), lambda: torch.mean(t))
    assert_raises_like_torch(lambda: k.mean(0), lambda: t.mean(0))


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
def test_var_of_integers_raises_like_torch(name):
    k, t = pair([1, 2], "int64")
    assert_raises_like_torch(lambda: getattr(kp, name)(k), lambda: getattr(torch, name)(t))


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "var", "logsumexp", "argmax", "cumsum",
                                  "max", "all", "norm"])
def test_dim_out_of_range_raises_like_torch(name):
    k, t = pair(np.ones((2, 3)), "float64")
    assert_raises_like_torch(lambda: getattr(kp, name)(k, dim=2),
                             lambda: getattr(torch, name)(t, dim=2))
    assert_raises_like_torch(lambda: getattr(kp, name)(k, dim=-3),
                             lambda: getattr(torch, name)(t, dim=-3))


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "var", "logsumexp"])
def test_repeated_dim_raises_like_torch(name):
    k, t = pair(np.ones((2, 3)), "float64")
    assert_raises_like_torch(lambda: getattr(kp, name)(k, dim=(0, 0)),
                             lambda: getattr(torch, name)(t, dim=(0, 0)))
    assert_raises_like_torch(lambda: getattr(kp, name)(k, dim=(1, -1)),
                             lambda: getattr(torch, name)(t, dim=(1, -1)))


@pytest.mark.parametrize("call", ["amax", "amin", "max", "min", "argmax", "argmin", "max_dim",
                                  "min_dim", "argmax_dim", "amax_dim"])
def test_extremes_of_empty_tensors_raise_like_torch(call):
    k, t = pair(np.zeros((0, 3)), "float64")
    name, _, with_dim = call.partition("_")
    if with_dim:
        assert_raises_like_torch(lambda: getattr(kp, name)(k, 0), lambda: getattr(torch, name)(t, 0))
    else:
        assert_raises_like_torch(lambda: getattr(kp, name)(k), lambda: getattr(torch, name)(t))
