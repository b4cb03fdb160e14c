"""Conversions against torch: ``to``, the dtype shorthands, ``clone`` and ``type_as`` — values,
dtypes, gradients through floating casts, and the end of the graph at an integer cast."""

import numpy as np
import pytest
import torch

import konspekt as kp
from oracle import arrays_for, assert_close, compare_with_torch

DTYPES = ["float16", "float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"]
SHORTHANDS = ["float", "double", "half", "long", "int", "bool"]
VALUES = {"f": [[-1.75, -0.5, 0.0], [0.5, 2.25, 3.0]], "i": [[-3, -1, 0], [1, 2, 7]],
          "u": [[0, 1, 2], [3, 7, 200]], "b": [[True, False, True], [False, False, True]]}


def pair(values, dtype):
    array = np.asarray(values, dtype=dtype)
    return kp.tensor(array), torch.tensor(array)


def sample(dtype, unsigned=False):
    values = np.asarray(VALUES[np.dtype(dtype).kind])
    # A negative float cast to uint8 is undefined behaviour in C, so torch's value is not fixed.
    return pair(np.abs(values) if unsigned and values.dtype.kind == "f" else values, dtype)


def assert_same_result(k, t, rtol=1e-6):
    assert k.dtype.name == str(t.dtype).removeprefix("torch."), f"{k.dtype} vs {t.dtype}"
    assert k.requires_grad == t.requires_grad
    assert (k.grad_fn is None) == (t.grad_fn is None)
    assert_close(k, t, rtol=rtol)


@pytest.mark.parametrize("source", DTYPES)
@pytest.mark.parametrize("name", SHORTHANDS)
def test_shorthands_match_torch(name, source):
    k, t = sample(source)
    assert_same_result(getattr(k, name)(), getattr(t, name)(), rtol=1e-3)


@pytest.mark.parametrize("target", DTYPES)
@pytest.mark.parametrize("source", DTYPES)
def test_to_dtype_matches_torch(source, target):
    k, t = sample(source, unsigned=target == "uint8")
    assert_same_result(k.to(getattr(kp, target)), t.to(getattr(torch, target)), rtol=1e-3)
    assert_same_result(k.to(dtype=getattr(kp, target)), t.to(dtype=getattr(torch, target)),
                       rtol=1e-3)


@pytest.mark.parametrize("python_type", [float, int, bool])
def test_to_python_type(python_type):
    k, t = sample("float32")
    assert_same_result(k.to(python_type), t.to(python_type))


def test_to_another_tensor_and_type_as():
    k, t = sample("float64")
    ki, ti = sample("int32")
    assert_same_result(k.to(ki), t.to(ti))
    assert_same_result(k.type_as(ki), t.type_as(ti))
    assert_same_result(ki.type_as(k), ti.type_as(t))


def test_to_the_same_dtype_returns_the_tensor_itself_unless_copy():
    k, t = sample("float32")
    assert (k.to(kp.float32) is k) == (t.to(torch.float32) is t) == True  # noqa: E712
    assert (k.float() is k) == (t.float() is t)
    copied, torch_copied = k.to(kp.float32, copy=True), t.to(torch.float32, copy=True)
    assert copied is not k and torch_copied is not t
    copied[0, 0] = 100.0
    assert k.data[0, 0] != 100.0


def test_to_cpu_device():
    k, t = sample("float32")
    assert_same_result(k.to("cpu"), t.to("cpu"))
    assert_same_result(k.to("cpu", kp.float64), t.to("cpu", torch.float64))
    assert_same_result(k.to(device="cpu", dtype=kp.int64), t.to(device="cpu", dtype=torch.int64))


@pytest.mark.parametrize("source, target", [("float32", "float64"), ("float64", "float32"),
                                            ("float32", "float16"), ("float16", "float64")])
def test_floating_cast_passes_the_gradient_back_in_the_input_dtype(source, target):
    x = np.array([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]], dtype=source)
    w = np.array([1.0, -2.0, 0.5], dtype=target)
    k, t = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ky, ty = k.to(getattr(kp, target)), t.to(getattr(torch, target))
    assert_same_result(ky, ty, rtol=1e-3)
    (ky * kp.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    assert_same_result(k.grad, t.grad, rtol=1e-3)


def test_floating_cast_first_and_second_derivatives():
    x, = arrays_for([(2, 3)], 1)
    compare_with_torch(lambda t: (t.float() ** 3).double() * t,
                       lambda t: (t.float() ** 3).double() * t, [x], rtol=1e-5)
    compare_with_torch(lambda t: t.to(kp.float32).to(kp.float64).exp(),
                       lambda t: t.to(torch.float32).to(torch.float64).exp(), [x], rtol=1e-5)


@pytest.mark.parametrize("name", ["long", "int", "bool"])
def test_cast_to_an_integer_type_ends_the_graph(name):
    x = np.array([0.5, -1.5, 2.0])
    k, t = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ky, ty = getattr(k, name)(), getattr(t, name)()
    assert_same_result(ky, ty)
    # The cast result is a constant: the gradient comes through the other factor only.
    (ky.double() * k).sum().backward()
    (ty.double() * t).sum().backward()
    assert_same_result(k.grad, t.grad)


@pytest.mark.parametrize("dtype", DTYPES)
def test_clone_matches_torch(dtype):
    k, t = sample(dtype)
    assert_same_result(kp.clone(k), torch.clone(t), rtol=1e-3)
    copy = k.clone()
    copy[0, 0] = 1
    assert_same_result(k, t, rtol=1e-3)


def test_clone_passes_the_gradient():
    x, = arrays_for([(2, 3)], 2)
    compare_with_torch(lambda t: kp.clone(t) * t, lambda t: torch.clone(t) * t, [x])
    compare_with_torch(lambda t: t.clone().exp(), lambda t: t.clone().exp(), [x])


def test_to_with_copy_keeps_the_graph():
    x, = arrays_for([(3,)], 3)
    compare_with_torch(lambda t: t.to(kp.float64, copy=True) ** 2,
                       lambda t: t.to(torch.float64, copy=True) ** 2, [x])
