"""Making tensors against torch: dtype inference, memory sharing, filled and random tensors, the
``*_like`` forms, seeding with ``manual_seed`` and ``Generator``, ``requires_grad`` and the errors
at the boundary.

Most cases are one call written once and run on both libraries, ``lambda m: m.zeros(2, 3)`` with
``m`` either ``konspekt`` or ``torch``: the names and arguments are the same by design.
"""


import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import konspekt as kp
from oracle import assert_raises_like_torch, assert_same_tensor, dtype_name, on_both, seeds


# ---- tensor(): dtype inference ---------------------------------------------------------------

DATA = {
    "python float": 1.5,
    "python int": 2,
    "python bool": True,
    "negative int": -7,
    "list of floats": [0.5, -1.25, 3.0],
    "list of ints": [1, 2, 3],
    "list of bools": [True, False],
    "ints and floats": [1, 2.5],
    "bools and ints": [True, 2],
    "nested": [[1, 2], [3, 4], [5, 6]],
    "nested mixed": [[1], [2.0]],
    "tuple": (1.0, 2.0),
    "empty list": [],
    "empty nested": [[], []],
    "float64 array": np.array([1.0, 2.0]),
    "float32 array": np.array([1.0, 2.0], dtype=np.float32),
    "float16 array": np.array([1.0, 2.0], dtype=np.float16),
    "int32 array": np.array([[1, 2]], dtype=np.int32),
    "int8 array": np.array([1, -2], dtype=np.int8),
    "uint8 array": np.array([1, 255], dtype=np.uint8),
    "bool array": np.array([True, False]),
    "0-d float64 array": np.array(2.5),
    "numpy float64 scalar": np.float64(2.0),
    "numpy float32 scalar": np.float32(2.0),
    "numpy int32 scalar": np.int32(3),
    "list of numpy float64": [np.float64(1.0), np.float64(2.0)],
    "numpy float64 and float": [np.float64(1.0), 2.0],
    "numpy float16 and int": [np.float16(1.0), 2],
    "numpy int8 and int32": [np.int8(1), np.int32(2)],
    "numpy uint8 and int8": [np.uint8(1), np.int8(2)],
    "numpy int32 and float": [np.int32(1), 2.0],
    "list of float64 arrays": [np.array([1.0, 2.0]), np.array([3.0, 4.0])],
}


@pytest.mark.parametrize("name", DATA)
def test_tensor_infers_dtype_like_torch(name):
    k, t = on_both(lambda m: m.tensor(DATA[name]))
    assert_same_tensor(k, t)


@pytest.mark.parametrize("name", ["python float", "list of floats", "ints and floats",
                                  "nested mixed", "python int", "list of bools", "float32 array",
                                  "empty list", "numpy float16 and int"])
def test_tensor_follows_the_default_dtype(name, default_float64):
    k, t = on_both(lambda m: m.tensor(DATA[name]))
    assert_same_tensor(k, t)


def test_default_dtype_is_float32_and_ints_are_int64():
    assert kp.get_default_dtype() is kp.float32
    assert kp.tensor(0.1).dtype is kp.float32
    assert kp.tensor(1).dtype is kp.int64
    assert kp.tensor(False).dtype is kp.bool
    assert kp.tensor(np.zeros(2)).dtype is kp.float64


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "uint8", "int8", "int16",
                                   "int32", "int64", "bool"])
def test_tensor_converts_to_a_given_dtype(dtype):
    data = [[1.7, -0.2], [0.0, 3.5]] if dtype != "uint8" else [[1.7, 0.2], [0.0, 3.5]]
    k = kp.tensor(data, dtype=getattr(kp, dtype))
    t = torch.tensor(data, dtype=getattr(torch, dtype))
    assert_same_tensor(k, t)


@pytest.mark.parametrize("spelling", [kp.float64, np.float64, np.dtype("float64"), "float64",
                                      "double", float])
def test_dtype_argument_accepts_konspekt_numpy_and_python_spellings(spelling):
    k = kp.tensor([1, 2], dtype=spelling)
    assert k.dtype is kp.float64
    assert_same_tensor(k, torch.tensor([1, 2], dtype=float))


