"""Indexing against torch: values, first and second derivatives of ``x[key]`` (basic, integer
arrays, boolean masks, both mixed), ``gather``, ``scatter``, ``scatter_add``, ``index_select``,
``masked_fill``, ``take_along_dim``, ``index_put`` and item assignment; ``nonzero``; the errors."""

import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import basic_indices

import konspekt as kp
from oracle import arrays_for, assert_close, check_gradients, compare_with_torch, seeds

FEW = settings(max_examples=15, deadline=None)


def key_for(key, library):
    """The same key for either library: NumPy arrays in it become that library's tensors."""
    def item(k):
        return library.tensor(k) if isinstance(k, np.ndarray) else k
    return tuple(item(k) for k in key) if isinstance(key, tuple) else item(key)


def compare_getitem(key, x, **options):
    kk, tk = key_for(key, kp), key_for(key, torch)
    compare_with_torch(lambda t: t[kk], lambda t: t[tk], [x], **options)


def assert_raises_like_torch(kp_call, torch_call):
    """Both raise the same exception type, konspekt's message starting as torch's does."""
    with pytest.raises(Exception) as expected:
        torch_call()
    # Dtype names differ ("long int" in torch, "int64" here): compare the message up to them.
    message = str(expected.value).splitlines()[0].split(" but got")[0]
    with pytest.raises(expected.type, match=re.escape(message)):
        kp_call()


def positive_steps(key):
    """torch refuses negative slice steps; flip them so the key is valid for both libraries."""
    def item(k):
        if isinstance(k, slice) and k.step is not None and k.step < 0:
            return slice(k.start, k.stop, -k.step)
        return k
    return tuple(item(k) for k in key) if isinstance(key, tuple) else item(key)


X345 = arrays_for([(3, 4, 5)], 0)[0]

# ---- basic indexing ------------------------------------------------------------------------

BASIC_KEYS = [
    1, -1, -3, slice(1, None), slice(None, None, 2), slice(-3, -1), slice(1, 10, 3),
    slice(5, 1), (slice(None), 2), (2, -1), (-2, -1, -3), (Ellipsis, 1),
    (Ellipsis, slice(None, None, 2)), (None, 1, Ellipsis), (1, None, slice(None), -2),
    (slice(None), None, slice(0, 3), None), (Ellipsis, None), (slice(None, -1), Ellipsis, 0),
    (), Ellipsis, None,
]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=repr)
def test_basic_indexing_matches_torch(key):
    compare_getitem(key, X345)


@FEW
@given(data=st.data(), seed=seeds)
def test_basic_indexing_random_keys(data, seed):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    key = positive_steps(data.draw(basic_indices(shape, allow_newaxis=True)))
    x, = arrays_for([shape], seed)
    compare_getitem(key, x)


def test_basic_index_is_a_view_sharing_memory_and_version():
    # As in torch, a slice shares memory with its base: a write through one shows in the other
    # (outside autograd), and their version counters move together.
    base = kp.tensor(np.arange(12.0).reshape(3, 4))
    view = base[1:, ::2]
    view[0, 1] = -5.0
    assert base.data[1, 2] == -5.0
    assert base._version == view._version == 1
    base[2, 0] = 7.0
    assert view.data[1, 0] == 7.0
    assert view._version == 2


def test_negative_step_reverses_as_numpy_does():
    # torch refuses negative steps; konspekt reads them as NumPy does, so the oracle is flip.
    x, = arrays_for([(5, 4)], 1)
    compare_with_torch(lambda t: t[::-2, 1:], lambda t: t.flip(0)[::2, 1:], [x])
    compare_with_torch(lambda t: t[-2::-1, ::-3], lambda t: t[:-1].flip(0, 1)[:, ::3], [x])


# ---- integer arrays, masks, mixed ----------------------------------------------------------

