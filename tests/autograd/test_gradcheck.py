"""``gradcheck`` and ``gradgradcheck`` against torch's: True for right derivatives, GradcheckError
(a RuntimeError, as torch's) naming the worst element for a wrong one, the tolerance rule,
central differences, float64 inputs, and what the checks leave untouched.
"""

import re
import sys

import numpy as np
import pytest
import torch

import konspekt as kp

TorchGradcheckError = sys.modules["torch.autograd.gradcheck"].GradcheckError


def leaf(L, values, requires_grad=True, dtype=np.float64):
    return L.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


X = np.array([[0.5, -1.2, 2.0], [0.3, 1.1, -0.4]])
W = np.array([1.5, 0.3, -0.7])


def wrong_cube(L, element=None, factor=1.0, offset=0.0, second_order=True):
    """x³ whose derivative is taken as 3x² · factor + offset at ``element`` of the flattened input
    (all elements when None); with ``second_order=False`` the backward is not differentiable."""

    class Cube(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            base = x if second_order else x.detach()
            scale = np.ones(x.shape)
            shift = np.zeros(x.shape)
            if element is None:
                scale[...], shift[...] = factor, offset
            else:
                scale.reshape(-1)[element], shift.reshape(-1)[element] = factor, offset
            return g * (3 * base ** 2 * L.tensor(scale) + L.tensor(shift))

    return Cube.apply


FUNCTIONS = {
    "one input": lambda L: (lambda x: (x.sin() * x).exp(), (leaf(L, X),)),
    "two inputs, broadcast": lambda L: (lambda x, w: (x * w).tanh() + x / (w * w + 1),
                                        (leaf(L, X), leaf(L, W))),
    "several outputs": lambda L: (lambda x, w: (x.sum(0) * w, (x @ w).sigmoid()),
                                  (leaf(L, X), leaf(L, W))),
    "number argument": lambda L: (lambda x, p: x.abs() ** p, (leaf(L, X + 3.0), 2.5)),
    "input without grad": lambda L: (lambda x, w: x * w.exp(),
                                     (leaf(L, X), leaf(L, W, requires_grad=False))),
    "unused input": lambda L: (lambda x, w: x.cos(), (leaf(L, X), leaf(L, W))),
    "reduction to a scalar": lambda L: (lambda x: (x * x).sum().sqrt(), (leaf(L, X),)),
    "custom function": lambda L: (wrong_cube(L), (leaf(L, X),)),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_right_derivatives_pass_both_checks(name):
    for L in (kp, torch):
        function, inputs = FUNCTIONS[name](L)
        assert L.autograd.gradcheck(function, inputs) is True
        assert L.autograd.gradgradcheck(function, inputs) is True


def test_inputs_may_be_a_list_or_a_single_tensor():
    for L in (kp, torch):
        x, w = leaf(L, X), leaf(L, W)
        assert L.autograd.gradcheck(lambda a, b: a * b, [x, w])
        assert L.autograd.gradgradcheck(lambda a, b: a * b * a, [x, w])
        assert L.autograd.gradcheck(lambda a: a.exp(), x)


def test_function_returning_a_list_of_outputs():
    for L in (kp, torch):
        x = leaf(L, X)
        assert L.autograd.gradcheck(lambda a: [a.exp(), a * 2], (x,))


def test_non_differentiable_output_before_a_differentiable_one():
    # The integer argmax has no gradient; gradgradcheck's cotangents must pair with a.exp() · a.
    # (torch's own gradcheck fails here with an IndexError, so konspekt is checked alone.)
    x = leaf(kp, X)
    assert kp.autograd.gradcheck(lambda a: (a.argmax(), a.exp()), (x,))
    assert kp.autograd.gradgradcheck(lambda a: (a.argmax(), a.exp() * a), (x,))
    assert torch.autograd.gradgradcheck(lambda a: (a.exp() * a, a.argmax()), (leaf(torch, X),))


def test_given_cotangents_for_gradgradcheck():
    for L in (kp, torch):
        x = leaf(L, X)
        v = leaf(L, np.full(X.shape, 0.5))
        assert L.autograd.gradgradcheck(lambda a: (a * a).sin(), (x,), (v,))


# ---- failures ----------------------------------------------------------------------------------


def test_gradcheck_error_is_a_runtime_error_like_torchs():
    assert issubclass(kp.autograd.GradcheckError, RuntimeError)
    assert issubclass(TorchGradcheckError, RuntimeError)


@pytest.mark.parametrize("element", [0, 4])
def test_wrong_backward_raises_naming_the_worst_element(element):
    for L, error in ((kp, kp.autograd.GradcheckError), (torch, TorchGradcheckError)):
        x = leaf(L, X)
        with pytest.raises(error, match="Jacobian mismatch"):
            L.autograd.gradcheck(wrong_cube(L, element, factor=1.1), (x,))
        assert L.autograd.gradcheck(wrong_cube(L, element, factor=1.1), (x,),
                                    raise_exception=False) is False
    x = leaf(kp, X)
    with pytest.raises(kp.autograd.GradcheckError) as failure:
        kp.autograd.gradcheck(wrong_cube(kp, element, factor=1.1), (x,))
    message = str(failure.value)
    assert f"output element {element}, input element {element}" in message
    analytical, numerical = map(float, re.search(r"analytical (\S+) vs numerical (\S+)",
                                                 message).groups())
    right = 3 * X.reshape(-1)[element] ** 2
    assert np.isclose(analytical, 1.1 * right) and np.isclose(numerical, right)


def test_the_worst_of_several_wrong_elements_is_named():
    x = leaf(kp, np.array([1.0, 2.0, 3.0]))

    class TwoWrong(kp.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, g):
            return g * kp.tensor([2.0, 2.5, 2.0]) + kp.tensor([0.0, 0.0, 0.1])

    with pytest.raises(kp.autograd.GradcheckError, match="output element 1, input element 1"):
        kp.autograd.gradcheck(TwoWrong.apply, (x,))


def test_wrong_derivative_of_a_second_input():
    for L in (kp, torch):
        x, w = leaf(L, X), leaf(L, W)
        cube = wrong_cube(L, 1, factor=0.5)
        assert not L.autograd.gradcheck(lambda a, b: a.sin() * cube(b), (x, w),
                                        raise_exception=False)
        # An input that does not require grad is not checked, wrong backward or not.
        assert L.autograd.gradcheck(lambda a, b: a.sin() * cube(b),
                                    (x, leaf(L, W, requires_grad=False)))


def test_wrong_second_derivative_fails_gradgradcheck_only():
    for L in (kp, torch):
        x = leaf(L, X)
        cube = wrong_cube(L, second_order=False)
        assert L.autograd.gradcheck(cube, (x,))
        assert not L.autograd.gradgradcheck(cube, (x,), raise_exception=False)
        with pytest.raises(RuntimeError):
            L.autograd.gradgradcheck(cube, (x,))


# ---- tolerance and differences -------------------------------------------------------------------


@pytest.mark.parametrize("factor, rtol, passes", [(1 + 1e-4, 1e-3, True), (1 + 1e-4, 1e-5, False),
                                                  (1 + 1e-2, 1e-3, False)])
def test_relative_tolerance(factor, rtol, passes):
    # |analytical − numerical| ≤ atol + rtol·|numerical|, the rule of torch's check.
    for L in (kp, torch):
        x = leaf(L, X + 3.0)
        assert L.autograd.gradcheck(wrong_cube(L, 2, factor=factor), (x,), rtol=rtol, atol=0.0,
                                    raise_exception=False) is passes


@pytest.mark.parametrize("offset, atol, passes", [(1e-6, 1e-5, True), (1e-4, 1e-5, False),
                                                  (1e-4, 1e-3, True)])
def test_absolute_tolerance(offset, atol, passes):
    for L in (kp, torch):
        x = leaf(L, X)
        assert L.autograd.gradcheck(wrong_cube(L, 3, offset=offset), (x,), atol=atol, rtol=0.0,
                                    raise_exception=False) is passes


def test_differences_are_central():
    # For x³, (f(x+ε) − f(x−ε)) / 2ε = 3x² + ε² exactly, while a one-sided difference would be
    # 3x² ± 3xε + ε². With a coarse ε, a backward of 3x² + ε² passes a tight check, 3x² fails.
    eps = 0.01
    for L in (kp, torch):
        x = leaf(L, X)
        shifted = wrong_cube(L, offset=eps ** 2)
        assert L.autograd.gradcheck(shifted, (x,), eps=eps, atol=1e-9, rtol=0.0)
        assert not L.autograd.gradcheck(wrong_cube(L), (x,), eps=eps, atol=1e-9, rtol=0.0,
                                        raise_exception=False)
        one_sided = wrong_cube(L, offset=3 * X * eps + eps ** 2)
        assert not L.autograd.gradcheck(one_sided, (x,), eps=eps, atol=1e-9, rtol=0.0,
                                        raise_exception=False)


# ---- inputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("check", ["gradcheck", "gradgradcheck"])
@pytest.mark.parametrize("raise_exception", [True, False])
def test_float32_inputs_are_refused(check, raise_exception):
    # torch only warns and goes on; konspekt refuses, as float32 rounding (~1e-7/ε) swamps the
    # difference. A refusal is not a failed check: it raises even with raise_exception=False.
    x32 = leaf(torch, X, dtype=np.float32)
    with pytest.warns(UserWarning, match="not of double precision"):
        getattr(torch.autograd, check)(lambda a: a * 2, (x32,), raise_exception=False)
    with pytest.raises(kp.autograd.GradcheckError, match="float64"):
        getattr(kp.autograd, check)(lambda a: a * 2, (leaf(kp, X, dtype=np.float32),),
                                    raise_exception=raise_exception)


def test_float32_input_that_does_not_require_grad_is_accepted():
    x = leaf(kp, X)
    c = leaf(kp, W, requires_grad=False, dtype=np.float32)
    assert kp.autograd.gradcheck(lambda a, b: a * b.double(), (x, c))


def test_checks_leave_the_inputs_as_they_were():
    x, w = leaf(kp, X), leaf(kp, W)
    before = x.detach().data.copy(), w.detach().data.copy()
    assert kp.autograd.gradcheck(lambda a, b: (a * b).exp(), (x, w))
    assert kp.autograd.gradgradcheck(lambda a, b: (a * b).exp(), (x, w))
    np.testing.assert_array_equal(x.detach().data, before[0])
    np.testing.assert_array_equal(w.detach().data, before[1])
    assert x.grad is None and w.grad is None
    assert x.requires_grad and w.requires_grad and x.is_leaf


def test_non_contiguous_input():
    for L in (kp, torch):
        x = leaf(L, X).detach().t().requires_grad_()
        assert L.autograd.gradcheck(lambda a: (a @ a.t()).sin(), (x,))