def test_tensor_copies_its_data():
    array = np.array([1.0, 2.0, 3.0])
    k, t = kp.tensor(array), torch.tensor(array)
    array[0] = 100.0
    assert_same_tensor(k, t)
    assert k.data[0] == 1.0 and not np.shares_memory(k.data, array)


def test_tensor_of_a_tensor_is_a_detached_copy():
    source = kp.tensor([1.0, 2.0], requires_grad=True)
    copy = kp.tensor(source)
    assert not copy.requires_grad and copy.is_leaf
    assert not np.shares_memory(copy.data, source.data)
    np.testing.assert_array_equal(copy.data, source.data)


def test_tensor_of_a_list_of_tensors_stacks_them():
    k, t = on_both(lambda m: m.tensor([m.tensor(1.0, dtype=m.float64), m.tensor(2.0)]))
    assert_same_tensor(k, t)
    # torch takes only one-element tensors here; konspekt stacks longer ones as torch.stack does
    rows = [[1.0, 2.0], [3.0, 4.0]]
    k = kp.tensor([kp.tensor(r) for r in rows])
    assert_same_tensor(k, torch.stack([torch.tensor(r) for r in rows]))


@pytest.mark.parametrize("data", [[[1, 2], [3]], [[1.0], [2.0, 3.0]]])
def test_ragged_data_is_a_value_error_like_torch(data):
    with pytest.raises(ValueError):
        torch.tensor(data)
    with pytest.raises(ValueError):
        kp.tensor(data)


@pytest.mark.parametrize("data", ["abc", None, [1, "a"], [1j], object()])
def test_non_numbers_are_refused_by_name(data):
    with pytest.raises(TypeError, match="tensor\\(\\)|can't convert"):
        kp.tensor(data)


def test_unsupported_array_dtype_is_refused_by_name():
    with pytest.raises(TypeError, match="complex64"):
        kp.tensor(np.zeros(2, dtype=np.complex64))


# ---- requires_grad -------------------------------------------------------------------------

FLOAT_FACTORIES = {
    "tensor": lambda m: m.tensor([1.0, 2.0], requires_grad=True),
    "tensor float64": lambda m: m.tensor([1, 2], dtype=m.float64, requires_grad=True),
    "zeros": lambda m: m.zeros(2, 3, requires_grad=True),
    "ones": lambda m: m.ones(2, requires_grad=True),
    "empty": lambda m: m.empty(4, requires_grad=True),
    "full": lambda m: m.full((2,), 1.5, requires_grad=True),
    "eye": lambda m: m.eye(3, requires_grad=True),
    "arange": lambda m: m.arange(0.0, 2.0, 0.5, requires_grad=True),
    "arange float64": lambda m: m.arange(3, dtype=m.float64, requires_grad=True),
    "linspace": lambda m: m.linspace(0, 1, 5, requires_grad=True),
    "rand": lambda m: m.rand(3, requires_grad=True),
    "randn": lambda m: m.randn(3, dtype=m.float64, requires_grad=True),
    "randint float": lambda m: m.randint(0, 5, (3,), dtype=m.float32, requires_grad=True),
    "zeros_like": lambda m: m.zeros_like(m.ones(2), requires_grad=True),
}


@pytest.mark.parametrize("name", FLOAT_FACTORIES)
def test_requires_grad_makes_a_leaf_that_requires_grad(name):
    k, t = on_both(FLOAT_FACTORIES[name])
    assert t.requires_grad and t.is_leaf
    assert k.requires_grad and k.is_leaf and k.grad_fn is None and k.grad is None
    assert dtype_name(k) == dtype_name(t) and k.shape == tuple(t.shape)


