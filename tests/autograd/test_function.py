"""Custom ``Function`` subclasses against torch.autograd.Function: forward(ctx, …) and
backward(ctx, …), ``save_for_backward`` and ``saved_tensors``, ``needs_input_grad``, None for a
non-differentiable input, non-tensor arguments, higher derivatives of a backward written in Tensor
operations, ``once_differentiable``, and the errors of a wrong backward.

Each function is written once by ``functions(L)``; konspekt's forward receives arrays, torch's
receives tensors, and the arithmetic below works on both.
"""

import types

import numpy as np
import pytest
import torch
from torch.autograd.function import once_differentiable as torch_once_differentiable

import konspekt as kp
from oracle import assert_close, compare_with_torch


def functions(L):
    """The test functions, as subclasses of L.autograd.Function."""
    exp = np.exp if L is kp else torch.exp  # forward works on L's raw values
    once = kp.autograd.once_differentiable if L is kp else torch_once_differentiable

    class Cube(L.autograd.Function):
        """y = x³, y' = 3x²."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 3 * x ** 2

    class ExpTimes(L.autograd.Function):
        """y = eˣ·w; saves an input, the output and an intermediate (eˣ, a constant)."""

        @staticmethod
        def forward(ctx, x, w):
            e = exp(x)
            out = e * w
            ctx.save_for_backward(w, out, e)
            return out

        @staticmethod
        def backward(ctx, g):
            w, out, e = ctx.saved_tensors
            return g * out, g * e

    class Scaled(L.autograd.Function):
        """y = α·x + y₀ᵖ with number arguments in the middle and at the end."""

        @staticmethod
        def forward(ctx, x, alpha, y, power):
            ctx.alpha, ctx.power = alpha, power
            ctx.save_for_backward(y)
            ctx.log = []
            return alpha * x + y ** power

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            ctx.log.append(tuple(ctx.needs_input_grad))
            return g * ctx.alpha, None, g * ctx.power * y ** (ctx.power - 1), None

    class Take(L.autograd.Function):
        """y = x[index] with an integer index tensor: None is its gradient."""

        @staticmethod
        def forward(ctx, x, index):
            ctx.shape = x.shape
            ctx.save_for_backward(index)
            return x[index]

        @staticmethod
        def backward(ctx, g):
            index, = ctx.saved_tensors
            gx = L.zeros(tuple(ctx.shape), dtype=g.dtype)
            gx = gx.index_put((index,), g, accumulate=True)
            return gx, None

    class OnceCube(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @once
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 3 * x ** 2

    class DetachedCube(L.autograd.Function):
        """Right first derivative, wrong second: the backward cuts x from the graph."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 3 * x.detach() ** 2

    return types.SimpleNamespace(**{c.__name__: c for c in (
        Cube, ExpTimes, Scaled, Take, OnceCube, DetachedCube)})


K, T = functions(kp), functions(torch)


def leaf(L, values, requires_grad=True):
    return L.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def same_error(scenario, phrase, error=RuntimeError):
    with pytest.raises(error, match=phrase):
        scenario(torch, T)
    with pytest.raises(error, match=phrase):
        scenario(kp, K)


X = np.array([0.5, -1.2, 2.0, 0.3])
W = np.array([1.5, 0.3, -0.7, 2.2])


def test_cube_matches_torch_to_the_second_derivative():
    compare_with_torch(K.Cube.apply, T.Cube.apply, [X])
    compare_with_torch(lambda x: K.Cube.apply(x.sin()) * x, lambda x: T.Cube.apply(x.sin()) * x,
                       [X.reshape(2, 2)])


def test_cube_third_derivative_matches_torch():
    results = []
    for L, F in ((kp, K), (torch, T)):
        x = leaf(L, X)
        d1, = L.autograd.grad(F.Cube.apply(x).sum(), x, create_graph=True)
        d2, = L.autograd.grad(d1.sum(), x, create_graph=True)
        d3, = L.autograd.grad(d2.sum(), x)
        results.append((d1, d2, d3))
    for k, t in zip(*results):
        assert_close(k, t)
    assert_close(results[0][2], np.full(4, 6.0))


def test_node_of_a_custom_function():
    for L, F in ((kp, K), (torch, T)):
        x, w = leaf(L, X), leaf(L, W, requires_grad=False)
        y = F.ExpTimes.apply(x, w)
        assert y.grad_fn.name() == "ExpTimesBackward"
        first, second = y.grad_fn.next_functions
        assert first[0].name().endswith("AccumulateGrad") and second[0] is None
        assert F.Cube.apply(w).grad_fn is None and not F.Cube.apply(w).requires_grad
        with L.no_grad():
            assert not F.Cube.apply(x).requires_grad