ADVANCED_KEYS = {
    "list": [0, 2, 1],
    "repeated": np.array([0, 2, 2, 0, 2]),
    "negative": np.array([-1, 0, -3]),
    "matrix": np.array([[0, 1], [2, 2]]),
    "empty": np.array([], dtype=np.int64),
    "empty list": [],
    "zero-d": np.array(1),
    "pair": (np.array([0, 2, 2]), np.array([1, 3, 1])),
    "broadcast pair": (np.array([[0], [2]]), np.array([1, 3, 3])),
    "triple": (np.array([1, 1]), np.array([0, 0]), np.array([4, 4])),
    "slice then array": (slice(1, None), np.array([0, 3, 3])),
    "array then slice": (np.array([2, 0]), slice(None, None, 2)),
    "separated arrays": (np.array([0, 1]), slice(None), np.array([1, 2])),
    "ellipsis then array": (Ellipsis, np.array([1, 1, 0])),
    "none and arrays": (None, np.array([[0, 2], [1, 1]]), 1),
    "int, slice, array": (1, slice(None), np.array([4, 0])),
    "int between arrays": (np.array([0, 2]), 1, np.array([3, 3])),
    "int, none, slice, array": (2, None, slice(1, 3), np.array([0, 0, 4])),
    "list inside tuple": (1, slice(None), [4, 0]),
    "zero-d tensor as int": (np.array(1), slice(None), np.array([2])),
    "mask": (X345 > 0.5),
    "mask first dim": np.array([True, False, True]),
    "mask two dims": np.array([[True, False, True, True]] * 2 + [[False] * 4]),
    "mask then slice": (np.array([False, True, True]), slice(None, 2)),
    "slice then mask": (slice(None), np.array([True, False, False, True])),
    "int then mask": (2, slice(None), np.array([True, False, True, False, True])),
    "all false": np.zeros(3, dtype=bool),
    "list of bools": [True, False, True],
}


@pytest.mark.parametrize("key", ADVANCED_KEYS.values(), ids=ADVANCED_KEYS.keys())
def test_advanced_indexing_matches_torch(key):
    compare_getitem(key, X345)


@FEW
@given(data=st.data(), seed=seeds)
def test_integer_array_indexing_random(data, seed):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    n_arrays = data.draw(st.integers(1, len(shape)))
    index_shape = data.draw(st.lists(st.integers(0, 3), max_size=2).map(tuple))
    rng = np.random.default_rng(seed)
    # Indices in [-n, n): negative ones and repeats both come up.
    key = tuple(rng.integers(-shape[d], shape[d], size=index_shape) for d in range(n_arrays))
    x, = arrays_for([shape], seed)
    compare_getitem(key, x)


@FEW
@given(data=st.data(), seed=seeds)
def test_mixed_keys_random(data, seed):
    # Integers, slices, None and index arrays in any order: where an integer and an array are
    # separated, torch's placement of the indexed dimensions differs from NumPy's.
    shape = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple))
    index_shape = data.draw(st.lists(st.integers(1, 3), max_size=2).map(tuple))
    kinds = data.draw(st.lists(st.sampled_from(["int", "slice", "array", "none"]),
                               min_size=len(shape), max_size=len(shape)))
    rng = np.random.default_rng(seed)
    key = []
    for side, kind in zip(shape, kinds):
        if kind == "int":
            key.append(int(rng.integers(-side, side)))
        elif kind == "slice":
            key.append(slice(int(rng.integers(0, side)), None, int(rng.integers(1, 3))))
        elif kind == "array":
            key.append(rng.integers(-side, side, size=index_shape))
        else:
            key.extend([None, slice(None)])
    key = tuple(key)
    x, = arrays_for([shape], seed)
    compare_getitem(key, x)
    # Writing is compared where no place is written twice (then torch leaves the winner open).
    places = torch.arange(x.size).reshape(shape)[key_for(key, torch)].numpy()
    if np.unique(places).size == places.size:
        v, = arrays_for([places.shape], seed + 1)
        compare_with_torch(assign(key, kp), assign(key, torch), [x, v])


@FEW
@given(data=st.data(), seed=seeds)
def test_boolean_mask_indexing_random(data, seed):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    mask_dims = data.draw(st.integers(1, len(shape)))
    mask = np.random.default_rng(seed).random(shape[:mask_dims]) < 0.5
    x, = arrays_for([shape], seed)
    compare_getitem(mask, x)
    # The same mask on the trailing dimensions.
    trailing, = arrays_for([shape[mask_dims:] + shape[:mask_dims]], seed)
    compare_getitem((Ellipsis, mask), trailing)


def test_repeated_indices_accumulate_gradients():
    # Each element read k times gets k times the gradient: ∂/∂x Σ x[i] = bincount(i).
    index = np.array([0, 2, 2, 0, 2, 3])
    x = kp.tensor(np.arange(5.0), requires_grad=True)
    x[kp.tensor(index)].sum().backward()
    assert_close(x.grad, np.bincount(index, minlength=5).astype(float))
    y = kp.tensor(np.ones((2, 3)), requires_grad=True)
    y[np.array([1, 1, 0]), np.array([2, 2, 2])].sum().backward()
    assert_close(y.grad, np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0]]))


