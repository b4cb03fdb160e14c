"""Arithmetic against torch: values, first and second derivatives, broadcasting shapes, torch's
type promotion and the errors torch raises."""

import operator
import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import konspekt as kp
from oracle import (arrays_for, assert_close, assert_raises_like_torch, assert_same_result,
                    broadcast_shapes, check_gradients, compare_with_torch, dtype_name, seeds)

BINARY = {
    "add": (lambda a, b: a + b),
    "sub": (lambda a, b: a - b),
    "mul": (lambda a, b: a * b),
    "div": (lambda a, b: a / b),
}


def pair(values, dtype):
    """The same values as a konspekt and a torch tensor of one dtype (0-d for a scalar)."""
    array = np.asarray(values, dtype=dtype)
    return kp.tensor(array), torch.tensor(array)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=broadcast_shapes(), seed=seeds)
def test_binary_matches_torch_with_broadcasting(name, shapes, seed):
    a, b = arrays_for(shapes, seed, away_from=0.0)
    compare_with_torch(BINARY[name], BINARY[name], [a, b])


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck(name):
    a, b = arrays_for([(2, 3), (3,)], 1, away_from=0.0)
    check_gradients(BINARY[name], [a, b])


@pytest.mark.parametrize("alpha", [2, -0.5])
@pytest.mark.parametrize("name", ["add", "sub"])
def test_alpha_scales_the_other_operand(name, alpha):
    a, b = arrays_for([(3, 1), (4,)], 2)
    compare_with_torch(lambda x, y: getattr(kp, name)(x, y, alpha=alpha),
                       lambda x, y: getattr(torch, name)(x, y, alpha=alpha), [a, b])


@pytest.mark.parametrize("scalar", [2, -1.5])
@pytest.mark.parametrize("name", ["radd", "rsub", "rmul", "rdiv", "rpow", "rsub_fn"])
def test_python_number_on_the_left(name, scalar):
    functions = {
        "radd": lambda x: scalar + x,
        "rsub": lambda x: scalar - x,
        "rmul": lambda x: scalar * x,
        "rdiv": lambda x: scalar / x,
        "rpow": lambda x: abs(scalar) ** x,
    }
    if name == "rsub_fn":
        compare_with_torch(lambda x: kp.rsub(x, scalar, alpha=3),
                           lambda x: torch.rsub(x, scalar, alpha=3), arrays_for([(2, 3)], 3))
        return
    compare_with_torch(functions[name], functions[name], arrays_for([(2, 3)], 3, away_from=0.0))


@given(shapes=broadcast_shapes(), seed=seeds)
def test_tensor_power_tensor_with_broadcasting(shapes, seed):
    base, exponent = arrays_for(shapes, seed)
    base = np.abs(base) + 0.5  # a real logarithm needs a positive base
    compare_with_torch(lambda a, b: a ** b, lambda a, b: a ** b, [base, exponent])


@pytest.mark.parametrize("exponent", [2, 3, 1, 0, -1, -2, 0.5, -1.5, 2.5])
def test_tensor_power_number(exponent):
    x, = arrays_for([(3, 4)], 4, low=0.3, high=2.0)
    if isinstance(exponent, int):
        x = x * np.sign(np.arange(12).reshape(3, 4) % 2 - 0.5)  # integer powers of negatives
    compare_with_torch(lambda a: a ** exponent, lambda a: a ** exponent, [x])
    compare_with_torch(lambda a: kp.pow(a, exponent), lambda a: torch.pow(a, exponent), [x])


@pytest.mark.parametrize("base", [2.0, 0.5, 3, np.e])
def test_number_power_tensor(base):
    x, = arrays_for([(2, 3)], 5)
    compare_with_torch(lambda e: base ** e, lambda e: base ** e, [x])
    compare_with_torch(lambda e: kp.pow(base, e), lambda e: torch.pow(base, e), [x])


