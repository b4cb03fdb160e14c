"""Shape operations against torch: values, first and second derivatives over drawn shapes,
gradient checks, integer and boolean tensors, ``nn.functional.pad`` in its four modes (negative
widths included), and the errors torch raises, named by shape or argument."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import konspekt as kp
import konspekt.nn.functional as KF
from oracle import arrays_for, assert_close, check_gradients, compare_with_torch, seeds

few = settings(max_examples=15)


def pair(shape, dtype="float64"):
    array = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    return kp.tensor(array), torch.tensor(array)


def torch_error(torch_call):
    with pytest.raises(Exception) as caught:
        torch_call()
    return caught.type, str(caught.value).splitlines()[0]


def assert_raises_like_torch(kp_call, torch_call):
    """The same error type as torch, with torch's message."""
    kind, message = torch_error(torch_call)
    with pytest.raises(kind, match=re.escape(message)) as caught:
        kp_call()
    assert caught.type is kind, f"{caught.type.__name__} vs torch's {kind.__name__}"


def assert_raises_naming(kp_call, torch_call, *names):
    """The same error type as torch; konspekt's own wording names each of ``names``."""
    kind, _ = torch_error(torch_call)
    with pytest.raises(kind) as caught:
        kp_call()
    assert caught.type is kind, f"{caught.type.__name__} vs torch's {kind.__name__}"
    for name in names:
        assert name in str(caught.value), f"{name!r} is not named in: {caught.value}"


def one_input(shape, seed):
    return arrays_for([shape], seed)


def dim_in(data, ndim, extra=0):
    """A dimension (maybe negative) of a tensor with ``ndim`` dims, plus ``extra`` new positions."""
    size = max(ndim + extra, 1)
    return data.draw(st.integers(-size, size - 1))


def prime_factors(n):
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


# ---------------------------------------------------------------- reshape, view, flatten, squeeze


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4), data=st.data(),
       seed=seeds)
def test_reshape_and_view_match_torch(shape, data, seed):
    # A random factorisation of the element count, one size maybe inferred (−1).
    ndim = data.draw(st.integers(1, 4))
    target = [1] * ndim
    for p in prime_factors(int(np.prod(shape))):
        target[data.draw(st.integers(0, ndim - 1))] *= p
    inferred = data.draw(st.none() | st.integers(0, ndim - 1))
    if inferred is not None:
        target[inferred] = -1
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.reshape(t, target), lambda t: torch.reshape(t, target), x)
    compare_with_torch(lambda t: t.reshape(*target), lambda t: t.reshape(*target), x)
    compare_with_torch(lambda t: t.view(target), lambda t: t.view(target), x)


def test_reshape_of_a_transposed_tensor():
    # Not contiguous: the elements are taken in the transposed order (torch's view refuses it).
    x = one_input((3, 4), 1)
    compare_with_torch(lambda t: t.t().reshape(2, -1), lambda t: t.t().reshape(2, -1), x)
    compare_with_torch(lambda t: t.mT.reshape(-1), lambda t: t.mT.reshape(-1), x)


def test_reshape_empty_and_as():
    x, y = arrays_for([(0, 3), (6, 2)], 2)
    compare_with_torch(lambda t: t.reshape(3, -1, 1), lambda t: t.reshape(3, -1, 1), [x])
    compare_with_torch(lambda t: t.reshape(0, 5), lambda t: t.reshape(0, 5), [x])
    compare_with_torch(lambda a, b: a.view_as(b), lambda a, b: a.view_as(b),
                       [y.reshape(3, 4), y], requires_grad=[True, False])
    compare_with_torch(lambda a, b: a.reshape_as(b), lambda a, b: a.reshape_as(b),
                       [y, y.reshape(4, 3)], requires_grad=[True, False])