def test_indexing_gradcheck():
    x, = arrays_for([(3, 4)], 3)
    check_gradients(lambda t: t[np.array([0, 2, 0]), 1:] * t[1:, None, ::2].sum(), [x])
    mask = x > 0
    check_gradients(lambda t: t[mask] ** 2, [x])


def test_index_with_tensors_and_integer_dtypes():
    x = kp.tensor(X345)
    for dtype in (np.int64, np.int32, np.int16):
        index = np.array([2, 0], dtype=dtype)
        assert_close(x[kp.tensor(index)], X345[index.astype(np.int64)])
    assert_close(x[kp.tensor(1)], torch.tensor(X345)[torch.tensor(1)])


# ---- gather, take_along_dim, index_select ---------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_gather_matches_torch(dim):
    rng = np.random.default_rng(dim + 10)
    shape = [2, 3, 2]
    shape[dim] = 6  # longer than the input along dim: indices repeat
    index = rng.integers(0, X345.shape[dim], size=shape)
    compare_with_torch(lambda t: t.gather(dim, kp.tensor(index)),
                       lambda t: t.gather(dim, torch.tensor(index)), [X345])
    compare_with_torch(lambda t: kp.gather(t, dim, kp.tensor(index)),
                       lambda t: torch.gather(t, dim, torch.tensor(index)), [X345])


@FEW
@given(data=st.data(), seed=seeds)
def test_gather_random(data, seed):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = [data.draw(st.integers(0, s)) for s in shape]
    index_shape[dim] = data.draw(st.integers(0, 5))
    rng = np.random.default_rng(seed)
    index = rng.integers(0, shape[dim], size=index_shape)
    x, = arrays_for([shape], seed)
    compare_with_torch(lambda t: t.gather(dim, kp.tensor(index)),
                       lambda t: t.gather(dim, torch.tensor(index)), [x])


def test_gather_of_zero_dimensional_input():
    compare_with_torch(lambda t: t.gather(0, kp.tensor(0)), lambda t: t.gather(0, torch.tensor(0)),
                       [np.array(1.5)])


def test_gather_gradcheck():
    x, = arrays_for([(3, 4)], 4)
    index = np.array([[2, 0, 0, 1], [2, 2, 1, 0]])
    check_gradients(lambda t: t.gather(0, kp.tensor(index)) * t[:2], [x])


@pytest.mark.parametrize("index_shape, dim", [((3, 2, 5), 1), ((1, 4, 2), 2), ((3, 1, 1), 0),
                                              ((3, 1, 3), -1), ((1, 1, 7), 2)])
def test_take_along_dim_matches_torch(index_shape, dim):
    # The index broadcasts against the input outside ``dim``; negative indices count from the end.
    n = X345.shape[dim]
    index = np.random.default_rng(5).integers(-n, n, size=index_shape)
    compare_with_torch(lambda t: kp.take_along_dim(t, kp.tensor(index), dim),
                       lambda t: torch.take_along_dim(t, torch.tensor(index), dim), [X345])
    compare_with_torch(lambda t: t.take_along_dim(kp.tensor(index), dim=dim),
                       lambda t: t.take_along_dim(torch.tensor(index), dim=dim), [X345])


def test_take_along_dim_without_dim_reads_the_flattened_input():
    index = np.array([[59, 0], [7, 7]])
    compare_with_torch(lambda t: kp.take_along_dim(t, kp.tensor(index)),
                       lambda t: torch.take_along_dim(t, torch.tensor(index)), [X345])
    flat_argmax = kp.tensor(np.array(int(np.argmax(X345))))
    assert_close(kp.take_along_dim(kp.tensor(X345), flat_argmax), np.array([X345.max()]))


@pytest.mark.parametrize("dim, index", [(0, [2, 0, 2]), (1, [3]), (2, [4, 4, 0, 1]), (-1, []),
                                        (1, 2)])
def test_index_select_matches_torch(dim, index):
    index = np.array(index, dtype=np.int64)
    compare_with_torch(lambda t: t.index_select(dim, kp.tensor(index)),
                       lambda t: t.index_select(dim, torch.tensor(index)), [X345])
    compare_with_torch(lambda t: kp.index_select(t, dim, kp.tensor(index)),
                       lambda t: torch.index_select(t, dim, torch.tensor(index)), [X345])


