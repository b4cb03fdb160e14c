"""Grad mode against torch: ``no_grad``, ``enable_grad`` and ``set_grad_enabled`` as context
managers, decorators (with and without parentheses, on functions and generators) and a plain call;
nesting, exceptions, threads; what is recorded under each mode; which tensors may require grad.
"""

import threading

import numpy as np
import pytest
import torch

import konspekt as kp
from oracle import assert_close


def same(scenario):
    """Run ``scenario(L)`` with konspekt and torch; the results (no tensors) must be equal."""
    assert scenario(kp) == scenario(torch)


def same_error(scenario, phrase, error=RuntimeError):
    with pytest.raises(error, match=phrase):
        scenario(torch)
    with pytest.raises(error, match=phrase):
        scenario(kp)


@pytest.fixture(autouse=True)
def grad_mode_restored():
    """A failing test must not leave the mode switched off for the next one."""
    yield
    assert kp.is_grad_enabled() and torch.is_grad_enabled()


def test_the_names_are_shared():
    assert kp.no_grad is kp.autograd.no_grad
    assert kp.enable_grad is kp.autograd.enable_grad
    assert kp.set_grad_enabled is kp.autograd.set_grad_enabled
    assert kp.is_grad_enabled is kp.autograd.is_grad_enabled


def test_context_managers_nest():
    def scenario(L):
        log = [L.is_grad_enabled()]
        with L.no_grad():
            log.append(L.is_grad_enabled())
            with L.enable_grad():
                log.append(L.is_grad_enabled())
                with L.set_grad_enabled(False):
                    log.append(L.is_grad_enabled())
                    with L.no_grad():
                        log.append(L.is_grad_enabled())
                    log.append(L.is_grad_enabled())
                log.append(L.is_grad_enabled())
                with L.set_grad_enabled(True):
                    log.append(L.is_grad_enabled())
            log.append(L.is_grad_enabled())
        log.append(L.is_grad_enabled())
        return log

    same(scenario)


def test_set_grad_enabled_as_a_call():
    def scenario(L):
        log = []
        L.set_grad_enabled(False)
        log.append(L.is_grad_enabled())
        x = L.ones(2, requires_grad=True)
        log.append((x * 2).requires_grad)
        L.set_grad_enabled(True)
        log.append(L.is_grad_enabled())
        log.append((x * 2).requires_grad)
        return log

    same(scenario)


def test_context_manager_value_and_exceptions():
    def scenario(L):
        log = []
        for manager in (L.no_grad(), L.enable_grad(), L.set_grad_enabled(False)):
            with manager as value:
                log.append(value)
            try:
                with L.no_grad():
                    raise ValueError("inside")
            except ValueError:
                log.append(L.is_grad_enabled())
        with pytest.raises(KeyError):
            with L.no_grad():
                with L.enable_grad():
                    raise KeyError("deep")
        log.append(L.is_grad_enabled())
        return log

    same(scenario)


@pytest.mark.parametrize("form", ["no_grad()", "no_grad", "enable_grad()", "enable_grad",
                                  "set_grad_enabled(False)", "set_grad_enabled(True)"])
def test_decorators(form):
    def scenario(L):
        decorator = eval("L." + form, {"L": L})

        @decorator
        def function(x, scale=2.0):
            """Doubles x."""
            return L.is_grad_enabled(), (x * scale).requires_grad

        x = L.ones(2, requires_grad=True)
        outside = L.is_grad_enabled()
        with L.no_grad():
            inside_no_grad = function(x)
        return (outside, function(x, scale=3.0), inside_no_grad, L.is_grad_enabled(),
                function.__name__, function.__doc__)

    same(scenario)


def test_decorated_method():
    def scenario(L):
        class Model:
            @L.no_grad()
            def predict(self, x):
                return (x * 2).requires_grad

            @L.enable_grad()
            def train(self, x):
                return (x * 2).requires_grad

        x = L.ones(2, requires_grad=True)
        with L.no_grad():
            trained = Model().train(x)
        return Model().predict(x), trained

    same(scenario)


@pytest.mark.parametrize("form", ["no_grad()", "no_grad", "set_grad_enabled(False)"])
def test_decorated_generator_runs_each_step_in_the_mode(form):
    def scenario(L):
        decorator = eval("L." + form, {"L": L})

        @decorator
        def steps(n):
            received = []
            for i in range(n):
                got = yield (i, L.is_grad_enabled())
                received.append((got, L.is_grad_enabled()))
            return received

        log = []
        generator = steps(3)
        log.append(next(generator))
        log.append(L.is_grad_enabled())  # the caller's mode between steps
        log.append(generator.send("hello"))
        log.append(L.is_grad_enabled())

        def outer():
            result = yield from steps(2)
            log.append(result)

        log.append(list(outer()))
        thrown = steps(2)
        next(thrown)
        with pytest.raises(ValueError):
            thrown.throw(ValueError("stop"))
        log.append(L.is_grad_enabled())
        closed = steps(2)
        next(closed)
        closed.close()
        log.append(L.is_grad_enabled())
        log.append(steps.__name__)
        return log

    same(scenario)


def test_reentering_one_instance_restores_each_level():
    # A shared instance entered recursively must give back the mode of each level. (torch keeps
    # a single previous value per instance, so there the outer exit leaves grad mode off.)
    shared = kp.no_grad()
    log = []

    def recurse(depth):
        with shared:
            log.append(kp.is_grad_enabled())
            if depth:
                recurse(depth - 1)
            log.append(kp.is_grad_enabled())

    recurse(2)
    assert log == [False] * 6
    assert kp.is_grad_enabled()
    with kp.enable_grad():
        with kp.no_grad():
            pass
        assert kp.is_grad_enabled()


