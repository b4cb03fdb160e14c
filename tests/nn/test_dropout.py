"""Dropout: the defining properties of inverted dropout (E[y] = x, a fraction p zeroed, kept
values x/(1 − p), the gradient m/(1 − p), identity in evaluation), whole-channel masks of
dropout1d and dropout2d, alpha dropout's moments, reproducibility under kp.manual_seed, and the
edge cases, errors, warnings and printing as torch."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
import konspekt.nn.functional as F
from oracle import assert_raises_like_torch, assert_same_tensor, check_gradients

ALL = [F.dropout, F.dropout1d, F.dropout2d, F.alpha_dropout]
# an input of the rank each function is made for (dropout2d warns on 3D input, as torch)
RANK = {"dropout": 3, "dropout1d": 3, "dropout2d": 4, "alpha_dropout": 3}
CHANNEL = [("dropout1d", F.dropout1d, (40, 50, 7)), ("dropout2d", F.dropout2d, (40, 50, 3, 3))]


def _shaped(function, sizes=(4, 5, 6, 3)):
    return sizes[:RANK[function.__name__]]


def _x(shape, seed=0):
    """Values away from 0, so that a zero in the output marks a dropped unit."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_p_and_scales_the_rest(p):
    x = _x((200, 500))
    y = F.dropout(kp.tensor(x), p).data
    kept = y != 0
    n = x.size
    assert abs((1 - kept.mean()) - p) < 4 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_array_equal(y[kept], x[kept] * (1 / (1 - p)))


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_dropout_preserves_the_mean_in_expectation(p):
    x = np.full((400, 500), 3.0)
    y = F.dropout(kp.tensor(x), p).data
    # E[y] = x; the standard error of the mean is 3·√(p/(1 − p))/√n
    assert abs(y.mean() - 3.0) < 4 * 3.0 * np.sqrt(p / (1 - p) / x.size)


def test_dropout_gradient_is_the_mask_over_one_minus_p():
    p = 0.3
    x = kp.tensor(_x((50, 40)), requires_grad=True)
    y = F.dropout(x, p)
    v = np.random.default_rng(1).standard_normal(x.shape)
    (y * kp.tensor(v)).sum().backward()
    mask = (y.data != 0) / (1 - p)
    np.testing.assert_allclose(x.grad.data, v * mask, rtol=1e-15)


def test_dropout_second_order_under_a_fixed_mask():
    def fn(x):
        kp.manual_seed(3)  # the same mask at every evaluation of gradcheck
        return F.dropout(x, 0.4) ** 2

    check_gradients(fn, [_x((4, 5), 2)])


@pytest.mark.parametrize("name, function, shape", CHANNEL, ids=[c[0] for c in CHANNEL])
@pytest.mark.parametrize("p", [0.25, 0.6])
def test_channel_dropout_zeroes_whole_channels(name, function, shape, p):
    x = _x(shape)
    y = function(kp.tensor(x), p).data
    per_channel = (y != 0).reshape(shape[0], shape[1], -1)
    kept = per_channel.all(axis=2)
    assert np.array_equal(kept, per_channel.any(axis=2)), "a channel partly zeroed"
    assert abs((1 - kept.mean()) - p) < 4 * np.sqrt(p * (1 - p) / kept.size)
    mask = kept.reshape(shape[:2] + (1,) * (len(shape) - 2))
    np.testing.assert_array_equal(y, x * mask * (1 / (1 - p)))


@pytest.mark.parametrize("name, function, shape", CHANNEL, ids=[c[0] for c in CHANNEL])
def test_channel_dropout_gradient_is_the_channel_mask(name, function, shape):
    x = kp.tensor(_x(shape), requires_grad=True)
    y = function(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, (y.data != 0) * 2.0)


def test_dropout1d_takes_unbatched_input_channel_by_channel():
    x = _x((300, 6))
    y = F.dropout1d(kp.tensor(x), 0.5).data
    kept = (y != 0)
    assert np.array_equal(kept.all(axis=1), kept.any(axis=1))
    assert 0.3 < kept[:, 0].mean() < 0.7


def test_dropout2d_reads_3d_input_as_batched_with_torch_warning():
    x = _x((30, 40, 5))
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        y = F.dropout2d(kp.tensor(x), 0.5).data
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        TF.dropout2d(torch.tensor(x), 0.5)
    kept = y != 0
    assert np.array_equal(kept.all(axis=2), kept.any(axis=2))


@pytest.mark.parametrize("shape", [(30, 40), (2, 3, 4, 5, 6)])
def test_dropout2d_warns_on_other_ranks_as_torch(shape):
    with pytest.warns(UserWarning, match=f"{len(shape)}-D input to dropout2d"):
        TF.dropout2d(torch.ones(*shape), 0.5)
    with pytest.warns(UserWarning, match=f"{len(shape)}-D input to dropout2d"):
        y = F.dropout2d(kp.ones(*shape), 0.5).data
    kept = (y != 0).reshape(shape[0], shape[1], -1)
    assert np.array_equal(kept.all(axis=2), kept.any(axis=2))


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_evaluation_returns_the_input_itself_as_torch(function):
    x, t = kp.tensor(_x(_shaped(function))), torch.ones(*_shaped(function))
    assert function(x, 0.5, training=False) is x
    assert getattr(TF, function.__name__)(t, 0.5, training=False) is t


