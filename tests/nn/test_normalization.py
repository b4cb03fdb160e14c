"""Normalization: batch, layer, group and instance normalization, normalize and local response
normalization against torch on the same weights (values, first and second derivatives, running
statistics over several steps, evaluation mode), gradient checks of the fused primitive, the
layers' printing, state dicts and errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
import konspekt.nn.functional as F
from oracle import (assert_close, assert_raises_like_torch, assert_same_tensor, check_gradients,
                    compare_with_torch)


def _random(shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


# ---- batch_norm (functional) --------------------------------------------------------------------

BATCH_SHAPES = [(4, 3), (3, 2, 5), (2, 3, 3, 2)]


@pytest.mark.parametrize("shape", BATCH_SHAPES)
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
def test_batch_norm_training_matches_torch_to_second_order(shape, affine):
    c = shape[1]
    x, w, b = _random(shape, 1), _random((c,), 2), _random((c,), 3)

    def call(lib, x, w, b):
        f = F if lib is kp else TF
        return f.batch_norm(x, None, None, w if affine in ("both", "weight") else None,
                            b if affine in ("both", "bias") else None, training=True, eps=1e-3)

    # torch's double backward fails with a bias but no weight ("Expected a proper Tensor but
    # got None"): there the second order is checked by gradgradcheck alone.
    torch_has_second_order = affine != "bias"
    compare_with_torch(lambda *a: call(kp, *a), lambda *a: call(torch, *a), [x, w, b],
                       second_order=torch_has_second_order)
    if not torch_has_second_order:
        check_gradients(lambda *a: call(kp, *a), [x, w, b])


@pytest.mark.parametrize("shape", BATCH_SHAPES)
def test_batch_norm_evaluation_matches_torch_to_second_order(shape):
    c = shape[1]
    arrays = [_random(shape, 1), _random((c,), 4), _random((c,), 5, 0.5, 2.0),
              _random((c,), 2), _random((c,), 3)]
    compare_with_torch(
        lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=False),
        lambda x, m, v, w, b: TF.batch_norm(x, m, v, w, b, training=False),
        arrays, requires_grad=[True, False, False, True, True])


@pytest.mark.parametrize("shape", BATCH_SHAPES)
def test_batch_norm_gradcheck_and_gradgradcheck(shape):
    c = shape[1]
    check_gradients(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                    [_random(shape, 6), _random((c,), 7), _random((c,), 8)])
    check_gradients(lambda x: F.batch_norm(x, None, None, training=True), [_random(shape, 9)])


@pytest.mark.parametrize("momentum", [0.1, 0.5])
def test_batch_norm_updates_running_statistics_as_torch(momentum):
    x = _random((5, 3, 4), 10)
    km, kv = kp.tensor(_random((3,), 11)), kp.tensor(_random((3,), 12, 0.5, 2.0))
    tm, tv = torch.tensor(km.data.copy()), torch.tensor(kv.data.copy())
    for step in range(3):
        xs = x + step
        k = F.batch_norm(kp.tensor(xs), km, kv, training=True, momentum=momentum)
        t = TF.batch_norm(torch.tensor(xs), tm, tv, training=True, momentum=momentum)
        assert_close(k, t)
        assert_close(km, tm, what="running_mean")
        assert_close(kv, tv, what="running_var (unbiased)")


def test_batch_norm_running_update_is_not_recorded():
    km, kv = kp.zeros(3), kp.ones(3)
    x = kp.tensor(_random((4, 3), 13), requires_grad=True)
    F.batch_norm(x, km, kv, training=True).sum().backward()
    assert not km.requires_grad and not kv.requires_grad
    assert km._version == 1 and kv._version == 1


def test_batch_norm_keeps_float32():
    x = _random((6, 3, 2), 14).astype(np.float32)
    km, kv = kp.zeros(3), kp.ones(3)
    tm, tv = torch.zeros(3), torch.ones(3)
    for training in (True, False):
        k = F.batch_norm(kp.tensor(x), km, kv, kp.ones(3), kp.zeros(3), training)
        t = TF.batch_norm(torch.tensor(x), tm, tv, torch.ones(3), torch.zeros(3), training)
        assert_same_tensor(k, t, rtol=1e-5, atol=1e-6)
        assert km.dtype == kp.float32 and kv.dtype == kp.float32


@pytest.mark.parametrize("call", [
    lambda lib, f: f.batch_norm(lib.ones(1, 3), None, None, training=True),
    lambda lib, f: f.batch_norm(lib.ones(1, 3, 1), None, None, training=True),
    lambda lib, f: f.batch_norm(lib.ones(2, 4), lib.zeros(3), lib.ones(3), training=True),
    lambda lib, f: f.batch_norm(lib.ones(2, 3), lib.zeros(3), lib.ones(4)),
    lambda lib, f: f.batch_norm(lib.ones(2, 3), lib.zeros(3), lib.ones(3), lib.ones(4)),
    lambda lib, f: f.batch_norm(lib.ones(2, 3), lib.zeros(3), lib.ones(3), None, lib.ones(2)),
    lambda lib, f: f.batch_norm(lib.ones(2, 3), None, None),
    lambda lib, f: f.batch_norm(lib.ones(2, 3), lib.zeros(3), None),
], ids=["one value", "one value 3d", "running mean size", "running var size", "weight size",
        "bias size", "eval without mean", "eval without var"])
def test_batch_norm_errors_as_torch(call):
    assert_raises_like_torch(lambda: call(kp, F), lambda: call(torch, TF))


FUNCTIONAL = [
    ("batch_norm", lambda f, x, w, b: f.batch_norm(x, None, None, w, b, training=True)),
    ("instance_norm", lambda f, x, w, b: f.instance_norm(x, weight=w, bias=b)),
    ("group_norm", lambda f, x, w, b: f.group_norm(x, 2, w, b)),
    ("layer_norm", lambda f, x, w, b: f.layer_norm(x.permute(0, 2, 1), (4,), w, b)),
]


@pytest.mark.parametrize("name, call", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_plain_backward_matches_torch(name, call, dtype):
    # compare_with_torch differentiates with create_graph; this is the ordinary backward pass,
    # which takes the fused NumPy path
    x, w, b, v = _random((3, 4, 4), 15), _random((4,), 16), _random((4,), 17), _random((3, 4, 4),
                                                                                     18)
    k = [kp.tensor(a.astype(dtype), requires_grad=True) for a in (x, w, b)]
    t = [torch.tensor(a.astype(dtype), requires_grad=True) for a in (x, w, b)]
    ky, ty = call(F, *k), call(TF, *t)
    (ky * kp.tensor(v.astype(dtype))).sum().backward()
    (ty * torch.tensor(v.astype(dtype))).sum().backward()
    tolerance = dict(rtol=1e-6, atol=1e-9) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    assert_same_tensor(ky, ty, **tolerance)
    for kg, tg in zip(k, t):
        assert_same_tensor(kg.grad, tg.grad, **tolerance)


def test_batch_norm_refuses_a_1d_input_as_torch():
    with pytest.raises(IndexError):
        TF.batch_norm(torch.ones(3), None, None, training=True)
    with pytest.raises(IndexError, match=r"batch_norm.*shape \[3\]"):
        F.batch_norm(kp.ones(3), None, None, training=True)


@pytest.mark.parametrize("name, call", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
@pytest.mark.parametrize("affine", [True, False])
def test_an_inplace_activation_after_normalization_as_torch(name, call, affine):
    # the output is not saved for backward, so relu_ on it is allowed, as in torch
    def run(f, x, w, b):
        y = call(f, x, w if affine else None, b if affine else None)
        return f.relu(y, inplace=True) * x.sum()

    compare_with_torch(lambda *a: run(F, *a), lambda *a: run(TF, *a),
                       [_random((3, 4, 4), 19), _random((4,), 20), _random((4,), 21)])


# ---- BatchNorm1d / BatchNorm2d ------------------------------------------------------------------

def _twins(kp_cls, torch_cls, *args, seed=0, **kwargs):
    """The same layer in both libraries (float64), with random weights copied across."""
    t = torch_cls(*args, **kwargs, dtype=torch.float64)
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in t.parameters():
            p.copy_(torch.tensor(rng.uniform(-1.5, 1.5, size=tuple(p.shape))))
    k = kp_cls(*args, **kwargs, dtype=kp.float64)
    k.load_state_dict({name: v.numpy() for name, v in t.state_dict().items()})
    return k, t


def _step(k, t, x, seed):
    """One forward and backward in both; compares outputs and every gradient."""
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ky, ty = k(kx), t(tx)
    assert_close(ky, ty, what="output")
    v = np.random.default_rng(seed).standard_normal(x.shape)
    (ky * kp.tensor(v)).sum().backward()
    (ty * torch.tensor(v)).sum().backward()
    assert_close(kx.grad, tx.grad, what="input gradient")
    for (name, kp_param), t_param in zip(k.named_parameters(), t.parameters()):
        assert_close(kp_param.grad, t_param.grad, what=f"{name} gradient")


def _compare_buffers(k, t):
    kb, tb = dict(k.named_buffers()), dict(t.named_buffers())
    assert list(kb) == list(tb)
    for name, value in tb.items():
        assert_same_tensor(kb[name], value, rtol=1e-6, atol=1e-9)


BATCH_LAYERS = [(kp.nn.BatchNorm1d, torch.nn.BatchNorm1d, (6, 3)),
                (kp.nn.BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
                (kp.nn.BatchNorm2d, torch.nn.BatchNorm2d, (3, 3, 4, 2))]
BATCH_OPTIONS = [dict(), dict(momentum=None), dict(momentum=0.3), dict(affine=False),
                 dict(bias=False), dict(track_running_stats=False),
                 dict(momentum=None, affine=False, track_running_stats=False), dict(eps=0.1)]


@pytest.mark.parametrize("kp_cls, torch_cls, shape", BATCH_LAYERS,
                         ids=["1d (N, C)", "1d (N, C, L)", "2d"])
@pytest.mark.parametrize("options", BATCH_OPTIONS, ids=repr)
def test_batch_norm_layer_trains_and_evaluates_as_torch(kp_cls, torch_cls, shape, options):
    k, t = _twins(kp_cls, torch_cls, shape[1], **options)
    for step in range(3):
        _step(k, t, _random(shape, 20 + step, -2.0 + step, 3.0), step)
        _compare_buffers(k, t)
    k.eval()
    t.eval()
    for step in range(2):
        _step(k, t, _random(shape, 30 + step), step)
    _compare_buffers(k, t)


def test_batch_norm_layer_parameters_buffers_and_state_dict_as_torch():
    k, t = kp.nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
    assert list(k.state_dict()) == list(t.state_dict())
    for name, value in t.state_dict().items():
        assert_same_tensor(k.state_dict()[name], value)
    assert k.num_batches_tracked.dtype == kp.int64
    for options in [dict(affine=False), dict(bias=False), dict(track_running_stats=False)]:
        k, t = kp.nn.BatchNorm1d(3, **options), torch.nn.BatchNorm1d(3, **options)
        assert list(k.state_dict()) == list(t.state_dict())
        assert ([n for n, _ in k.named_parameters()] == [n for n, _ in t.named_parameters()])


def test_batch_norm_layer_to_float64_keeps_the_counter_integer():
    k = kp.nn.BatchNorm1d(3).to(kp.float64)
    k(kp.randn(4, 3, dtype=kp.float64))
    assert k.running_mean.dtype == kp.float64 and k.num_batches_tracked.dtype == kp.int64
    assert int(k.num_batches_tracked.item()) == 1


def test_batch_norm_reset_running_stats():
    k = kp.nn.BatchNorm1d(3)
    k(kp.randn(4, 3) * 5 + 1)
    k.reset_running_stats()
    assert_same_tensor(k.running_mean, torch.zeros(3))
    assert_same_tensor(k.running_var, torch.ones(3))
    assert int(k.num_batches_tracked.item()) == 0


@pytest.mark.parametrize("options", [dict(), dict(momentum=None, affine=False),
                                     dict(bias=False, track_running_stats=False, eps=0.01)],
                         ids=repr)
def test_batch_norm_layer_prints_as_torch(options):
    for kp_cls, torch_cls in [(kp.nn.BatchNorm1d, torch.nn.BatchNorm1d),
                              (kp.nn.BatchNorm2d, torch.nn.BatchNorm2d)]:
        assert repr(kp_cls(5, **options)) == repr(torch_cls(5, **options))


@pytest.mark.parametrize("kp_cls, torch_cls, shape", [
    (kp.nn.BatchNorm1d, torch.nn.BatchNorm1d, (2, 3, 4, 5)),
    (kp.nn.BatchNorm1d, torch.nn.BatchNorm1d, (3,)),
    (kp.nn.BatchNorm2d, torch.nn.BatchNorm2d, (2, 3, 4)),
    (kp.nn.BatchNorm2d, torch.nn.BatchNorm2d, (2, 3, 4, 5, 6)),
    (kp.nn.BatchNorm1d, torch.nn.BatchNorm1d, (1, 3)),
    (kp.nn.BatchNorm2d, torch.nn.BatchNorm2d, (1, 3, 1, 1)),
    (kp.nn.BatchNorm1d, torch.nn.BatchNorm1d, (2, 4)),
])
def test_batch_norm_layer_errors_as_torch(kp_cls, torch_cls, shape):
    assert_raises_like_torch(lambda: kp_cls(3)(kp.ones(*shape)),
                             lambda: torch_cls(3)(torch.ones(*shape)))


def test_batch_norm_layer_refuses_other_devices():
    with pytest.raises(RuntimeError, match="BatchNorm2d.*cuda"):
        kp.nn.BatchNorm2d(3, device="cuda")


# ---- layer_norm and LayerNorm -------------------------------------------------------------------

@pytest.mark.parametrize("shape, normalized", [((3, 4), (4,)), ((2, 3, 4), (3, 4)),
                                               ((2, 2, 3), (2, 2, 3)), ((5, 2), (2,))])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_matches_torch_to_second_order(shape, normalized, affine):
    dims = (normalized,) if isinstance(normalized, int) else normalized
    arrays = [_random(shape, 1), _random(dims, 2), _random(dims, 3)]

    def call(f, x, w, b):
        return f.layer_norm(x, normalized, w if affine != "none" else None,
                            b if affine == "both" else None, eps=1e-3)

    compare_with_torch(lambda *a: call(F, *a), lambda *a: call(TF, *a), arrays)
    check_gradients(lambda *a: call(F, *a), arrays)


@pytest.mark.parametrize("options", [dict(), dict(elementwise_affine=False), dict(bias=False),
                                     dict(eps=0.1)], ids=repr)
@pytest.mark.parametrize("normalized, shape", [(5, (3, 5)), ((2, 5), (3, 2, 5))])
def test_layer_norm_layer_matches_torch(options, normalized, shape):
    k, t = _twins(kp.nn.LayerNorm, torch.nn.LayerNorm, normalized, **options)
    assert repr(k) == repr(t)
    assert list(k.state_dict()) == list(t.state_dict())
    for training in (True, False):
        k.train(training)
        t.train(training)
        _step(k, t, _random(shape, 40), 0)
        for param in list(k.parameters()) + list(t.parameters()):
            param.grad = None


def test_layer_norm_layer_default_init_and_float32():
    k = kp.nn.LayerNorm((2, 3))
    assert_same_tensor(k.weight, torch.ones(2, 3))
    assert_same_tensor(k.bias, torch.zeros(2, 3))
    x = _random((4, 2, 3), 41).astype(np.float32)
    assert_same_tensor(k(kp.tensor(x)), torch.nn.LayerNorm((2, 3))(torch.tensor(x)),
                       rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call", [
    lambda lib, f: f.layer_norm(lib.ones(2, 3), [4]),
    lambda lib, f: f.layer_norm(lib.ones(2, 4, 3), [3, 4]),
    lambda lib, f: f.layer_norm(lib.ones(3), [2, 3]),
    lambda lib, f: f.layer_norm(lib.ones(2, 3), [3], lib.ones(4)),
    lambda lib, f: f.layer_norm(lib.ones(2, 3), [3], None, lib.ones(2)),
], ids=["trailing", "trailing 2d", "too few dims", "weight", "bias"])
def test_layer_norm_errors_as_torch(call):
    assert_raises_like_torch(lambda: call(kp, F), lambda: call(torch, TF))


# ---- group_norm and GroupNorm -------------------------------------------------------------------

@pytest.mark.parametrize("shape, groups", [((2, 4, 3), 2), ((3, 6), 3), ((2, 4, 2, 3), 4),
                                           ((2, 4, 2, 2), 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_torch_to_second_order(shape, groups, affine):
    c = shape[1]
    arrays = [_random(shape, 1), _random((c,), 2), _random((c,), 3)]

    def call(f, x, w, b):
        return f.group_norm(x, groups, w if affine else None, b if affine else None, eps=1e-3)

    compare_with_torch(lambda *a: call(F, *a), lambda *a: call(TF, *a), arrays)
    check_gradients(lambda *a: call(F, *a), arrays)


@pytest.mark.parametrize("options", [dict(), dict(affine=False), dict(bias=False),
                                     dict(eps=0.1)], ids=repr)
def test_group_norm_layer_matches_torch(options):
    k, t = _twins(kp.nn.GroupNorm, torch.nn.GroupNorm, 2, 6, **options)
    assert repr(k) == repr(t)
    assert list(k.state_dict()) == list(t.state_dict())
    _step(k, t, _random((3, 6, 2, 2), 50), 0)


def test_group_norm_layer_refuses_indivisible_channels_as_torch():
    assert_raises_like_torch(lambda: kp.nn.GroupNorm(4, 6), lambda: torch.nn.GroupNorm(4, 6))


@pytest.mark.parametrize("call", [
    lambda lib, f: f.group_norm(lib.ones(2, 6, 3), 4),
    lambda lib, f: f.group_norm(lib.ones(6), 2),
    lambda lib, f: f.group_norm(lib.ones(2, 4, 3), 2, lib.ones(6)),
], ids=["indivisible", "1d", "weight"])
def test_group_norm_errors_as_torch(call):
    assert_raises_like_torch(lambda: call(kp, F), lambda: call(torch, TF))


def test_group_norm_names_a_wrong_bias():
    # torch raises the same RuntimeError but prints the weight's shape as the bias's
    with pytest.raises(RuntimeError):
        TF.group_norm(torch.ones(2, 4, 3), 2, torch.ones(4), torch.ones(3))
    with pytest.raises(RuntimeError, match=r"bias of shape \[3\] and input of shape \[2, 4, 3\]"):
        F.group_norm(kp.ones(2, 4, 3), 2, kp.ones(4), kp.ones(3))


# ---- instance_norm ------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 2, 3, 2)])
@pytest.mark.parametrize("affine", [True, False])
def test_instance_norm_matches_torch_to_second_order(shape, affine):
    c = shape[1]
    arrays = [_random(shape, 1), _random((c,), 2), _random((c,), 3)]

    def call(f, x, w, b):
        return f.instance_norm(x, weight=w if affine else None, bias=b if affine else None,
                               eps=1e-3)

    compare_with_torch(lambda *a: call(F, *a), lambda *a: call(TF, *a), arrays)
    check_gradients(lambda *a: call(F, *a), arrays)


def test_instance_norm_running_statistics_as_torch():
    km, kv = kp.tensor(_random((3,), 4)), kp.tensor(_random((3,), 5, 0.5, 2.0))
    tm, tv = torch.tensor(km.data.copy()), torch.tensor(kv.data.copy())
    for step in range(2):
        x = _random((2, 3, 5), 60 + step)
        assert_close(F.instance_norm(kp.tensor(x), km, kv, momentum=0.2),
                     TF.instance_norm(torch.tensor(x), tm, tv, momentum=0.2))
        assert_close(km, tm, what="running_mean")
        assert_close(kv, tv, what="running_var")
    x = _random((2, 3, 5), 62)
    assert_close(F.instance_norm(kp.tensor(x), km, kv, use_input_stats=False),
                 TF.instance_norm(torch.tensor(x), tm, tv, use_input_stats=False))


def test_instance_norm_refuses_a_single_position_as_torch():
    assert_raises_like_torch(lambda: F.instance_norm(kp.ones(2, 3, 1)),
                             lambda: TF.instance_norm(torch.ones(2, 3, 1)))


# ---- normalize ----------------------------------------------------------------------------------

@pytest.mark.parametrize("p, dim", [(2, 1), (1, 1), (3, 0), (2.5, -1), (2, (0, 1))])
def test_normalize_matches_torch_to_second_order(p, dim):
    x = _random((3, 4), 70)
    x[np.abs(x) < 0.1] = 0.5
    compare_with_torch(lambda x: F.normalize(x, p, dim), lambda x: TF.normalize(x, p, dim), [x])


def test_normalize_leaves_a_zero_vector_finite_as_torch():
    x = np.array([[0.0, 0.0], [3.0, 4.0]])
    compare_with_torch(F.normalize, TF.normalize, [x], second_order=False)


# ---- local_response_norm and LocalResponseNorm --------------------------------------------------

@pytest.mark.parametrize("size", [1, 2, 3, 4])
@pytest.mark.parametrize("shape", [(2, 5, 3), (1, 4, 2, 3)])
def test_local_response_norm_matches_torch_to_second_order(size, shape):
    x = _random(shape, 80)

    def call(f, x):
        return f.local_response_norm(x, size, alpha=0.5, beta=0.75, k=2.0)

    compare_with_torch(lambda x: call(F, x), lambda x: call(TF, x), [x])


def test_local_response_norm_layer_as_torch():
    k, t = kp.nn.LocalResponseNorm(5), torch.nn.LocalResponseNorm(5)
    assert repr(k) == repr(t)
    x = _random((2, 8, 3, 3), 81, -20.0, 20.0)
    assert_close(k(kp.tensor(x)), t(torch.tensor(x)))
    assert repr(kp.nn.LocalResponseNorm(3, 1e-3, 0.5, 2.0)) == repr(
        torch.nn.LocalResponseNorm(3, 1e-3, 0.5, 2.0))


def test_local_response_norm_refuses_fewer_than_3_dimensions():
    with pytest.raises(ValueError):
        TF.local_response_norm(torch.ones(2, 3), 2)
    with pytest.raises(ValueError, match="3D or higher.*got 2"):
        F.local_response_norm(kp.ones(2, 3), 2)
