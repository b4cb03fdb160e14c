"""Attention: ``scaled_dot_product_attention`` against torch (values, first and second
derivatives, every mask kind, causal, scale, grouped-query), konspekt's own gradcheck and
gradgradcheck, fully masked rows, dropout on the weights; ``MultiheadAttention`` against torch on
copied weights in float64 (outputs, weights and the gradients of the inputs and of every
parameter) for each mask and option; initialisation, state-dict keys and errors.

torch's ``MultiheadAttention`` has a fast path in evaluation mode without gradients; every
comparison here runs in training mode with dropout 0 and inputs that require grad, so torch takes
its reference (composite) path.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
import konspekt.nn.functional as F
from oracle import assert_close, assert_raises_like_torch, check_gradients, compare_with_torch


def _random(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _bool_mask(shape, seed, keep_one_per_row=True, p=0.4):
    """A random boolean mask with (optionally) at least one False per row along the last axis,
    so that no query of MultiheadAttention is left with no key (torch gives NaN there)."""
    mask = np.random.default_rng(seed).random(shape) < p
    if keep_one_per_row:
        mask[..., 0] = False
    return mask


# ---- scaled_dot_product_attention ---------------------------------------------------------

def _sdpa(**options):
    def call(lib_functional):
        def function(q, k, v, *mask):
            extra = dict(options)
            if mask:
                extra["attn_mask"] = mask[0]
            return lib_functional.scaled_dot_product_attention(q, k, v, **extra)
        return function
    return call(F), call(TF)


SDPA_CASES = [  # query, key, value shapes, options
    ((2, 3, 4), (2, 5, 4), (2, 5, 6), {}),
    ((3, 4), (5, 4), (5, 2), {}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3), {}),
    ((2, 2, 4, 4), (2, 2, 4, 4), (2, 2, 4, 4), {"is_causal": True}),
    ((1, 3, 4), (1, 5, 4), (1, 5, 4), {"is_causal": True}),
    ((1, 5, 4), (1, 3, 4), (1, 3, 4), {"is_causal": True}),
    ((2, 3, 4), (2, 5, 4), (2, 5, 4), {"scale": 0.3}),
    ((1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4), {"enable_gqa": True}),
    ((2, 3, 4), (1, 5, 4), (1, 5, 4), {}),
]


@pytest.mark.parametrize("q_shape, k_shape, v_shape, options", SDPA_CASES)
def test_sdpa_matches_torch_to_second_order(q_shape, k_shape, v_shape, options):
    kp_fn, torch_fn = _sdpa(**options)
    arrays = [_random(q_shape, 1), _random(k_shape, 2), _random(v_shape, 3)]
    # Without a mask, torch runs causal and grouped-query attention through its CPU flash
    # kernel, which has no second derivative: those are compared to first order here and
    # checked to second order by gradgradcheck below.
    flash = options.get("is_causal") or options.get("enable_gqa")
    compare_with_torch(kp_fn, torch_fn, arrays, second_order=not flash)


@pytest.mark.parametrize("mask_shape", [(3, 5), (2, 1, 3, 5), (1, 5), (2, 2, 3, 5)])
def test_sdpa_boolean_mask_matches_torch(mask_shape):
    kp_fn, torch_fn = _sdpa()
    arrays = [_random((2, 2, 3, 4), 1), _random((2, 2, 5, 4), 2), _random((2, 2, 5, 3), 3),
              ~_bool_mask(mask_shape, 4)]  # True = take part, in SDPA's convention
    compare_with_torch(kp_fn, torch_fn, arrays)


def test_sdpa_float_mask_matches_torch_and_is_differentiated():
    kp_fn, torch_fn = _sdpa()
    mask = np.where(_bool_mask((3, 5), 4), -np.inf, _random((3, 5), 5))
    arrays = [_random((2, 3, 4), 1), _random((2, 5, 4), 2), _random((2, 5, 3), 3), mask]
    compare_with_torch(kp_fn, torch_fn, arrays)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_fully_masked_row_gives_zeros_as_torch(kind):
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    if kind == "float":
        mask = np.where(mask, 0.0, -np.inf)
    kp_fn, torch_fn = _sdpa()
    arrays = [_random((2, 3, 4), 1), _random((2, 5, 4), 2), _random((2, 5, 3), 3), mask]
    compare_with_torch(kp_fn, torch_fn, arrays, requires_grad=[True, True, True, False])
    out = F.scaled_dot_product_attention(*[kp.tensor(a) for a in arrays])
    assert np.all(out.data[:, 1] == 0) and np.isfinite(out.data).all()


def test_sdpa_gradcheck_and_gradgradcheck():
    mask = np.array([[True, False, True], [True, True, False]])
    check_gradients(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                    [_random((1, 2, 3), 1), _random((1, 3, 3), 2), _random((1, 3, 2), 3)])


@pytest.mark.parametrize("options", [{"is_causal": True}, {"enable_gqa": True}])
def test_sdpa_causal_and_grouped_gradgradcheck(options):
    check_gradients(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **options),
                    [_random((1, 2, 3, 2), 1), _random((1, 1, 3, 2), 2), _random((1, 1, 3, 2), 3)])


def test_sdpa_gradgradcheck_through_a_fully_masked_row():
    mask = np.array([[True, False, True], [False, False, False]])
    check_gradients(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                    [_random((2, 3), 1), _random((3, 3), 2), _random((3, 2), 3)])


def test_sdpa_divides_by_sqrt_d():
    """For d = 64 the scores are q·k/8, the course's example."""
    q, k, v = _random((1, 2, 64), 1), _random((1, 3, 64), 2), np.eye(3)[None]
    weights = F.scaled_dot_product_attention(kp.tensor(q), kp.tensor(k), kp.tensor(v)).data
    scores = q[0] @ k[0].T / 8
    expected = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    np.testing.assert_allclose(weights[0], expected, rtol=1e-12)