@pytest.mark.parametrize("target", [(5, 5), (-1, 5), (-1, -1), (-2, -12), (2, -3, -4), (25,)])
def test_reshape_errors_like_torch(target):
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.reshape(target), lambda: t.reshape(target))
    assert_raises_like_torch(lambda: k.view(*target), lambda: t.view(*target))


def test_reshape_of_nothing_into_an_ambiguous_shape():
    k, t = pair((0, 3))
    assert_raises_like_torch(lambda: k.reshape(-1, 0), lambda: t.reshape(-1, 0))


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_flatten_matches_torch(shape, data, seed):
    start = dim_in(data, len(shape))
    end = dim_in(data, len(shape))
    if len(shape) and start % len(shape) > end % len(shape):
        start, end = end, start
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.flatten(t, start, end),
                       lambda t: torch.flatten(t, start, end), x)
    compare_with_torch(lambda t: t.flatten(start_dim=start), lambda t: t.flatten(start_dim=start),
                       x)


def test_flatten_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.flatten(2, 1), lambda: t.flatten(2, 1))
    assert_raises_like_torch(lambda: k.flatten(0, 3), lambda: t.flatten(0, 3))
    assert_raises_like_torch(lambda: k.flatten(-4), lambda: t.flatten(-4))
    k, t = pair(())
    assert_raises_like_torch(lambda: k.flatten(0, 3), lambda: t.flatten(0, 3))


def test_unflatten_matches_torch():
    x = one_input((2, 12), 3)
    for dim, sizes in ((1, (3, 4)), (-1, (2, -1, 3)), (0, (1, 2))):
        compare_with_torch(lambda t: t.unflatten(dim, sizes), lambda t: t.unflatten(dim, sizes),
                           x)
    k, t = pair((2, 12))
    assert_raises_like_torch(lambda: k.unflatten(1, (5, 2)), lambda: t.unflatten(1, (5, 2)))
    assert_raises_like_torch(lambda: k.unflatten(1, (5, -1)), lambda: t.unflatten(1, (5, -1)))


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=2), data=st.data(),
       seed=seeds)
def test_squeeze_matches_torch(shape, data, seed):
    x = one_input(shape, seed)
    dim = dim_in(data, len(shape))
    dims = tuple(data.draw(st.sets(st.integers(0, max(len(shape) - 1, 0)), max_size=3)))
    compare_with_torch(kp.squeeze, torch.squeeze, x)
    compare_with_torch(lambda t: kp.squeeze(t, dim), lambda t: torch.squeeze(t, dim), x)
    compare_with_torch(lambda t: t.squeeze(dims), lambda t: t.squeeze(dims), x)


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_unsqueeze_matches_torch(shape, data, seed):
    dim = dim_in(data, len(shape), extra=1)
    compare_with_torch(lambda t: kp.unsqueeze(t, dim), lambda t: torch.unsqueeze(t, dim),
                       one_input(shape, seed))


@pytest.mark.parametrize("shape, dim", [((2, 1, 3), 3), ((2, 1, 3), -4), ((), 1), ((2,), (0, 1))])
def test_squeeze_bad_dim_raises_index_error(shape, dim):
    k, t = pair(shape)
    assert_raises_like_torch(lambda: k.squeeze(dim), lambda: t.squeeze(dim))


@pytest.mark.parametrize("shape, dim", [((2, 3), 3), ((2, 3), -4), ((), 2)])
def test_unsqueeze_bad_dim_raises_index_error(shape, dim):
    k, t = pair(shape)
    assert_raises_like_torch(lambda: k.unsqueeze(dim), lambda: t.unsqueeze(dim))