def test_zero_base_power_tensor_has_torch_gradients():
    # At a = 0, ln a = −inf: torch's slope in the exponent is 0 for b ≥ 0, and its slope in the
    # base is 0 for b = 0 (not 0 · 0⁻¹).
    a = np.array([0.0, 0.0, 0.0, 1.5, 0.0])
    b = np.array([0.0, 1.0, 2.5, 0.5, 2.0])
    compare_with_torch(lambda x, y: x ** y, lambda x, y: x ** y, [a, b], second_order=False)
    compare_with_torch(lambda x, y: x ** y, lambda x, y: x ** y, [a[:, None], b],
                       second_order=False)


def test_zero_number_power_tensor_has_zero_exponent_gradient():
    e = np.array([0.0, 0.5, 1.0, 2.0])
    compare_with_torch(lambda x: 0.0 ** x, lambda x: 0.0 ** x, [e], second_order=False)


def test_negative_number_power_tensor():
    # Integer exponents give real values; the slope in the exponent (ln of a negative) is NaN.
    e = np.array([1.0, 2.0, 3.0])
    compare_with_torch(lambda x: (-2.0) ** x, lambda x: (-2.0) ** x, [e])


def test_power_zero_exponent_gradient_at_zero_base():
    x = np.array([0.0, 1.0, -2.0])
    compare_with_torch(lambda a: a ** 0, lambda a: a ** 0, [x])
    compare_with_torch(lambda a: a ** 0.0, lambda a: a ** 0.0, [x])


def test_power_gradcheck():
    a, b = arrays_for([(2, 3), (3,)], 6, low=0.5, high=2.0)
    check_gradients(lambda x, y: x ** y, [a, b])
    check_gradients(lambda x: x ** 3, [a])
    check_gradients(lambda y: 2.0 ** y, [b])


@pytest.mark.parametrize("name", ["neg", "abs", "sign", "reciprocal", "square"])
@given(shape=broadcast_shapes(num_shapes=1), seed=seeds)
def test_unary_matches_torch(name, shape, seed):
    x, = arrays_for(shape, seed, away_from=0.0)
    # torch's second derivative of abs is a ZeroTensor, which has no NumPy view for the oracle to
    # read; test_abs_gradgradcheck covers it instead.
    second = name != "abs"
    compare_with_torch(getattr(kp, name), getattr(torch, name), [x], second_order=second)
    compare_with_torch(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x],
                       second_order=second)


def test_abs_gradgradcheck():
    check_gradients(kp.abs, arrays_for([(2, 3)], 7, away_from=0.0))


def test_operators_neg_and_abs():
    x, = arrays_for([(2, 3)], 7, away_from=0.0)
    compare_with_torch(lambda t: -t, lambda t: -t, [x])
    compare_with_torch(lambda t: abs(t), lambda t: abs(t), [x], second_order=False)


def test_abs_and_sign_at_zero():
    x = np.array([0.0, -1.0, 2.0])
    compare_with_torch(kp.abs, torch.abs, [x], second_order=False)
    compare_with_torch(kp.sign, torch.sign, [x])


UNARY_DTYPES = [(name, dtype) for name in ["abs", "neg", "sign", "square", "reciprocal"]
                for dtype in ["int64", "int32", "bool", "float32"]
                if not (dtype == "bool" and name in ("abs", "neg"))]  # torch refuses these


@pytest.mark.parametrize("name, dtype", UNARY_DTYPES)
def test_unary_dtypes(name, dtype):
    k, t = pair([[-2, 0, 3], [1, 5, -4]], dtype)
    if name == "reciprocal":
        k, t = pair([[-2, 1, 3], [1, 5, -4]], dtype)
    assert_same_result(getattr(kp, name)(k), getattr(torch, name)(t))


@given(shapes=broadcast_shapes(), seed=seeds)
def test_remainder_matches_torch(shapes, seed):
    a, b = arrays_for(shapes, seed, low=-5.0, high=5.0, away_from=0.0)
    compare_with_torch(kp.remainder, torch.remainder, [a, b])
    compare_with_torch(lambda x, y: x % y, lambda x, y: x % y, [a, b])


@given(shapes=broadcast_shapes(), seed=seeds)
def test_floor_divide_matches_torch(shapes, seed):
    a, b = arrays_for(shapes, seed, low=-5.0, high=5.0, away_from=0.0)
    # torch gives floor_divide no derivative at all, so compare values only.
    compare_with_torch(kp.floor_divide, torch.floor_divide, [a, b], requires_grad=[False, False])
    compare_with_torch(lambda x, y: x // y, lambda x, y: x // y, [a, b],
                       requires_grad=[False, False])