def test_gradient_reaches_a_created_leaf():
    x = kp.tensor([1.0, -2.0, 3.0], dtype=kp.float64, requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


INTEGER_FACTORIES = {
    "tensor": lambda m: m.tensor([1, 2], requires_grad=True),
    "tensor bool": lambda m: m.tensor([True], requires_grad=True),
    "tensor int dtype": lambda m: m.tensor([1.5], dtype=m.int32, requires_grad=True),
    "zeros": lambda m: m.zeros(2, dtype=m.int64, requires_grad=True),
    "ones": lambda m: m.ones(2, dtype=m.bool, requires_grad=True),
    "full": lambda m: m.full((2,), 3, requires_grad=True),
    "eye": lambda m: m.eye(2, dtype=m.int64, requires_grad=True),
    "arange": lambda m: m.arange(3, requires_grad=True),
    "randint": lambda m: m.randint(0, 5, (3,), requires_grad=True),
    "randperm": lambda m: m.randperm(4, requires_grad=True),
    "zeros_like": lambda m: m.zeros_like(m.tensor([1, 2]), requires_grad=True),
}


@pytest.mark.parametrize("name", INTEGER_FACTORIES)
def test_integer_tensor_cannot_require_grad(name):
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        INTEGER_FACTORIES[name](torch)
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point"):
        INTEGER_FACTORIES[name](kp)


# ---- as_tensor and from_numpy --------------------------------------------------------------

def test_as_tensor_shares_memory_with_an_array_of_a_supported_dtype():
    array = np.arange(6.0).reshape(2, 3)
    k, t = kp.as_tensor(array), torch.as_tensor(array)
    assert np.shares_memory(t.numpy(), array)
    assert np.shares_memory(k.data, array)
    array[0, 0] = -5.0
    assert k.data[0, 0] == -5.0
    assert_same_tensor(k, t)


def test_as_tensor_copies_when_the_dtype_changes():
    array = np.arange(4.0)
    k = kp.as_tensor(array, dtype=kp.float32)
    t = torch.as_tensor(array, dtype=torch.float32)
    assert not np.shares_memory(k.data, array)
    assert_same_tensor(k, t)


def test_as_tensor_of_a_list_infers_like_tensor():
    k, t = on_both(lambda m: m.as_tensor([1, 2.5]))
    assert_same_tensor(k, t)


def test_as_tensor_returns_a_tensor_itself():
    x = kp.tensor([1.0, 2.0], requires_grad=True)
    assert kp.as_tensor(x) is x
    assert kp.as_tensor(x, dtype=kp.float32) is x


def test_as_tensor_conversion_of_a_tensor_stays_in_the_graph():
    data = np.array([0.5, -1.5, 2.0], dtype=np.float32)
    k = kp.tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    kc, tc = kp.as_tensor(k, dtype=kp.float64), torch.as_tensor(t, dtype=torch.float64)
    assert kc.dtype is kp.float64 and kc.requires_grad
    (kc ** 3).sum().backward()
    (tc ** 3).sum().backward()
    assert_same_tensor(k.grad, t.grad, rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "uint8", "int8", "int16",
                                   "int32", "int64", "bool"])
def test_from_numpy_keeps_the_dtype_and_shares_memory(dtype):
    array = np.array([[0, 1, 2], [3, 4, 5]]).astype(dtype)
    k, t = kp.from_numpy(array), torch.from_numpy(array)
    assert_same_tensor(k, t)
    assert k.data is array or np.shares_memory(k.data, array)


def test_from_numpy_writes_go_both_ways():
    array = np.zeros(4)
    k = kp.from_numpy(array)
    array[1] = 7.0
    assert k.tolist() == [0.0, 7.0, 0.0, 0.0]
    k.add_(1.0)
    np.testing.assert_array_equal(array, [1.0, 8.0, 1.0, 1.0])


def test_from_numpy_shares_a_strided_view():
    array = np.arange(10.0)
    view = array[::3]
    k, t = kp.from_numpy(view), torch.from_numpy(view)
    assert_same_tensor(k, t)
    array[3] = -1.0
    assert k.data[1] == -1.0 and t[1].item() == -1.0


def test_from_numpy_refuses_a_list_like_torch():
    assert_raises_like_torch(lambda: kp.from_numpy([1, 2]), lambda: torch.from_numpy([1, 2]))


def test_from_numpy_refuses_unsupported_dtypes_by_name():
    with pytest.raises(TypeError, match="complex128"):
        kp.from_numpy(np.zeros(2, dtype=complex))


# ---- filled tensors ------------------------------------------------------------------------

