"""Flips, crops and Resize: flips are involutions taken with probability p, crops are windows
of the padded image (padding as torch's F.pad), Resize equals torch's interpolate."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import konspekt as kp
from konspekt.data import transforms as T


def _image(shape=(3, 6, 8)):
    return np.arange(np.prod(shape), dtype=np.float64).reshape(shape)


@pytest.mark.parametrize("flip, axis", [(T.RandomHorizontalFlip, -1),
                                        (T.RandomVerticalFlip, -2)])
def test_flips_are_involutions_taken_with_probability_p(flip, axis):
    image = kp.tensor(_image())
    always = flip(p=1.0)
    once = always(image)
    np.testing.assert_array_equal(once.data, np.flip(image.data, axis))
    np.testing.assert_array_equal(always(once).data, image.data)
    assert flip(p=0.0)(image) is image
    coin = flip(p=0.3, generator=kp.Generator().manual_seed(0))
    flipped = sum(coin(image) is not image for _ in range(4000))
    assert abs(flipped / 4000 - 0.3) < 0.03


def test_flips_reproducible_through_kp_manual_seed():
    flip, image = T.RandomHorizontalFlip(), _image((1, 2, 3))
    kp.manual_seed(0)
    first = [flip(image) is image for _ in range(20)]
    kp.manual_seed(0)
    assert [flip(image) is image for _ in range(20)] == first


@pytest.mark.parametrize("padding_mode, torch_mode", [("constant", "constant"),
                                                      ("edge", "replicate"),
                                                      ("reflect", "reflect")])
@pytest.mark.parametrize("padding, sides", [(2, (2, 2, 2, 2)), ((1, 3), (1, 3, 1, 3)),
                                             ((1, 2, 3, 0), (1, 2, 3, 0))])
def test_random_crop_is_a_window_of_the_padded_image(padding_mode, torch_mode, padding, sides):
    image = _image()
    left, top, right, bottom = sides
    padded = F.pad(torch.tensor(image)[None], (left, right, top, bottom), mode=torch_mode)[0]
    padded = padded.numpy()
    crop = T.RandomCrop((5, 7), padding=padding, padding_mode=padding_mode,
                        generator=kp.Generator().manual_seed(0))
    windows = {}
    for i in range(padded.shape[1] - 4):
        for j in range(padded.shape[2] - 6):
            windows.setdefault(padded[:, i:i + 5, j:j + 7].tobytes(), (i, j))
    corners = set()
    for _ in range(300):
        out = crop(image)
        assert out.shape == (3, 5, 7)
        corners.add(windows[out.tobytes()])  # a KeyError if the crop is no window
    # every position of the window is reachable
    assert len(corners) == (padded.shape[1] - 4) * (padded.shape[2] - 6)


def test_random_crop_fill_symmetric_and_pad_if_needed():
    image = _image((1, 3, 4))
    out = T.RandomCrop(7, padding=2, fill=-1.0)(image)
    assert out.shape == (1, 7, 7) and (out == -1.0).any()
    symmetric = T.RandomCrop((7, 8), padding=2, padding_mode="symmetric")(image)
    np.testing.assert_array_equal(symmetric, np.pad(image, [(0, 0), (2, 2), (2, 2)],
                                                    mode="symmetric"))
    # pad_if_needed pads both sides of a short axis by the shortfall: 3 + 2·2 = 7 ≥ 5
    grown = T.RandomCrop((5, 4), pad_if_needed=True)(image)
    assert grown.shape == (1, 5, 4)
    with pytest.raises(ValueError, match=r"Required crop size \(5, 4\) is larger than input "
                                         r"image size \(3, 4\)"):
        T.RandomCrop((5, 4))(image)
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, "
                                         "reflect or symmetric"):
        T.RandomCrop(2, padding_mode="wrap")


def test_center_crop_by_formula_and_padding():
    image = _image((1, 6, 8))
    np.testing.assert_array_equal(T.CenterCrop((3, 5))(image), image[:, 2:5, 2:7])
    np.testing.assert_array_equal(T.CenterCrop(4)(kp.tensor(image)).data, image[:, 1:5, 2:6])
    grown = T.CenterCrop((8, 9))(image)  # larger than the image: zeros around it
    assert grown.shape == (1, 8, 9)
    np.testing.assert_array_equal(grown[:, 1:7, 0:8], image)
    assert grown[:, 0].sum() == 0 and grown[:, :, 8].sum() == 0


@pytest.mark.parametrize("size", [(4, 5), (12, 20), (3, 17), (6, 8)])
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_bilinear_equals_torch_interpolate(size, antialias):
    image = np.random.default_rng(0).random((2, 3, 6, 8))
    out = T.Resize(size, antialias=antialias)(kp.tensor(image))
    expected = F.interpolate(torch.tensor(image), size=size, mode="bilinear",
                             align_corners=False, antialias=antialias)
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("size", [(3, 5), (13, 17)])
def test_resize_nearest_equals_torch_interpolate(mode, size):
    image = np.random.default_rng(1).random((1, 2, 6, 8))
    out = T.Resize(size, interpolation=mode)(image)
    expected = F.interpolate(torch.tensor(image), size=size, mode=mode)
    np.testing.assert_array_equal(out, expected.numpy())


def test_resize_int_matches_the_shorter_side():
    assert T.Resize(16)(np.zeros((1, 8, 12))).shape == (1, 16, 24)
    assert T.Resize(16)(np.zeros((1, 12, 8))).shape == (1, 24, 16)
    assert T.Resize(10)(np.zeros((1, 7, 10))).shape == (1, 10, 14)  # ⌊10 · 10/7⌋
    assert T.Resize(16, max_size=20)(np.zeros((1, 8, 12))).shape == (1, 13, 20)
    image = np.zeros((1, 4, 4))
    assert T.Resize(4)(image) is image
    with pytest.raises(ValueError, match="max_size should only be passed if size specifies"):
        T.Resize((4, 4), max_size=10)


def test_resize_uint8_rounds():
    image = np.array([[[0, 255]]], dtype=np.uint8)
    out = T.Resize((1, 3), antialias=False)(image)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, [[[0, 128, 255]]])
