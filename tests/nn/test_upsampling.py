"""Resampling against torch: ``interpolate`` in every mode (nearest, nearest-exact, linear,
bilinear, bicubic, trilinear, area) with sizes and scale factors, align_corners and
recompute_scale_factor (values, first and second derivatives), the deprecated aliases, the
``Upsample`` layers, and bad input."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from oracle import (
    assert_close,
    assert_raises_like_torch,
    check_gradients,
    compare_with_torch,
)

import konspekt as kp
import konspekt.nn.functional as F


def _input(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# size, scale_factor, recompute_scale_factor
RESIZES = [
    (None, 2, None),
    (None, 3, None),
    (None, 0.5, None),
    (None, 1.7, None),
    (None, (1.5, 2.3), None),
    (None, 1.7, True),
    (None, 0.6, True),
    (7, None, None),
    ((3, 8), None, None),
    ((1, 1), None, None),
    ((5, 6), None, None),  # the input's size
    ((10, 12), None, None),  # twice the input's size
]


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None),
                                                 ("bilinear", False), ("bilinear", True),
                                                 ("bicubic", False), ("bicubic", True),
                                                 ("area", None)])
@pytest.mark.parametrize("size, scale_factor, recompute", RESIZES)
def test_interpolate_2d_matches_torch(mode, align_corners, size, scale_factor, recompute):
    def call(L):
        functional = F if L is kp else TF
        return lambda t: functional.interpolate(t, size, scale_factor, mode, align_corners,
                                                recompute_scale_factor=recompute)
    compare_with_torch(call(kp), call(torch), [_input((2, 3, 5, 6))])


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None),
                                                 ("linear", False), ("linear", True),
                                                 ("area", None)])
@pytest.mark.parametrize("size, scale_factor", [(None, 2), (None, 0.7), (None, 2.5), (4, None),
                                                (11, None), (1, None)])
def test_interpolate_1d_matches_torch(mode, align_corners, size, scale_factor):
    compare_with_torch(
        lambda t: F.interpolate(t, size, scale_factor, mode, align_corners),
        lambda t: TF.interpolate(t, size, scale_factor, mode, align_corners),
        [_input((2, 3, 6))])


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("trilinear", False),
                                                 ("trilinear", True), ("area", None)])
def test_interpolate_3d_matches_torch(mode, align_corners):
    compare_with_torch(
        lambda t: F.interpolate(t, (3, 5, 4), None, mode, align_corners),
        lambda t: TF.interpolate(t, (3, 5, 4), None, mode, align_corners),
        [_input((1, 2, 2, 3, 5))])


def test_nearest_index_rounding_follows_torch_single_precision():
    """Sizes where the source index o·I/O lands on or near an integer."""
    for size_in, size_out in [(3, 5), (5, 3), (7, 10), (10, 7), (6, 9), (9, 13), (13, 31),
                              (31, 13), (25, 100), (100, 33)]:
        x = np.arange(float(size_in))[None, None]
        for mode in ("nearest", "nearest-exact"):
            assert_close(F.interpolate(kp.tensor(x), size_out, mode=mode),
                         TF.interpolate(torch.tensor(x), size_out, mode=mode), what=mode)
        for factor in (1.3, 2.0 / 3.0, 0.1 * 7, 7 / size_in, 1.05, 2.009):
            assert_close(F.interpolate(kp.tensor(x), scale_factor=factor),
                         TF.interpolate(torch.tensor(x), scale_factor=factor), what=str(factor))


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic"])
def test_interpolate_float32_matches_torch(mode):
    x = _input((2, 3, 5, 6)).astype(np.float32)
    k = F.interpolate(kp.tensor(x), scale_factor=1.7, mode=mode)
    t = TF.interpolate(torch.tensor(x), scale_factor=1.7, mode=mode)
    assert k.dtype == kp.float32
    assert_close(k, t, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("bilinear", False),
                                                 ("bilinear", True), ("bicubic", False)])
def test_gradcheck_and_gradgradcheck(mode, align_corners):
    check_gradients(lambda t: F.interpolate(t, (5, 3), mode=mode, align_corners=align_corners),
                    [_input((1, 2, 3, 4))])


def test_unbatched_is_refused_like_torch_but_batch_of_one_works():
    x = _input((1, 2, 3, 4))
    compare_with_torch(lambda t: F.interpolate(t, scale_factor=2, mode="bilinear"),
                       lambda t: TF.interpolate(t, scale_factor=2, mode="bilinear"), [x])


def test_deprecated_aliases_warn_and_match_torch():
    x = _input((1, 2, 3, 4))
    for name, kwargs in [("upsample", {"size": 5, "mode": "bilinear"}),
                         ("upsample_nearest", {"scale_factor": 2}),
                         ("upsample_bilinear", {"size": (4, 7)})]:
        with pytest.warns(UserWarning, match="deprecated"):
            k = getattr(F, name)(kp.tensor(x), **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = getattr(TF, name)(torch.tensor(x), **kwargs)
        assert_close(k, t, what=name)


# ---- layers -------------------------------------------------------------------------------------

LAYERS = [
    ("Upsample", {"scale_factor": 2}),
    ("Upsample", {"size": (7, 9), "mode": "bilinear"}),
    ("Upsample", {"size": 7, "mode": "bilinear", "align_corners": True}),
    ("Upsample", {"scale_factor": (2, 1.5), "mode": "bicubic"}),
    ("Upsample", {"scale_factor": 1.5, "mode": "nearest", "recompute_scale_factor": True}),
    ("UpsamplingNearest2d", {"scale_factor": 3}),
    ("UpsamplingNearest2d", {"size": (2, 8)}),
    ("UpsamplingBilinear2d", {"scale_factor": 2}),
    ("UpsamplingBilinear2d", {"size": 4}),
]


@pytest.mark.parametrize("name, kwargs", LAYERS)
def test_layers_match_torch(name, kwargs):
    k_layer, t_layer = getattr(kp.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(k_layer) == repr(t_layer)
    for attribute in ("size", "scale_factor", "mode", "align_corners", "name"):
        assert getattr(k_layer, attribute) == getattr(t_layer, attribute), attribute
    x = _input((2, 3, 4, 5))
    compare_with_torch(k_layer, t_layer, [x])


# ---- bad input ----------------------------------------------------------------------------------

x4, x3, x2 = (np.zeros(s) for s in [(2, 3, 5, 5), (3, 5, 5), (3, 5)])

LIKE_TORCH = [
    (x4, {"size": 3, "scale_factor": 2}),
    (x4, {}),
    (x4, {"size": 3, "mode": "foo"}),
    (x4, {"size": 3, "mode": "nearest", "align_corners": True}),
    (x4, {"size": 3, "mode": "area", "align_corners": False}),
    (x3, {"size": 3, "mode": "bilinear"}),
    (x4, {"size": 3, "mode": "linear"}),
    (x4, {"size": 3, "mode": "trilinear"}),
    (x2, {"size": 3}),
    (x4, {"size": (3, 3, 3)}),
    (x4, {"scale_factor": (2, 2, 2)}),
    (x4, {"size": 0}),
    (x4, {"scale_factor": 0.1}),
    (x4, {"size": 3, "recompute_scale_factor": True}),
    (x4, {"size": 3, "mode": "nearest", "antialias": True}),
]


@pytest.mark.parametrize("x, kwargs", LIKE_TORCH)
def test_bad_input_raises_like_torch(x, kwargs):
    assert_raises_like_torch(lambda: F.interpolate(kp.tensor(x), **kwargs),
                             lambda: TF.interpolate(torch.tensor(x), **kwargs))


def test_upsample_with_size_and_scale_factor_raises_like_torch():
    assert_raises_like_torch(lambda: kp.nn.Upsample(size=3, scale_factor=2)(kp.tensor(x4)),
                             lambda: torch.nn.Upsample(size=3, scale_factor=2)(torch.tensor(x4)))


@pytest.mark.parametrize("kwargs, error", [
    ({"size": 3, "mode": "bilinear", "antialias": True}, NotImplementedError),
    ({"size": 3, "mode": "lanczos"}, NotImplementedError),
    ({"size": 2.5}, TypeError),
])
def test_unsupported_options_are_refused(kwargs, error):
    with pytest.raises(error):
        F.interpolate(kp.tensor(x4), **kwargs)


def test_interpolating_an_integer_image_is_refused():
    with pytest.raises(NotImplementedError, match="floating-point"):
        F.interpolate(kp.tensor(np.zeros((1, 1, 2, 2), dtype=np.int64)), 3, mode="bilinear")
