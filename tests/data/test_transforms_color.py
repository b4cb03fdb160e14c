"""ColorJitter by torchvision's formulas (hue against colorsys), RandomGamma by its formula,
GaussianBlur against scipy.ndimage with the explicit kernel."""

import colorsys

import numpy as np
import pytest
from scipy import ndimage

import konspekt as kp
from konspekt.data import transforms as T
from konspekt.data.transforms.color import gaussian_kernel, hsv_to_rgb, rgb_to_hsv

rng = np.random.default_rng(0)
RGB = rng.random((3, 5, 6))


def _gray(x):
    return 0.2989 * x[0] + 0.587 * x[1] + 0.114 * x[2]


def test_brightness_multiplies_and_clamps():
    out = T.ColorJitter(brightness=(1.7, 1.7))(RGB)
    np.testing.assert_allclose(out, np.clip(1.7 * RGB, 0, 1))


def test_contrast_blends_with_the_mean_of_the_grayscale():
    out = T.ColorJitter(contrast=(0.4, 0.4))(RGB)
    np.testing.assert_allclose(out, np.clip(0.4 * RGB + 0.6 * _gray(RGB).mean(), 0, 1))
    single = RGB[:1]
    np.testing.assert_allclose(T.ColorJitter(contrast=(0.4, 0.4))(single),
                               0.4 * single + 0.6 * single.mean())


def test_saturation_blends_with_the_grayscale_image():
    out = T.ColorJitter(saturation=(0.3, 0.3))(kp.tensor(RGB))
    np.testing.assert_allclose(out.data, np.clip(0.3 * RGB + 0.7 * _gray(RGB)[None], 0, 1))
    zero = T.ColorJitter(saturation=(0.0, 0.0))(RGB)  # factor 0: gray in all three channels
    np.testing.assert_allclose(zero, np.broadcast_to(_gray(RGB), RGB.shape))


def test_hue_shift_equals_colorsys():
    out = T.ColorJitter(hue=(0.2, 0.2))(RGB)
    expected = np.empty_like(RGB)
    for i in range(RGB.shape[1]):
        for j in range(RGB.shape[2]):
            h, s, v = colorsys.rgb_to_hsv(*RGB[:, i, j])
            expected[:, i, j] = colorsys.hsv_to_rgb((h + 0.2) % 1.0, s, v)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_hsv_round_trip_including_grays():
    image = np.concatenate([RGB, np.full((3, 1, 6), 0.5), np.zeros((3, 1, 6))], axis=1)
    np.testing.assert_allclose(hsv_to_rgb(rgb_to_hsv(image)), image, atol=1e-12)


def test_jitter_ranges_draws_and_reproducibility():
    jitter = T.ColorJitter(brightness=0.5, contrast=0.3, saturation=0.2, hue=0.1)
    assert jitter.brightness == (0.5, 1.5) and jitter.hue == (-0.1, 0.1)
    assert T.ColorJitter(brightness=2).brightness == (0.0, 3.0)  # lower end clipped at 0
    assert T.ColorJitter().brightness is None  # identity: nothing drawn
    kp.manual_seed(0)
    first = jitter(kp.tensor(RGB))
    kp.manual_seed(0)
    np.testing.assert_array_equal(jitter(kp.tensor(RGB)).data, first.data)
    assert first.data.min() >= 0 and first.data.max() <= 1
    assert not np.allclose(first.data, RGB)


def test_jitter_uint8_and_errors_as_torchvision():
    image = (RGB * 255).astype(np.uint8)
    out = T.ColorJitter(brightness=(2.0, 2.0))(image)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.clip(2.0 * image.astype(np.float32), 0, 255)
                                  .astype(np.uint8))
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non "
                                         "negative."):
        T.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match=r"hue values should be between \(-0.5, 0.5\)"):
        T.ColorJitter(hue=(0, 0.7))
    with pytest.raises(TypeError, match="contrast should be a single number or a list/tuple "
                                        "with length 2"):
        T.ColorJitter(contrast=(1, 2, 3))


def test_gamma_by_formula_and_range():
    out = T.RandomGamma(gamma=2.0, gain=1.2)(RGB)
    np.testing.assert_allclose(out, np.clip(1.2 * RGB ** 2.0, 0, 1))
    gamma = T.RandomGamma((0.5, 2.0), generator=kp.Generator().manual_seed(0))
    for _ in range(20):
        out = gamma(RGB)
        # the same γ for every pixel: log out / log x is constant, within the range
        exponents = np.log(out) / np.log(RGB)
        assert np.ptp(exponents) < 1e-9 and 0.5 <= exponents.mean() <= 2.0
    assert T.RandomGamma(p=0.0)(RGB) is RGB
    with pytest.raises(ValueError, match="gamma should be a positive number"):
        T.RandomGamma((0.0, 1.0))


@pytest.mark.parametrize("kernel_size", [3, 5, (3, 7)])
@pytest.mark.parametrize("sigma", [0.6, 1.5])
def test_gaussian_blur_equals_scipy_with_the_explicit_kernel(kernel_size, sigma):
    image = rng.random((2, 3, 9, 11))
    out = T.GaussianBlur(kernel_size, sigma=sigma)(kp.tensor(image))
    kx, ky = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    x = np.arange(kx) - (kx - 1) / 2
    explicit = np.exp(-x ** 2 / (2 * sigma ** 2))
    np.testing.assert_allclose(gaussian_kernel(kx, sigma), explicit / explicit.sum())
    # torch's reflect padding is scipy's "mirror" (the edge pixel not repeated)
    expected = ndimage.correlate1d(image, gaussian_kernel(kx, sigma), axis=-1, mode="mirror")
    expected = ndimage.correlate1d(expected, gaussian_kernel(ky, sigma), axis=-2, mode="mirror")
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_gaussian_blur_draws_sigma_and_checks_arguments():
    blur = T.GaussianBlur(5, sigma=(0.1, 2.0), generator=kp.Generator().manual_seed(0))
    image = rng.random((1, 8, 8))
    outputs = [blur(image) for _ in range(3)]
    assert not np.allclose(outputs[0], outputs[1])
    for kernel, message in [(4, "Kernel size value should be an odd and positive number."),
                            (-3, "Kernel size value should be an odd and positive number.")]:
        with pytest.raises(ValueError, match=message):
            T.GaussianBlur(kernel)
    with pytest.raises(ValueError, match="If sigma is a single number, it must be positive."):
        T.GaussianBlur(3, sigma=0)
    with pytest.raises(ValueError, match=r"sigma values should be positive and of the form "
                                         r"\(min, max\)."):
        T.GaussianBlur(3, sigma=(2.0, 1.0))
