"""The Tensor itself against torch: shape and size, conversions (numpy, item, tolist, casts),
leaves and grad_fn, detach and clone, requires_grad_, in-place fills, the default dtype, repr,
the dtype objects, and the operators and in-place methods that ``methods.py`` binds.

Most cases are one call written once and run on both libraries, ``lambda m: m.zeros(2, 3)`` with
``m`` either ``konspekt`` or ``torch``.
"""

import pickle
import re

import numpy as np
import pytest
import torch

import konspekt as kp
from oracle import assert_close, assert_raises_like_torch, assert_same_tensor, dtype_name, on_both


TENSORS = {
    "0-d float": lambda m: m.tensor(2.5),
    "1-d int": lambda m: m.tensor([1, -2, 3]),
    "2-d float": lambda m: m.tensor([[1.5, 2.0, -3.0], [4.0, 5.25, 6.0]]),
    "3-d float64": lambda m: m.arange(24, dtype=m.float64).reshape(2, 3, 4),
    "bool": lambda m: m.tensor([[True, False]]),
    "empty": lambda m: m.zeros(0, 3),
    "one element": lambda m: m.tensor([[7]], dtype=m.int32),
}


# ---- shape, size, numel --------------------------------------------------------------------

@pytest.mark.parametrize("name", TENSORS)
def test_shape_ndim_size_numel_match_torch(name):
    k, t = on_both(TENSORS[name])
    assert k.shape == tuple(t.shape) and isinstance(k.shape, tuple)
    assert k.ndim == t.ndim == k.dim()
    assert k.size() == tuple(t.size())
    assert k.numel() == t.numel() == kp.numel(k)
    assert k.element_size() == t.element_size()
    assert dtype_name(k) == dtype_name(t)
    for d in range(-t.ndim, t.ndim):
        assert k.size(d) == t.size(d), f"size({d})"
    if t.ndim:
        assert len(k) == len(t)


@pytest.mark.parametrize("dim", [2, -3, 5])
def test_size_of_a_missing_dimension_is_an_index_error_like_torch(dim):
    assert_raises_like_torch(lambda: kp.zeros(2, 3).size(dim), lambda: torch.zeros(2, 3).size(dim))


def test_size_of_a_0d_tensor_is_an_index_error():
    with pytest.raises(IndexError):
        torch.tensor(1.0).size(0)
    with pytest.raises(IndexError):
        kp.tensor(1.0).size(0)


def test_len_of_a_0d_tensor_is_a_type_error_like_torch():
    assert_raises_like_torch(lambda: len(kp.tensor(1.0)), lambda: len(torch.tensor(1.0)))


# ---- transposes ----------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore")  # torch warns about .T on tensors that are not matrices
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 3, 4)])
def test_T_reverses_all_dimensions_like_torch(shape):
    a = np.arange(float(np.prod(shape))).reshape(shape)
    k, t = kp.tensor(a), torch.tensor(a)
    assert_same_tensor(k.T, t.T)


def test_mT_transposes_the_last_two_dimensions():
    a = np.arange(24.0).reshape(2, 3, 4)
    assert_same_tensor(kp.tensor(a).mT, torch.tensor(a).mT)


def test_gradient_flows_through_T():
    a = np.arange(6.0).reshape(2, 3)
    w = np.linspace(-1.0, 1.0, 6).reshape(3, 2)
    k, t = kp.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ((k.T * kp.tensor(w)) ** 2).sum().backward()
    ((t.T * torch.tensor(w)) ** 2).sum().backward()
    assert_close(k.grad, t.grad)


# ---- leaves and grad_fn --------------------------------------------------------------------

