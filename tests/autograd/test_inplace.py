"""In-place operations against torch: the version counter that catches a saved tensor changed
before backward (directly, through a view, or through ``detach``), the refusal to change a leaf
that requires grad, the gradients of in-place chains on non-leaf tensors, and in-place updates
under ``no_grad`` (the optimiser step).
"""

import numpy as np
import pytest
import torch
from hypothesis import given

import konspekt as kp
from oracle import assert_close, compare_with_torch, seeds

MODIFIED = "modified by an inplace operation"
LEAF = "leaf Variable that requires grad is being used in an in-place operation"


def same_error(scenario, phrase, error=RuntimeError):
    """Both libraries raise ``error`` with ``phrase`` in the message."""
    with pytest.raises(error, match=phrase):
        scenario(torch)
    with pytest.raises(error, match=phrase):
        scenario(kp)


def same(scenario):
    """Run ``scenario(L)`` with konspekt and torch; tensors, numbers and tuples must agree."""
    got, expected = scenario(kp), scenario(torch)
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        if isinstance(e, torch.Tensor):
            assert_close(g, e, what=f"result[{i}]")
        else:
            assert g == e, f"result[{i}]: {g!r} vs torch's {e!r}"


def leaf(L, values, requires_grad=True):
    return L.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
W = [[1.5, 0.3, -0.7], [0.2, -1.1, 0.9]]

# name → an in-place change of t, written once for both libraries.
MODIFICATIONS = {
    "add_": lambda L, t: t.add_(1.0),
    "sub_": lambda L, t: t.sub_(0.5),
    "mul_": lambda L, t: t.mul_(2.0),
    "div_": lambda L, t: t.div_(2.0),
    "+=": lambda L, t: t.__iadd__(leaf(L, np.ones(t.shape), requires_grad=False)),
    "setitem": lambda L, t: t.__setitem__(0, 5.0),
    "copy_": lambda L, t: t.copy_(L.ones(t.shape, dtype=L.float64)),
    "fill_": lambda L, t: t.fill_(0.5),
    "zero_": lambda L, t: t.zero_(),
    "clamp_": lambda L, t: t.clamp_(-0.1, 0.1),
    "masked_fill_": lambda L, t: t.masked_fill_(t > 0, 0.0),
}


# ---- a saved tensor changed before backward ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(MODIFICATIONS))
@pytest.mark.parametrize("saver", ["sin", "mul"])
@pytest.mark.parametrize("grad_mode", [True, False])
def test_modifying_a_saved_input_raises(name, saver, grad_mode):
    # sin saves its input; y * w saves y for w's gradient. The change may be recorded or not.
    def scenario(L):
        x, w = leaf(L, X), leaf(L, W)
        y = x * 2.0
        z = y.sin() if saver == "sin" else y * w
        with L.set_grad_enabled(grad_mode):
            MODIFICATIONS[name](L, y)
        z.sum().backward()

    same_error(scenario, MODIFIED)


@pytest.mark.parametrize("function", ["exp", "tanh", "sigmoid", "sqrt"])
@pytest.mark.parametrize("name", ["add_", "mul_", "setitem", "fill_"])
def test_modifying_a_saved_output_raises(function, name):
    def scenario(L):
        x = leaf(L, np.abs(X) + 0.5)
        y = getattr(x, function)()
        MODIFICATIONS[name](L, y)
        y.sum().backward()

    same_error(scenario, MODIFIED)


@pytest.mark.parametrize("function", ["exp_", "tanh_", "sigmoid_"])
@pytest.mark.parametrize("grad_mode", [True, False])
def test_modifying_the_output_of_an_in_place_function_raises(function, grad_mode):
    # y.exp_() saves the new y: a later change of y must be caught like that of exp(x)'s output.
    def scenario(L):
        x = leaf(L, X)
        y = x * 1.0
        getattr(y, function)()
        with L.set_grad_enabled(grad_mode):
            y.mul_(2.0)
        y.sum().backward()

    same_error(scenario, MODIFIED)


def test_error_names_the_node_and_the_versions():
    x = leaf(kp, X)
    y = x * 2.0
    z = y.sin()
    y.add_(1.0)
    y.mul_(3.0)
    with pytest.raises(RuntimeError, match=r"shape \[2, 3\].*SinBackward.*version 2; "
                                           r"expected version 0"):
        z.sum().backward()


VIEWS = {
    "reshape": lambda t: t.reshape(6),
    "view": lambda t: t.view(-1),
    "slice": lambda t: t[1:],
    "index": lambda t: t[0],
    "transpose": lambda t: t.t(),
    "unsqueeze": lambda t: t.unsqueeze(0),
    "view of a view": lambda t: t.reshape(6)[2:],
    "detach": lambda t: t.detach(),
}


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("name", ["add_", "setitem", "fill_", "zero_"])
@pytest.mark.parametrize("grad_mode", [True, False])
def test_modifying_a_saved_tensor_through_a_view_raises(view, name, grad_mode):
    def scenario(L):
        x = leaf(L, X)
        y = x * 2.0
        z = y.sin()
        v = VIEWS[view](y)
        with L.set_grad_enabled(grad_mode):
            MODIFICATIONS[name](L, v)
        z.sum().backward()

    same_error(scenario, MODIFIED)


