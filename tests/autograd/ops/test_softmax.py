"""softmax and log_softmax against torch: values, first and second derivatives along every dim,
stability with large inputs and infinities, dtypes and errors."""


import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import konspekt as kp
from oracle import (arrays_for, assert_close, assert_raises_like_torch, check_gradients,
                    compare_with_torch, seeds)

NAMES = ["softmax", "log_softmax"]


def pair(values, dtype):
    array = np.asarray(values, dtype=dtype)
    return kp.tensor(array), torch.tensor(array)


def assert_same_result(k, t):
    assert k.dtype.name == str(t.dtype).removeprefix("torch."), f"{k.dtype} vs {t.dtype}"
    assert_close(k, t, rtol=1e-5, atol=1e-7)


@st.composite
def shape_and_dim(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


@pytest.mark.parametrize("name", NAMES)
@given(case=shape_and_dim(), seed=seeds, scale=st.sampled_from([1.0, 1000.0]))
def test_matches_torch(name, case, seed, scale):
    # At scale 1000, exp overflows unless the maximum is subtracted first.
    shape, dim = case
    x, = arrays_for([shape], seed)
    compare_with_torch(lambda t: getattr(kp, name)(t * scale, dim),
                       lambda t: getattr(torch, name)(t * scale, dim), [x])


@pytest.mark.parametrize("name", NAMES)
def test_method_and_functional_forms(name):
    x, = arrays_for([(2, 3, 4)], 1)
    for dim in (0, 1, -1):
        compare_with_torch(lambda t: getattr(t, name)(dim), lambda t: getattr(t, name)(dim), [x])
        compare_with_torch(lambda t: getattr(kp.nn.functional, name)(t, dim=dim),
                           lambda t: getattr(torch.nn.functional, name)(t, dim=dim), [x])


@pytest.mark.parametrize("name", NAMES)
def test_large_and_infinite_inputs(name):
    x = np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, -1e4, -1e4], [-np.inf, 0.0, 1.0],
                  [710.0, 0.0, -710.0]])
    compare_with_torch(lambda t: getattr(kp, name)(t, 1), lambda t: getattr(torch, name)(t, 1),
                       [x])
    compare_with_torch(lambda t: getattr(kp, name)(t, 0), lambda t: getattr(torch, name)(t, 0),
                       [x], second_order=False)


@pytest.mark.parametrize("name", NAMES)
def test_all_minus_infinity_row(name):
    x = np.array([[-np.inf, -np.inf], [0.0, 1.0]])
    with np.errstate(all="ignore"):
        compare_with_torch(lambda t: getattr(kp, name)(t, 1),
                           lambda t: getattr(torch, name)(t, 1), [x], requires_grad=[False])


@pytest.mark.parametrize("name", NAMES)
def test_0d_input(name):
    x = np.array(0.7)
    compare_with_torch(lambda t: getattr(kp, name)(t, 0), lambda t: getattr(torch, name)(t, 0),
                       [x])
    compare_with_torch(lambda t: getattr(kp, name)(t, -1), lambda t: getattr(torch, name)(t, -1),
                       [x])


@pytest.mark.parametrize("name", NAMES)
def test_dtypes(name):
    k, t = pair([[1, 2, 3], [0, 0, 1]], "int64")
    # torch refuses integer inputs without a dtype; konspekt takes the default float.
    assert_same_result(getattr(kp, name)(k, 1, dtype=kp.float64),
                       getattr(torch, name)(t, 1, dtype=torch.float64))
    k, t = pair([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]], "float32")
    assert_same_result(getattr(kp, name)(k, 1), getattr(torch, name)(t, 1))
    assert_same_result(getattr(kp, name)(k, 1, dtype=kp.float64),
                       getattr(torch, name)(t, 1, dtype=torch.float64))


@pytest.mark.parametrize("name", NAMES)
def test_dtype_argument_passes_gradients_back_in_the_input_dtype(name):
    x = np.array([[0.1, 0.7, -0.3]], dtype=np.float32)
    k, t = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    w = np.array([[1.0, -2.0, 0.5]])
    (getattr(kp, name)(k, 1, dtype=kp.float64) * kp.tensor(w)).sum().backward()
    (getattr(torch, name)(t, 1, dtype=torch.float64) * torch.tensor(w)).sum().backward()
    assert_same_result(k.grad, t.grad)


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck(name):
    x, = arrays_for([(3, 4)], 2)
    check_gradients(lambda t: getattr(kp, name)(t, 1), [x])
    check_gradients(lambda t: getattr(kp, name)(t, 0), [x])


@pytest.mark.parametrize("name", NAMES)
def test_dim_out_of_range_raises_like_torch(name):
    k, t = pair(np.ones((2, 3)), "float64")
    assert_raises_like_torch(lambda: getattr(kp, name)(k, 2), lambda: getattr(torch, name)(t, 2))
    assert_raises_like_torch(lambda: getattr(kp, name)(k, -3),
                             lambda: getattr(torch, name)(t, -3))


@pytest.mark.parametrize("name", NAMES)
def test_dim_is_required(name):
    k = kp.ones(2, 3)
    with pytest.raises(TypeError, match="dim"):
        getattr(kp, name)(k)


def test_softmax_rows_sum_to_one_and_log_softmax_is_its_log():
    x, = arrays_for([(3, 5)], 3, low=-50.0, high=50.0)
    t = torch.tensor(x)
    k = kp.tensor(x)
    assert_close(kp.softmax(k, 1).sum(1), torch.softmax(t, 1).sum(1))
    assert_close(kp.log_softmax(k, 1).exp(), torch.softmax(t, 1))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dim", [0, 1])
def test_empty_input(name, dim):
    # An empty batch (shape (0, 3)) is a valid input: the result is empty too.
    x = np.zeros((0, 3))
    compare_with_torch(lambda t: getattr(kp, name)(t, dim), lambda t: getattr(torch, name)(t, dim),
                       [x])