def test_is_leaf_like_torch():
    for m in (kp, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        c = m.tensor([3.0, 4.0])
        y = x * 2
        assert x.is_leaf and c.is_leaf
        assert not y.is_leaf and y.requires_grad
        assert (c * 2).is_leaf, "a result that needs no gradient is a leaf"
        assert y.detach().is_leaf
        assert x.grad_fn is None and (c * 2).grad_fn is None and y.grad_fn is not None


OPERATIONS = {
    "mul": lambda x: x * 2,
    "add": lambda x: x + 1,
    "sub": lambda x: x - 1,
    "div": lambda x: x / 3,
    "neg": lambda x: -x,
    "pow": lambda x: x.pow(2),
    "sum": lambda x: x.sum(),
    "mean": lambda x: x.mean(),
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "sin": lambda x: x.sin(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "abs": lambda x: x.abs(),
    "clone": lambda x: x.clone(),
    "permute": lambda x: x.permute(1, 0),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_grad_fn_names_follow_torch(name):
    # torch numbers its node classes (MulBackward0); konspekt has one class per operation
    data = np.array([[1.0, 2.0], [3.0, 4.0]])
    k = OPERATIONS[name](kp.tensor(data, requires_grad=True))
    t = OPERATIONS[name](torch.tensor(data, requires_grad=True))
    assert k.grad_fn.name() == re.sub(r"\d+$", "", t.grad_fn.name())
    assert f"grad_fn=<{k.grad_fn.name()}>" in repr(k)


# ---- numpy, item, tolist, Python numbers ---------------------------------------------------

def test_numpy_shares_memory_both_ways():
    for m in (kp, torch):
        x = m.zeros(3, dtype=m.float64)
        array = x.numpy()
        array[0] = 5.0
        x.add_(1.0)
        assert x.tolist() == [6.0, 1.0, 1.0]
        np.testing.assert_array_equal(array, [6.0, 1.0, 1.0])


def test_numpy_of_a_tensor_that_requires_grad_is_refused_like_torch():
    assert_raises_like_torch(lambda: kp.ones(2, requires_grad=True).numpy(),
                             lambda: torch.ones(2, requires_grad=True).numpy())


def test_detach_then_numpy_is_allowed():
    x = kp.ones(2, requires_grad=True)
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0])


ITEMS = {
    "float32": lambda m: m.tensor(0.1),
    "float64": lambda m: m.tensor([0.1], dtype=m.float64),
    "float16": lambda m: m.tensor([[0.1]], dtype=m.float16),
    "int64": lambda m: m.tensor([[-3]]),
    "uint8": lambda m: m.tensor(200, dtype=m.uint8),
    "bool": lambda m: m.tensor(True),
}


@pytest.mark.parametrize("name", ITEMS)
def test_item_gives_torchs_python_number(name):
    k, t = on_both(ITEMS[name])
    assert type(k.item()) is type(t.item())
    assert k.item() == t.item()


@pytest.mark.parametrize("call", [lambda m: m.zeros(2, 3), lambda m: m.zeros(0)])
def test_item_of_several_or_no_elements_is_refused_like_torch(call):
    assert_raises_like_torch(lambda: call(kp).item(), lambda: call(torch).item())


@pytest.mark.parametrize("name", TENSORS)
def test_tolist_matches_torch(name):
    k, t = on_both(TENSORS[name])
    assert k.tolist() == t.tolist()


def test_tolist_of_float32_keeps_float32_rounding_like_torch():
    k, t = on_both(lambda m: m.tensor([0.1, 1 / 3]))
    assert k.tolist() == t.tolist()
    assert all(type(v) is float for v in k.tolist())


@pytest.mark.parametrize("value", [2.5, -2.5, 3.0])
def test_python_number_conversions_like_torch(value):
    k, t = on_both(lambda m: m.tensor([value]))
    assert float(k) == float(t) and int(k) == int(t) and bool(k) == bool(t)


def test_only_integer_tensors_are_indices_like_torch():
    items = [10, 20, 30]
    assert items[kp.tensor(1)] == items[torch.tensor(1)] == 20
    assert_raises_like_torch(lambda: items[kp.tensor(1.0)], lambda: items[torch.tensor(1.0)])


def test_bool_of_several_elements_is_refused():
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(kp.tensor([1, 2]))


def test_iteration_gives_the_rows():
    k, t = on_both(lambda m: m.tensor([[1, 2], [3, 4], [5, 6]]))
    rows = list(k)
    assert len(rows) == 3 and all(isinstance(r, kp.Tensor) for r in rows)
    assert [r.tolist() for r in rows] == [r.tolist() for r in t]


# ---- casts ---------------------------------------------------------------------------------

CASTS = {
    "float": lambda x: x.float(),
    "double": lambda x: x.double(),
    "half": lambda x: x.half(),
    "long": lambda x: x.long(),
    "int": lambda x: x.int(),
    "bool": lambda x: x.bool(),
    "to float64": lambda x: x.to(kp.float64 if isinstance(x, kp.Tensor) else torch.float64),
    "to int16": lambda x: x.to(kp.int16 if isinstance(x, kp.Tensor) else torch.int16),
    "to dtype keyword": lambda x: x.to(dtype=kp.int8 if isinstance(x, kp.Tensor)
                                       else torch.int8),
}
CAST_SOURCES = {
    "float32": lambda m: m.tensor([1.7, -1.7, 0.0, 2.5]),
    "float64": lambda m: m.tensor([[0.5, -0.5], [9.99, -9.99]], dtype=m.float64),
    "int64": lambda m: m.tensor([0, 3, -4]),
    "bool": lambda m: m.tensor([True, False]),
}


@pytest.mark.parametrize("source", CAST_SOURCES)
@pytest.mark.parametrize("cast", CASTS)
def test_casts_match_torch(source, cast):
    k, t = CASTS[cast](CAST_SOURCES[source](kp)), CASTS[cast](CAST_SOURCES[source](torch))
    assert_same_tensor(k, t, rtol=1e-3 if cast == "half" else 0.0)


def test_to_the_same_dtype_returns_the_tensor_itself_like_torch():
    for m in (kp, torch):
        x = m.tensor([1.0, 2.0])
        assert x.to(m.float32) is x and x.float() is x and x.to("cpu") is x
        copy = x.to(m.float32, copy=True)
        assert copy is not x and copy.tolist() == x.tolist()


def test_to_takes_the_dtype_of_another_tensor():
    k, t = on_both(lambda m: m.tensor([1, 2]).to(m.zeros(1, dtype=m.float64)))
    assert_same_tensor(k, t)


def test_cast_between_floats_is_differentiable_and_the_gradient_is_cast_back():
    data = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    k, t = kp.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (k.double() ** 3).sum().backward()
    (t.double() ** 3).sum().backward()
    assert_same_tensor(k.grad, t.grad, rtol=1e-6)


def test_cast_to_an_integer_ends_the_graph_like_torch():
    for m in (kp, torch):
        y = m.tensor([1.5, 2.5], requires_grad=True).long()
        assert not y.requires_grad and y.is_leaf


# ---- detach, clone, requires_grad_ ---------------------------------------------------------

def test_detach_shares_data_and_needs_no_grad():
    x = kp.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.data, y.data)
    d[0] = 100.0
    assert y.data[0] == 100.0