def test_sdpa_dropout_zeroes_weights_and_rescales_the_rest():
    # With V = I the output is the dropped weight matrix itself: each entry 0 or A_ij/(1 − p).
    q, k = _random((4, 6, 3), 1), _random((4, 6, 3), 2)
    v = kp.tensor(np.broadcast_to(np.eye(6), (4, 6, 6)).copy())
    kp.manual_seed(0)
    full = F.scaled_dot_product_attention(kp.tensor(q), kp.tensor(k), v).data
    dropped = F.scaled_dot_product_attention(kp.tensor(q), kp.tensor(k), v, dropout_p=0.25).data
    zero = dropped == 0
    assert 0 < zero.mean() < 0.6
    np.testing.assert_allclose(dropped[~zero], full[~zero] / 0.75, rtol=1e-12)
    other = F.scaled_dot_product_attention(kp.tensor(q), kp.tensor(k), v, dropout_p=0.25).data
    assert not np.array_equal(other, dropped)
    assert np.all(F.scaled_dot_product_attention(kp.tensor(q), kp.tensor(k), v,
                                                 dropout_p=1.0).data == 0)


def test_sdpa_keeps_float32():
    q = kp.randn(2, 3, 4, requires_grad=True)
    out = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    assert out.dtype == kp.float32
    out.sum().backward()
    assert q.grad.dtype == kp.float32


@pytest.mark.parametrize("make", [
    lambda lib: dict(query=lib.randn(4), key=lib.randn(4), value=lib.randn(4)),
    lambda lib: dict(query=lib.randn(2, 3, 4), key=lib.randn(2, 5, 4, dtype=lib.float64),
                     value=lib.randn(2, 5, 4)),
    lambda lib: dict(query=lib.randn(2, 3, 4), key=lib.randn(2, 5, 4), value=lib.randn(2, 5, 4),
                     attn_mask=lib.ones(3, 5, dtype=lib.bool), is_causal=True),
    lambda lib: dict(query=lib.randn(2, 3, 4), key=lib.randn(2, 5, 4), value=lib.randn(2, 5, 4),
                     attn_mask=lib.ones(3, 5, dtype=lib.int64)),
    lambda lib: dict(query=lib.randn(2, 3, 4), key=lib.randn(2, 5, 4), value=lib.randn(2, 5, 4),
                     attn_mask=lib.zeros(3, 5, dtype=lib.float64)),
    lambda lib: dict(query=lib.randn(2, 3, 4), key=lib.randn(2, 5, 4), value=lib.randn(2, 5, 4),
                     dropout_p=1.5),
])
def test_sdpa_errors_like_torch(make):
    assert_raises_like_torch(lambda: F.scaled_dot_product_attention(**make(kp)),
                             lambda: TF.scaled_dot_product_attention(**make(torch)))