# ------------------------------------------------------------- transpose, permute, T, mT, movedim


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_transpose_matches_torch(shape, data, seed):
    a, b = dim_in(data, len(shape)), dim_in(data, len(shape))
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.transpose(t, a, b), lambda t: torch.transpose(t, a, b), x)
    compare_with_torch(lambda t: t.swapaxes(a, b), lambda t: t.swapaxes(a, b), x)
    compare_with_torch(lambda t: t.swapdims(a, b), lambda t: t.swapdims(a, b), x)


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_permute_matches_torch(shape, data, seed):
    order = data.draw(st.permutations(range(len(shape))))
    # Some dims given as negative numbers, as torch allows.
    order = [d - len(shape) if data.draw(st.booleans()) else d for d in order]
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.permute(t, order), lambda t: torch.permute(t, order), x)
    if order:  # torch's method wants at least one dim written out
        compare_with_torch(lambda t: t.permute(*order), lambda t: t.permute(*order), x)


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch deprecates .T beyond 2 dims
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 3, 2)])
def test_T_reverses_all_dims(shape):
    compare_with_torch(lambda t: t.T, lambda t: t.T, one_input(shape, 4))


@pytest.mark.parametrize("shape", [(2, 3), (4, 2, 3), (2, 1, 3, 2)])
def test_mT_and_t_transpose_matrices(shape):
    x = one_input(shape, 5)
    compare_with_torch(lambda t: t.mT, lambda t: t.mT, x)
    if len(shape) == 2:
        compare_with_torch(kp.t, torch.t, x)
        compare_with_torch(lambda t: t.t(), lambda t: t.t(), one_input((3,), 5))


def test_transpose_and_permute_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.transpose(0, 3), lambda: t.transpose(0, 3))
    assert_raises_like_torch(lambda: k.transpose(-4, 0), lambda: t.transpose(-4, 0))
    assert_raises_like_torch(lambda: k.permute(0, 1, 3), lambda: t.permute(0, 1, 3))
    assert_raises_like_torch(lambda: k.t(), lambda: t.t())
    assert_raises_naming(lambda: k.permute(0, 0, 1), lambda: t.permute(0, 0, 1), "duplicate",
                         "[0, 0, 1]")
    assert_raises_naming(lambda: k.permute(1, 0), lambda: t.permute(1, 0), "input.dim() = 3",
                         "len(dims) = 2")
    k, t = pair(())
    assert_raises_like_torch(lambda: k.transpose(0, 3), lambda: t.transpose(0, 3))


@pytest.mark.parametrize("source, destination", [(0, 2), (-1, 0), ((0, 1), (2, 0)),
                                                 ((2, 0, 1), (0, 1, 2)), ((), ())])
def test_movedim_matches_torch(source, destination):
    compare_with_torch(lambda t: t.movedim(source, destination),
                       lambda t: t.movedim(source, destination), one_input((2, 3, 4), 6))


@pytest.mark.parametrize("source, destination", [((0, 1), (1,)), ((0, 0), (1, 2)),
                                                 ((0, 1), (2, 2)), (0, 3)])
def test_movedim_errors_like_torch(source, destination):
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.movedim(source, destination),
                             lambda: t.movedim(source, destination))


# ------------------------------------------------------------------ expand, broadcast_to, repeat


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_expand_and_broadcast_to_match_torch(shape, data, seed):
    # Size-1 dims grow (or stay, or empty); the others keep their size, written as is or as −1.
    lead = data.draw(st.lists(st.integers(0, 3), max_size=2))
    sizes = lead + [data.draw(st.integers(-1, 3)) if n == 1 else data.draw(st.sampled_from([n, -1]))
                    for n in shape]
    x = one_input(shape, seed)
    if sizes:  # torch's method wants at least one size written out
        compare_with_torch(lambda t: t.expand(*sizes), lambda t: t.expand(*sizes), x)
    compare_with_torch(lambda t: t.expand(sizes), lambda t: t.expand(sizes), x)
    compare_with_torch(lambda t: kp.broadcast_to(t, sizes), lambda t: torch.broadcast_to(t, sizes),
                       x)
    compare_with_torch(lambda t: t.broadcast_to(sizes), lambda t: t.broadcast_to(sizes), x)