FILLED = {
    "zeros(2, 3)": lambda m: m.zeros(2, 3),
    "zeros((2, 3))": lambda m: m.zeros((2, 3)),
    "zeros([2, 3])": lambda m: m.zeros([2, 3]),
    "zeros(())": lambda m: m.zeros(()),
    "zeros(0)": lambda m: m.zeros(0),
    "zeros(2, 0, 3)": lambda m: m.zeros(2, 0, 3),
    "zeros int64": lambda m: m.zeros(3, dtype=m.int64),
    "zeros bool": lambda m: m.zeros(2, 2, dtype=m.bool),
    "zeros python float": lambda m: m.zeros(2, dtype=float),
    "zeros python int": lambda m: m.zeros(2, dtype=int),
    "ones(3)": lambda m: m.ones(3),
    "ones float64": lambda m: m.ones(2, 1, dtype=m.float64),
    "ones int8": lambda m: m.ones((4,), dtype=m.int8),
    "full float": lambda m: m.full((2, 3), 1.5),
    "full int": lambda m: m.full((2,), 7),
    "full bool": lambda m: m.full((3,), True),
    "full list size": lambda m: m.full([1, 2], 4),
    "full numpy float64 scalar": lambda m: m.full((2,), np.float64(0.25)),
    "full float into int dtype": lambda m: m.full((2,), 2.7, dtype=m.int64),
    "full int into float64": lambda m: m.full((2,), 3, dtype=m.float64),
    "full 0-d tensor value": lambda m: m.full((2,), m.tensor(2.5)),
    "eye(3)": lambda m: m.eye(3),
    "eye(2, 4)": lambda m: m.eye(2, 4),
    "eye(4, 2)": lambda m: m.eye(4, 2),
    "eye(0)": lambda m: m.eye(0),
    "eye int": lambda m: m.eye(3, dtype=m.int64),
    "eye bool": lambda m: m.eye(2, dtype=m.bool),
}


@pytest.mark.parametrize("name", FILLED)
def test_filled_tensors_match_torch(name):
    k, t = on_both(FILLED[name])
    assert_same_tensor(k, t)
    assert k.is_leaf and not k.requires_grad


@pytest.mark.parametrize("name", ["zeros(2, 3)", "ones(3)", "full float", "eye(3)", "full int"])
def test_filled_tensors_follow_the_default_dtype(name, default_float64):
    k, t = on_both(FILLED[name])
    assert_same_tensor(k, t)


@pytest.mark.parametrize("call", [lambda m: m.empty(2, 3), lambda m: m.empty((4,)),
                                  lambda m: m.empty(0, dtype=m.int64),
                                  lambda m: m.empty(1, 2, 1, dtype=m.float64)])
def test_empty_has_the_shape_and_dtype(call):
    k, t = on_both(call)
    assert k.shape == tuple(t.shape) and dtype_name(k) == dtype_name(t)


def test_full_also_takes_a_bare_int_size():
    # torch wants a tuple; konspekt also reads an int as a 1-d size, as zeros(3) does
    assert_same_tensor(kp.full(3, -2.0), torch.full((3,), -2.0))


def test_filled_tensors_own_their_memory():
    a, b = kp.zeros(3), kp.zeros(3)
    a.fill_(1.0)
    assert b.tolist() == [0.0, 0.0, 0.0]


SIZE_ERRORS = {
    "negative dimension": lambda m: m.zeros(2, -1),
    "float dimension": lambda m: m.ones(2.0),
    "negative eye": lambda m: m.eye(-1),
    "negative eye columns": lambda m: m.eye(2, -3),
    "negative steps": lambda m: m.linspace(0, 1, -1),
}


@pytest.mark.parametrize("name", SIZE_ERRORS)
def test_bad_sizes_raise_the_same_error_type_as_torch(name):
    with pytest.raises(Exception) as expected:
        SIZE_ERRORS[name](torch)
    with pytest.raises(expected.type):
        SIZE_ERRORS[name](kp)


def test_bad_size_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        kp.zeros(2, -1)
    with pytest.raises(TypeError, match="float"):
        kp.ones(2.0)
    with pytest.raises(RuntimeError, match="n must be greater or equal to 0, got -1"):
        kp.eye(-1)


# ---- ranges --------------------------------------------------------------------------------

