"""Sorting against torch: ``sort``, ``argsort``, ``topk``, ``msort``, ``kthvalue`` — values and
indices, first and second derivatives through the permutation, ties, NaN, 0-d inputs, errors; and
the defining property: ∂/∂x Σ w ∘ sort(x) is w sent back through the inverse permutation."""


import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import konspekt as kp
from oracle import (arrays_for, assert_close, assert_raises_like_torch, check_gradients,
                    compare_with_torch, seeds)

FEW = settings(max_examples=15, deadline=None)
shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)


def distinct(shape, seed):
    """Values without ties (a shuffled grid 0.37 apart, so finite differences cannot reorder
    them): the sorting permutation is unique and torch's indices must match exactly."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape) * 0.37 - 0.2 * size


# ---- sort and argsort ----------------------------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_torch(dim, descending):
    x = distinct((3, 4, 5), dim + 2)
    compare_with_torch(lambda t: kp.sort(t, dim, descending),
                       lambda t: torch.sort(t, dim, descending), [x])
    compare_with_torch(lambda t: t.sort(dim=dim, descending=descending),
                       lambda t: t.sort(dim=dim, descending=descending), [x])


@FEW
@given(shape=shapes, data=st.data(), seed=seeds)
def test_sort_random(shape, data, seed):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    descending = data.draw(st.booleans())
    compare_with_torch(lambda t: kp.sort(t, dim=dim, descending=descending),
                       lambda t: torch.sort(t, dim=dim, descending=descending),
                       [distinct(shape, seed)])


def test_sort_returns_named_values_and_indices():
    x = distinct((2, 6), 1)
    result = kp.sort(kp.tensor(x), dim=1)
    values, indices = result
    assert result.values is values and result.indices is indices
    assert indices.dtype == kp.int64
    assert_close(values, np.take_along_axis(x, indices.data, axis=1))
    assert np.all(np.diff(values.data, axis=1) > 0)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_argsort_matches_torch(dim, descending):
    x = distinct((4, 6), 2 + dim)
    k, t = kp.tensor(x), torch.tensor(x)
    assert_close(kp.argsort(k, dim, descending), torch.argsort(t, dim, descending))
    assert_close(k.argsort(dim=dim, descending=descending),
                 t.argsort(dim=dim, descending=descending))


TIES = np.array([[1.0, 2.0, 2.0, 3.0, 2.0, 1.0, 0.5, 3.0],
                 [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                 [-1.0, 4.0, -1.0, 4.0, 4.0, -1.0, 2.0, 2.0]])


@pytest.mark.parametrize("descending", [False, True])
def test_stable_sort_keeps_ties_in_order_like_torch(descending):
    # With stable=True torch's order of equal values is defined (first come, first placed), so
    # indices and the gradients routed through them must match.
    compare_with_torch(lambda t: kp.sort(t, descending=descending, stable=True),
                       lambda t: torch.sort(t, descending=descending, stable=True), [TIES])
    compare_with_torch(lambda t: kp.sort(t.T, dim=0, descending=descending, stable=True),
                       lambda t: torch.sort(t.T, dim=0, descending=descending, stable=True),
                       [TIES])
    assert_close(kp.argsort(kp.tensor(TIES), descending=descending, stable=True),
                 torch.argsort(torch.tensor(TIES), descending=descending, stable=True))


def test_sort_places_nan_last_ascending_and_first_descending():
    x = np.array([3.0, np.nan, 1.0, -np.inf, 2.0, np.nan, np.inf, -1.0])
    for descending in (False, True):
        compare_with_torch(lambda t: kp.sort(t, descending=descending, stable=True),
                           lambda t: torch.sort(t, descending=descending, stable=True), [x])


@pytest.mark.parametrize("array", [np.array([3, -1, 7, 0, 7, 2]), np.array([True, False, True]),
                                   np.array([2.5, -1.0, 0.0], dtype=np.float32)],
                         ids=["int64", "bool", "float32"])
def test_sort_keeps_the_dtype(array):
    k_values, k_indices = kp.sort(kp.tensor(array), stable=True)
    t_values, t_indices = torch.sort(torch.tensor(array), stable=True)
    assert k_values.dtype.name == str(t_values.dtype).removeprefix("torch.")
    assert_close(k_values, t_values)
    assert_close(k_indices, t_indices)


def test_sort_of_zero_dimensional_and_empty_inputs():
    compare_with_torch(kp.sort, torch.sort, [np.array(1.5)])
    compare_with_torch(lambda t: kp.sort(t, dim=-1), lambda t: torch.sort(t, dim=-1),
                       [np.array(-0.5)])
    assert_close(kp.argsort(kp.tensor(2.0)), torch.argsort(torch.tensor(2.0)))
    compare_with_torch(lambda t: kp.sort(t, dim=1), lambda t: torch.sort(t, dim=1),
                       [np.zeros((3, 0))])


def test_msort_matches_torch():
    x = distinct((5, 3), 3)
    compare_with_torch(kp.msort, torch.msort, [x])
    compare_with_torch(lambda t: t.msort(), lambda t: t.msort(), [x])


# ---- the gradient goes back through the permutation ----------------------------------------

@FEW
@given(shape=shapes, data=st.data(), seed=seeds)
def test_sort_gradient_is_the_weights_under_the_inverse_permutation(shape, data, seed):
    # y = x[π] along dim, so ∂(w·y)/∂x_j = w_{π⁻¹(j)}: the weights go back to where each value
    # came from.
    dim = data.draw(st.integers(0, len(shape) - 1))
    descending = data.draw(st.booleans())
    x = kp.tensor(distinct(shape, seed), requires_grad=True)
    w = np.random.default_rng(seed).standard_normal(shape)
    values, permutation = kp.sort(x, dim=dim, descending=descending)
    (values * kp.tensor(w)).sum().backward()
    inverse = np.argsort(permutation.data, axis=dim)
    assert_close(x.grad, np.take_along_axis(w, inverse, axis=dim))


@FEW
@given(shape=shapes, data=st.data(), seed=seeds)
def test_topk_gradient_lands_on_the_chosen_places(shape, data, seed):
    dim = data.draw(st.integers(0, len(shape) - 1))
    k = data.draw(st.integers(0, shape[dim]))
    x = kp.tensor(distinct(shape, seed), requires_grad=True)
    values, indices = kp.topk(x, k, dim=dim)
    w = np.random.default_rng(seed).standard_normal(values.shape)
    (values * kp.tensor(w)).sum().backward()
    expected = np.zeros(shape)
    np.put_along_axis(expected, indices.data, w, axis=dim)
    assert_close(x.grad, expected)
    # The k chosen are the k largest: every value left out lies below the smallest chosen one.
    chosen = np.zeros(shape, dtype=bool)
    np.put_along_axis(chosen, indices.data, True, axis=dim)
    if 0 < k < shape[dim]:
        assert np.all(np.where(chosen, -np.inf, x.data).max(axis=dim)
                      < np.where(chosen, x.data, np.inf).min(axis=dim))


def test_sort_second_derivative_through_a_nonlinear_function():
    # Nonlinear functions before and after the sort: their second derivatives, too, must be
    # routed through the permutation (and its inverse) to reach the right places.
    x, = arrays_for([(3, 4)], 4)
    compare_with_torch(lambda t: kp.sort(t ** 3, dim=0).values.exp(),
                       lambda t: torch.sort(t ** 3, dim=0).values.exp(), [x])
    compare_with_torch(lambda t: kp.topk(t * t, 2).values * t[:, :2],
                       lambda t: torch.topk(t * t, 2).values * t[:, :2], [x])


def test_sorting_gradcheck():
    x = distinct((3, 4), 5)
    check_gradients(lambda t: kp.sort(t, dim=1).values ** 2, [x])
    check_gradients(lambda t: kp.topk(t, 2, dim=0, largest=False).values * t[:2], [x])
    check_gradients(lambda t: kp.kthvalue(t, 2, dim=1).values ** 2, [x])


# ---- topk, kthvalue ------------------------------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 3, 5])
@pytest.mark.parametrize("dim", [-1, 1, 0])
@pytest.mark.parametrize("largest", [True, False])
def test_topk_matches_torch(k, dim, largest):
    x = distinct((6, 5, 7), k + 7 * (dim + 1))
    compare_with_torch(lambda t: kp.topk(t, k, dim, largest),
                       lambda t: torch.topk(t, k, dim, largest), [x])
    compare_with_torch(lambda t: t.topk(k, dim=dim, largest=largest),
                       lambda t: t.topk(k, dim=dim, largest=largest), [x])


def by_index(result, dim):
    """topk's values and indices reordered by index: sorted=False leaves the order unspecified."""
    order = result.indices.argsort(dim=dim)
    return result.values.gather(dim, order), result.indices.gather(dim, order)