def test_expand_as_and_broadcast_tensors():
    a, b, c = arrays_for([(3, 1), (4, 1, 2), (2,)], 7)
    compare_with_torch(lambda x, y: x.expand_as(y), lambda x, y: x.expand_as(y),
                       [a, np.zeros((2, 3, 5))], requires_grad=[True, False])
    compare_with_torch(kp.broadcast_tensors, torch.broadcast_tensors, [a, b, c])
    compare_with_torch(kp.broadcast_tensors, torch.broadcast_tensors, [a])


def test_expand_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.expand(2, 5, 4), lambda: t.expand(2, 5, 4))
    assert_raises_like_torch(lambda: k.expand(2, -2, 4), lambda: t.expand(2, -2, 4))
    assert_raises_like_torch(lambda: kp.broadcast_to(k, (3, 3, 4)),
                             lambda: torch.broadcast_to(t, (3, 3, 4)))
    assert_raises_naming(lambda: k.expand(3, 4), lambda: t.expand(3, 4), "(2)", "(3)")
    assert_raises_naming(lambda: k.expand(-1, 2, 3, 4), lambda: t.expand(-1, 2, 3, 4), "-1",
                         "leading")
    k1, t1 = pair((2,))
    assert_raises_like_torch(lambda: kp.broadcast_tensors(k1, k),
                             lambda: torch.broadcast_tensors(t1, t))


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_repeat_matches_torch(shape, data, seed):
    repeats = data.draw(st.lists(st.integers(0, 3), min_size=max(len(shape), 1),
                                 max_size=len(shape) + 2))
    x = one_input(shape, seed)
    compare_with_torch(lambda t: t.repeat(*repeats), lambda t: t.repeat(*repeats), x)
    compare_with_torch(lambda t: t.repeat(repeats), lambda t: t.repeat(repeats), x)


def test_repeat_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.repeat(2, 2), lambda: t.repeat(2, 2))
    assert_raises_like_torch(lambda: k.repeat(2, -1, 1), lambda: t.repeat(2, -1, 1))
    assert_raises_like_torch(lambda: k.repeat(), lambda: t.repeat())


# ------------------------------------------------------------------------- cat, stack, split, chunk


@few
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_cat_matches_torch(shape, data, seed):
    dim = dim_in(data, len(shape))
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    shapes = [shape[:dim % len(shape)] + (s,) + shape[dim % len(shape) + 1:] for s in sizes]
    xs = arrays_for(shapes, seed)
    compare_with_torch(lambda *ts: kp.cat(ts, dim), lambda *ts: torch.cat(ts, dim), xs)
    compare_with_torch(lambda *ts: kp.concat(list(ts), dim=dim),
                       lambda *ts: torch.concat(list(ts), dim=dim), xs)


def test_cat_skips_legacy_empty_vectors_and_promotes():
    x, = arrays_for([(2, 3)], 8)
    compare_with_torch(lambda a, b: kp.cat([a, b, a], 1), lambda a, b: torch.cat([a, b, a], 1),
                       [x, np.zeros(0)])
    ki, ti = pair((2, 3), "int64")
    kf, tf = kp.tensor(x.astype(np.float32)), torch.tensor(x.astype(np.float32))
    got, expected = kp.cat([ki, kf]), torch.cat([ti, tf])
    assert got.dtype.name == str(expected.dtype).removeprefix("torch.")
    assert_close(got, expected)
    # Gradient to a float32 input through a promoted cat keeps float32.
    k32 = kp.tensor(x.astype(np.float32), requires_grad=True)
    t32 = torch.tensor(x.astype(np.float32), requires_grad=True)
    kp.cat([k32, ki]).sum().backward()
    torch.cat([t32, ti]).sum().backward()
    assert_close(k32.grad, t32.grad)