ARANGES = {
    "arange(5)": lambda m: m.arange(5),
    "arange(2, 7)": lambda m: m.arange(2, 7),
    "arange(1, 10, 3)": lambda m: m.arange(1, 10, 3),
    "arange(5, 0, -1)": lambda m: m.arange(5, 0, -1),
    "arange(3, 3)": lambda m: m.arange(3, 3),
    "arange(0, 1, 0.25)": lambda m: m.arange(0, 1, 0.25),
    "arange(1.0, 4)": lambda m: m.arange(1.0, 4),
    "arange(0, 5, 0.5)": lambda m: m.arange(0, 5, 0.5),
    "arange(-1.0, 1.0, 0.1)": lambda m: m.arange(-1.0, 1.0, 0.1),
    "arange(2.5)": lambda m: m.arange(2.5),
    "arange(3, -2.5, -0.5)": lambda m: m.arange(3, -2.5, -0.5),
    "arange float64": lambda m: m.arange(0, 1, 0.3, dtype=m.float64),
    "arange int to float32": lambda m: m.arange(4, dtype=m.float32),
    "arange float args int dtype": lambda m: m.arange(0.5, 3.7, dtype=m.int64),
    "arange negative float args int dtype": lambda m: m.arange(-0.5, 2.5, dtype=m.int64),
    "arange int32": lambda m: m.arange(0, 6, 2, dtype=m.int32),
    "arange numpy float64 scalar": lambda m: m.arange(np.float64(3)),
    "arange numpy int scalar": lambda m: m.arange(np.int32(4)),
    "arange 0-d tensor": lambda m: m.arange(m.tensor(3)),
    "arange 0-d float tensor": lambda m: m.arange(m.tensor(2.0)),
}


@pytest.mark.parametrize("name", ARANGES)
def test_arange_matches_torch(name):
    # float32 ranges: torch steps in float32, konspekt in float64 then rounds: within one ulp
    k, t = on_both(ARANGES[name])
    assert_same_tensor(k, t, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["arange(0, 1, 0.25)", "arange(5)", "arange(-1.0, 1.0, 0.1)"])
def test_arange_follows_the_default_dtype(name, default_float64):
    k, t = on_both(ARANGES[name])
    assert_same_tensor(k, t, rtol=1e-12, atol=1e-15)


@given(start=st.integers(-20, 20), length=st.integers(0, 20), step=st.integers(-5, 5))
def test_arange_of_integers_matches_torch(start, length, step):
    step = step or 1
    end = start + step * length
    k, t = on_both(lambda m: m.arange(start, end, step))
    assert_same_tensor(k, t)


ARANGE_ERRORS = {
    "zero step": lambda m: m.arange(0, 5, 0),
    "step of the wrong sign": lambda m: m.arange(0, 5, -1),
    "float step of the wrong sign": lambda m: m.arange(1.0, 0.0, 0.5),
    "infinite end": lambda m: m.arange(0, float("inf")),
    "infinite end, integer dtype": lambda m: m.arange(0, float("inf"), dtype=m.int64),
    "nan end": lambda m: m.arange(0, float("nan")),
}


@pytest.mark.parametrize("name", ARANGE_ERRORS)
def test_arange_errors_match_torch(name):
    assert_raises_like_torch(lambda: ARANGE_ERRORS[name](kp), lambda: ARANGE_ERRORS[name](torch))


def test_arange_step_truncated_to_zero_by_an_integer_dtype_is_refused():
    with pytest.raises(Exception, match="step must be nonzero"):
        torch.arange(0, 2.5, 0.5, dtype=torch.int64)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        kp.arange(0, 2.5, 0.5, dtype=kp.int64)


LINSPACES = {
    "linspace(0, 1, 5)": lambda m: m.linspace(0, 1, 5),
    "linspace(-2, 3, 7)": lambda m: m.linspace(-2, 3, 7),
    "linspace(3, -3, 4)": lambda m: m.linspace(3, -3, 4),
    "linspace(1, 1, 3)": lambda m: m.linspace(1, 1, 3),
    "linspace(0, 1, 1)": lambda m: m.linspace(0, 1, 1),
    "linspace(0, 1, 0)": lambda m: m.linspace(0, 1, 0),
    "linspace int dtype": lambda m: m.linspace(0, 10, 4, dtype=m.int64),
    "linspace float64": lambda m: m.linspace(0.1, 0.9, 9, dtype=m.float64),
    "logspace(0, 2, 3)": lambda m: m.logspace(0, 2, 3),
    "logspace base 2": lambda m: m.logspace(-1, 3, 5, base=2.0, dtype=m.float64),
}