def test_index_select_of_zero_dimensional_input():
    compare_with_torch(lambda t: t.index_select(0, kp.tensor([0])),
                       lambda t: t.index_select(0, torch.tensor([0])), [np.array(2.5)])


# ---- scatter, scatter_add, index_put, masked_fill -------------------------------------------

def distinct_rows(shape, n, dim, seed):
    """An index of ``shape`` whose entries along ``dim`` never repeat (within [0, n)): scatter
    without accumulation then writes each place at most once, so its result is defined."""
    rng = np.random.default_rng(seed)
    moved = np.moveaxis(np.empty(shape, dtype=np.int64), dim, -1)
    for position in np.ndindex(moved.shape[:-1]):
        moved[position] = rng.permutation(n)[:moved.shape[-1]]
    return np.moveaxis(moved, -1, dim)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scatter_matches_torch(dim):
    index_shape = [2, 3, 2]
    index_shape[dim] = min(3, X345.shape[dim])
    index = distinct_rows(index_shape, X345.shape[dim], dim, seed=7)
    x, src = arrays_for([(3, 4, 5), tuple(index_shape)], 6)
    compare_with_torch(lambda t, s: t.scatter(dim, kp.tensor(index), s),
                       lambda t, s: t.scatter(dim, torch.tensor(index), s), [x, src])
    compare_with_torch(lambda t: kp.scatter(t, dim, kp.tensor(index), value=-1.5),
                       lambda t: torch.scatter(t, dim, torch.tensor(index), value=-1.5), [x])
    compare_with_torch(lambda t: t.scatter(dim, kp.tensor(index), 2.0),
                       lambda t: t.scatter(dim, torch.tensor(index), 2.0), [x])


def test_scatter_reads_the_leading_block_of_a_larger_src():
    # src may be larger than index: only its leading block is written, as in torch (whose own
    # backward fails for such a src, so the gradient is checked numerically instead).
    index = distinct_rows((2, 3, 2), 3, 0, seed=8)
    x, src = arrays_for([(3, 4, 5), (3, 4, 3)], 9)
    compare_with_torch(lambda t, s: t.scatter(0, kp.tensor(index), s),
                       lambda t, s: t.scatter(0, torch.tensor(index), s), [x, src],
                       requires_grad=[False, False])
    check_gradients(lambda t, s: t.scatter(0, kp.tensor(index), s), [x, src])


@pytest.mark.parametrize("dim", [0, 1, 2])
def test_scatter_add_accumulates_like_torch(dim):
    rng = np.random.default_rng(dim)
    index_shape = [3, 4, 5]
    index_shape[dim] = 7  # more sources than places: repeats must add up
    index = rng.integers(0, X345.shape[dim], size=index_shape)
    x, src = arrays_for([(3, 4, 5), tuple(index_shape)], 9 + dim)
    compare_with_torch(lambda t, s: t.scatter_add(dim, kp.tensor(index), s),
                       lambda t, s: t.scatter_add(dim, torch.tensor(index), s), [x, src])
    compare_with_torch(lambda t, s: kp.scatter_add(t, dim, kp.tensor(index), s),
                       lambda t, s: torch.scatter_add(t, dim, torch.tensor(index), s), [x, src])


def test_scatter_add_sums_what_lands_on_one_place():
    # scatter_add(zeros, 0, i, v) is the histogram Σ_{j: i_j = k} v_j (np.bincount with weights).
    index = np.array([3, 0, 3, 3, 1])
    values = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    out = kp.zeros(5, dtype=kp.float64).scatter_add(0, kp.tensor(index), kp.tensor(values))
    assert_close(out, np.bincount(index, weights=values, minlength=5))


def test_scatter_gradcheck():
    x, src = arrays_for([(3, 4), (2, 4)], 10)
    index = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])
    check_gradients(lambda t, s: t.scatter_add(0, kp.tensor(index), s * s), [x, src])
    check_gradients(lambda t, s: t.scatter(0, kp.tensor(index), s) * t, [x, src])


PUT_INDICES = {"rows": (np.array([0, 2, 2, 0]),),
               "pairs": (np.array([1, 1, 2]), np.array([0, 0, 3])),
               "broadcast": (np.array([[0], [2]]), np.array([3, 1, 3]))}
