"""Initialisation: the defining property of each initialiser on large tensors (bounds, mean,
standard deviation, orthogonality), gains and fans against torch, in-place behaviour (same array,
version bumped, dtype kept), reproducibility under ``kp.manual_seed`` and errors like torch's."""

import math

import numpy as np
import pytest
import torch

import konspekt as kp
from konspekt.nn import init
from oracle import assert_raises_like_torch

LARGE = (400, 500)  # 200,000 samples: the sample std is within ~0.5 % of the true one


def _empty(*shape, dtype=None):
    return kp.empty(*shape, dtype=dtype)


# ---- gains and fans -------------------------------------------------------------------------

@pytest.mark.parametrize("nonlinearity", ["linear", "conv1d", "conv2d", "conv3d",
                                          "conv_transpose1d", "conv_transpose2d",
                                          "conv_transpose3d", "sigmoid", "tanh", "relu",
                                          "leaky_relu", "selu"])
def test_calculate_gain_matches_torch(nonlinearity):
    assert init.calculate_gain(nonlinearity) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity), rel=1e-15)


@pytest.mark.parametrize("slope", [0, 0.2, 1, 3.5, np.float64(0.3)])
def test_calculate_gain_leaky_relu_slope_matches_torch(slope):
    assert init.calculate_gain("leaky_relu", slope) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", float(slope)), rel=1e-15)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.calculate_gain("softmax"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", "0.1"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
])
def test_calculate_gain_errors_like_torch(call):
    assert_raises_like_torch(lambda: call(kp), lambda: call(torch))


@pytest.mark.parametrize("shape", [(5, 3), (16, 8, 3), (16, 8, 3, 3), (4, 2, 3, 5, 2), (1, 1)])
def test_fan_in_and_fan_out_match_torch(shape):
    assert (init._calculate_fan_in_and_fan_out(kp.empty(*shape))
            == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape)))


@pytest.mark.parametrize("name", ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                                  "kaiming_normal_"])
def test_fan_based_initialisers_refuse_a_vector_like_torch(name):
    assert_raises_like_torch(lambda: getattr(init, name)(kp.empty(5)),
                             lambda: getattr(torch.nn.init, name)(torch.empty(5)))


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_mode_error_like_torch(name):
    assert_raises_like_torch(lambda: getattr(init, name)(kp.empty(3, 4), mode="fan_avg"),
                             lambda: getattr(torch.nn.init, name)(torch.empty(3, 4),
                                                                  mode="fan_avg"))


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.eye_(lib.empty(2, 3, 4)),
    lambda lib: lib.nn.init.dirac_(lib.empty(2, 3)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 2, 3), groups=2),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(4)),
    lambda lib: lib.nn.init.sparse_(lib.empty(4, 3, 2), 0.5),
])
def test_shape_errors_like_torch(call):
    assert_raises_like_torch(lambda: call(kp), lambda: call(torch))


# ---- distributions --------------------------------------------------------------------------

def test_uniform_bounds_and_moments():
    w = init.uniform_(_empty(*LARGE), -0.5, 1.5)
    assert w.data.min() >= -0.5 and w.data.max() <= 1.5
    assert w.data.mean() == pytest.approx(0.5, abs=0.01)
    assert w.data.std() == pytest.approx(2 / math.sqrt(12), rel=0.01)


def test_normal_moments():
    w = init.normal_(_empty(*LARGE), mean=3.0, std=0.5)
    assert w.data.mean() == pytest.approx(3.0, abs=0.005)
    assert w.data.std() == pytest.approx(0.5, rel=0.01)


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (1.0, 2.0, 0.0, 3.0),
                                             (0.0, 0.02, -0.04, 0.04)])
def test_trunc_normal_matches_scipy_moments(mean, std, a, b):
    from scipy.stats import truncnorm
    w = init.trunc_normal_(_empty(*LARGE, dtype=kp.float64), mean, std, a, b)
    reference = truncnorm((a - mean) / std, (b - mean) / std, loc=mean, scale=std)
    assert w.data.min() >= a and w.data.max() <= b
    assert w.data.mean() == pytest.approx(reference.mean(), abs=0.01 * std)
    assert w.data.std() == pytest.approx(reference.std(), rel=0.01)


