"""Pruning as masks against torch.nn.utils.prune on the same weights (no ties): l1_unstructured,
ln_structured along dims 0, 1 and -1 with several norms, importance scores, repeated pruning
(PruningContainer), global_unstructured, custom_from_mask, identity and remove; the
reparametrisation (state-dict keys, forward, gradients of ``weight_orig``); random pruning by its
properties; torch's errors."""

import numpy as np
import pytest
import torch
import torch.nn.utils.prune as tprune

import konspekt as kp
from konspekt.nn.utils import prune
from oracle import assert_close, assert_raises_like_torch


def _linear_pair(in_features=8, out_features=6, seed=0):
    """A float64 Linear in each library with the same weights, all of distinct magnitude."""
    rng = np.random.default_rng(seed)
    k = kp.nn.Linear(in_features, out_features, dtype=kp.float64)
    t = torch.nn.Linear(in_features, out_features, dtype=torch.float64)
    for name in ("weight", "bias"):
        value = rng.uniform(-1, 1, size=getattr(k, name).shape)
        getattr(k, name).data[...] = value
        with torch.no_grad():
            getattr(t, name).copy_(torch.tensor(value))
    return k, t


def _conv_pair(seed=1):
    rng = np.random.default_rng(seed)
    k = kp.nn.Conv2d(3, 5, 3, dtype=kp.float64)
    t = torch.nn.Conv2d(3, 5, 3, dtype=torch.float64)
    for name in ("weight", "bias"):
        value = rng.uniform(-1, 1, size=getattr(k, name).shape)
        getattr(k, name).data[...] = value
        with torch.no_grad():
            getattr(t, name).copy_(torch.tensor(value))
    return k, t


def _assert_same_pruning(k, t, name="weight", x_shape=(4, 8)):
    """Same mask, same keys in the same order, same pruned values, same output."""
    np.testing.assert_array_equal(getattr(k, name + "_mask").data,
                                  getattr(t, name + "_mask").numpy())
    assert list(k.state_dict()) == list(t.state_dict())
    assert_close(getattr(k, name), getattr(t, name))
    x = np.random.default_rng(5).normal(size=x_shape)
    assert_close(k(kp.tensor(x)), t(torch.tensor(x)))


@pytest.mark.parametrize("amount", [0, 1, 7, 48, 0.0, 0.25, 0.5, 0.77, 1.0])
def test_l1_unstructured_matches_torch(amount):
    k, t = _linear_pair()
    assert prune.l1_unstructured(k, "weight", amount) is k
    tprune.l1_unstructured(t, "weight", amount)
    _assert_same_pruning(k, t)
    assert prune.is_pruned(k)


def test_l1_unstructured_with_importance_scores_matches_torch():
    k, t = _linear_pair()
    scores = np.random.default_rng(3).normal(size=(6, 8))
    prune.l1_unstructured(k, "weight", 0.4, importance_scores=kp.tensor(scores))
    tprune.l1_unstructured(t, "weight", 0.4, importance_scores=torch.tensor(scores))
    _assert_same_pruning(k, t)


def test_importance_scores_may_be_arrays():
    (k1, _), (k2, _) = _linear_pair(), _linear_pair()
    scores = np.random.default_rng(3).normal(size=(6, 8))
    prune.l1_unstructured(k1, "weight", 0.4, importance_scores=scores)
    prune.l1_unstructured(k2, "weight", 0.4, importance_scores=kp.tensor(scores))
    np.testing.assert_array_equal(k1.weight_mask.data, k2.weight_mask.data)
    prune.global_unstructured([(k1, "weight")], prune.L1Unstructured, amount=3,
                              importance_scores={(k1, "weight"): scores})
    prune.global_unstructured([(k2, "weight")], prune.L1Unstructured, amount=3,
                              importance_scores={(k2, "weight"): kp.tensor(scores)})
    np.testing.assert_array_equal(k1.weight_mask.data, k2.weight_mask.data)


def test_pruning_again_after_remove_starts_afresh_as_torch():
    k, t = _linear_pair()
    for module, library in ((k, prune), (t, tprune)):
        library.l1_unstructured(module, "weight", 0.5)
        library.remove(module, "weight")
        library.ln_structured(module, "weight", 2, n=1, dim=0)
    _assert_same_pruning(k, t)


def test_l1_unstructured_of_the_bias_matches_torch():
    k, t = _linear_pair()
    prune.l1_unstructured(k, "bias", 3)
    tprune.l1_unstructured(t, "bias", 3)
    _assert_same_pruning(k, t, "bias")