PUT_UNIQUE_INDICES = {"rows": (np.array([2, 0]),),
                      "pairs": (np.array([1, 2, 0]), np.array([0, 3, 3])),
                      "broadcast": (np.array([[0], [2]]), np.array([3, 1]))}


def values_for(x, indices, seed):
    shape = tuple(torch.zeros(x.shape)[key_for(indices, torch)].shape)
    return arrays_for([shape], seed)[0]


@pytest.mark.parametrize("indices", PUT_INDICES.values(), ids=PUT_INDICES.keys())
def test_index_put_accumulate_matches_torch(indices):
    x = arrays_for([(3, 4)], 11)[0]
    compare_with_torch(lambda t, v: kp.index_put(t, key_for(indices, kp), v, accumulate=True),
                       lambda t, v: torch.index_put(t, key_for(indices, torch), v,
                                                    accumulate=True),
                       [x, values_for(x, indices, 12)])


@pytest.mark.parametrize("indices", PUT_UNIQUE_INDICES.values(), ids=PUT_UNIQUE_INDICES.keys())
def test_index_put_matches_torch(indices):
    # Places do not repeat: torch leaves unspecified which of two values written to one place wins.
    x = arrays_for([(3, 4)], 13)[0]
    values = values_for(x, indices, 14)
    compare_with_torch(lambda t, v: kp.index_put(t, key_for(indices, kp), v),
                       lambda t, v: torch.index_put(t, key_for(indices, torch), v), [x, values])
    compare_with_torch(lambda t, v: t.index_put(key_for(indices, kp), v[:1]),
                       lambda t, v: t.index_put(key_for(indices, torch), v[:1]), [x, values])


MASKS = {"full": X345 < 0, "broadcast rows": np.array([[True], [False], [True], [True]]),
         "last dim": np.array([False, True, False, True, True]), "none": np.zeros(5, bool),
         "grows the result": np.ones((2, 1, 1, 5), bool)}


@pytest.mark.parametrize("mask", MASKS.values(), ids=MASKS.keys())
def test_masked_fill_matches_torch(mask):
    compare_with_torch(lambda t: t.masked_fill(kp.tensor(mask), -0.25),
                       lambda t: t.masked_fill(torch.tensor(mask), -0.25), [X345])
    # A 0-d value tensor gets the gradient of every place it fills.
    compare_with_torch(lambda t, v: kp.masked_fill(t, kp.tensor(mask), v),
                       lambda t, v: torch.masked_fill(t, torch.tensor(mask), v),
                       [X345, np.array(1.75)])


def test_masked_fill_keeps_the_input_dtype():
    k = kp.tensor([1, 2, 3]).masked_fill(kp.tensor([True, False, True]), 2.7)
    t = torch.tensor([1, 2, 3]).masked_fill(torch.tensor([True, False, True]), 2.7)
    assert k.dtype == kp.int64
    assert_close(k, t)


@pytest.mark.parametrize("mask", [X345 > 0.3, np.array([True, False, False, True, True])],
                         ids=["full", "broadcast"])
def test_masked_select_matches_torch(mask):
    compare_with_torch(lambda t: t.masked_select(kp.tensor(mask)),
                       lambda t: t.masked_select(torch.tensor(mask)), [X345])


NONZERO_INPUTS = {"floats": np.array([[0.0, 1.5, 0.0], [-2.0, 0.0, 0.0]]),
                  "ints 3-d": np.random.default_rng(0).integers(0, 2, size=(2, 3, 4)),
                  "bools": np.array([True, False, True, True]),
                  "all zero": np.zeros((2, 2)), "empty": np.zeros((2, 0, 3)),
                  "zero-d non-zero": np.array(4.0), "zero-d zero": np.array(0.0),
                  "nan counts": np.array([np.nan, 0.0, -0.0, 1e-300])}


@pytest.mark.parametrize("array", NONZERO_INPUTS.values(), ids=NONZERO_INPUTS.keys())
def test_nonzero_matches_torch(array):
    k, t = kp.tensor(array), torch.tensor(array)
    found = kp.nonzero(k)
    assert found.dtype == kp.int64
    assert_close(found, torch.nonzero(t))
    assert_close(k.nonzero(), t.nonzero())
    k_tuple, t_tuple = kp.nonzero(k, as_tuple=True), torch.nonzero(t, as_tuple=True)
    assert len(k_tuple) == len(t_tuple)
    for a, b in zip(k_tuple, t_tuple):
        assert_close(a, b)


