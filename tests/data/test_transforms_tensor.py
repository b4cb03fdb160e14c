"""ToTensor, Normalize and Compose: torchvision's conversions and formula, its errors."""

import numpy as np
import pytest

import konspekt as kp
from konspekt.data import transforms as T


def test_to_tensor_hwc_uint8_to_chw_in_unit_range():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    out = T.ToTensor()(image)
    assert isinstance(out, kp.Tensor) and out.shape == (3, 5, 7)
    assert out.dtype == kp.get_default_dtype()
    np.testing.assert_allclose(out.data, image.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    gray = T.ToTensor()(image[:, :, 0])
    assert gray.shape == (1, 5, 7)


def test_to_tensor_keeps_other_dtypes_and_values():
    image = np.random.default_rng(1).random((4, 4, 2))
    out = T.ToTensor()(image)
    assert out.dtype == kp.float64
    np.testing.assert_array_equal(out.data, image.transpose(2, 0, 1))


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray. Got <class 'list'>"):
        T.ToTensor()([[1, 2]])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        T.ToTensor()(np.zeros((1, 2, 2, 3), dtype=np.uint8))


@pytest.mark.parametrize("kind", ["tensor", "array"])
def test_normalize_by_formula(kind):
    rng = np.random.default_rng(0)
    image = rng.random((2, 3, 4, 5)).astype(np.float32)  # a batch of two images
    mean, std = [0.1, 0.5, 0.9], [0.2, 0.3, 0.4]
    given = kp.tensor(image) if kind == "tensor" else image
    out = T.Normalize(mean, std)(given)
    assert type(out) is type(given)
    expected = (image - np.reshape(mean, (3, 1, 1))) / np.reshape(std, (3, 1, 1))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6, atol=1e-6)
    assert np.asarray(out).dtype == np.float32


def test_normalize_passes_gradients():
    image = kp.rand(3, 2, 2, requires_grad=True)
    T.Normalize([0.5] * 3, [0.25, 0.5, 1.0])(image).sum().backward()
    np.testing.assert_allclose(image.grad.data[:, 0, 0], [4.0, 2.0, 1.0])


def test_normalize_in_place():
    image = kp.rand(3, 2, 2)
    before = image.data.copy()
    out = T.Normalize([0.5] * 3, [0.5] * 3, inplace=True)(image)
    assert out is image
    np.testing.assert_allclose(image.data, (before - 0.5) / 0.5, rtol=1e-6)


def test_normalize_errors_as_torchvision():
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got "):
        T.Normalize([0], [1])(kp.zeros(1, 2, 2, dtype=kp.int64))
    with pytest.raises(ValueError, match=r"Expected tensor to be a tensor image of size "
                                         r"\(\.\.\., C, H, W\). Got tensor.size\(\) = \(2, 2\)"):
        T.Normalize([0], [1])(kp.zeros(2, 2))
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to float32, "
                                         "leading to division by zero."):
        T.Normalize([0], [0])(kp.zeros(1, 2, 2))


def test_compose_applies_in_order():
    pipeline = T.Compose([T.ToTensor(), T.Normalize([0.5], [0.5])])
    out = pipeline(np.full((2, 2), 255, dtype=np.uint8))
    np.testing.assert_allclose(out.data, np.ones((1, 2, 2)))
    assert "ToTensor()" in repr(pipeline) and "Normalize(mean=[0.5]" in repr(pipeline)