def test_sdpa_shape_errors_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"query \(2, 3, 4\) and key \(2, 5, 3\)"):
        F.scaled_dot_product_attention(kp.randn(2, 3, 4), kp.randn(2, 5, 3), kp.randn(2, 5, 4))
    with pytest.raises(RuntimeError, match=r"key \(2, 5, 4\) and value \(2, 4, 4\)"):
        F.scaled_dot_product_attention(kp.randn(2, 3, 4), kp.randn(2, 5, 4), kp.randn(2, 4, 4))
    with pytest.raises(RuntimeError, match=r"attn_mask of shape \(4, 5\).*\(2, 3, 5\)"):
        F.scaled_dot_product_attention(kp.randn(2, 3, 4), kp.randn(2, 5, 4), kp.randn(2, 5, 4),
                                       attn_mask=kp.ones(4, 5, dtype=kp.bool))
    with pytest.raises(RuntimeError, match="must divide the number of heads"):
        F.scaled_dot_product_attention(kp.randn(1, 4, 3, 4), kp.randn(1, 3, 5, 4),
                                       kp.randn(1, 3, 5, 4), enable_gqa=True)


# ---- MultiheadAttention -------------------------------------------------------------------

def compare_modules(k_module, t_module, arrays, call, rtol=1e-6, atol=1e-9):
    """Load ``t_module``'s state into ``k_module``, run ``call(module, library, *inputs)`` on
    each with the float64 ``arrays`` as inputs that require grad, and compare the outputs, then
    the gradients of Σ vᵢ·outputᵢ with respect to the inputs and to every parameter."""
    k_module.load_state_dict({n: p.detach().numpy() for n, p in t_module.state_dict().items()})
    k_in = [kp.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    k_out, t_out = call(k_module, kp, *k_in), call(t_module, torch, *t_in)
    k_out = k_out if isinstance(k_out, tuple) else (k_out,)
    t_out = t_out if isinstance(t_out, tuple) else (t_out,)
    k_loss, t_loss = 0, 0
    for i, (k, t) in enumerate(zip(k_out, t_out, strict=True)):
        if t is None:
            assert k is None, f"output {i}: torch returns None"
            continue
        assert_close(k, t, rtol, atol, f"output {i}")
        v = _random(tuple(t.shape), 100 + i)
        k_loss = k_loss + (k * kp.tensor(v)).sum()
        t_loss = t_loss + (t * torch.tensor(v)).sum()
    k_loss.backward()
    t_loss.backward()
    for i, (k, t) in enumerate(zip(k_in, t_in)):
        assert_close(k.grad, t.grad, rtol, atol, f"gradient of input {i}")
    k_params, t_params = dict(k_module.named_parameters()), dict(t_module.named_parameters())
    assert list(k_params) == list(t_params)
    for name, p in t_params.items():
        expected = p.grad if p.grad is not None else torch.zeros_like(p)
        actual = k_params[name].grad
        actual = actual if actual is not None else kp.zeros(*p.shape, dtype=kp.float64)
        assert_close(actual, expected, rtol, atol, f"gradient of {name}")


def _mha_pair(embed_dim=8, num_heads=2, seed=0, **options):
    torch.manual_seed(seed)
    t = torch.nn.MultiheadAttention(embed_dim, num_heads, dtype=torch.float64, **options)
    k = kp.nn.MultiheadAttention(embed_dim, num_heads, dtype=kp.float64, **options)
    return k, t


L, S, N, E, H = 3, 4, 2, 8, 2

MASKS = {  # name → (attn_mask, key_padding_mask), MultiheadAttention's convention (True = not)
    "none": (None, None),
    "bool 2-D": (_bool_mask((L, S), 1), None),
    "bool 3-D": (_bool_mask((N * H, L, S), 2), None),
    "float 2-D": (np.where(_bool_mask((L, S), 3), -np.inf, _random((L, S), 4)), None),
    "float 3-D": (_random((N * H, L, S), 5), None),
    "padding bool": (None, _bool_mask((N, S), 6)),
    "padding float": (None, np.where(_bool_mask((N, S), 7), -np.inf, _random((N, S), 8))),
    "both bool": (_bool_mask((L, S), 9, p=0.2), _bool_mask((N, S), 10, p=0.2)),
    "both float": (_random((N * H, L, S), 11), _random((N, S), 12)),
}


def _mha_call(masks, need_weights=True, average=True, is_causal=False):
    """A call of the module with the masks in ``library``; one input is self-attention."""
    attn_mask, padding = masks

    def call(module, lib, q, k=None, v=None):
        if k is None:
            k = v = q
        return module(q, k, v, attn_mask=None if attn_mask is None else lib.tensor(attn_mask),
                      key_padding_mask=None if padding is None else lib.tensor(padding),
                      need_weights=need_weights, average_attn_weights=average,
                      is_causal=is_causal)
    return call


def _inputs(batch_first=False, kdim=E, vdim=E, batched=True):
    shapes = [(L, N, E), (S, N, kdim), (S, N, vdim)]
    if batch_first:
        shapes = [(n, length, e) for length, n, e in shapes]
    if not batched:
        shapes = [(length, e) for length, _, e in shapes]
    return [_random(s, i) for i, s in enumerate(shapes)]


@pytest.mark.parametrize("mask_name", list(MASKS))
@pytest.mark.parametrize("need_weights, average", [(True, True), (True, False), (False, True)])
def test_mha_matches_torch_with_each_mask(mask_name, need_weights, average):
    k, t = _mha_pair(E, H)
    compare_modules(k, t, _inputs(), _mha_call(MASKS[mask_name], need_weights, average))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mask_name", ["none", "both bool"])
def test_mha_batch_first_matches_torch(batch_first, mask_name):
    k, t = _mha_pair(E, H, batch_first=batch_first)
    compare_modules(k, t, _inputs(batch_first), _mha_call(MASKS[mask_name]))


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_self_attention_is_causal_matches_torch(need_weights):
    causal = torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=torch.float64).numpy()
    k, t = _mha_pair(E, H)
    compare_modules(k, t, _inputs()[:1], _mha_call((causal, None), need_weights, is_causal=True))