@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
@given(shapes=broadcast_shapes(), seed=seeds)
def test_div_rounding_modes(mode, shapes, seed):
    a, b = arrays_for(shapes, seed, low=-5.0, high=5.0, away_from=0.0)
    compare_with_torch(lambda x, y: kp.div(x, y, rounding_mode=mode),
                       lambda x, y: torch.div(x, y, rounding_mode=mode), [a, b])


@pytest.mark.parametrize("values", [(1.0, 0.1), (-1.0, 0.1), (3.0, 0.1), (7.0, -2.0),
                                    (-7.0, 2.0), (5.5, 0.5), (0.0, -3.0)])
def test_rounding_division_of_inexact_quotients(values):
    # 1 / 0.1 rounds to 10.0 in floating point, but the floor of the exact quotient is 9.
    a, b = (np.array([v]) for v in values)
    for mode in ("trunc", "floor"):
        compare_with_torch(lambda x, y: kp.div(x, y, rounding_mode=mode),
                           lambda x, y: torch.div(x, y, rounding_mode=mode), [a, b])
    compare_with_torch(kp.remainder, torch.remainder, [a, b])
    compare_with_torch(kp.floor_divide, torch.floor_divide, [a, b], requires_grad=[False, False])


@pytest.mark.parametrize("op", ["floor_divide", "remainder", "trunc", "floor", "true"])
@pytest.mark.parametrize("other", [3, -3, "tensor"])
def test_integer_division_family(op, other):
    k, t = pair([[-7, -6, -1, 0], [1, 5, 6, 7]], "int64")
    ko, to = (other, other) if other != "tensor" else pair([2, -3, 4, -5], "int64")
    functions = {
        "floor_divide": lambda m, x, y: m.floor_divide(x, y),
        "remainder": lambda m, x, y: m.remainder(x, y),
        "trunc": lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
        "floor": lambda m, x, y: m.div(x, y, rounding_mode="floor"),
        "true": lambda m, x, y: m.div(x, y),
    }
    assert_same_result(functions[op](kp, k, ko), functions[op](torch, t, to))