@pytest.mark.parametrize("largest", [True, False])
def test_topk_unsorted_selects_the_same_elements(largest):
    x = distinct((4, 7), 8)
    compare_with_torch(lambda t: by_index(kp.topk(t, 3, largest=largest, sorted=False), 1),
                       lambda t: by_index(torch.topk(t, 3, largest=largest, sorted=False), 1),
                       [x])


def test_topk_with_nan_and_infinities():
    # NaN counts as the largest value, as in torch.
    x = np.array([[0.5, np.nan, -np.inf, 2.0, np.inf, -3.0]])
    for largest in (True, False):
        compare_with_torch(lambda t: kp.topk(t, 3, largest=largest),
                           lambda t: torch.topk(t, 3, largest=largest), [x])


def test_topk_of_zero_dimensional_input():
    for k in (0, 1):
        compare_with_torch(lambda t: kp.topk(t, k), lambda t: torch.topk(t, k), [np.array(0.75)])


@pytest.mark.parametrize("k", [1, 3, 6])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_kthvalue_matches_torch(k, dim, keepdim):
    x = distinct((6, 7), k + dim)
    compare_with_torch(lambda t: kp.kthvalue(t, k, dim, keepdim),
                       lambda t: torch.kthvalue(t, k, dim, keepdim), [x])
    compare_with_torch(lambda t: t.kthvalue(k, dim=dim, keepdim=keepdim),
                       lambda t: t.kthvalue(k, dim=dim, keepdim=keepdim), [x])