@pytest.mark.parametrize("name", LINSPACES)
def test_linspace_and_logspace_match_torch(name):
    k, t = on_both(LINSPACES[name])
    assert_same_tensor(k, t, rtol=1e-6, atol=1e-7)


def test_linspace_includes_both_ends_and_is_evenly_spaced():
    x = kp.linspace(-3.0, 5.0, 17, dtype=kp.float64).data
    assert x[0] == -3.0 and x[-1] == 5.0
    np.testing.assert_allclose(np.diff(x), 0.5, rtol=1e-12)


# ---- random tensors ------------------------------------------------------------------------

RANDOM = {
    "rand(2, 3)": lambda m: m.rand(2, 3),
    "rand((4,))": lambda m: m.rand((4,)),
    "rand float64": lambda m: m.rand(3, dtype=m.float64),
    "rand(())": lambda m: m.rand(()),
    "randn(5)": lambda m: m.randn(5),
    "randn float64": lambda m: m.randn(2, 2, dtype=m.float64),
    "randint(10, (3,))": lambda m: m.randint(10, (3,)),
    "randint(3, 10, (2, 2))": lambda m: m.randint(3, 10, (2, 2)),
    "randint(10, size=(3,))": lambda m: m.randint(10, size=(3,)),
    "randint keywords": lambda m: m.randint(low=2, high=10, size=(3,)),
    "randint(5, ())": lambda m: m.randint(5, ()),
    "randint int32": lambda m: m.randint(0, 4, (3,), dtype=m.int32),
    "randint float": lambda m: m.randint(0, 4, (3,), dtype=m.float64),
    "randint bool": lambda m: m.randint(0, 2, (3,), dtype=m.bool),
    "randperm(6)": lambda m: m.randperm(6),
    "randperm(0)": lambda m: m.randperm(0),
    "randperm float": lambda m: m.randperm(3, dtype=m.float32),
}


@pytest.mark.parametrize("name", RANDOM)
def test_random_tensors_have_torchs_shape_and_dtype(name):
    k, t = on_both(RANDOM[name])
    assert isinstance(k, kp.Tensor)
    assert k.shape == tuple(t.shape) and dtype_name(k) == dtype_name(t)
    assert k.is_leaf and not k.requires_grad


@pytest.mark.parametrize("name", ["rand(2, 3)", "randn(5)"])
def test_random_floats_follow_the_default_dtype(name, default_float64):
    k, t = on_both(RANDOM[name])
    assert dtype_name(k) == dtype_name(t) == "float64"


def test_rand_is_uniform_on_the_unit_interval():
    kp.manual_seed(0)
    x = kp.rand(20000, dtype=kp.float64).data
    assert x.min() >= 0.0 and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.01
    assert abs(x.var() - 1 / 12) < 0.003


def test_randn_is_standard_normal():
    kp.manual_seed(1)
    x = kp.randn(20000, dtype=kp.float64).data
    assert abs(x.mean()) < 0.03
    assert abs(x.std() - 1.0) < 0.03
    assert abs(np.mean(np.abs(x) < 1.0) - 0.6827) < 0.015


@given(low=st.integers(-50, 50), width=st.integers(1, 6), seed=seeds)
def test_randint_stays_in_the_half_open_range(low, width, seed):
    high = low + width
    x = kp.randint(low, high, (200,), generator=kp.Generator().manual_seed(seed)).data
    assert x.dtype == np.int64
    assert x.min() >= low and x.max() < high
    assert len(np.unique(x)) == width  # 200 draws from ≤ 6 values hit each one


@given(n=st.integers(0, 30), seed=seeds)
def test_randperm_is_a_permutation(n, seed):
    p = kp.randperm(n, generator=kp.Generator().manual_seed(seed))
    assert p.dtype is kp.int64
    np.testing.assert_array_equal(np.sort(p.data), np.arange(n))


def test_randperm_shuffles():
    kp.manual_seed(3)
    assert not np.array_equal(kp.randperm(50).data, np.arange(50))


RANDOM_ERRORS = {
    "empty randint range": lambda m: m.randint(5, 5, (3,)),
    "reversed randint range": lambda m: m.randint(5, 2, (3,)),
}