def test_mha_is_causal_with_padding_matches_torch():
    causal = np.triu(np.ones((L, L), dtype=bool), 1)
    padding = _bool_mask((N, L), 3)
    k, t = _mha_pair(E, H)
    compare_modules(k, t, _inputs()[:1], _mha_call((causal, padding), False, is_causal=True))


@pytest.mark.parametrize("kdim, vdim", [(5, 6), (5, E), (E, 3)])
@pytest.mark.parametrize("mask_name", ["none", "both float"])
def test_mha_kdim_vdim_match_torch(kdim, vdim, mask_name):
    k, t = _mha_pair(E, H, kdim=kdim, vdim=vdim)
    assert k.in_proj_weight is None and k.k_proj_weight.shape == (E, kdim)
    compare_modules(k, t, _inputs(kdim=kdim, vdim=vdim), _mha_call(MASKS[mask_name]))


@pytest.mark.parametrize("add_bias_kv, add_zero_attn", [(True, False), (False, True),
                                                        (True, True)])
@pytest.mark.parametrize("mask_name", ["none", "bool 3-D", "both bool"])
def test_mha_bias_kv_and_zero_attn_match_torch(add_bias_kv, add_zero_attn, mask_name):
    k, t = _mha_pair(E, H, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn)
    compare_modules(k, t, _inputs(), _mha_call(MASKS[mask_name], average=False))


def test_mha_without_bias_matches_torch():
    k, t = _mha_pair(E, H, bias=False)
    assert k.in_proj_bias is None and k.out_proj.bias is None
    compare_modules(k, t, _inputs(), _mha_call(MASKS["both bool"]))


@pytest.mark.parametrize("average", [True, False])
def test_mha_unbatched_matches_torch(average):
    attn_mask, padding = _bool_mask((H, L, S), 1), _bool_mask((S,), 2)
    k, t = _mha_pair(E, H, batch_first=True)
    compare_modules(k, t, _inputs(batched=False),
                    _mha_call((attn_mask, padding), average=average))