def test_kthvalue_of_zero_dimensional_input():
    compare_with_torch(lambda t: kp.kthvalue(t, 1), lambda t: torch.kthvalue(t, 1),
                       [np.array(2.25)])


# ---- errors ------------------------------------------------------------------------------------

def error_calls(library):
    x = library.tensor(distinct((3, 4), 9))
    scalar = library.tensor(1.0)
    return {
        "sort dim": lambda: library.sort(x, dim=2),
        "sort negative dim": lambda: x.sort(dim=-3),
        "sort 0-d dim": lambda: library.sort(scalar, dim=1),
        "argsort dim": lambda: library.argsort(x, dim=5),
        "argsort 0-d dim": lambda: library.argsort(scalar, dim=-2),
        "topk k too big": lambda: library.topk(x, 5),
        "topk negative k": lambda: library.topk(x, -1, dim=0),
        "topk dim": lambda: library.topk(x, 1, dim=2),
        "topk 0-d dim": lambda: library.topk(scalar, 1, dim=1),
        "topk 0-d k": lambda: library.topk(scalar, 2),
        "kthvalue k zero": lambda: library.kthvalue(x, 0),
        "kthvalue k too big": lambda: library.kthvalue(x, 4, dim=0),
        "kthvalue dim": lambda: library.kthvalue(x, 1, dim=2),
        "kthvalue 0-d k": lambda: library.kthvalue(scalar, 2),
    }


@pytest.mark.parametrize("case", sorted(error_calls(torch)))
def test_errors_match_torch(case):
    assert_raises_like_torch(error_calls(kp)[case], error_calls(torch)[case])