def test_grad_mode_is_per_thread():
    def scenario(L):
        seen = []
        ready, done = threading.Event(), threading.Event()

        def other():
            seen.append(L.is_grad_enabled())  # the main thread is inside no_grad now
            ready.set()
            done.wait(5)
            seen.append(L.is_grad_enabled())

        with L.no_grad():
            thread = threading.Thread(target=other)
            thread.start()
            ready.wait(5)
            seen.append(L.is_grad_enabled())
        done.set()
        thread.join()
        return seen

    same(scenario)


def test_set_grad_enabled_needs_a_bool():
    def scenario(L):
        L.set_grad_enabled(1)

    same_error(scenario, "must be( a)? bool", TypeError)


# ---- what is recorded ----------------------------------------------------------------------------


def test_results_under_no_grad_do_not_require_grad():
    def scenario(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.no_grad():
            # (Not views: torch marks a view made under no_grad of a tensor requiring grad as
            # requiring grad, without a grad_fn; konspekt records nothing for it either way.)
            results = [x * 2, x.exp(), x.sum(), x + x, x.clone(), x @ x, x.double()]
            nested = (x * 3).requires_grad
            with L.enable_grad():
                recorded = x * 3
        return ([(r.requires_grad, r.grad_fn is None, r.is_leaf) for r in results],
                nested, recorded.requires_grad, recorded.grad_fn is None,
                x.requires_grad, x.is_leaf)

    same(scenario)


def test_a_value_computed_under_no_grad_is_a_constant():
    def scenario(L):
        x = L.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
        with L.no_grad():
            y = x.sin() * 2
        z = (y * x).sum()
        z.backward()
        return x.grad

    assert_close(scenario(kp), scenario(torch))


def test_backward_runs_under_no_grad():
    # no_grad governs recording, not the backward pass of a graph built before.
    def scenario(L):
        x = L.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
        y = (x * x.exp()).sum()
        with L.no_grad():
            y.backward()
        return x.grad

    assert_close(scenario(kp), scenario(torch))


def test_grad_with_create_graph_under_no_grad():
    def scenario(L):
        x = L.tensor(np.array([0.5, -1.0]), requires_grad=True)
        y = (x ** 3).sum()
        with L.no_grad():
            g, = L.autograd.grad(y, x, create_graph=True)
        return g.requires_grad, L.is_grad_enabled()

    same(scenario)


def test_custom_function_under_no_grad_records_nothing():
    class Double(kp.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = kp.tensor([1.0, 2.0], requires_grad=True)
    with kp.no_grad():
        y = Double.apply(x)
    assert not y.requires_grad and y.grad_fn is None
    assert Double.apply(x).requires_grad


# ---- which tensors may require grad ------------------------------------------------------------


@pytest.mark.parametrize("how", ["tensor", "requires_grad_", "attribute", "zeros", "ones_like"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
def test_only_floating_tensors_can_require_grad(how, dtype):
    def scenario(L):
        kind = getattr(L, dtype)
        if how == "tensor":
            L.tensor([1, 0], dtype=kind, requires_grad=True)
        elif how == "requires_grad_":
            L.tensor([1, 0], dtype=kind).requires_grad_()
        elif how == "attribute":
            L.tensor([1, 0], dtype=kind).requires_grad = True
        elif how == "zeros":
            L.zeros(2, dtype=kind, requires_grad=True)
        else:
            L.ones_like(L.tensor([1, 0], dtype=kind), requires_grad=True)

    same_error(scenario, "(O|o)nly Tensors of floating point")


def test_integer_tensor_may_set_requires_grad_false():
    def scenario(L):
        t = L.tensor([1, 2])
        t.requires_grad_(False)
        t.requires_grad = False
        return t.requires_grad

    same(scenario)


def test_requires_grad_of_a_non_leaf_cannot_be_switched_off():
    def scenario(L):
        y = L.ones(2, requires_grad=True) * 2
        y.requires_grad = False

    same_error(scenario, "you can only change requires_grad flags of leaf variables")


def test_requires_grad_switch_on_a_leaf():
    def scenario(L):
        x = L.tensor([1.0, 2.0])
        before = (x * 2).requires_grad
        x.requires_grad_()
        after = (x * 2).requires_grad
        x.requires_grad_(False)
        return before, after, (x * 2).requires_grad, x.is_leaf

    same(scenario)


def test_floating_results_of_integer_tensors_do_not_require_grad():
    def scenario(L):
        i = L.tensor([1, 2, 3])
        x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        return ((i * 2.5).requires_grad, (i + x).requires_grad, (x > 1).requires_grad,
                x.argmax().requires_grad, x.long().requires_grad)

    same(scenario)


def test_decorator_keeps_the_function_information():
    def documented(a, b=1):
        """Adds."""
        return a + b

    for L in (kp, torch):
        for decorator in (L.no_grad(), L.no_grad, L.enable_grad(), L.set_grad_enabled(False)):
            wrapped = decorator(documented)
            assert wrapped.__wrapped__ is documented
            assert wrapped.__name__ == "documented" and wrapped.__doc__ == "Adds."
            assert wrapped(1, b=2) == 3