def test_nonzero_indices_read_back_the_non_zero_values():
    x = arrays_for([(4, 5)], 15)[0]
    x[np.abs(x) < 1.0] = 0.0
    found = kp.nonzero(kp.tensor(x)).data
    assert np.all(x[tuple(found.T)] != 0.0)
    assert len(found) == np.count_nonzero(x)


# ---- item assignment -------------------------------------------------------------------------

def assign(key, library, scalar=None):
    """y = 2x (not a leaf), y[key] = v, then y²: the gradient reaches x outside the written
    places and v through them; y² gives the second derivative something to multiply."""
    key = key_for(key, library)

    def function(x, v=None):
        y = x * 2
        y[key] = v if scalar is None else scalar
        return y * y
    return function


SET_KEYS = {
    "int": (1, (4, 5)), "negative int": (-1, (5,)), "slice": (slice(1, None), (1, 4, 5)),
    "step and int": ((slice(None), 1, slice(None, None, 2)), (3, 3)),
    "ellipsis": ((Ellipsis, 0), (3, 4)), "none": ((None, 2, 1), (1, 5)),
    "rows": (np.array([2, 0]), (2, 4, 5)), "pairs": ((np.array([0, 2]), np.array([3, 1])), (2, 5)),
    "mask": (X345 > 0.5, (int((X345 > 0.5).sum()),)),
    "mask rows": (np.array([True, False, True]), (1, 5)),
    "int, slice, array": ((1, slice(None), np.array([4, 0])), (4, 2)),
    "broadcast value": ((slice(None), np.array([1, 3])), ()),
}


@pytest.mark.parametrize("key, value_shape", SET_KEYS.values(), ids=SET_KEYS.keys())
def test_setitem_on_non_leaf_matches_torch(key, value_shape):
    x, v = arrays_for([(3, 4, 5), value_shape], 16)
    compare_with_torch(assign(key, kp), assign(key, torch), [x, v])


@pytest.mark.parametrize("key", [1, np.array([0, 2]), X345 < 0.0], ids=["int", "rows", "mask"])
def test_setitem_with_a_number_or_a_constant_base(key):
    x, = arrays_for([(3, 4, 5)], 17)
    compare_with_torch(assign(key, kp, scalar=0.5), assign(key, torch, scalar=0.5), [x])
    # Only the value requires grad: the result still does, through the written places.
    v, = arrays_for([torch.zeros(3, 4, 5)[key_for(key, torch)].shape], 18)
    compare_with_torch(assign(key, kp), assign(key, torch), [x, v], requires_grad=[False, True])


def test_setitem_gradient_splits_between_base_and_value():
    # ∂L/∂x is g with the written places zeroed, ∂L/∂v is g at those places (summed over the
    # places one broadcast value fills).
    x = kp.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    v = kp.tensor(np.array([10.0]), requires_grad=True)
    y = x * 1
    y[:, np.array([0, 2])] = v
    weights = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    (y * kp.tensor(weights)).sum().backward()
    assert_close(x.grad, np.array([[0.0, 2.0, 0.0], [0.0, 5.0, 0.0]]))
    assert_close(v.grad, np.array([1.0 + 3.0 + 4.0 + 6.0]))


def test_setitem_casts_the_value_and_its_gradient_back():
    # A float32 value written into float64: the result stays float64, v.grad is float32.
    grads = {}
    for library in (torch, kp):
        x = library.tensor(np.arange(4.0), requires_grad=True)
        v = library.tensor(np.array([1.5, 2.5], dtype=np.float32), requires_grad=True)
        y = x * 1
        y[1:3] = v
        assert y.dtype == library.float64
        (y * y).sum().backward()
        grads[library] = (x.grad, v.grad)
    for k, t in zip(grads[kp], grads[torch]):
        assert_close(k, t)


def test_setitem_gradcheck():
    x, v = arrays_for([(3, 4), (2, 4)], 19)
    check_gradients(assign(np.array([2, 0]), kp), [x, v])


def test_inplace_index_methods_on_non_leaf_match_torch():
    index = np.array([[0, 1, 2, 0, 1], [2, 0, 1, 1, 0]])

    def run(library):
        def function(x, s):
            y = x * 1
            y.scatter_add_(0, library.tensor(index), s)
            y.masked_fill_(library.tensor(X345[0, :3] > 0), 3.0)
            y.index_put_((library.tensor([1, 0]),), s[0])
            return y.exp()
        return function
    x, s = arrays_for([(3, 5), (2, 5)], 20)
    compare_with_torch(run(kp), run(torch), [x, s])