def test_gradient_does_not_flow_through_detach():
    for m in (kp, torch):
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        (x * x.detach()).sum().backward()
        assert x.grad.tolist() == [1.0, 2.0]  # d(x·c)/dx = c, the detached value


def test_changing_a_detached_alias_of_a_saved_tensor_is_caught_like_torch():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()  # exp saves its output
        y.detach().zero_()
        y.sum().backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(torch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(kp)


def test_clone_copies_and_passes_the_gradient():
    data = np.array([[1.0, -2.0], [0.5, 3.0]])
    k, t = kp.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    kc, tc = k.clone(), t.clone()
    assert not np.shares_memory(kc.data, k.data)
    assert kc.requires_grad and not kc.is_leaf
    assert_same_tensor(kc, tc)
    (kc * kc * kp.tensor(data)).sum().backward()
    (tc * tc * torch.tensor(data)).sum().backward()
    assert_close(k.grad, t.grad)


def test_clone_of_a_tensor_without_grad_is_an_independent_leaf():
    x = kp.tensor([1, 2, 3])
    c = kp.clone(x)
    c[0] = 9
    assert x.tolist() == [1, 2, 3] and c.is_leaf and c.dtype is kp.int64


def test_requires_grad_underscore_sets_the_flag_and_returns_self():
    x = kp.zeros(3)
    assert x.requires_grad_() is x and x.requires_grad
    assert x.requires_grad_(False) is x and not x.requires_grad
    y = (kp.ones(2, requires_grad=True) * 3).requires_grad_(True)
    assert y.requires_grad


def test_requires_grad_on_a_non_leaf_cannot_be_turned_off_like_torch():
    assert_raises_like_torch(lambda: (kp.ones(2, requires_grad=True) * 2).requires_grad_(False),
                             lambda: (torch.ones(2, requires_grad=True) * 2).requires_grad_(False))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_requires_grad_underscore_on_an_integer_tensor_is_refused_like_torch(dtype):
    assert_raises_like_torch(lambda: kp.zeros(2, dtype=getattr(kp, dtype)).requires_grad_(),
                             lambda: torch.zeros(2, dtype=getattr(torch, dtype)).requires_grad_())


def test_assigning_a_grad_of_another_shape_is_refused():
    with pytest.raises(RuntimeError):
        torch.zeros(2, requires_grad=True).grad = torch.zeros(3)
    with pytest.raises(RuntimeError, match="expected \\[2\\], got \\[3\\]"):
        kp.zeros(2, requires_grad=True).grad = kp.zeros(3)


# ---- zero_ and fill_ -----------------------------------------------------------------------

FILLS = {
    "zero_ float": lambda m: m.tensor([[1.5, -2.0], [3.0, 4.0]]).zero_(),
    "zero_ int": lambda m: m.tensor([1, 2, 3]).zero_(),
    "zero_ bool": lambda m: m.tensor([True, False]).zero_(),
    "fill_ float": lambda m: m.zeros(2, 3, dtype=m.float64).fill_(-0.25),
    "fill_ int truncates": lambda m: m.tensor([1, 2]).fill_(2.7),
    "fill_ bool": lambda m: m.zeros(3, dtype=m.bool).fill_(1),
    "fill_ 0-d tensor": lambda m: m.zeros(2).fill_(m.tensor(3.5)),
}


@pytest.mark.parametrize("name", FILLS)
def test_zero_and_fill_match_torch(name):
    k, t = on_both(FILLS[name])
    assert_same_tensor(k, t)


def test_fill_with_a_tensor_of_several_elements_is_refused_like_torch():
    assert_raises_like_torch(lambda: kp.zeros(2).fill_(kp.tensor([3.0])),
                             lambda: torch.zeros(2).fill_(torch.tensor([3.0])))


def test_fill_works_in_place_on_the_same_object_and_memory():
    x = kp.ones(4)
    data = x.data
    assert x.fill_(2.0) is x and x.zero_() is x
    assert x.data is data and not data.any()


def test_fill_of_a_view_writes_through_to_its_base():
    base = kp.zeros(2, 3)
    base[0].fill_(5.0)
    assert base.tolist() == [[5.0, 5.0, 5.0], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize("method", ["zero_", "fill_"])
def test_fill_of_a_leaf_that_requires_grad_is_refused_like_torch(method):
    args = () if method == "zero_" else (1.0,)
    assert_raises_like_torch(lambda: getattr(kp.ones(2, requires_grad=True), method)(*args),
                             lambda: getattr(torch.ones(2, requires_grad=True), method)(*args))


def test_fill_of_a_leaf_is_allowed_under_no_grad():
    for m in (kp, torch):
        w = m.ones(3, requires_grad=True)
        with m.no_grad():
            w.zero_()
        assert w.tolist() == [0.0, 0.0, 0.0] and w.requires_grad and w.is_leaf


def test_fill_of_a_saved_tensor_is_caught_at_backward_like_torch():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        c = m.tensor([1.0, 3.0])
        y = x * c  # Mul saves c
        c.fill_(2.0)
        y.sum().backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(torch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(kp)


@pytest.mark.parametrize("method", ["zero_", "fill_"])
def test_fill_of_a_recorded_tensor_cuts_the_gradient_like_torch(method):
    # the filled values no longer depend on x: only the direct factor x of z·x has a gradient
    args = () if method == "zero_" else (3.0,)
    grads = []
    for m in (kp, torch):
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        z = x * 2
        getattr(z, method)(*args)
        (z * x).sum().backward()
        grads.append(x.grad)
    assert_same_tensor(*grads)


def test_no_grad_change_after_a_recorded_in_place_op_is_caught_like_torch():
    def run(m):
        a = m.tensor([0.5, 1.0], dtype=m.float64, requires_grad=True)
        y = a * 1
        y.exp_()  # Exp saves its output
        with m.no_grad():
            y.mul_(2)
        y.sum().backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(torch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(kp)


# ---- default dtype -------------------------------------------------------------------------

def test_default_dtype_starts_as_float32():
    assert kp.get_default_dtype() is kp.float32 is kp.autograd.get_default_dtype()
    assert torch.get_default_dtype() is torch.float32


DEFAULT_DTYPE_USERS = {
    "tensor(float)": lambda m: m.tensor(1.5),
    "tensor(list)": lambda m: m.tensor([1, 2.0]),
    "tensor(int)": lambda m: m.tensor(3),
    "tensor(float32 array)": lambda m: m.tensor(np.zeros(2, dtype=np.float32)),
    "zeros": lambda m: m.zeros(2),
    "full(float)": lambda m: m.full((2,), 0.5),
    "arange(float)": lambda m: m.arange(0.0, 1.0, 0.5),
    "arange(int)": lambda m: m.arange(3),
    "linspace": lambda m: m.linspace(0, 1, 3),
    "rand": lambda m: m.rand(2),
    "int / int": lambda m: m.tensor([1, 2]) / 2,
    "float() cast": lambda m: m.tensor([1, 2]).float(),
}


@pytest.mark.parametrize("name", DEFAULT_DTYPE_USERS)
def test_set_default_dtype_changes_what_torch_changes(name, default_float64):
    assert kp.get_default_dtype() is kp.float64
    k, t = on_both(DEFAULT_DTYPE_USERS[name])
    assert dtype_name(k) == dtype_name(t)


@pytest.mark.parametrize("name", ["int64", "bool", "int32"])
def test_only_floating_types_can_be_the_default_like_torch(name):
    with pytest.raises(TypeError):
        torch.set_default_dtype(getattr(torch, name))
    with pytest.raises(TypeError, match="float32 and float64"):
        kp.set_default_dtype(getattr(kp, name))
    assert kp.get_default_dtype() is kp.float32


def test_set_default_dtype_accepts_other_spellings(default_float64):
    kp.set_default_dtype("float32")
    assert kp.get_default_dtype() is kp.float32
    kp.set_default_dtype(np.float64)
    assert kp.get_default_dtype() is kp.float64


# ---- repr ----------------------------------------------------------------------------------

NUMBER = re.compile(r"[-+]?\d+\.?\d*(?:e[-+]?\d+)?")


def torch_repr_in_konspekt_words(t):
    return re.sub(r"(Backward)\d+", r"\1", repr(t).replace("torch.", "konspekt."))


def parts(text):
    """The text with every number replaced by # and the whitespace removed, and the numbers."""
    return re.sub(r"\s+", "", NUMBER.sub("#", text)), [float(n) for n in NUMBER.findall(text)]


REPRS_EQUAL = {
    "ints": lambda m: m.tensor([1, 2, 3]),
    "int matrix": lambda m: m.tensor([[1, -20], [300, 4]]),
    "int32": lambda m: m.tensor([1, 2], dtype=m.int32),
    "uint8": lambda m: m.tensor([1, 2], dtype=m.uint8),
    "bools": lambda m: m.tensor([True, False]),
    "0-d int": lambda m: m.tensor(5),
    "0-d float": lambda m: m.tensor(3.0),
    "integral floats": lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "float64": lambda m: m.tensor([1.0, 2.0], dtype=m.float64),
    "float16": lambda m: m.tensor([1.0, 2.0], dtype=m.float16),
    "requires grad": lambda m: m.tensor([1.0, 2.0], requires_grad=True),
    "grad_fn": lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2,
    "grad_fn float64": lambda m: m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True).sum(),
    "empty int matrix": lambda m: m.zeros(2, 0, dtype=m.int64),
    "3-d": lambda m: m.arange(8).reshape(2, 2, 2),
}


@pytest.mark.parametrize("name", REPRS_EQUAL)
def test_repr_matches_torch(name):
    k, t = on_both(REPRS_EQUAL[name])
    assert repr(k) == torch_repr_in_konspekt_words(t)
    assert str(k) == repr(k)


REPRS_SIMILAR = {
    "fractions": lambda m: m.tensor([1.5, -2.25, 0.125]),
    "matrix": lambda m: m.tensor([[0.5, 1.0], [-3.75, 10.0]], dtype=m.float64),
    "small and large": lambda m: m.tensor([1e-5, 1e5]),
    "inf and nan": lambda m: m.tensor([float("inf"), -float("inf"), float("nan"), 1.5]),
    "summarized": lambda m: m.arange(2000, dtype=m.float64),
    "grad_fn": lambda m: m.tensor([0.5, 1.5], requires_grad=True).exp(),
}


@pytest.mark.parametrize("name", REPRS_SIMILAR)
def test_repr_shows_torchs_layout_and_numbers(name):
    # torch pads floats to four decimals (1.5000); konspekt prints NumPy's shortest form (1.5):
    # the same layout, the same numbers to the precision shown
    k, t = on_both(REPRS_SIMILAR[name])
    k_layout, k_numbers = parts(repr(k))
    t_layout, t_numbers = parts(torch_repr_in_konspekt_words(t))
    assert k_layout == t_layout
    np.testing.assert_allclose(k_numbers, t_numbers, rtol=1e-3)


def test_repr_names_float32_when_float64_is_the_default(default_float64):
    k, t = on_both(lambda m: m.tensor([1.0, 2.0], dtype=m.float32))
    assert repr(k) == torch_repr_in_konspekt_words(t)
    k, t = on_both(lambda m: m.tensor([1.0, 2.0]))
    assert repr(k) == torch_repr_in_konspekt_words(t)


@pytest.mark.parametrize("call", [lambda m: m.zeros(0), lambda m: m.zeros(0, dtype=m.int64),
                                  lambda m: m.zeros(2, 0), lambda m: m.zeros(0, dtype=m.float64),
                                  lambda m: m.zeros(3, 0, dtype=m.bool),
                                  lambda m: m.zeros(0, requires_grad=True)])
def test_repr_of_empty_tensors_matches_torch(call):
    k, t = on_both(call)
    assert repr(k) == torch_repr_in_konspekt_words(t)


# ---- dtype objects -------------------------------------------------------------------------

DTYPE_NAMES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64",
               "bool"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_objects_match_torchs(name):
    k, t = getattr(kp, name), getattr(torch, name)
    assert isinstance(k, kp.dtype)
    assert k.name == name
    assert repr(k) == repr(t).replace("torch.", "konspekt.") == f"konspekt.{name}"
    assert k.is_floating_point == t.is_floating_point
    assert k.itemsize == t.itemsize
    assert kp.zeros(2, dtype=k).dtype is k
    assert kp.zeros(2, dtype=k).is_floating_point() == torch.zeros(2, dtype=t).is_floating_point()


@pytest.mark.parametrize("alias, name", [("half", "float16"), ("float", "float32"),
                                         ("double", "float64"), ("short", "int16"),
                                         ("int", "int32"), ("long", "int64")])
def test_dtype_aliases_match_torchs(alias, name):
    assert getattr(torch, alias) is getattr(torch, name)
    assert getattr(kp, alias) is getattr(kp, name)


def test_dtypes_are_hashable_and_distinct():
    table = {getattr(kp, name): name for name in DTYPE_NAMES}
    assert len(table) == len(DTYPE_NAMES)
    assert table[kp.double] == "float64"
    assert kp.float32 != kp.float64 and kp.float32 == kp.float


@pytest.mark.parametrize("spelling, expected", [
    (np.float32, "float32"), (np.dtype("int16"), "int16"), ("float64", "float64"),
    ("long", "int64"), ("half", "float16"), (float, "float64"), (int, "int64"), (bool, "bool"),
    (np.bool_, "bool"), (np.uint8, "uint8")])
def test_tensor_dtype_from_numpy_names_and_python_types(spelling, expected):
    assert kp.zeros(1, dtype=spelling).dtype is getattr(kp, expected)


@pytest.mark.parametrize("spelling", ["float128", "complex64", np.complex128, np.uint16, str,
                                      "cuda"])
def test_unknown_dtypes_are_refused_with_the_choices(spelling):
    with pytest.raises(TypeError, match="expected one of float16, float32, float64"):
        kp.zeros(1, dtype=spelling)


def test_dtype_objects_pickle_to_themselves():
    for d in (kp.float16, kp.float32, kp.float64, kp.int64, kp.bool, kp.uint8):
        assert pickle.loads(pickle.dumps(d)) is d
    restored = pickle.loads(pickle.dumps(kp.tensor([1.0, 2.0], dtype=kp.float64)))
    assert restored.dtype is kp.float64 and restored.tolist() == [1.0, 2.0]


def test_tensor_dtype_and_is_floating_point():
    for m in (kp, torch):
        assert m.tensor([1.0]).is_floating_point() and not m.tensor([1]).is_floating_point()
        assert not m.tensor([True]).is_floating_point()


# ---- operators and methods bound in methods.py ---------------------------------------------

BINARY = {
    "a + 2": lambda a: a + 2,
    "2 + a": lambda a: 2 + a,
    "a - 0.5": lambda a: a - 0.5,
    "3 - a": lambda a: 3 - a,
    "a * a": lambda a: a * a,
    "2.5 * a": lambda a: 2.5 * a,
    "a / 4": lambda a: a / 4,
    "1 / a": lambda a: 1 / a,
    "a ** 2": lambda a: a ** 2,
    "2 ** a": lambda a: 2 ** a,
    "a // 2": lambda a: a // 2,
    "7 // a": lambda a: 7 // a,
    "a % 3": lambda a: a % 3,
    "7 % a": lambda a: 7 % a,
    "-a": lambda a: -a,
    "+a": lambda a: +a,
    "abs(a)": lambda a: abs(a),
    "a @ a.T": lambda a: a @ a.T,
    "a > 2": lambda a: a > 2,
    "a <= 2": lambda a: a <= 2,
    "a == a": lambda a: a == a,
    "a != 2": lambda a: a != 2,
    "a.clamp_min(2)": lambda a: a.clamp_min(2),
    "a.clamp_max(2)": lambda a: a.clamp_max(2),
}
OPERANDS = {
    "float": lambda m: m.tensor([[1.5, 2.0], [3.0, 4.5]]),
    "int": lambda m: m.tensor([[1, 2], [3, 5]]),
}


@pytest.mark.parametrize("operand", OPERANDS)
@pytest.mark.parametrize("name", BINARY)
def test_operators_match_torch(name, operand):
    k, t = BINARY[name](OPERANDS[operand](kp)), BINARY[name](OPERANDS[operand](torch))
    assert_same_tensor(k, t, rtol=1e-6)


@pytest.mark.parametrize("name", ["&", "|", "^", "~"])
def test_bitwise_operators_on_bools_match_torch(name):
    def apply(m):
        a, b = m.tensor([True, True, False, False]), m.tensor([True, False, True, False])
        return {"&": a & b, "|": a | b, "^": a ^ b, "~": ~a}[name]
    assert_same_tensor(*on_both(apply))


def test_operators_with_a_numpy_array_on_the_left_give_a_tensor():
    # __array_priority__ makes NumPy defer to the tensor's reflected operator
    result = np.array([1.0, 2.0]) * kp.tensor([3.0, 4.0], dtype=kp.float64)
    assert isinstance(result, kp.Tensor) and result.tolist() == [3.0, 8.0]


INPLACE = {
    "add_": lambda a: a.add_(2),
    "sub_": lambda a: a.sub_(a),
    "mul_": lambda a: a.mul_(3),
    "div_ float": lambda a: a.float().div_(4),
    "pow_": lambda a: a.pow_(2),
    "neg_": lambda a: a.neg_(),
    "abs_": lambda a: a.abs_(),
    "clamp_": lambda a: a.clamp_(min=2),
    "+=": lambda a: a.__iadd__(1),
    "*=": lambda a: a.__imul__(2),
    "tril_": lambda a: a.tril_(),
    "masked_fill_": lambda a: a.masked_fill_(a > 2, 0),
}


@pytest.mark.parametrize("operand", OPERANDS)
@pytest.mark.parametrize("name", INPLACE)
def test_in_place_methods_match_torch_and_return_self(name, operand):
    k_in, t_in = OPERANDS[operand](kp), OPERANDS[operand](torch)
    k, t = INPLACE[name](k_in), INPLACE[name](t_in)
    if name != "div_ float":
        assert k is k_in
    assert_same_tensor(k, t, rtol=1e-6)


def test_in_place_result_that_cannot_be_cast_is_refused():
    for call in (lambda m: m.tensor([1, 2]).add_(1.5), lambda m: m.tensor([1, 2]).div_(2)):
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                               "output type Long"):
            call(torch)
        with pytest.raises(RuntimeError, match="result type konspekt.float32 can't be cast to "
                                               "the desired output type konspekt.int64"):
            call(kp)


def test_in_place_result_of_a_broadcast_shape_is_refused_like_torch():
    assert_raises_like_torch(lambda: kp.tensor([1.0, 2.0]).add_(kp.ones(2, 2)),
                             lambda: torch.tensor([1.0, 2.0]).add_(torch.ones(2, 2)))


def test_in_place_ops_on_a_recorded_tensor_have_torchs_gradient():
    data = np.array([0.5, -1.0, 1.5])
    grads = []
    for m in (kp, torch):
        a = m.tensor(data, requires_grad=True)
        b = m.tensor(data[::-1].copy(), requires_grad=True)
        y = a * 1
        y.mul_(b)
        y.add_(a)
        y *= 2
        y.exp_()
        y.sum().backward()
        grads.append((a.grad, b.grad))
    for k, t in zip(*grads):
        assert_close(k, t)


def test_in_place_op_on_a_leaf_that_requires_grad_is_refused_like_torch():
    assert_raises_like_torch(lambda: kp.ones(2, requires_grad=True).add_(1),
                             lambda: torch.ones(2, requires_grad=True).add_(1))


NEW = {
    "new_zeros": lambda m: m.tensor([1, 2]).new_zeros(2, 3),
    "new_zeros tuple": lambda m: m.tensor([1.0], dtype=m.float64).new_zeros((2,)),
    "new_ones": lambda m: m.tensor([1.0], dtype=m.float16).new_ones(3),
    "new_ones dtype": lambda m: m.tensor([1.0]).new_ones(2, dtype=m.int32),
    "new_full int": lambda m: m.tensor([1, 2]).new_full((2,), 3.7),
    "new_full float64": lambda m: m.tensor([1.0], dtype=m.float64).new_full((2, 2), 3),
    "new_tensor": lambda m: m.tensor([1.0], dtype=m.float64).new_tensor([1, 2]),
}


@pytest.mark.parametrize("name", NEW)
def test_new_methods_take_the_dtype_of_the_tensor_like_torch(name):
    k, t = on_both(NEW[name])
    assert_same_tensor(k, t)


def test_new_empty_and_requires_grad():
    k, t = on_both(lambda m: m.tensor([1.0], dtype=m.float64).new_empty(2, 3))
    assert k.shape == tuple(t.shape) and dtype_name(k) == dtype_name(t)
    k, t = on_both(lambda m: m.zeros(1).new_ones(2, requires_grad=True))
    assert k.requires_grad and t.requires_grad and k.is_leaf


def test_contiguous_like_torch():
    for m in (kp, torch):
        x = m.zeros(2, 3).T
        assert not x.is_contiguous()
        c = x.contiguous()
        assert c.is_contiguous() and c.tolist() == x.tolist()
        y = m.zeros(2, 3)
        assert y.contiguous() is y