def test_alpha_dropout_is_off_by_default_as_torch():
    x = kp.tensor(_x((3, 4)))
    assert F.alpha_dropout(x, 0.5) is x


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_reproducible_under_manual_seed(function):
    x = kp.tensor(_x(_shaped(function, (20, 30, 4, 2))))
    kp.manual_seed(7)
    first = function(x, 0.5, training=True).data
    kp.manual_seed(7)
    again = function(x, 0.5, training=True).data
    different = function(x, 0.5, training=True).data
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, different)


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("p", [0.0, 1.0])
def test_p_zero_and_one_as_torch(function, p):
    x = _x(_shaped(function))
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ky = function(kx, p, training=True)
    ty = getattr(TF, function.__name__)(tx, p, training=True)
    assert_same_tensor(ky, ty, rtol=1e-6, atol=1e-12)
    ky.sum().backward()
    ty.sum().backward()
    assert_same_tensor(kx.grad, tx.grad, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name", ["dropout", "dropout1d", "dropout2d", "alpha_dropout"])
@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_outside_0_1_raises_as_torch(name, p):
    shape = (2, 3, 4, 5)[:RANK[name]]
    assert_raises_like_torch(lambda: getattr(F, name)(kp.ones(*shape), p),
                             lambda: getattr(TF, name)(torch.ones(*shape), p))


@pytest.mark.parametrize("kp_cls, torch_cls", [
    (kp.nn.Dropout, torch.nn.Dropout), (kp.nn.Dropout1d, torch.nn.Dropout1d),
    (kp.nn.Dropout2d, torch.nn.Dropout2d), (kp.nn.AlphaDropout, torch.nn.AlphaDropout)])
def test_layers_print_check_and_switch_off_as_torch(kp_cls, torch_cls):
    assert repr(kp_cls()) == repr(torch_cls())
    assert repr(kp_cls(0.2, inplace=True)) == repr(torch_cls(0.2, inplace=True))
    assert_raises_like_torch(lambda: kp_cls(1.5), lambda: torch_cls(1.5))
    layer = kp_cls(0.5)
    x = kp.tensor(_x((8, 4, 6, 2)[:4 if kp_cls is kp.nn.Dropout2d else 3]))
    assert not np.array_equal(layer(x).data, x.data)
    assert layer.eval()(x) is x
    assert list(layer.state_dict()) == []


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3,)])
def test_dropout1d_rank_errors_as_torch(shape):
    assert_raises_like_torch(lambda: F.dropout1d(kp.ones(*shape)),
                             lambda: TF.dropout1d(torch.ones(*shape)))


def test_dropout2d_refuses_1d_input_as_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_raises_like_torch(lambda: F.dropout2d(kp.ones(3)),
                                 lambda: TF.dropout2d(torch.ones(3)))


def test_integer_input_is_refused():
    with pytest.raises(RuntimeError):
        TF.dropout(torch.arange(4), 0.5)
    with pytest.raises(RuntimeError, match="floating point"):
        F.dropout(kp.arange(4), 0.5)


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_float32_stays_float32(function):
    y = function(kp.tensor(_x(_shaped(function)).astype(np.float32)), 0.3, training=True)
    assert y.dtype == kp.float32


# ---- in place -----------------------------------------------------------------------------------

@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_inplace_overwrites_and_returns_the_input(function):
    x = kp.tensor(_x(_shaped(function)))
    before = x.data.copy()
    kp.manual_seed(5)
    y = function(x, 0.5, training=True, inplace=True)
    kp.manual_seed(5)
    expected = function(kp.tensor(before), 0.5, training=True)
    assert y is x
    np.testing.assert_array_equal(x.data, expected.data)


@pytest.mark.parametrize("name", ["dropout", "dropout1d", "dropout2d", "alpha_dropout"])
def test_inplace_on_a_leaf_that_requires_grad_is_refused_as_torch(name):
    shape = (2, 3, 4, 5)[:RANK[name]]
    assert_raises_like_torch(
        lambda: getattr(F, name)(kp.ones(*shape, requires_grad=True), 0.5, True, True),
        lambda: getattr(TF, name)(torch.ones(*shape, requires_grad=True), 0.5, True, True))


def test_inplace_on_an_intermediate_gives_the_mask_gradient():
    x = kp.tensor(_x((30, 20)), requires_grad=True)
    h = x * 1.0
    F.dropout(h, 0.25, inplace=True)
    h.sum().backward()
    np.testing.assert_allclose(x.grad.data, (h.data != 0) / 0.75, rtol=1e-15)


# ---- alpha dropout ------------------------------------------------------------------------------

SATURATION = -1.0507009873554805 * 1.6732632423543772


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_values_and_constants_as_torch(p):
    # both libraries: kept units a·x + b, dropped ones a·α′ + b, with the same a and b
    x = _x((60, 50))
    a = 1 / np.sqrt((1 - p) * (1 + p * SATURATION ** 2))
    b = -a * SATURATION * p
    for y in (F.alpha_dropout(kp.tensor(x), p, True).data,
              TF.alpha_dropout(torch.tensor(x), p, True).numpy()):
        dropped = np.isclose(y, a * SATURATION + b, rtol=1e-12)
        np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-12)
        assert abs(dropped.mean() - p) < 0.05


def test_alpha_dropout_keeps_zero_mean_and_unit_variance():
    x = np.random.default_rng(4).standard_normal(400_000)
    y = F.alpha_dropout(kp.tensor(x), 0.3, True).data
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01


def test_alpha_dropout_gradient_is_a_on_kept_units():
    p = 0.2
    a = 1 / np.sqrt((1 - p) * (1 + p * SATURATION ** 2))
    x = kp.tensor(_x((40, 30)), requires_grad=True)
    y = F.alpha_dropout(x, p, True)
    y.sum().backward()
    kept = ~np.isclose(y.data, a * SATURATION - a * SATURATION * p, rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, kept * a, rtol=1e-15)