def test_mha_one_head_and_four_heads_match_torch():
    for heads in (1, 4):
        k, t = _mha_pair(E, heads)
        compare_modules(k, t, _inputs(), _mha_call((None, None), average=False))


def test_mha_fully_masked_query_gives_zero_weights():
    """torch returns NaN weights (and outputs) for a query whose keys are all masked when it
    computes the weights, and zeros otherwise (through scaled_dot_product_attention);
    konspekt gives zeros in both cases, which the second comparison pins down."""
    attn_mask = np.zeros((L, S), dtype=bool)
    attn_mask[1] = True
    k, t = _mha_pair(E, H)
    compare_modules(k, t, _inputs(), _mha_call((attn_mask, None), need_weights=False))
    q, key, v = (kp.tensor(a) for a in _inputs())
    out, weights = k(q, key, v, attn_mask=kp.tensor(attn_mask))
    assert np.all(weights.data[:, 1] == 0) and np.isfinite(out.data).all()
    t_weights = t(*(torch.tensor(a) for a in _inputs()), attn_mask=torch.tensor(attn_mask))[1]
    assert torch.isnan(t_weights[:, 1]).all()


def test_mha_dropout_in_training_only():
    k, _ = _mha_pair(E, H, dropout=0.5)
    q = kp.tensor(_random((L, N, E), 1))
    kp.manual_seed(0)
    first, w1 = k(q, q, q)
    second, w2 = k(q, q, q)
    assert not np.allclose(first.data, second.data)
    k.eval()
    a, wa = k(q, q, q)
    b, wb = k(q, q, q)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_allclose(wa.data.sum(-1), 1.0, rtol=1e-12)


def test_mha_eval_matches_torch_fast_path():
    """In evaluation without gradients torch takes its fused fast path (batch_first, self-
    attention, an even number of heads); the results agree to float64 rounding."""
    k, t = _mha_pair(E, H, batch_first=True, dropout=0.3)
    k.load_state_dict({n: p.detach().numpy() for n, p in t.state_dict().items()})
    k.eval()
    t.eval()
    x = _random((N, L, E), 1)
    padding = _bool_mask((N, L), 2)
    with torch.no_grad():
        expected = t(*(torch.tensor(x),) * 3, key_padding_mask=torch.tensor(padding))[0]
    actual = k(*(kp.tensor(x),) * 3, key_padding_mask=kp.tensor(padding))[0]
    assert_close(actual, expected)


def test_mha_parameters_initialisation_and_state_dict_match_torch():
    for options in ({}, {"kdim": 5, "vdim": 3}, {"add_bias_kv": True}, {"bias": False}):
        k, t = _mha_pair(16, 4, **options)
        assert {n: tuple(p.shape) for n, p in k.state_dict().items()} == {
            n: tuple(p.shape) for n, p in t.state_dict().items()}
    k = kp.nn.MultiheadAttention(64, 4, add_bias_kv=True)
    bound = np.sqrt(6 / (64 + 3 * 64))  # xavier-uniform of the (3E × E) in_proj_weight
    assert np.abs(k.in_proj_weight.data).max() <= bound
    assert np.abs(k.in_proj_weight.data).max() > 0.9 * bound
    assert np.all(k.in_proj_bias.data == 0) and np.all(k.out_proj.bias.data == 0)
    assert k.bias_k.shape == (1, 1, 64) and k.bias_k.data.std() > 0
    assert k.in_proj_weight.dtype == kp.float32
    assert [n for n, _ in k.named_children()] == ["out_proj"]


def test_mha_functional_form_matches_torch():
    k, t = _mha_pair(E, H)
    q, key, v = _inputs()
    attn_mask = _bool_mask((L, S), 3)

    def run(lib, functional, module):
        tensors = [lib.tensor(a) for a in (q, key, v)]
        return functional.multi_head_attention_forward(
            *tensors, E, H, module.in_proj_weight, module.in_proj_bias, None, None, False, 0.0,
            module.out_proj.weight, module.out_proj.bias, attn_mask=lib.tensor(attn_mask))

    k.load_state_dict({n: p.detach().numpy() for n, p in t.state_dict().items()})
    for a, b in zip(run(kp, F, k), run(torch, TF, t)):
        assert_close(a, b)