@pytest.mark.parametrize("shape", [LARGE, (64, 32, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_uniform_bound_is_exact(shape, gain):
    w = init.xavier_uniform_(_empty(*shape, dtype=kp.float64), gain=gain)
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(w.data).max() <= bound
    assert np.abs(w.data).max() == pytest.approx(bound, rel=1e-3)
    assert w.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


@pytest.mark.parametrize("shape", [LARGE, (64, 32, 3, 3)])
def test_xavier_normal_std(shape):
    w = init.xavier_normal_(_empty(*shape), gain=2.0)
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    assert w.data.mean() == pytest.approx(0, abs=0.01)
    assert w.data.std() == pytest.approx(2.0 * math.sqrt(2 / (fan_in + fan_out)), rel=0.02)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "FAN_OUT"])
@pytest.mark.parametrize("a, nonlinearity", [(0, "relu"), (math.sqrt(5), "leaky_relu"),
                                             (0, "tanh")])
def test_kaiming_uniform_bound_is_exact(mode, a, nonlinearity):
    shape = (128, 64, 3, 3)
    w = init.kaiming_uniform_(_empty(*shape, dtype=kp.float64), a=a, mode=mode,
                              nonlinearity=nonlinearity)
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    fan = fan_in if mode == "fan_in" else fan_out
    bound = math.sqrt(3) * torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    assert np.abs(w.data).max() <= bound
    assert np.abs(w.data).max() == pytest.approx(bound, rel=1e-3)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming_normal_std(mode):
    w = init.kaiming_normal_(_empty(*LARGE), mode=mode, nonlinearity="relu")
    fan = LARGE[1] if mode == "fan_in" else LARGE[0]
    assert w.data.std() == pytest.approx(math.sqrt(2 / fan), rel=0.02)


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_on_an_empty_tensor_warns_and_does_nothing(name):
    w = kp.empty(0, 3)
    with pytest.warns(UserWarning, match="zero-element"):
        assert getattr(init, name)(w) is w


@pytest.mark.parametrize("shape", [(50, 20), (20, 50), (30, 30), (12, 4, 3, 3), (6, 5, 2, 2)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, gain):
    w = init.orthogonal_(_empty(*shape, dtype=kp.float64), gain=gain)
    m = w.data.reshape(shape[0], -1) / gain
    rows, cols = m.shape
    gram = m.T @ m if rows >= cols else m @ m.T
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_is_haar_distributed_by_the_sign_correction():
    # Without the sign correction by diag(R), QR of a Gaussian matrix has a positive-biased
    # diagonal; with it the diagonal entries average zero.
    diagonals = [np.diag(init.orthogonal_(kp.empty(3, 3, dtype=kp.float64)).data)
                 for _ in range(600)]
    assert abs(np.mean(diagonals)) < 0.06


def test_constant_zeros_ones_eye():
    w = kp.empty(3, 4)
    assert (init.constant_(w, 0.25).data == 0.25).all()
    assert (init.zeros_(w).data == 0).all()
    assert (init.ones_(w).data == 1).all()
    np.testing.assert_array_equal(init.eye_(w).data, torch.nn.init.eye_(torch.empty(3, 4)))


@pytest.mark.parametrize("shape, groups", [((6, 4, 3), 1), ((4, 6, 3, 3), 1), ((8, 3, 3, 5), 2),
                                           ((4, 2, 3, 3, 3), 2)])
def test_dirac_matches_torch(shape, groups):
    np.testing.assert_array_equal(init.dirac_(kp.empty(*shape), groups).data,
                                  torch.nn.init.dirac_(torch.empty(*shape), groups).numpy())


def test_sparse_zeroes_the_fraction_of_each_column():
    w = init.sparse_(kp.empty(10, 200), sparsity=0.3, std=0.5)
    assert ((w.data == 0).sum(axis=0) == 3).all()
    assert w.data[w.data != 0].std() == pytest.approx(0.5, rel=0.05)


# ---- in place, dtype, reproducibility -------------------------------------------------------

RANDOM = [
    ("uniform_", {}), ("normal_", {}), ("trunc_normal_", {}), ("xavier_uniform_", {}),
    ("xavier_normal_", {}), ("kaiming_uniform_", {}), ("kaiming_normal_", {}),
    ("orthogonal_", {}), ("sparse_", {"sparsity": 0.5}),
]


@pytest.mark.parametrize("name, kwargs", RANDOM + [("constant_", {"val": 2.0}), ("zeros_", {}),
                                                   ("ones_", {}), ("eye_", {})])
@pytest.mark.parametrize("dtype", [kp.float32, kp.float64])
def test_initialisers_work_in_place_keep_dtype_and_bump_the_version(name, kwargs, dtype):
    w = kp.nn.Parameter(kp.empty(6, 5, dtype=dtype))
    array, version = w.data, w._version
    out = getattr(init, name)(w, **kwargs)
    assert out is w and w.data is array
    assert w.dtype == dtype and w.requires_grad and w.is_leaf
    assert w._version == version + 1


@pytest.mark.parametrize("name, kwargs", RANDOM)
def test_random_initialisers_are_reproducible_under_manual_seed(name, kwargs):
    kp.manual_seed(123)
    first = getattr(init, name)(kp.empty(7, 4), **kwargs).data.copy()
    second = getattr(init, name)(kp.empty(7, 4), **kwargs).data.copy()
    kp.manual_seed(123)
    again = getattr(init, name)(kp.empty(7, 4), **kwargs).data
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("name, kwargs", RANDOM)
def test_random_initialisers_take_a_generator(name, kwargs):
    a = getattr(init, name)(kp.empty(7, 4), generator=kp.Generator().manual_seed(5), **kwargs)
    b = getattr(init, name)(kp.empty(7, 4), generator=kp.Generator().manual_seed(5), **kwargs)
    np.testing.assert_array_equal(a.data, b.data)


def test_initialising_a_view_writes_through_to_its_base():
    w = kp.zeros(4, 6)
    with kp.no_grad():
        init.ones_(w[1:3])
    np.testing.assert_array_equal(w.data.sum(axis=1), [0, 6, 6, 0])


def test_a_graph_that_saved_the_weight_notices_reinitialisation():
    w = kp.nn.Parameter(kp.randn(3, 3))
    loss = (w * w).sum()
    init.normal_(w)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