def test_saved_input_output_and_intermediate():
    # The intermediate eˣ comes back as a constant in both libraries, so the second derivative
    # through w's gradient g·eˣ is lost the same way.
    compare_with_torch(K.ExpTimes.apply, T.ExpTimes.apply, [X, W])


def test_saved_input_is_the_input_tensor():
    seen = []

    class Keep(kp.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            out = x * w
            ctx.save_for_backward(x, out, out + 1.0)
            return out

        @staticmethod
        def backward(ctx, g):
            x, out, constant = ctx.saved_tensors
            seen.append((x, out, constant))
            return g * (out / x), g * x

    x, w = leaf(kp, X), leaf(kp, W)
    y = Keep.apply(x, w)
    y.sum().backward()
    saved_x, saved_out, constant = seen[0]
    assert saved_x is x
    assert_close(saved_out, y.detach())
    assert not constant.requires_grad
    assert_close(x.grad, W)
    # With create_graph the output comes back linked to its node, so it can be differentiated.
    kp.autograd.grad(Keep.apply(x, w).sum(), x, create_graph=True)
    assert seen[1][1].grad_fn is not None and seen[1][0] is x


@pytest.mark.parametrize("x_requires, y_requires", [(True, True), (True, False), (False, True)])
def test_needs_input_grad_and_number_arguments(x_requires, y_requires):
    results = []
    for L, F in ((kp, K), (torch, T)):
        x, y = leaf(L, X, x_requires), leaf(L, W, y_requires)
        out = F.Scaled.apply(x, 2.5, y, 3)
        (out * out).sum().backward()
        results.append((out, x.grad, y.grad, out.grad_fn.log))
    (k_out, kx, ky, k_log), (t_out, tx, ty, t_log) = results
    assert_close(k_out, t_out)
    assert k_log == t_log == [(x_requires, False, y_requires, False)]
    for k, t in ((kx, tx), (ky, ty)):
        assert (k is None) == (t is None)
        if t is not None:
            assert_close(k, t)


def test_number_arguments_to_the_second_derivative():
    compare_with_torch(lambda x, y: K.Scaled.apply(x, -1.5, y, 3),
                       lambda x, y: T.Scaled.apply(x, -1.5, y, 3), [X, np.abs(W) + 0.1])


def test_none_for_a_non_differentiable_input():
    index = np.array([0, 2, 2, 3])
    compare_with_torch(lambda x, i: K.Take.apply(x, i), lambda x, i: T.Take.apply(x, i),
                       [X, index])


def test_gradient_for_an_input_that_does_not_require_grad_is_ignored():
    results = []
    for L, F in ((kp, K), (torch, T)):
        x, w = leaf(L, X), leaf(L, W, requires_grad=False)
        F.ExpTimes.apply(x, w).sum().backward()  # backward returns a gradient for w too
        results.append((x.grad, w.grad))
    assert_close(results[0][0], results[1][0])
    assert results[0][1] is None and results[1][1] is None


def test_custom_function_inside_a_larger_graph_with_hooks():
    results = []
    for L, F in ((kp, K), (torch, T)):
        x, w = leaf(L, X), leaf(L, W)
        h = F.Cube.apply(x * w)
        h.register_hook(lambda g: g * 0.5)
        out = F.ExpTimes.apply(h.tanh(), w) + F.Cube.apply(w)
        out.sum().backward()
        results.append((out, x.grad, w.grad))
    for k, t in zip(*results):
        assert_close(k, t)


def test_custom_function_passes_gradcheck_and_gradgradcheck():
    for L, F in ((kp, K), (torch, T)):
        x, w = leaf(L, X), leaf(L, W)
        assert L.autograd.gradcheck(F.Cube.apply, (x,))
        assert L.autograd.gradgradcheck(F.Cube.apply, (x,))
        assert L.autograd.gradcheck(F.ExpTimes.apply, (x, w))
        assert L.autograd.gradcheck(lambda a, b: F.Scaled.apply(a, 0.5, b, 2), (x, w))
        assert L.autograd.gradgradcheck(lambda a, b: F.Scaled.apply(a, 0.5, b, 2), (x, w))


def test_backward_that_is_not_differentiable_fails_gradgradcheck_only():
    for L, F in ((kp, K), (torch, T)):
        x = leaf(L, X)
        assert L.autograd.gradcheck(F.DetachedCube.apply, (x,))
        assert not L.autograd.gradgradcheck(F.DetachedCube.apply, (x,), raise_exception=False)
        with pytest.raises(RuntimeError):
            L.autograd.gradgradcheck(F.DetachedCube.apply, (x,))


# ---- once_differentiable ---------------------------------------------------------------------


def test_once_differentiable_first_derivative_matches_torch():
    compare_with_torch(K.OnceCube.apply, T.OnceCube.apply, [X], second_order=False)


def test_once_differentiable_second_derivative_raises():
    def scenario(L, F):
        x = leaf(L, X)
        y = F.OnceCube.apply(x)
        gx, = L.autograd.grad((y * y).sum(), x, create_graph=True)
        assert gx.requires_grad
        gx.sum().backward()

    same_error(scenario, "trying to differentiate twice a function that was marked with "
                         "@once_differentiable")


def test_once_differentiable_with_a_constant_cotangent_gives_a_constant():
    # The cotangent of a sum does not require grad: the gradient is a plain tensor in both.
    def scenario(L, F):
        x = leaf(L, X)
        gx, = L.autograd.grad(F.OnceCube.apply(x).sum(), x, create_graph=True)
        assert not gx.requires_grad
        gx.sum().backward()

    same_error(scenario, "does not require grad")


def test_once_differentiable_second_derivative_with_grad_reports_unused():
    def scenario(L, F, allow_unused=False):
        x = leaf(L, X)
        y = F.OnceCube.apply(x)
        gx, = L.autograd.grad((y * y).sum(), x, create_graph=True)
        return L.autograd.grad(gx.sum(), x, allow_unused=allow_unused)

    same_error(scenario, "appears to not have been used in the graph")
    assert scenario(kp, K, True) == (None,) == scenario(torch, T, True)


def test_once_differentiable_runs_its_backward_without_recording():
    recorded = []

    class Probe(kp.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        @kp.autograd.once_differentiable
        def backward(ctx, g):
            recorded.append(kp.is_grad_enabled())
            return g * 2

    x = leaf(kp, X)
    kp.autograd.grad((Probe.apply(x) ** 2).sum(), x, create_graph=True)
    assert recorded == [False]


# ---- errors ------------------------------------------------------------------------------------


def binary(L, returned):
    """A product x·w whose backward returns ``returned(g, x, w)``."""

    class Product(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return returned(g, x, w)

    return Product


@pytest.mark.parametrize("returned, w_requires", [
    (lambda g, x, w: g * w, True),  # one tensor for two inputs
    (lambda g, x, w: (g * w,), True),
    (lambda g, x, w: (g * w,), False),  # torch counts the inputs, not those needing grad
    (lambda g, x, w: (g * w, g * x, g), True),
])
def test_wrong_number_of_gradients_raises(returned, w_requires):
    def scenario(L, F):
        x, w = leaf(L, X), leaf(L, W, w_requires)
        binary(L, returned).apply(x, w).sum().backward()

    if not w_requires:
        # konspekt lets a backward leave out trailing inputs that need no gradient (its own
        # operations end with options such as dim); torch does not.
        with pytest.raises(RuntimeError, match="incorrect number of gradients"):
            scenario(torch, T)
        return
    same_error(scenario, r"returned an incorrect number of gradients \(expected 2, got")


def test_surplus_trailing_none_gradients_are_accepted():
    results = []
    for L in (kp, torch):
        x, w = leaf(L, X), leaf(L, W)
        binary(L, lambda g, x, w: (g * w, g * x, None, None)).apply(x, w).sum().backward()
        results.append((x.grad, w.grad))
    for k, t in zip(*results):
        assert_close(k, t)


def test_gradient_of_a_wrong_type_raises():
    def scenario(L, F):
        x, w = leaf(L, X), leaf(L, W)
        binary(L, lambda g, x, w: (1.5, g * x)).apply(x, w).sum().backward()

    same_error(scenario, "float")


def test_function_without_backward_raises_on_backward():
    def scenario(L, F):
        class Forward(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

        Forward.apply(leaf(L, X)).sum().backward()

    same_error(scenario, ".", NotImplementedError)


def test_saved_tensors_after_backward_raise():
    def scenario(L, F):
        y = F.Cube.apply(leaf(L, X))
        y.sum().backward()
        y.grad_fn.saved_tensors

    same_error(scenario, "Trying to backward through the graph a second time")


def test_second_backward_through_a_custom_function():
    def scenario(L, F):
        x = leaf(L, X)
        y = F.Cube.apply(x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    assert_close(scenario(kp, K), scenario(torch, T))
    assert_close(scenario(kp, K), 6 * X ** 2)

    def without_retain(L, F):
        x = leaf(L, X)
        y = F.Cube.apply(x).sum()
        y.backward()
        y.backward()

    same_error(without_retain, "retain_graph=True")


def test_in_place_change_of_a_saved_input_raises():
    def scenario(L, F):
        x = leaf(L, X)
        h = x * 1.0
        y = F.Cube.apply(h)
        h.add_(1.0)
        y.sum().backward()

    same_error(scenario, "modified by an inplace operation")