def test_cat_errors_like_torch():
    k, t = pair((2, 3, 4))
    k2, t2 = pair((2, 4, 4))
    ks, ts = pair(())
    assert_raises_like_torch(lambda: kp.cat([k, k2], 2), lambda: torch.cat([t, t2], 2))
    assert_raises_like_torch(lambda: kp.cat([k2, k], -1), lambda: torch.cat([t2, t], -1))
    assert_raises_like_torch(lambda: kp.cat([k, k], 3), lambda: torch.cat([t, t], 3))
    assert_raises_like_torch(lambda: kp.cat([ks, ks]), lambda: torch.cat([ts, ts]))
    assert_raises_like_torch(lambda: kp.cat([k, ks]), lambda: torch.cat([t, ts]))
    assert_raises_like_torch(lambda: kp.cat([]), lambda: torch.cat([]))
    k1, t1 = pair((2, 12))
    assert_raises_like_torch(lambda: kp.cat([k, k1]), lambda: torch.cat([t, t1]))


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_stack_matches_torch(shape, data, seed):
    dim = dim_in(data, len(shape), extra=1)
    xs = arrays_for([shape] * data.draw(st.integers(1, 3)), seed)
    compare_with_torch(lambda *ts: kp.stack(ts, dim), lambda *ts: torch.stack(ts, dim), xs)


def test_stack_errors_like_torch():
    k, t = pair((2, 3, 4))
    k2, t2 = pair((2, 4, 4))
    assert_raises_like_torch(lambda: kp.stack([k, k2]), lambda: torch.stack([t, t2]))
    assert_raises_like_torch(lambda: kp.stack([k, k], 4), lambda: torch.stack([t, t], 4))
    assert_raises_like_torch(lambda: kp.stack([k, k], -5), lambda: torch.stack([t, t], -5))
    assert_raises_like_torch(lambda: kp.stack([]), lambda: torch.stack([]))


@few
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5), data=st.data(),
       seed=seeds)
def test_split_matches_torch(shape, data, seed):
    dim = dim_in(data, len(shape))
    n = shape[dim]
    step = data.draw(st.integers(1, 6))
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.split(t, step, dim), lambda t: torch.split(t, step, dim), x)
    compare_with_torch(lambda t: t.split(sections, dim), lambda t: t.split(sections, dim), x)


@few
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=7), data=st.data(),
       seed=seeds)
def test_chunk_matches_torch(shape, data, seed):
    dim = dim_in(data, len(shape))
    chunks = data.draw(st.integers(1, 6))
    compare_with_torch(lambda t: kp.chunk(t, chunks, dim), lambda t: torch.chunk(t, chunks, dim),
                       one_input(shape, seed))


def test_split_and_chunk_of_an_empty_dim():
    x = one_input((0, 3), 9)
    compare_with_torch(lambda t: t.split(0), lambda t: t.split(0), x)
    compare_with_torch(lambda t: t.split([0, 0]), lambda t: t.split([0, 0]), x)
    compare_with_torch(lambda t: t.chunk(3), lambda t: t.chunk(3), x)


@pytest.mark.parametrize("split_size, dim", [([1, 1], 1), ([4, -1], 1), (0, 1), (-1, 1), (1, 3),
                                             ([2, 2], -3)])
def test_split_errors_like_torch(split_size, dim):
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.split(split_size, dim), lambda: t.split(split_size, dim))


def test_chunk_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.chunk(0, 1), lambda: t.chunk(0, 1))
    assert_raises_like_torch(lambda: k.chunk(2, 3), lambda: t.chunk(2, 3))


# -------------------------------------------------------------------------- flip, roll, tril, triu


@few
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), data=st.data(),
       seed=seeds)
def test_flip_matches_torch(shape, data, seed):
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(0, max(nd - 1, 0)), unique=True, max_size=max(nd, 1)))
    dims = [d - max(nd, 1) if data.draw(st.booleans()) else d for d in dims]
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.flip(t, dims), lambda t: torch.flip(t, dims), x)
    if dims:  # torch's method wants at least one dim written out
        compare_with_torch(lambda t: t.flip(*dims), lambda t: t.flip(*dims), x)