def test_python_number_on_the_left_of_floor_divide_and_remainder():
    a, = arrays_for([(2, 3)], 8, low=0.5, high=3.0)
    # torch has no derivative for a number's remainder by a tensor.
    compare_with_torch(lambda x: 7.5 % x, lambda x: 7.5 % x, [a], requires_grad=[False])
    compare_with_torch(lambda x: 7.5 // x, lambda x: 7.5 // x, [a], requires_grad=[False])
    k, t = pair([2, 3, -4], "int64")
    assert_same_result(7 // k, 7 // t)
    assert_same_result(7 % k, 7 % t)


def test_true_divide_is_div():
    a, b = arrays_for([(2, 3), (3,)], 9, away_from=0.0)
    compare_with_torch(kp.true_divide, torch.true_divide, [a, b])


def test_remainder_gradcheck():
    # No quotient a / b near an integer, where the remainder jumps.
    a = np.array([[1.3, -2.7, 4.1], [0.4, 3.4, -0.6]])
    b = np.array([0.7, -1.1, 2.3])
    check_gradients(kp.remainder, [a, b])


# (operation, left operand, right operand); an operand is a Python number or (values, dtype).
PROMOTION = [
    ("add", ([1, 2], "int64"), 2.5),
    ("mul", ([1, 2], "int64"), 3),
    ("add", ([1, 2], "int32"), 3),
    ("add", ([1, 2], "int32"), ([3, 4], "int64")),
    ("add", ([1, 2], "int32"), (5, "int64")),
    ("add", ([1, 2], "int64"), ([0.5, 1.5], "float32")),
    ("mul", (2.0, "float64"), ([0.5, 1.5], "float32")),
    ("mul", ([0.5, 1.5], "float32"), (2.0, "float64")),
    ("add", ([0.5, 1.5], "float32"), ([0.25, 1.0], "float64")),
    ("add", ([0.5, 1.5], "float16"), (2.0, "float64")),
    ("add", ([1, 2], "int64"), (0.5, "float64")),
    ("add", (1, "int64"), (0.5, "float32")),
    ("add", (1.0, "float64"), (0.5, "float32")),
    ("add", ([True, False], "bool"), 1),
    ("add", ([True, False], "bool"), True),
    ("add", ([True, False], "bool"), ([True, True], "bool")),
    ("mul", ([True, False], "bool"), ([0.5, 1.5], "float32")),
    ("add", ([True, False], "bool"), 2.5),
    ("add", ([True, False], "bool"), ([3, 4], "int32")),
    ("add", ([1, 2], "uint8"), ([-1, 3], "int8")),
    ("sub", ([1, 2], "int16"), ([3, 4], "int8")),
    ("div", ([1, 2], "int64"), ([4, 8], "int64")),
    ("div", ([1, 2], "int64"), 2),
    ("div", ([1, 2], "int32"), (2.0, "float64")),
    ("pow", ([1, 2], "int64"), 2),
    ("pow", ([1, 2], "int64"), 0.5),
    ("pow", 2, ([1, 2], "int64")),
    ("pow", 2.0, ([1, 2], "int64")),
    ("pow", ([1.5, 2.0], "float32"), (2.0, "float64")),
    ("pow", ([1, 2], "int64"), ([0.5, 1.5], "float32")),
    ("floor_divide", ([5, 7], "int64"), 2.5),
    ("remainder", ([5, 7], "int64"), 3),
    ("remainder", ([5, 7], "int32"), ([2, 3], "int64")),
    ("add", 2.5, ([1, 2], "int64")),
    ("mul", 2.5, ([True, False], "bool")),
]


def _operand(spec):
    if isinstance(spec, tuple):
        return pair(*spec)
    return spec, spec


OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "**": operator.pow, "//": operator.floordiv, "%": operator.mod}


@pytest.mark.parametrize("op, left, right", PROMOTION, ids=[str(p) for p in PROMOTION])
def test_type_promotion_matches_torch(op, left, right):
    kl, tl = _operand(left)
    kr, tr = _operand(right)
    assert_same_result(getattr(kp, op)(kl, kr), getattr(torch, op)(tl, tr))


@pytest.mark.parametrize("symbol", sorted(OPERATORS))
def test_operators_promote_like_torch(symbol):
    apply = OPERATORS[symbol]
    k, t = pair([1, 2, 3], "int64")
    kf, tf = pair([0.5, 1.5, 2.5], "float32")
    for left, right in ((k, 2), (k, 1.5), (kf, 2), (k, kf), (2, k), (1.5, k)):
        torch_left = t if left is k else tf if left is kf else left
        torch_right = t if right is k else tf if right is kf else right
        assert_same_result(apply(left, right), apply(torch_left, torch_right))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "floor_divide", "remainder", "div"])
@pytest.mark.parametrize("number", [-1, 300, -1000, 2 ** 40])
def test_out_of_range_numbers_wrap_into_the_integer_type(dtype, op, number):
    # torch casts the number to the tensor's type (wrapping around) before an integer operation,
    # but divides by the number as given.
    k, t = pair([5, 100, 127], dtype)
    try:
        expected = getattr(torch, op)(t, number)
    except RuntimeError as error:  # a divisor that wraps to 0
        with pytest.raises(RuntimeError, match=re.escape(str(error))):
            getattr(kp, op)(k, number)
        return
    assert_same_result(getattr(kp, op)(k, number), expected)


def test_float32_inputs_keep_float32_gradients():
    a = kp.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    b = kp.tensor(np.array([3.0, 4.0]), requires_grad=True)
    (a * b).sum().backward()
    ta = torch.tensor([1.0, 2.0], requires_grad=True)
    tb = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    (ta * tb).sum().backward()
    assert_same_result(a.grad, ta.grad)
    assert_same_result(b.grad, tb.grad)