def test_views_share_the_version_counter():
    def scenario(L):
        x = leaf(L, X)
        y = x * 1.0
        views = [f(y) for f in VIEWS.values()]
        views[4].mul_(2.0)  # through the transpose
        y[0, 0] = 3.0
        y.fill_(1.0)
        y.zero_()
        y.copy_(L.ones(2, 3, dtype=L.float64))
        with L.no_grad():
            views[-1].add_(1.0)  # through detach
        return tuple(v._version for v in views) + (y._version,)

    same(scenario)


@pytest.mark.parametrize("copy", ["clone", "reshape of a transpose", "contiguous transpose",
                                  "advanced index"])
def test_changing_a_copy_of_a_saved_tensor_is_allowed(copy):
    copies = {
        "clone": lambda t: t.clone(),
        "reshape of a transpose": lambda t: t.t().reshape(6),  # not contiguous: a copy
        "contiguous transpose": lambda t: t.t().contiguous(),
        "advanced index": lambda t: t[[0, 1, 0]],
    }

    def scenario(L):
        x = leaf(L, X)
        y = x * 2.0
        z = y.sin()
        c = copies[copy](y)
        c.add_(1.0)
        z.sum().backward()
        return x.grad, y._version, c._version

    same(scenario)


# ---- leaves ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MODIFICATIONS))
def test_in_place_on_a_leaf_requiring_grad_raises(name):
    def scenario(L):
        MODIFICATIONS[name](L, leaf(L, X))

    same_error(scenario, LEAF)


@pytest.mark.parametrize("view", [v for v in VIEWS if v != "detach"])
@pytest.mark.parametrize("name", ["add_", "mul_", "setitem", "fill_"])
def test_in_place_on_a_view_of_a_leaf_requiring_grad_raises(view, name):
    def scenario(L):
        MODIFICATIONS[name](L, VIEWS[view](leaf(L, X)))

    same_error(scenario, "a view of a " + LEAF)


def test_in_place_on_a_copy_of_a_leaf_is_allowed():
    def scenario(L):
        x = leaf(L, X)
        c = x.t().reshape(6)  # a copy, not a view
        c.add_(1.0)
        (c * c).sum().backward()
        return c, x.grad, x._version

    same(scenario)


@pytest.mark.parametrize("name", sorted(MODIFICATIONS))
def test_in_place_on_a_leaf_under_no_grad_is_allowed(name):
    def scenario(L):
        x = leaf(L, X)
        with L.no_grad():
            MODIFICATIONS[name](L, x)
            VIEWS["slice"](x).mul_(3.0)
        return x, x.requires_grad, x.is_leaf, x.grad_fn is None, x._version

    same(scenario)


def test_gradient_descent_steps_under_no_grad_match_torch():
    def scenario(L):
        w = leaf(L, X)
        scale = leaf(L, W, requires_grad=False)
        lr = 0.1
        losses = []
        for _ in range(5):
            loss = (((w - 1.0) ** 2) * scale.abs()).sum() + (w * scale).sin().sum()
            loss.backward()
            losses.append(loss.detach())
            with L.no_grad():
                w -= lr * w.grad
            w.grad.zero_()
        return (w, w.grad, w.is_leaf, w.requires_grad) + tuple(losses)

    same(scenario)


def test_optimiser_step_does_not_disturb_the_next_backward():
    # The update changes w in place between two forward passes; the second graph saved the new
    # w, so its backward runs.
    def scenario(L):
        w = leaf(L, W)
        (w * w).sum().backward()
        with L.no_grad():
            w.sub_(0.5 * w.grad)
            w.grad = None
        (w * w * w).sum().backward()
        return w, w.grad

    same(scenario)


# ---- in-place chains on non-leaf tensors ------------------------------------------------------


def in_place_chain(x, w):
    """Changes of y whose old value no backward needs, and a few whose old value is kept."""
    mask = (w.detach() > 0)
    y = x * 2.0
    y.add_(w)
    y.mul_(3.0)
    y.sub_(w * w)
    y.mul_(w)  # needs the old y for w's gradient
    y.clamp_(-2.0, 2.0)
    y[0, 1] = w[1, 2] * 5.0
    y.masked_fill_(mask, 0.25)
    y += w
    y *= x
    y -= 1.0
    y.tanh_()
    return y


def test_in_place_chain_matches_torch():
    compare_with_torch(in_place_chain, in_place_chain, [np.array(X), np.array(W)])


@given(seed=seeds)
def test_in_place_chain_matches_torch_on_random_values(seed):
    rng = np.random.default_rng(seed)
    x, w = rng.uniform(-1.5, 1.5, size=(2, 2, 3))
    compare_with_torch(in_place_chain, in_place_chain, [x, w], second_order=False)