def test_fliplr_and_flipud():
    x = one_input((3, 4, 2), 10)
    compare_with_torch(kp.fliplr, torch.fliplr, x)
    compare_with_torch(kp.flipud, torch.flipud, x)


def test_flip_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.flip(0, 0), lambda: t.flip(0, 0))
    assert_raises_like_torch(lambda: k.flip(1, -2), lambda: t.flip(1, -2))
    assert_raises_like_torch(lambda: k.flip(3), lambda: t.flip(3))


@few
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), data=st.data(),
       seed=seeds)
def test_roll_matches_torch(shape, data, seed):
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=3))
    shifts = [data.draw(st.integers(-9, 9)) for _ in dims]
    shift = data.draw(st.integers(-9, 9))
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.roll(t, shifts, dims), lambda t: torch.roll(t, shifts, dims),
                       x)
    compare_with_torch(lambda t: t.roll(shift, dims[0]), lambda t: t.roll(shift, dims[0]), x)
    compare_with_torch(lambda t: t.roll(shift), lambda t: t.roll(shift), x)
    compare_with_torch(lambda t: kp.roll(t, (shift,)), lambda t: torch.roll(t, (shift,)), x)


def test_roll_of_a_scalar_and_an_empty_tensor():
    compare_with_torch(lambda t: t.roll(2), lambda t: t.roll(2), one_input((), 11))
    compare_with_torch(lambda t: t.roll(1, 0), lambda t: t.roll(1, 0), one_input((0, 3), 11))


def test_roll_errors_like_torch():
    k, t = pair((2, 3, 4))
    assert_raises_like_torch(lambda: k.roll((1, 2), 0), lambda: t.roll((1, 2), 0))
    assert_raises_like_torch(lambda: k.roll((1, 2)), lambda: t.roll((1, 2)))
    assert_raises_like_torch(lambda: k.roll(1, 3), lambda: t.roll(1, 3))


@few
@given(shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4),
       diagonal=st.integers(-5, 5), seed=seeds)
def test_tril_triu_match_torch(shape, diagonal, seed):
    x = one_input(shape, seed)
    compare_with_torch(lambda t: kp.tril(t, diagonal), lambda t: torch.tril(t, diagonal), x)
    compare_with_torch(lambda t: kp.triu(t, diagonal), lambda t: torch.triu(t, diagonal), x)
    compare_with_torch(lambda t: t.tril(diagonal=diagonal), lambda t: t.tril(diagonal=diagonal),
                       x)
    compare_with_torch(lambda t: t.triu(), lambda t: t.triu(), x)


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_tril_triu_need_a_matrix(name):
    for shape in [(3,), ()]:
        k, t = pair(shape)
        assert_raises_like_torch(lambda: getattr(k, name)(), lambda: getattr(t, name)())


# ------------------------------------------------------------------------------------------- pad


def pad_widths(data, n, mode):
    """(lo, hi) for one dim of size n: a crop (negative) on either side, or a pad that torch's
    kernel for ``mode`` accepts."""
    # At least one element is kept, except in constant mode, which may crop everything.
    most_cropped = n if mode == "constant" else n - 1
    crop_lo = data.draw(st.integers(0, most_cropped))
    crop_hi = data.draw(st.integers(0, most_cropped - crop_lo))
    kept = n - crop_lo - crop_hi
    most = {"constant": 3, "replicate": 3, "reflect": n - 1, "circular": kept}[mode]
    lo = -crop_lo if crop_lo else data.draw(st.integers(0, most))
    hi = -crop_hi if crop_hi else data.draw(st.integers(0, most))
    return lo, hi