@pytest.mark.parametrize("name", RANDOM_ERRORS)
def test_random_errors_match_torch(name):
    assert_raises_like_torch(lambda: RANDOM_ERRORS[name](kp), lambda: RANDOM_ERRORS[name](torch))


def test_randperm_of_a_negative_length_is_refused():
    with pytest.raises(RuntimeError):
        torch.randperm(-1)
    with pytest.raises(RuntimeError, match="non-negative, got -1"):
        kp.randperm(-1)


@pytest.mark.parametrize("call", [lambda m: m.rand(3, dtype=m.int64),
                                  lambda m: m.randn(3, dtype=m.bool),
                                  lambda m: m.rand_like(m.zeros(2, dtype=m.int32)),
                                  lambda m: m.randn_like(m.tensor([1, 2]))])
def test_rand_and_randn_refuse_integer_dtypes(call):
    # torch refuses (NotImplementedError); konspekt says which dtype it got
    with pytest.raises(NotImplementedError):
        call(torch)
    with pytest.raises(TypeError, match="floating point dtype, got (int|bool)"):
        call(kp)


def test_normal_bernoulli_and_multinomial():
    g = kp.Generator().manual_seed(5)
    mean = kp.tensor([0.0, 10.0, -10.0], dtype=kp.float64)
    x = kp.normal(mean, 0.5, (4000, 3), generator=g)
    assert x.dtype is kp.float64 and x.shape == (4000, 3)
    np.testing.assert_allclose(x.data.mean(axis=0), mean.data, atol=0.05)
    np.testing.assert_allclose(x.data.std(axis=0), 0.5, atol=0.03)
    p = kp.tensor([0.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(kp.bernoulli(p, generator=g).data, p.data)
    weights = kp.tensor([[1.0, 0.0, 3.0, 2.0], [0.5, 0.5, 0.5, 0.5]])
    draws = kp.multinomial(weights, 3, generator=g)
    assert draws.dtype is kp.int64 and draws.shape == (2, 3)
    assert 1 not in draws.data[0].tolist()  # weight 0 is never drawn
    assert all(len(set(row)) == 3 for row in draws.tolist())  # without replacement


# ---- seeding -------------------------------------------------------------------------------

def draw_all(generator=None):
    return [kp.rand(3, generator=generator).data, kp.randn(2, 2, generator=generator).data,
            kp.randint(0, 100, (4,), generator=generator).data,
            kp.randperm(6, generator=generator).data]


def assert_draws_equal(first, second):
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


@given(seed=seeds)
def test_manual_seed_reproduces_the_default_generator(seed):
    kp.manual_seed(seed)
    first = draw_all()
    kp.manual_seed(seed)
    assert_draws_equal(first, draw_all())


def test_different_seeds_give_different_numbers():
    kp.manual_seed(0)
    a = kp.rand(10).data
    kp.manual_seed(1)
    assert not np.array_equal(a, kp.rand(10).data)


def test_manual_seed_returns_the_default_generator_like_torch():
    assert isinstance(torch.manual_seed(0), torch.Generator)
    g = kp.manual_seed(42)
    assert isinstance(g, kp.Generator) and g is kp.default_generator
    assert kp.initial_seed() == 42 == g.initial_seed()


def test_a_generator_is_independent_of_the_default_one():
    kp.manual_seed(7)
    expected = draw_all()
    kp.manual_seed(7)
    g = kp.Generator().manual_seed(7)
    from_g = draw_all(g)
    assert_draws_equal(expected, from_g)  # same seed, same stream
    assert_draws_equal(expected, draw_all())  # drawing from g left the default untouched


def test_generator_manual_seed_returns_itself_and_records_the_seed():
    for seed in [0, 123, 2 ** 40, -1]:
        k, t = kp.Generator(), torch.Generator()
        assert k.manual_seed(seed) is k
        t.manual_seed(seed)
        assert k.initial_seed() == t.initial_seed()


def test_generator_state_round_trip():
    g = kp.Generator().manual_seed(9)
    kp.rand(5, generator=g)
    state = g.get_state()
    assert isinstance(state, kp.Tensor) and state.dtype is kp.uint8
    first = draw_all(g)
    g.set_state(state)
    assert_draws_equal(first, draw_all(g))


def test_generator_seed_picks_a_fresh_seed():
    g = kp.Generator()
    s = g.seed()
    assert g.initial_seed() == s
    replay = kp.Generator().manual_seed(s)
    np.testing.assert_array_equal(kp.rand(4, generator=g).data,
                                  kp.rand(4, generator=replay).data)


def test_manual_seed_refuses_a_float():
    with pytest.raises(RuntimeError):
        torch.Generator().manual_seed(1.5)
    with pytest.raises(TypeError, match="expected an int, got float"):
        kp.Generator().manual_seed(1.5)


def test_in_place_random_fills_follow_the_seed():
    kp.manual_seed(11)
    a = kp.empty(3, 2, dtype=kp.float64).uniform_(-2.0, 3.0)
    b = kp.zeros(500).normal_(4.0, 0.1)
    kp.manual_seed(11)
    np.testing.assert_array_equal(kp.zeros(3, 2, dtype=kp.float64).uniform_(-2.0, 3.0).data,
                                  a.data)
    assert a.data.min() >= -2.0 and a.data.max() < 3.0
    assert b.dtype is kp.float32 and abs(b.data.mean() - 4.0) < 0.02


@pytest.mark.parametrize("method", ["uniform_", "normal_"])
def test_in_place_random_fills_refuse_integer_tensors(method):
    with pytest.raises(NotImplementedError):
        getattr(torch.zeros(3, dtype=torch.int64), method)()
    with pytest.raises(TypeError, match="floating point tensor, got int64"):
        getattr(kp.zeros(3, dtype=kp.int64), method)()


# ---- the *_like forms ----------------------------------------------------------------------

LIKE = {
    "zeros_like float": lambda m: m.zeros_like(m.ones(2, 3)),
    "zeros_like int": lambda m: m.zeros_like(m.tensor([[1, 2]])),
    "zeros_like float64 dtype": lambda m: m.zeros_like(m.tensor([1, 2]), dtype=m.float64),
    "ones_like bool": lambda m: m.ones_like(m.tensor([True, False])),
    "ones_like 0-d": lambda m: m.ones_like(m.tensor(3.0, dtype=m.float64)),
    "full_like float": lambda m: m.full_like(m.zeros(2, 2), 2.5),
    "full_like int truncates": lambda m: m.full_like(m.zeros(2, dtype=m.int64), 2.7),
    "full_like dtype": lambda m: m.full_like(m.zeros(2, dtype=m.int64), 2.5, dtype=m.float64),
}


@pytest.mark.parametrize("name", LIKE)
def test_like_forms_match_torch(name):
    k, t = on_both(LIKE[name])
    assert_same_tensor(k, t)


RANDOM_LIKE = {
    "empty_like": lambda m: m.empty_like(m.zeros(2, 3, dtype=m.float64)),
    "empty_like int": lambda m: m.empty_like(m.tensor([1, 2])),
    "rand_like": lambda m: m.rand_like(m.zeros(4, 1)),
    "randn_like float64": lambda m: m.randn_like(m.zeros(3, dtype=m.float64)),
    "randn_like dtype": lambda m: m.randn_like(m.zeros(3), dtype=m.float64),
    "randint_like high": lambda m: m.randint_like(m.zeros(5), 10),
    "randint_like low high": lambda m: m.randint_like(m.zeros(5, dtype=m.int64), 3, 6),
}


@pytest.mark.parametrize("name", RANDOM_LIKE)
def test_random_like_forms_have_torchs_shape_and_dtype(name):
    k, t = on_both(RANDOM_LIKE[name])
    assert k.shape == tuple(t.shape) and dtype_name(k) == dtype_name(t)


def test_randint_like_draws_from_the_range():
    x = kp.randint_like(kp.zeros(300, dtype=kp.int64), 3, 6).data
    assert set(np.unique(x)) == {3, 4, 5}


def test_like_forms_do_not_copy_requires_grad():
    x = kp.ones(3, requires_grad=True)
    for like in (kp.zeros_like, kp.ones_like, kp.empty_like, kp.rand_like, kp.randn_like):
        y = like(x)
        assert not y.requires_grad and y.is_leaf and y.shape == x.shape
        assert like(x, requires_grad=True).requires_grad
    assert not kp.full_like(x, 2.0).requires_grad