def test_writing_tensors_into_a_plain_buffer():
    def fill(x):
        buffer = x.new_zeros((3, 3))  # does not require grad until a tensor is written in
        buffer[0] = x.sin()
        buffer[1:, 1] = x[:2] * x[1:]
        buffer += x
        buffer[2, 2] = 7.0
        return buffer

    compare_with_torch(fill, fill, [np.array([0.5, -1.0, 2.0])])


@pytest.mark.parametrize("value", ["number", "tensor"])
def test_fill_gives_torchs_gradients(value):
    # The old value no longer counts: its gradient is zero; a 0-d tensor value gets the sum.
    def fill(x, v):
        y = x * 3.0
        y.fill_(2.5 if value == "number" else v)
        return y * y.detach() + x

    compare_with_torch(fill, fill, [np.array(X), np.array(-1.25)])


@pytest.mark.parametrize("source", ["same shape", "broadcast", "constant", "float32"])
def test_copy_gives_torchs_gradients(source):
    def copy(x, s):
        y = x * 3.0
        if source == "same shape":
            y.copy_(s.exp())
        elif source == "broadcast":
            y.copy_(s[0] * 2.0)
        elif source == "float32":
            y.copy_(s.float())
        else:
            y.copy_(s.detach())
        return y.sin() + x

    compare_with_torch(copy, copy, [np.array(X), np.array(W)])


def test_zero_gives_torchs_gradients():
    def zero(x):
        y = x.exp()
        y = y * 1.0
        y.zero_()
        return y + x * x

    compare_with_torch(zero, zero, [np.array(X)])


def test_copy_into_a_tensor_not_requiring_grad_makes_it_require_grad():
    def scenario(L):
        s = leaf(L, W)
        y = L.zeros(2, 3, dtype=L.float64)
        y.copy_(s * 2.0)
        (y * y).sum().backward()
        return y.requires_grad, y.is_leaf, s.grad

    same(scenario)


def test_fill_with_a_tensor_of_one_dimension_raises():
    def scenario(L):
        leaf(L, X, requires_grad=False).fill_(leaf(L, [1.0, 2.0, 3.0]))

    same_error(scenario, "fill_ only supports 0-dimension value tensor")


def test_in_place_result_keeps_shape_and_dtype():
    def bigger(L):
        y = leaf(L, [1.0]) * 1.0
        y += leaf(L, [1.0, 2.0, 3.0])

    def to_integer(L):
        y = L.zeros(3, dtype=L.int64)
        y += leaf(L, [1.0, 2.0, 3.0])

    same_error(bigger, r"output with shape \[1\] doesn't match the broadcast shape \[3\]")
    same_error(to_integer, "can't be cast to the desired output type")

    def narrower(L):
        x = leaf(L, [1.0, 2.0])
        y = L.ones(2, requires_grad=True) * 1.0  # float32
        y += x * x  # float64: y stays float32, the gradient reaches x in float64
        (y * y).sum().backward()
        return str(y.dtype).split(".")[-1], x.grad, str(x.grad.dtype).split(".")[-1]

    same(narrower)


def test_in_place_under_no_grad_on_a_non_leaf_keeps_its_node():
    def scenario(L):
        x = leaf(L, X)
        y = x * 2.0
        with L.no_grad():
            y.add_(1.0)
        (y * 3.0).sum().backward()
        return y, y.requires_grad, y.is_leaf, x.grad

    same(scenario)


def test_in_place_with_grad_keeps_earlier_hooks_on_the_old_node():
    # torch: a hook registered before an in-place change stays with the old value's node.
    def scenario(L):
        log = []
        x = leaf(L, X)
        y = x * 2.0
        y.register_hook(lambda g: log.append("before"))
        y.mul_(3.0)
        y.register_hook(lambda g: log.append("after"))
        y.sum().backward()
        return tuple(log) + (x.grad,)

    same(scenario)


@pytest.mark.parametrize("hook_after", [False, True])
def test_retained_grad_follows_an_in_place_change(hook_after):
    # .grad is the gradient of the tensor's present value, after the hooks registered on it.
    def scenario(L):
        x = leaf(L, X)
        y = x * 2.0
        y.retain_grad()
        y.mul_(3.0)
        y.add_(x)
        if hook_after:
            y.register_hook(lambda g: g * 10.0)
        (y * y).sum().backward()
        return y.grad, x.grad, y.retains_grad

    same(scenario)


# A recorded in-place change gives the tensor a new array (the old one stays with the nodes that
# saved it), so memory shared with views is not updated. torch writes through and regenerates the
# views' nodes; konspekt has no record of a tensor's views to do the same.


@pytest.mark.xfail(strict=True, reason="recorded in-place changes do not reach existing views")
def test_view_sees_a_recorded_change_of_its_base():
    def scenario(L):
        x = leaf(L, X)
        y = x * 2.0
        v = y[0]
        y.add_(1.0)
        return v, y

    same(scenario)


@pytest.mark.xfail(strict=True, reason="recorded in-place changes of a view do not reach its base")
def test_base_sees_a_recorded_change_of_its_view():
    def scenario(L):
        x = leaf(L, X)
        y = x * 2.0
        y[0].mul_(3.0)
        y.sum().backward()
        return y, x.grad

    same(scenario)