def test_setitem_on_leaf_that_requires_grad_raises():
    leaf = kp.tensor(np.zeros(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        leaf[0] = 1.0
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        torch.zeros(3, requires_grad=True)[0] = 1.0
    # Under no_grad both libraries allow it (how optimisers update parameters).
    with kp.no_grad():
        leaf[1] = 2.0
    assert_close(leaf.detach(), np.array([0.0, 2.0, 0.0]))
    assert leaf.requires_grad and leaf.grad_fn is None


def test_setitem_after_a_save_makes_backward_refuse():
    # y² saved y; writing into y afterwards makes its gradient wrong, so backward must say so.
    for library in (torch, kp):
        x = library.tensor(np.ones(3), requires_grad=True)
        y = x * 1
        z = y * y
        y[0] = 5.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


# ---- errors ------------------------------------------------------------------------------------

def out_of_range_calls(library):
    x = library.tensor(X345)
    index = library.tensor
    return {
        "int": lambda: x[3],
        "negative int": lambda: x[-4],
        "second dim": lambda: x[0, 4],
        "array": lambda: x[index([0, 3])],
        "negative array": lambda: x[:, index([-5])],
        "setitem": lambda: x.__setitem__((1, 5), 0.0),
    }


@pytest.mark.parametrize("case", sorted(out_of_range_calls(torch)))
def test_index_out_of_range_raises_index_error(case):
    with pytest.raises(IndexError) as expected:
        out_of_range_calls(torch)[case]()
    number = re.search(r"index (-?\d+)", str(expected.value)).group(1)
    with pytest.raises(IndexError, match=f"index {number} is out of bounds"):
        out_of_range_calls(kp)[case]()


def test_other_index_errors_raise_index_error():
    x = kp.tensor(X345)
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0, 0]
    assert_raises_like_torch(lambda: x[kp.tensor([1.0])],
                             lambda: torch.tensor(X345)[torch.tensor([1.0])])
    # torch raises IndexError here only along dimension 0 (RuntimeError elsewhere); konspekt
    # raises it along every dimension.
    for dim, index in ((1, [4]), (2, [-1])):
        with pytest.raises(IndexError, match="index out of range in self"):
            x.index_select(dim, kp.tensor(index))


def error_calls(library):
    x = library.tensor(X345)
    i = library.tensor
    return {
        "gather dim": lambda: x.gather(3, i([[[0]]])),
        "gather negative dim": lambda: x.gather(-4, i([[[0]]])),
        "gather ndim": lambda: x.gather(0, i([0, 1])),
        "gather size": lambda: x.gather(0, i(np.zeros((1, 5, 1), np.int64))),
        "gather float index": lambda: x.gather(0, i([[[0.0]]])),
        "gather index too big": lambda: x.gather(1, i([[[4]]])),
        "gather negative index": lambda: x.gather(2, i([[[0, -1]]])),
        "scatter index too big": lambda: x.scatter(0, i([[[3]]]), 1.0),
        "scatter negative index": lambda: x.scatter_add(0, i([[[-1]]]), x),
        "scatter small src": lambda: x.scatter(0, i(np.zeros((1, 2, 3), np.int64)),
                                               x[:1, :1]),
        "scatter float index": lambda: x.scatter(0, i([[[1.0]]]), 1.0),
        "index_select float": lambda: x.index_select(0, i([0.0])),
        "index_select matrix": lambda: x.index_select(0, i([[0]])),
        "index_select too big": lambda: x.index_select(0, i([3])),
        "index_select negative": lambda: x.index_select(0, i([-1])),
        "masked_fill int mask": lambda: x.masked_fill(i([1, 0, 1, 0, 1]), 0.0),
        "masked_fill vector value": lambda: x.masked_fill(x > 0, i([1.0])),
        "take_along_dim ndim": lambda: library.take_along_dim(x, i([0]), dim=0),
        "take_along_dim float": lambda: library.take_along_dim(x, i([[[1.0]]]), dim=0),
        "take_along_dim flat too big": lambda: library.take_along_dim(x, i([60])),
    }


@pytest.mark.parametrize("case", sorted(error_calls(torch)))
def test_errors_match_torch(case):
    assert_raises_like_torch(error_calls(kp)[case], error_calls(torch)[case])
