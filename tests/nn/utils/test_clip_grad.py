"""Gradient clipping against torch.nn.utils: clipped gradients and the returned total norm for
several norm types and dtypes, the no-op case below the threshold, inf and NaN gradients with
and without ``error_if_nonfinite``, ``clip_grad_value_``, and the split ``get_total_norm`` /
``clip_grads_with_norm_``."""

import math

import numpy as np
import pytest
import torch

import konspekt as kp
from oracle import assert_close, assert_raises_like_torch


def _pair(shapes, dtype="float64", seed=0, scale=3.0, without_grad=()):
    """The same parameters with the same gradients in both libraries."""
    rng = np.random.default_rng(seed)
    kps, tps = [], []
    for i, shape in enumerate(shapes):
        value = rng.normal(size=shape).astype(dtype)
        k = kp.tensor(value, requires_grad=True)
        t = torch.tensor(value, requires_grad=True)
        if i not in without_grad:
            g = (scale * rng.normal(size=shape)).astype(dtype)
            k.grad = kp.tensor(g)
            t.grad = torch.tensor(g)
        kps.append(k)
        tps.append(t)
    return kps, tps


SHAPES = [(3, 4), (5,), (2, 1, 3)]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, math.inf, "inf", 0.0, -math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    kps, tps = _pair(SHAPES, without_grad=(1,))
    k_total = kp.nn.utils.clip_grad_norm_(kps, max_norm, norm_type=norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type=norm_type)
    assert_close(k_total, t_total, what="total norm")
    for k, t in zip(kps, tps):
        if t.grad is None:
            assert k.grad is None
        else:
            assert_close(k.grad, t.grad, what="clipped gradient")


def test_clip_grad_norm_bounds_the_norm_and_keeps_the_direction():
    kps, _ = _pair(SHAPES)
    before = np.concatenate([p.grad.data.ravel() for p in kps])
    total = kp.nn.utils.clip_grad_norm_(kps, 1.0)
    after = np.concatenate([p.grad.data.ravel() for p in kps])
    assert float(total) == pytest.approx(np.linalg.norm(before))
    assert np.linalg.norm(after) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(after / np.linalg.norm(after), before / np.linalg.norm(before))


def test_clip_grad_norm_float32_and_single_tensor_match_torch():
    kps, tps = _pair([(4, 3)], dtype="float32")
    k_total = kp.nn.utils.clip_grad_norm_(kps[0], 0.1)
    t_total = torch.nn.utils.clip_grad_norm_(tps[0], 0.1)
    assert k_total.dtype == kp.float32
    assert_close(k_total, t_total, rtol=1e-6)
    assert_close(kps[0].grad, tps[0].grad, rtol=1e-6)


def test_clip_grad_norm_of_no_gradients_is_zero():
    kps, tps = _pair([(2,)], without_grad=(0,))
    assert_close(kp.nn.utils.clip_grad_norm_(kps, 1.0), torch.nn.utils.clip_grad_norm_(tps, 1.0))


def test_clip_grad_norm_warns_on_an_empty_generator():
    with pytest.warns(UserWarning, match="empty generator"):
        kp.nn.utils.clip_grad_norm_((p for p in []), 1.0)


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_non_finite_gradients(bad):
    kps, tps = _pair(SHAPES)
    kps[0].grad.data[0, 0] = bad
    tps[0].grad[0, 0] = bad
    # scaled anyway by default, as torch
    assert_close(kp.nn.utils.clip_grad_norm_(kps, 1.0), torch.nn.utils.clip_grad_norm_(tps, 1.0))
    for k, t in zip(kps, tps):
        assert_close(k.grad, t.grad)
    kps, tps = _pair(SHAPES)
    kps[0].grad.data[0, 0] = bad
    tps[0].grad[0, 0] = bad
    assert_raises_like_torch(
        lambda: kp.nn.utils.clip_grad_norm_(kps, 1.0, error_if_nonfinite=True),
        lambda: torch.nn.utils.clip_grad_norm_(tps, 1.0, error_if_nonfinite=True))


def test_get_total_norm_and_clip_grads_with_norm_match_torch():
    kps, tps = _pair(SHAPES, seed=3)
    k_total = kp.nn.utils.get_total_norm([p.grad for p in kps], 3.0)
    t_total = torch.nn.utils.get_total_norm([p.grad for p in tps], 3.0)
    assert_close(k_total, t_total)
    kp.nn.utils.clip_grads_with_norm_(kps, 2.0, k_total)
    torch.nn.utils.clip_grads_with_norm_(tps, 2.0, t_total)
    for k, t in zip(kps, tps):
        assert_close(k.grad, t.grad)


@pytest.mark.parametrize("clip_value", [0.0, 0.7, 100.0])
def test_clip_grad_value_matches_torch(clip_value):
    kps, tps = _pair(SHAPES, without_grad=(2,))
    assert kp.nn.utils.clip_grad_value_(kps, clip_value) is None
    torch.nn.utils.clip_grad_value_(tps, clip_value)
    for k, t in zip(kps, tps):
        if t.grad is None:
            assert k.grad is None
        else:
            assert_close(k.grad, t.grad)


def test_clipping_is_not_recorded():
    w = kp.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward(create_graph=True)
    kp.nn.utils.clip_grad_norm_([w], 1.0)
    kp.nn.utils.clip_grad_value_([w], 0.1)
    np.testing.assert_allclose(w.grad.data, [0.1, 0.1])


def test_bad_parameters_are_named():
    with pytest.raises(TypeError, match="parameters"):
        kp.nn.utils.clip_grad_norm_(3.0, 1.0)
    with pytest.raises(TypeError, match=r"parameters\[1\]"):
        kp.nn.utils.clip_grad_value_([kp.zeros(1), "w"], 1.0)