@pytest.mark.parametrize("mode", ["constant", "replicate", "reflect", "circular"])
@pytest.mark.parametrize("padded", [1, 2, 3])
@few
@given(data=st.data(), seed=seeds)
def test_pad_matches_torch(mode, padded, data, seed):
    # torch's non-constant kernels take one or two dims in front of the padded ones.
    front = data.draw(st.integers(0 if mode == "constant" else 1, 2))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=front + padded,
                                     max_size=front + padded)))
    pad = []
    for n in reversed(shape[front:]):
        pad += pad_widths(data, n, mode)
    value = data.draw(st.sampled_from([None, 1.5, -2.0])) if mode == "constant" else None
    compare_with_torch(lambda t: KF.pad(t, pad, mode, value),
                       lambda t: TF.pad(t, pad, mode, value), one_input(shape, seed))


@pytest.mark.parametrize("mode, pad", [("constant", (1, 2)), ("constant", (-1, 2, 1, -2)),
                                       ("constant", (2, 0, 0, 1, 1, 1)), ("reflect", (1, 2)),
                                       ("reflect", (3, 3, -1, 2)), ("replicate", (5, 2, 3, 0)),
                                       ("replicate", (1, 2, 0, 2, 2, 1)),
                                       ("circular", (1, 2, 2, 0)), ("circular", (4, 4)),
                                       ("circular", (-1, 2)), ("circular", (2, -1, 1, 1, 1, 1))])