@pytest.mark.parametrize("n", [1, 2, 3, float("inf"), float("-inf"), "fro"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_ln_structured_on_a_linear_matches_torch(n, dim):
    k, t = _linear_pair()
    prune.ln_structured(k, "weight", 0.5, n=n, dim=dim)
    tprune.ln_structured(t, "weight", 0.5, n=n, dim=dim)
    _assert_same_pruning(k, t)


@pytest.mark.parametrize("dim, amount", [(0, 2), (1, 1), (2, 0.34), (3, 2), (-1, 1)])
def test_ln_structured_on_a_conv_matches_torch(dim, amount):
    k, t = _conv_pair()
    prune.ln_structured(k, "weight", amount, n=2, dim=dim)
    tprune.ln_structured(t, "weight", amount, n=2, dim=dim)
    _assert_same_pruning(k, t, x_shape=(2, 3, 6, 6))


def test_ln_structured_with_importance_scores_matches_torch():
    k, t = _conv_pair()
    scores = np.random.default_rng(4).normal(size=(5, 3, 3, 3))
    prune.ln_structured(k, "weight", 2, n=1, dim=0, importance_scores=kp.tensor(scores))
    tprune.ln_structured(t, "weight", 2, n=1, dim=0, importance_scores=torch.tensor(scores))
    _assert_same_pruning(k, t, x_shape=(2, 3, 6, 6))


REPEATED = [  # each step: (function name, args, kwargs)
    [("l1_unstructured", (0.3,), {}), ("l1_unstructured", (0.5,), {})],
    [("l1_unstructured", (10,), {}), ("ln_structured", (2,), dict(n=2, dim=0)),
     ("l1_unstructured", (0.2,), {})],
    [("ln_structured", (0.5,), dict(n=1, dim=1)), ("ln_structured", (1,), dict(n=1, dim=1)),
     ("ln_structured", (0.5,), dict(n=2, dim=0))],
    [("ln_structured", (1,), dict(n=2, dim=0)), ("l1_unstructured", (3,), {}),
     ("ln_structured", (0.3,), dict(n=float("inf"), dim=-1)), ("l1_unstructured", (0.9,), {})],
]


@pytest.mark.parametrize("steps", REPEATED)
def test_repeated_pruning_composes_masks_as_torch(steps):
    k, t = _linear_pair()
    for function, args, kwargs in steps:
        getattr(prune, function)(k, "weight", *args, **kwargs)
        getattr(tprune, function)(t, "weight", *args, **kwargs)
        _assert_same_pruning(k, t)
    hooks = [h for h in k._forward_pre_hooks if isinstance(h, prune.BasePruningMethod)]
    assert len(hooks) == 1 and isinstance(hooks[0], prune.PruningContainer)
    assert len(hooks[0]) == len(steps)


def test_repeated_pruning_counts_the_amount_among_unpruned_entries():
    k, _ = _linear_pair()
    prune.l1_unstructured(k, "weight", 0.5)   # 24 of 48 pruned
    prune.l1_unstructured(k, "weight", 0.5)   # 12 of the remaining 24
    assert int(k.weight_mask.data.sum()) == 12


@pytest.mark.parametrize("amount", [9, 0.3, 0.8])
def test_global_unstructured_matches_torch(amount):
    (k1, t1), (k2, t2) = _linear_pair(8, 6, seed=0), _linear_pair(6, 4, seed=1)
    kc, tc = _conv_pair(seed=2)
    k_params = [(k1, "weight"), (k2, "weight"), (k2, "bias"), (kc, "weight")]
    t_params = [(t1, "weight"), (t2, "weight"), (t2, "bias"), (tc, "weight")]
    prune.global_unstructured(k_params, prune.L1Unstructured, amount=amount)
    tprune.global_unstructured(t_params, tprune.L1Unstructured, amount=amount)
    _assert_same_pruning(k1, t1)
    _assert_same_pruning(k2, t2, x_shape=(4, 6))
    _assert_same_pruning(k2, t2, "bias", x_shape=(4, 6))
    _assert_same_pruning(kc, tc, x_shape=(2, 3, 6, 6))
    # again, on top of these masks, with importance scores for one parameter
    scores = np.abs(np.random.default_rng(7).normal(size=(6, 8)))
    prune.global_unstructured(k_params, prune.L1Unstructured, amount=0.5,
                              importance_scores={(k1, "weight"): kp.tensor(scores)})
    tprune.global_unstructured(t_params, tprune.L1Unstructured, amount=0.5,
                               importance_scores={(t1, "weight"): torch.tensor(scores)})
    _assert_same_pruning(k1, t1)
    _assert_same_pruning(kc, tc, x_shape=(2, 3, 6, 6))


def test_global_unstructured_after_a_structured_pruning_matches_torch():
    (k1, t1), (k2, t2) = _linear_pair(8, 6, seed=0), _linear_pair(6, 4, seed=1)
    prune.ln_structured(k1, "weight", 2, n=2, dim=0)
    tprune.ln_structured(t1, "weight", 2, n=2, dim=0)
    prune.global_unstructured([(k1, "weight"), (k2, "weight")], prune.L1Unstructured, amount=20)
    tprune.global_unstructured([(t1, "weight"), (t2, "weight")], tprune.L1Unstructured,
                               amount=20)
    _assert_same_pruning(k1, t1)
    _assert_same_pruning(k2, t2, x_shape=(4, 6))


def test_custom_from_mask_and_identity_match_torch():
    k, t = _linear_pair()
    prune.identity(k, "weight")
    tprune.identity(t, "weight")
    _assert_same_pruning(k, t)
    mask = (np.random.default_rng(2).uniform(size=(6, 8)) > 0.5).astype(np.float64)
    prune.custom_from_mask(k, "weight", kp.tensor(mask))
    tprune.custom_from_mask(t, "weight", torch.tensor(mask))
    _assert_same_pruning(k, t)


def test_gradient_of_weight_orig_is_masked_as_in_torch():
    k, t = _linear_pair()
    prune.l1_unstructured(k, "weight", 0.5)
    tprune.l1_unstructured(t, "weight", 0.5)
    x = np.random.default_rng(6).normal(size=(4, 8))
    (k(kp.tensor(x)) ** 2).sum().backward()
    (t(torch.tensor(x)) ** 2).sum().backward()
    assert [n for n, _ in k.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert_close(k.weight_orig.grad, t.weight_orig.grad)
    assert np.all(k.weight_orig.grad.data[k.weight_mask.data == 0] == 0)
    assert k.weight_mask.grad is None


def test_forward_recomputes_the_pruned_weight_after_an_update():
    k, _ = _linear_pair()
    prune.l1_unstructured(k, "weight", 0.5)
    k.weight_orig.data[...] += 1.0  # as an optimiser step would
    k(kp.ones(1, 8, dtype=kp.float64))
    np.testing.assert_array_equal(k.weight.data, k.weight_orig.data * k.weight_mask.data)


def test_remove_makes_pruning_permanent_as_torch():
    k, t = _linear_pair()
    prune.l1_unstructured(k, "weight", 0.5)
    prune.ln_structured(k, "weight", 1, n=2, dim=0)
    tprune.l1_unstructured(t, "weight", 0.5)
    tprune.ln_structured(t, "weight", 1, n=2, dim=0)
    assert prune.remove(k, "weight") is k
    tprune.remove(t, "weight")
    assert list(k.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    assert isinstance(k.weight, kp.nn.Parameter)
    assert_close(k.weight, t.weight)
    assert not prune.is_pruned(k) and not k._forward_pre_hooks
    assert_close(k(kp.ones(2, 8, dtype=kp.float64)), t(torch.ones(2, 8, dtype=torch.float64)))


def test_pruned_state_dict_loads_into_torch_and_back():
    k, t = _linear_pair()
    prune.l1_unstructured(k, "weight", 0.25)
    tprune.l1_unstructured(t, "weight", 0.75)   # other mask, same keys
    t.load_state_dict({key: torch.tensor(v.data) for key, v in k.state_dict().items()})
    t(torch.ones(1, 8, dtype=torch.float64))  # the hook recomputes weight from the loaded state
    _assert_same_pruning(k, t)
    k2, _ = _linear_pair(seed=9)
    prune.identity(k2, "weight")
    k2.load_state_dict(k.state_dict())
    k2(kp.ones(1, 8, dtype=kp.float64))
    np.testing.assert_array_equal(k2.weight.data, k.weight.data)


def test_is_pruned_looks_into_submodules():
    net = kp.nn.Sequential(kp.nn.Linear(3, 4), kp.nn.ReLU(), kp.nn.Linear(4, 2))
    assert not prune.is_pruned(net)
    prune.random_unstructured(net[2], "weight", 2)
    assert prune.is_pruned(net)


def test_random_unstructured_prunes_the_count_among_unpruned_and_is_seeded():
    masks = []
    for _ in range(2):
        kp.manual_seed(3)
        k, _ = _linear_pair()
        prune.l1_unstructured(k, "weight", 10)
        before = k.weight_mask.data.copy()
        prune.random_unstructured(k, "weight", 0.5)
        after = k.weight_mask.data
        assert after.sum() == 19  # 38 left, half of them pruned
        assert np.all(after <= before)
        masks.append(after.copy())
    np.testing.assert_array_equal(*masks)


def test_random_structured_prunes_whole_channels():
    kp.manual_seed(0)
    k, _ = _conv_pair()
    prune.random_structured(k, "weight", 2, dim=0)
    zero_filters = (k.weight_mask.data.reshape(5, -1).sum(1) == 0)
    assert zero_filters.sum() == 2
    assert np.all(k.weight_mask.data[~zero_filters] == 1)
    prune.random_structured(k, "weight", 0.34, dim=0)  # 1 of the 3 filters left
    assert (k.weight_mask.data.reshape(5, -1).sum(1) == 0).sum() == 3


def test_prune_method_returns_the_masked_tensor_as_torch():
    w = np.random.default_rng(8).normal(size=(4, 5))
    k = prune.L1Unstructured(amount=0.4).prune(kp.tensor(w))
    t = tprune.L1Unstructured(amount=0.4).prune(torch.tensor(w))
    assert_close(k, t)


# ---- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", [-1, 1.5, -0.1, "half", 49])
def test_bad_amounts_raise_as_torch(amount):
    k, t = _linear_pair()
    assert_raises_like_torch(lambda: prune.l1_unstructured(k, "weight", amount),
                             lambda: tprune.l1_unstructured(t, "weight", amount))
    # unchanged, the order of the parameters too (torch moves the failed one to the end)
    assert not prune.is_pruned(k) and list(k.state_dict()) == ["weight", "bias"]


@pytest.mark.parametrize("times", [1, 2])
def test_a_failed_repeated_pruning_leaves_the_earlier_one_in_place(times):
    k, t = _linear_pair()
    for _ in range(times):
        prune.l1_unstructured(k, "weight", 0.25)
        tprune.l1_unstructured(t, "weight", 0.25)
    with pytest.raises(ValueError, match="should be smaller than the number of parameters"):
        prune.l1_unstructured(k, "weight", 100)
    with pytest.raises(AssertionError, match="importance_scores should have the same shape"):
        prune.l1_unstructured(k, "weight", 1, importance_scores=kp.ones(2))
    # (torch loses the hook here; konspekt keeps the pruning as it was)
    _assert_same_pruning(k, t)
    hooks = [h for h in k._forward_pre_hooks if isinstance(h, prune.BasePruningMethod)]
    assert len(hooks) == 1
    if times > 1:
        assert len(hooks[0]) == times
    prune.l1_unstructured(k, "weight", 3)
    tprune.l1_unstructured(t, "weight", 3)
    _assert_same_pruning(k, t)


def test_structured_pruning_errors_as_torch():
    k, t = _linear_pair()
    with pytest.raises(ValueError, match="Structured pruning can only be applied to "
                                         "multidimensional tensors"):
        prune.ln_structured(k, "bias", 1, n=2, dim=0)
    with pytest.raises(ValueError, match="Structured pruning"):
        tprune.ln_structured(t, "bias", 1, n=2, dim=0)
    with pytest.raises(IndexError, match="Invalid index 2 for tensor of size"):
        prune.ln_structured(k, "weight", 1, n=2, dim=2)
    with pytest.raises(IndexError, match="Invalid index 2 for tensor of size"):
        tprune.ln_structured(t, "weight", 1, n=2, dim=2)
    assert_raises_like_torch(lambda: prune.ln_structured(k, "weight", 7, n=2, dim=0),
                             lambda: tprune.ln_structured(t, "weight", 7, n=2, dim=0))


def test_remove_of_an_unpruned_parameter_raises_as_torch():
    k, t = _linear_pair()
    assert_raises_like_torch(lambda: prune.remove(k, "weight"),
                             lambda: tprune.remove(t, "weight"))


def test_global_unstructured_errors_as_torch():
    k, t = _linear_pair()
    assert_raises_like_torch(
        lambda: prune.global_unstructured(3, prune.L1Unstructured, amount=1),
        lambda: tprune.global_unstructured(3, tprune.L1Unstructured, amount=1))
    assert_raises_like_torch(
        lambda: prune.global_unstructured([(k, "weight")], prune.L1Unstructured,
                                          importance_scores=[1], amount=1),
        lambda: tprune.global_unstructured([(t, "weight")], tprune.L1Unstructured,
                                           importance_scores=[1], amount=1))
    with pytest.raises(TypeError, match='Only "unstructured" PRUNING_TYPE supported'):
        prune.global_unstructured([(k, "weight")], prune.LnStructured, amount=1, n=2)


def test_importance_scores_of_another_shape_are_refused():
    k, _ = _linear_pair()
    with pytest.raises(AssertionError, match="importance_scores should have the same shape"):
        prune.l1_unstructured(k, "weight", 2, importance_scores=kp.ones(3))


def test_container_refuses_other_parameters_and_non_methods():
    method = prune.L1Unstructured(1)
    method._tensor_name = "weight"
    container = prune.PruningContainer(method)
    other = prune.L1Unstructured(1)
    other._tensor_name = "bias"
    with pytest.raises(ValueError, match="Can only add pruning methods acting on the parameter "
                                         "named 'weight'"):
        container.add_pruning_method(other)
    with pytest.raises(TypeError, match="is not a BasePruningMethod subclass"):
        container.add_pruning_method("l1")