# ---- MultiheadAttention errors ------------------------------------------------------------

def test_mha_embed_dim_not_divisible():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        kp.nn.MultiheadAttention(10, 3)
    assert_raises_like_torch(lambda: kp.nn.MultiheadAttention(0, 2),
                             lambda: torch.nn.MultiheadAttention(0, 2))


@pytest.mark.parametrize("call", [
    lambda lib, m: m(lib.randn(3, 2, 8), lib.randn(4, 2, 8), lib.randn(4, 2, 8),
                     attn_mask=lib.zeros(4, dtype=lib.bool)),
    lambda lib, m: m(lib.randn(3, 2, 8), lib.randn(4, 2, 8), lib.randn(4, 2, 8),
                     key_padding_mask=lib.zeros(2, 3, 4, dtype=lib.bool)),
    lambda lib, m: m(lib.randn(3, 2, 8), lib.randn(4, 2, 8), lib.randn(4, 2, 8),
                     attn_mask=lib.zeros(3, 4, dtype=lib.int64)),
    lambda lib, m: m(lib.randn(3, 2, 8), lib.randn(4, 2, 8), lib.randn(4, 2, 8),
                     is_causal=True),
    lambda lib, m: m(lib.randn(3, 2, 8), lib.randn(4, 2, 8), lib.randn(4, 8)),
    lambda lib, m: m(lib.randn(3, 2, 6), lib.randn(4, 2, 6), lib.randn(4, 2, 6)),
    lambda lib, m: m(lib.randn(2, 3, 2, 8), lib.randn(4, 2, 8), lib.randn(4, 2, 8)),
])
def test_mha_errors_like_torch(call):
    k, t = kp.nn.MultiheadAttention(8, 2), torch.nn.MultiheadAttention(8, 2)
    assert_raises_like_torch(lambda: call(kp, k), lambda: call(torch, t))


def test_mha_masks_of_wrong_size_name_both_shapes():
    m = kp.nn.MultiheadAttention(8, 2)
    q, k = kp.randn(3, 2, 8), kp.randn(4, 2, 8)
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(4, 4\), but should be \(3, 4\)"):
        m(q, k, k, attn_mask=kp.zeros(4, 4, dtype=kp.bool))
    with pytest.raises(RuntimeError,
                       match=r"3D attn_mask is \(2, 3, 4\), but should be \(4, 3, 4\)"):
        m(q, k, k, attn_mask=kp.zeros(2, 3, 4, dtype=kp.bool))
    with pytest.raises(AssertionError, match=r"key shape \(4, 2, 8\) does not match value "
                                             r"shape \(5, 2, 8\)"):
        m(q, k, kp.randn(5, 2, 8))
    for m in (kp.nn.MultiheadAttention(8, 2), kp.nn.MultiheadAttention(8, 2, add_bias_kv=True,
                                                                       add_zero_attn=True)):
        with pytest.raises(AssertionError, match=r"\(N, S\) = \(2, 4\), but got \(3, 4\)"):
            m(kp.randn(3, 2, 8), kp.randn(4, 2, 8), kp.randn(4, 2, 8),
              key_padding_mask=kp.zeros(3, 4, dtype=kp.bool))


def test_mha_mixed_mask_types_warn_like_torch():
    m = kp.nn.MultiheadAttention(8, 2)
    x = kp.randn(3, 2, 8)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        m(x, x, x, key_padding_mask=kp.zeros(2, 3, dtype=kp.bool), attn_mask=kp.zeros(3, 3))


def test_mha_functional_gradcheck_and_gradgradcheck():
    padding = np.array([[False, True, False], [False, False, False]])

    def attention(x, in_weight, in_bias, out_weight):
        return F.multi_head_attention_forward(
            x, x, x, 4, 2, in_weight, in_bias, None, None, False, 0.0, out_weight, None,
            key_padding_mask=kp.tensor(padding), need_weights=False)[0]
    check_gradients(attention, [_random((3, 2, 4), 1), _random((12, 4), 2), _random((12,), 3),
                                _random((4, 4), 4)])