def test_pad_examples_match_torch(mode, pad):
    shape = (1, 2, 3, 3, 4)[-(len(pad) // 2 + 2):]
    compare_with_torch(lambda t: KF.pad(t, pad, mode), lambda t: TF.pad(t, pad, mode),
                       one_input(shape, 12))


@pytest.mark.parametrize("mode", ["replicate", "reflect", "circular"])
def test_pad_without_batch_dims_matches_torch_with_them(mode):
    # konspekt pads any dims; torch's kernels want a batch (and channel) dim in front, so torch
    # is given the same values with one added.
    x = one_input((4,), 13)
    compare_with_torch(lambda t: KF.pad(t, (2, 1), mode),
                       lambda t: TF.pad(t[None, None], (2, 1), mode)[0, 0], x)
    x = one_input((3, 4), 13)
    compare_with_torch(lambda t: KF.pad(t, (1, 1, 2, 0), mode),
                       lambda t: TF.pad(t[None], (1, 1, 2, 0), mode)[0], x)


def test_pad_keeps_the_dtype_and_takes_an_integer_value():
    k, t = pair((2, 3), "int64")
    got, expected = KF.pad(k, (1, 2), value=7), TF.pad(t, (1, 2), value=7)
    assert got.dtype.name == "int64" == str(expected.dtype).removeprefix("torch.")
    assert_close(got, expected)


@pytest.mark.parametrize("mode, pad", [("constant", (1,)), ("constant", (1, 2, 3, 4, 5, 6, 7, 8)),
                                       ("reflect", (1, 2, 3)), ("reflect", (4, 2)),
                                       ("reflect", (0, 4)), ("reflect", (-1, 4))])
def test_pad_errors_like_torch(mode, pad):
    k, t = pair((1, 2, 4))
    assert_raises_like_torch(lambda: KF.pad(k, pad, mode), lambda: TF.pad(t, pad, mode))


@pytest.mark.parametrize("mode, pad, named", [
    ("constant", (-3, -2), "(-3, -2)"), ("constant", (-5, 3), "(-5, 3)"),
    ("replicate", (-2, -2), "(-2, -2)"), ("replicate", (-5, 1), "(-5, 1)"),
    ("reflect", (-1, -4), "(-1, -4)"), ("circular", (5, 1), "(5, 1)"),
    ("circular", (1, 0, 3, 0), "(3, 0)")])
def test_pad_errors_name_the_padding(mode, pad, named):
    k, t = pair((1, 2, 4))
    assert_raises_naming(lambda: KF.pad(k, pad, mode), lambda: TF.pad(t, pad, mode), named,
                         "dimension")


def test_pad_refuses_a_value_or_an_unknown_mode():
    k, t = pair((1, 2, 4))
    assert_raises_like_torch(lambda: KF.pad(k, (1, 1), "reflect", 1.0),
                             lambda: TF.pad(t, (1, 1), "reflect", 1.0))
    assert_raises_naming(lambda: KF.pad(k, (1, 1), "wrap"), lambda: TF.pad(t, (1, 1), "wrap"),
                         "wrap")


# -------------------------------------------------------------- dtypes, gradient checks, chains


SHAPE_OPS = {
    "reshape": (lambda m, t: t.reshape(3, -1), (2, 3, 2)),
    "transpose": (lambda m, t: t.transpose(0, 2), (2, 3, 2)),
    "permute": (lambda m, t: t.permute(2, 0, 1), (2, 3, 2)),
    "flatten": (lambda m, t: t.flatten(1), (2, 3, 2)),
    "squeeze": (lambda m, t: t.squeeze(1), (2, 1, 3)),
    "unsqueeze": (lambda m, t: t.unsqueeze(-1), (2, 3)),
    "expand": (lambda m, t: t.expand(2, -1, 3), (3, 1)),
    "repeat": (lambda m, t: t.repeat(2, 1, 2), (3, 2)),
    "cat": (lambda m, t: m.cat([t, t.flip(0)], 1), (2, 3)),
    "stack": (lambda m, t: m.stack([t, t.flip(1)], -1), (2, 3)),
    "split": (lambda m, t: t.split([1, 2], 1), (2, 3)),
    "chunk": (lambda m, t: t.chunk(2, 0), (3, 2)),
    "flip": (lambda m, t: t.flip(0, -1), (2, 3)),
    "roll": (lambda m, t: t.roll((1, -2), (0, 1)), (3, 4)),
    "tril": (lambda m, t: t.tril(-1), (2, 3, 3)),
    "triu": (lambda m, t: t.triu(1), (3, 4)),
    "mT": (lambda m, t: t.mT, (2, 3, 4)),
    "pad_constant": (lambda m, t: m.nn.functional.pad(t, (1, -1, 2, 0), value=3.0), (2, 3, 4)),
    "pad_replicate": (lambda m, t: m.nn.functional.pad(t, (2, 1, 0, 2), "replicate"), (1, 3, 4)),
    "pad_reflect": (lambda m, t: m.nn.functional.pad(t, (2, 1, 1, 1, 1, 0), "reflect"),
                    (1, 2, 3, 3)),
    "pad_circular": (lambda m, t: m.nn.functional.pad(t, (2, -1, 1, 2), "circular"), (1, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_gradcheck(name):
    op, shape = SHAPE_OPS[name]
    check_gradients(lambda t: op(kp, t), one_input(shape, 14))


@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_inside_a_nonlinear_function(name):
    # After a shape op the Hessian of a sum of cubes is not zero, so the second derivative
    # really passes through the backward of the shape op's backward.
    op, shape = SHAPE_OPS[name]

    def f(module, t):
        out = op(module, t)
        return sum((p * p * p).sum() for p in (out if isinstance(out, tuple) else (out,)))

    compare_with_torch(lambda t: f(kp, t), lambda t: f(torch, t), one_input(shape, 15))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("name", sorted(set(SHAPE_OPS) - {"pad_reflect", "pad_replicate",
                                                         "pad_circular"}))
def test_integer_and_bool_tensors(name, dtype):
    op, shape = SHAPE_OPS[name]
    x = (np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dtype)
    k, t = op(kp, kp.tensor(x)), op(torch, torch.tensor(x))
    for got, expected in zip(k if isinstance(k, tuple) else (k,), t if isinstance(t, tuple)
                             else (t,)):
        assert got.dtype.name == str(expected.dtype).removeprefix("torch.")
        assert_close(got, expected)