@given(shapes=broadcast_shapes(min_dims=1), seed=seeds)
def test_mixed_precision_broadcast_gradients(shapes, seed):
    a, b = arrays_for(shapes, seed, away_from=0.0)
    ka = kp.tensor(a.astype(np.float32), requires_grad=True)
    kb = kp.tensor(b, requires_grad=True)
    ta = torch.tensor(a.astype(np.float32), requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    (ka / kb).sum().backward()
    (ta / tb).sum().backward()
    assert_same_result(ka.grad, ta.grad)
    assert_same_result(kb.grad, tb.grad)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "remainder",
                                  "floor_divide"])
def test_broadcast_mismatch_raises_like_torch(name):
    ka, ta = pair(np.ones((2, 3)), "float64")
    kb, tb = pair(np.ones((2, 4)), "float64")
    assert_raises_like_torch(lambda: getattr(kp, name)(ka, kb),
                             lambda: getattr(torch, name)(ta, tb))
    kc, tc = pair(np.ones((5, 1, 4)), "float64")
    assert_raises_like_torch(lambda: getattr(kp, name)(ka, kc),
                             lambda: getattr(torch, name)(ta, tc))


def test_broadcast_mismatch_message_names_the_sizes():
    with pytest.raises(RuntimeError, match=re.escape(
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
            "dimension 1")):
        kp.ones(2, 3) + kp.ones(2, 4)


@pytest.mark.parametrize("dtype", ["int64", "int8"])
def test_integer_tensor_to_negative_integer_tensor_powers(dtype):
    # 1 / a^n truncates to 0 unless |a| = 1, as torch computes it.
    k, t = pair([0, 1, -1, -1, 2, -2, 3, 2], dtype)
    ke, te = pair([-1, -1, -1, -2, -1, -2, -3, 3], dtype)
    assert_same_result(k ** ke, t ** te)
    assert_same_result(kp.pow(2, ke), torch.pow(2, te))
    assert_same_result(kp.pow(-1, ke), torch.pow(-1, te))


def test_integer_to_negative_integer_power_raises_like_torch():
    k, t = pair([1, 2], "int64")
    assert_raises_like_torch(lambda: k ** -1, lambda: t ** -1)


@pytest.mark.parametrize("name", ["floor_divide", "remainder", "trunc", "floor"])
def test_integer_division_by_zero_raises_like_torch(name):
    k, t = pair([1, 2], "int64")
    functions = {
        "floor_divide": lambda m, x: m.floor_divide(x, 0),
        "remainder": lambda m, x: m.remainder(x, 0),
        "trunc": lambda m, x: m.div(x, 0, rounding_mode="trunc"),
        "floor": lambda m, x: m.div(x, 0, rounding_mode="floor"),
    }
    assert_raises_like_torch(lambda: functions[name](kp, k), lambda: functions[name](torch, t))


def test_unknown_rounding_mode_raises_like_torch():
    k, t = pair([1.0, 2.0], "float64")
    assert_raises_like_torch(lambda: kp.div(k, 2, rounding_mode="round"),
                             lambda: torch.div(t, 2, rounding_mode="round"))


def test_bool_subtraction_and_negation_raise_like_torch():
    k, t = pair([True, False], "bool")
    assert_raises_like_torch(lambda: k - k, lambda: t - t)
    assert_raises_like_torch(lambda: -k, lambda: -t)


@pytest.mark.parametrize("other", ["text", None, object()], ids=["str", "None", "object"])
def test_unsupported_operand_raises_type_error(other):
    k, t = pair([1.0, 2.0], "float32")
    with pytest.raises(TypeError):
        t + other
    with pytest.raises(TypeError):
        k + other


@given(data=st.data())
def test_binary_ops_on_float32_match_torch_values(data):
    shapes = data.draw(broadcast_shapes())
    seed = data.draw(seeds)
    name = data.draw(st.sampled_from(sorted(BINARY)))
    a, b = arrays_for(shapes, seed, away_from=0.0)
    ka, ta = pair(a, "float32")
    kb, tb = pair(b, "float32")
    k, t = BINARY[name](ka, kb), BINARY[name](ta, tb)
    assert k.dtype.name == dtype_name(t)
    assert_close(k, t, rtol=1e-5, atol=1e-6)
