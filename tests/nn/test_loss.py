"""Losses against torch (values, first and second derivatives w.r.t. input and target, every
reduction and option), stability for large logits, the module classes, errors, and the defining
properties of the course's losses that torch lacks."""

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import konspekt as kp
import konspekt.nn.functional as F
from oracle import (arrays_for, assert_close, assert_raises_like_torch, check_gradients,
                    compare_with_torch)

REDUCTIONS = ["mean", "sum", "none"]


def rng(seed=0):
    return np.random.default_rng(seed)


def on_each(function_name, **options):
    """The konspekt and torch functions of that name with the same keyword options."""
    return (lambda *a: getattr(F, function_name)(*a, **options),
            lambda *a: getattr(TF, function_name)(*a, **options))


# ---- regression --------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, options", [
    ("mse_loss", {}), ("l1_loss", {}), ("huber_loss", {}), ("huber_loss", {"delta": 0.4}),
    ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.3}), ("smooth_l1_loss", {"beta": 0.0}),
])
def test_regression_losses_match_torch(name, options, reduction):
    kf, tf = on_each(name, reduction=reduction, **options)
    compare_with_torch(kf, tf, arrays_for([(3, 4), (3, 4)], seed=1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_losses_with_elementwise_weight(name, reduction):
    weight = rng(2).uniform(0.1, 2.0, (3, 4))
    kf, tf = (lambda x, y: getattr(F, name)(x, y, reduction=reduction, weight=kp.tensor(weight)),
              lambda x, y: getattr(TF, name)(x, y, reduction=reduction,
                                             weight=torch.tensor(weight)))
    compare_with_torch(kf, tf, arrays_for([(3, 4), (3, 4)], seed=3))


def test_mse_broadcasting_warns_like_torch():
    x, y = arrays_for([(3, 4), (4,)], seed=4)
    with pytest.warns(UserWarning, match="different to the input size"):
        k = F.mse_loss(kp.tensor(x), kp.tensor(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = TF.mse_loss(torch.tensor(x), torch.tensor(y))
    assert_close(k, t)


def test_weight_of_another_size_raises():
    x, w = arrays_for([(3, 4), (4,)], seed=5)
    assert_raises_like_torch(lambda: F.mse_loss(kp.tensor(x), kp.tensor(x), weight=kp.tensor(w)),
                             lambda: TF.mse_loss(torch.tensor(x), torch.tensor(x),
                                                 weight=torch.tensor(w)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1), "float"])
def test_gaussian_nll_loss(var_shape, full, reduction):
    x, y = arrays_for([(3, 4), (3, 4)], seed=6)
    kf, tf = on_each("gaussian_nll_loss", full=full, reduction=reduction)
    if var_shape == "float":
        compare_with_torch(lambda a, b: kf(a, b, 0.7), lambda a, b: tf(a, b, 0.7), [x, y])
    else:
        compare_with_torch(kf, tf, [x, y, rng(7).uniform(0.2, 2.0, var_shape)])


def test_gaussian_nll_loss_clamps_small_variances_invisibly_to_the_gradient():
    x, y = arrays_for([(2, 3), (2, 3)], seed=8)
    var = np.array([[1e-9, 0.5, 1e-8], [0.3, 2e-7, 1.0]])
    kf, tf = on_each("gaussian_nll_loss", eps=1e-6)
    compare_with_torch(kf, tf, [x, y, var], rtol=1e-5)


@pytest.mark.parametrize("var, message", [(-np.ones((3, 4)), "negative"),
                                          (np.ones((2, 4)), "incorrect size")])
def test_gaussian_nll_loss_rejects_bad_variances(var, message):
    x = np.zeros((3, 4))
    with pytest.raises(ValueError, match=message):
        F.gaussian_nll_loss(kp.tensor(x), kp.tensor(x), kp.tensor(var))
    with pytest.raises(ValueError, match=message):
        TF.gaussian_nll_loss(torch.tensor(x), torch.tensor(x), torch.tensor(var))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("log_input", [True, False])
def test_poisson_nll_loss(log_input, full, reduction):
    low = -1.0 if log_input else 0.2
    x = rng(9).uniform(low, 2.0, (3, 4))
    y = rng(10).uniform(0.1, 4.0, (3, 4))  # counts on both sides of the Stirling cut at 1
    kf, tf = on_each("poisson_nll_loss", log_input=log_input, full=full, reduction=reduction)
    compare_with_torch(kf, tf, [x, y])


# ---- binary classification ---------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_shape", [None, (4,), (3, 4)])
def test_binary_cross_entropy(weight_shape, reduction):
    x = rng(11).uniform(0.05, 0.95, (3, 4))
    y = rng(12).uniform(0.0, 1.0, (3, 4))
    weight = None if weight_shape is None else rng(13).uniform(0.5, 2.0, weight_shape)

    def call(library, functional):
        return lambda a, b: functional.binary_cross_entropy(
            a, b, None if weight is None else library.tensor(weight), reduction=reduction)
    compare_with_torch(call(kp, F), call(torch, TF), [x, y])


def test_binary_cross_entropy_at_zero_and_one_is_finite_like_torch():
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.3])
    kf, tf = on_each("binary_cross_entropy", reduction="none")
    compare_with_torch(kf, tf, [x, y], requires_grad=[True, False], second_order=False)


def test_binary_cross_entropy_errors():
    x, y = rng(14).uniform(0.1, 0.9, (3, 2)), rng(15).uniform(0, 1, (3,))
    with pytest.raises(ValueError, match=r"target size .*\(3,\).* different to the input size"):
        F.binary_cross_entropy(kp.tensor(x), kp.tensor(y))
    with pytest.raises(ValueError, match="different to the input size"):
        TF.binary_cross_entropy(torch.tensor(x), torch.tensor(y))
    assert_raises_like_torch(lambda: F.binary_cross_entropy(kp.tensor(x + 1), kp.tensor(x)),
                             lambda: TF.binary_cross_entropy(torch.tensor(x + 1),
                                                             torch.tensor(x)))
    with pytest.raises(ValueError, match=r"Target size \(\(3,\)\) must be the same as input"):
        F.binary_cross_entropy_with_logits(kp.tensor(x), kp.tensor(y))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [False, True])
@pytest.mark.parametrize("weight", [False, True])
def test_binary_cross_entropy_with_logits(weight, pos_weight, reduction):
    x = rng(16).uniform(-4, 4, (3, 4))
    y = rng(17).uniform(0, 1, (3, 4))
    w = rng(18).uniform(0.5, 2.0, (3, 1)) if weight else None
    pw = rng(19).uniform(0.5, 3.0, (4,)) if pos_weight else None

    def call(library, functional):
        return lambda a, b: functional.binary_cross_entropy_with_logits(
            a, b, None if w is None else library.tensor(w), reduction=reduction,
            pos_weight=None if pw is None else library.tensor(pw))
    compare_with_torch(call(kp, F), call(torch, TF), [x, y])


# ---- cross-entropy and NLL ---------------------------------------------------------------------

SHAPES = [((5, 4), (5,)), ((4,), ()), ((3, 4, 2, 3), (3, 2, 3))]


def class_targets(shape, classes, ignore, seed):
    target = rng(seed).integers(0, classes, shape)
    if ignore and target.ndim:
        target.flat[::3] = 2  # ignore_index 2: some targets are ignored
    return np.asarray(target, dtype=np.int64)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("ignore", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shapes", SHAPES, ids=["batch", "unbatched", "k-dim"])
def test_cross_entropy_with_class_indices(shapes, weighted, ignore, smoothing, reduction):
    input_shape, target_shape = shapes
    classes = input_shape[0 if len(input_shape) == 1 else 1]
    x = rng(20).normal(size=input_shape) * 2
    target = class_targets(target_shape, classes, ignore, 21)
    weight = rng(22).uniform(0.2, 2.0, classes) if weighted else None
    options = {"ignore_index": 2 if ignore else -100, "reduction": reduction,
               "label_smoothing": smoothing}

    def call(library, functional):
        return lambda a, t: functional.cross_entropy(
            a, t, None if weight is None else library.tensor(weight), **options)
    compare_with_torch(call(kp, F), call(torch, TF), [x, target])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ignore", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shapes", SHAPES, ids=["batch", "unbatched", "k-dim"])
def test_nll_loss(shapes, weighted, ignore, reduction):
    input_shape, target_shape = shapes
    classes = input_shape[0 if len(input_shape) == 1 else 1]
    x = rng(23).normal(size=input_shape)
    target = class_targets(target_shape, classes, ignore, 24)
    weight = rng(25).uniform(0.2, 2.0, classes) if weighted else None

    def call(library, functional):
        return lambda a, t: functional.nll_loss(
            a, t, None if weight is None else library.tensor(weight),
            ignore_index=2 if ignore else -100, reduction=reduction)
    compare_with_torch(call(kp, F), call(torch, TF), [x, target])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("input_shape", [(5, 4), (4,), (2, 4, 3)])
def test_cross_entropy_with_class_probabilities(input_shape, weighted, smoothing, reduction):
    classes = input_shape[0 if len(input_shape) == 1 else 1]
    x = rng(26).normal(size=input_shape)
    target = rng(27).uniform(0, 1, input_shape)
    weight = rng(28).uniform(0.2, 2.0, classes) if weighted else None

    def call(library, functional):
        return lambda a, t: functional.cross_entropy(
            a, t, None if weight is None else library.tensor(weight), reduction=reduction,
            label_smoothing=smoothing)
    compare_with_torch(call(kp, F), call(torch, TF), [x, target])


@pytest.mark.parametrize("name, options", [
    ("cross_entropy", {}), ("cross_entropy", {"label_smoothing": 0.2}),
    ("cross_entropy", {"weight": np.array([1.0, 2.0, 0.5, 1.5])}),
    ("nll_loss", {}), ("nll_loss", {"weight": np.array([1.0, 2.0, 0.5, 1.5])}),
])
def test_an_all_ignored_batch_gives_nan_and_a_zero_gradient(name, options):
    x = rng(29).normal(size=(3, 4))
    target = np.full(3, -100)
    kx, tx = kp.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    k_options = {k: kp.tensor(v) if k == "weight" else v for k, v in options.items()}
    t_options = {k: torch.tensor(v) if k == "weight" else v for k, v in options.items()}
    k = getattr(F, name)(kx, kp.tensor(target), **k_options)
    t = getattr(TF, name)(tx, torch.tensor(target), **t_options)
    assert math.isnan(k.item()) and math.isnan(t.item())
    k.backward()
    t.backward()
    assert_close(kx.grad, tx.grad)


@pytest.mark.parametrize("value", [1000.0, -1000.0])
def test_cross_entropy_is_stable_for_large_logits(value):
    x = np.array([[value, 0.0, -value], [0.0, value, 1.0], [value, value, 0.0]])
    target = np.array([2, 1, 0])
    for smoothing in (0.0, 0.1):
        kf, tf = on_each("cross_entropy", label_smoothing=smoothing)
        compare_with_torch(kf, tf, [x, target])
    compare_with_torch(*on_each("cross_entropy"), [x, np.array([[0.2, 0.3, 0.5]] * 3)])


@pytest.mark.parametrize("value", [1000.0, -1000.0])
def test_binary_cross_entropy_with_logits_is_stable_for_large_logits(value):
    x = np.array([value, -value, value / 2, 0.5])
    y = np.array([1.0, 1.0, 0.0, 1.0])
    compare_with_torch(*on_each("binary_cross_entropy_with_logits", reduction="none"), [x, y],
                       requires_grad=[True, False])


def test_soft_margin_loss_is_stable_where_torch_overflows():
    # torch computes ln(1 + e^(−yx)) directly and returns inf for −yx = 1000; the exact loss is
    # −yx + ln(1 + e^(yx)) ≈ 1000, with derivative −y.
    x = kp.tensor([-1000.0, 1000.0, 1000.0], dtype=kp.float64, requires_grad=True)
    y = kp.tensor([1.0, -1.0, 1.0], dtype=kp.float64)
    loss = F.soft_margin_loss(x, y, reduction="none")
    loss.sum().backward()
    assert_close(loss, np.array([1000.0, 1000.0, 0.0]))
    assert_close(x.grad, np.array([-1.0, 1.0, 0.0]))


def test_cross_entropy_second_derivatives_pass_gradgradcheck():
    x = rng(30).normal(size=(4, 3))
    target = kp.tensor(np.array([0, 2, 1, 1]))
    weight = kp.tensor(np.array([0.5, 2.0, 1.0]))
    check_gradients(lambda a: F.cross_entropy(a, target, weight, label_smoothing=0.2), [x])
    check_gradients(lambda a: F.cross_entropy(a, target, reduction="none"), [x])
    check_gradients(lambda a: F.nll_loss(a, target, reduction="sum"), [x])


def test_cross_entropy_keeps_float32_and_accepts_byte_targets():
    x = rng(31).normal(size=(4, 3)).astype(np.float32)
    target = np.array([0, 2, 1, 1], dtype=np.uint8)
    k = F.cross_entropy(kp.tensor(x, requires_grad=True), kp.tensor(target))
    t = TF.cross_entropy(torch.tensor(x), torch.tensor(target))
    assert k.dtype == kp.float32
    assert_close(k, t, rtol=1e-5)


def test_cross_entropy_inside_a_graph_backpropagates_to_earlier_layers():
    w = kp.tensor(rng(32).normal(size=(3, 5)), requires_grad=True)
    tw = torch.tensor(w.data, requires_grad=True)
    x = rng(33).normal(size=(6, 3))
    target = np.array([0, 4, 1, 2, 3, 0])
    F.cross_entropy(kp.tensor(x) @ w, kp.tensor(target)).backward()
    TF.cross_entropy(torch.tensor(x) @ tw, torch.tensor(target)).backward()
    assert_close(w.grad, tw.grad)


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("x_shape, target, options", [
    ((3, 4), np.array([1, 5, 0]), {}),                        # out of range
    ((3, 4), np.array([1, -1, 0]), {}),                       # negative, not ignore_index
    ((3, 4), np.array([1, 2, 0], dtype=np.float64), {}),      # float, not probabilities
    ((3, 4), np.array([1, 2, 0], dtype=bool), {}),            # bool
    ((3, 4), np.array([1, 2]), {}),                           # batch sizes differ
    ((3, 4), np.array([[1], [2], [0]]), {}),                  # multi-target
    ((3, 4, 5), np.zeros((3, 4), dtype=np.int64), {}),        # K-dim target of a wrong size
    ((3, 4), np.array([1, 2, 0]), {"weight": np.ones(3)}),    # a weight per class, not 3
])
def test_class_index_errors_like_torch(name, x_shape, target, options):
    x = np.zeros(x_shape)
    k_options = {k: kp.tensor(v) for k, v in options.items()}
    t_options = {k: torch.tensor(v) for k, v in options.items()}
    assert_raises_like_torch(
        lambda: getattr(F, name)(kp.tensor(x), kp.tensor(target), **k_options),
        lambda: getattr(TF, name)(torch.tensor(x), torch.tensor(target), **t_options))


@pytest.mark.parametrize("call", [
    lambda lib, f: f.cross_entropy(lib.zeros(3, 4), lib.tensor([0, 1, 2]), label_smoothing=1.5),
    lambda lib, f: f.cross_entropy(lib.zeros(3, 4), lib.zeros(3, 4), ignore_index=1),
])
def test_cross_entropy_option_errors_like_torch(call):
    assert_raises_like_torch(lambda: call(kp, F), lambda: call(torch, TF))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "kl_div",
                                  "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "soft_margin_loss", "hinge_embedding_loss"])
def test_an_invalid_reduction_raises_like_torch(name):
    x = np.full((2, 3), 0.5)
    assert_raises_like_torch(
        lambda: getattr(F, name)(kp.tensor(x), kp.tensor(x), reduction="average"),
        lambda: getattr(TF, name)(torch.tensor(x), torch.tensor(x), reduction="average"))


def test_an_invalid_reduction_of_cross_entropy_raises_like_torch():
    assert_raises_like_torch(
        lambda: F.cross_entropy(kp.zeros(2, 3), kp.tensor([0, 1]), reduction="batchmean"),
        lambda: TF.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), reduction="batchmean"))


@pytest.mark.parametrize("size_average, reduce", [(None, False), (False, None), (True, True)])
def test_deprecated_size_average_and_reduce(size_average, reduce):
    x, y = arrays_for([(2, 3), (2, 3)], seed=34)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare_with_torch(lambda a, b: F.mse_loss(a, b, size_average, reduce),
                           lambda a, b: TF.mse_loss(a, b, size_average, reduce), [x, y],
                           second_order=False)


# ---- divergences, distances, embeddings --------------------------------------------------------

@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(log_target, reduction):
    x = np.log(rng(35).dirichlet(np.ones(4), size=3))
    y = rng(36).dirichlet(np.ones(4), size=3)
    if log_target:
        y = np.log(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'mean' warns in both libraries
        compare_with_torch(*on_each("kl_div", reduction=reduction, log_target=log_target),
                           [x, y])


def test_kl_div_with_zero_target_probabilities():
    x = np.log(np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]))
    y = np.array([[0.0, 0.4, 0.6], [0.5, 0.5, 0.0]])
    compare_with_torch(*on_each("kl_div", reduction="batchmean"), [x, y],
                       requires_grad=[True, False])


def test_kl_div_mean_warns_like_torch():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(kp.zeros(2, 2), kp.full((2, 2), 0.5))


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(4,), (4,)], [(3, 4), (1, 4)]])
def test_pairwise_distance(shapes, p, keepdim):
    compare_with_torch(*on_each("pairwise_distance", p=p, keepdim=keepdim),
                       arrays_for(shapes, seed=37))


@pytest.mark.parametrize("dim, shapes", [(1, [(3, 4), (3, 4)]), (0, [(4,), (4,)]),
                                         (-1, [(2, 3, 4), (1, 3, 4)])])
def test_cosine_similarity(dim, shapes):
    compare_with_torch(*on_each("cosine_similarity", dim=dim), arrays_for(shapes, seed=38))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("p", [1, 2, 3])
@pytest.mark.parametrize("shape", [(5, 3), (3,)])
def test_triplet_margin_loss(shape, p, swap, reduction):
    arrays = arrays_for([shape] * 3, seed=39)
    compare_with_torch(*on_each("triplet_margin_loss", margin=1.5, p=p, swap=swap,
                                reduction=reduction), arrays)


def test_triplet_margin_loss_rank_error_like_torch():
    a, b = np.zeros(3), np.zeros((2, 3))
    assert_raises_like_torch(lambda: F.triplet_margin_loss(*map(kp.tensor, (a, b, b))),
                             lambda: TF.triplet_margin_loss(*map(torch.tensor, (a, b, b))))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3])
@pytest.mark.parametrize("batched", [True, False])
def test_cosine_embedding_loss(batched, margin, reduction):
    shape = (6, 3) if batched else (3,)
    x1, x2 = arrays_for([shape, shape], seed=40)
    target = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0]) if batched else np.array(-1.0)
    compare_with_torch(*on_each("cosine_embedding_loss", margin=margin, reduction=reduction),
                       [x1, x2, target], requires_grad=[True, True, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking_loss(margin, reduction):
    x1, x2 = arrays_for([(6,), (6,)], seed=41)
    target = np.array([1.0, -1.0, 1.0, -1.0, 1.0, 1.0])
    compare_with_torch(*on_each("margin_ranking_loss", margin=margin, reduction=reduction),
                       [x1, x2, target])


def test_margin_ranking_loss_rank_error():
    a, b = kp.zeros(3), kp.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"same dimension .* input1: \(3,\), input2: \(2, 3\)"):
        F.margin_ranking_loss(a, b, b)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.4])
def test_hinge_embedding_loss(margin, reduction):
    x = arrays_for([(2, 4)], seed=42)[0]
    target = np.array([[1.0, -1.0, -1.0, 1.0], [-1.0, -1.0, 1.0, -1.0]])
    compare_with_torch(*on_each("hinge_embedding_loss", margin=margin, reduction=reduction),
                       [x, target], requires_grad=[True, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction):
    x = arrays_for([(2, 4)], seed=43)[0]
    target = np.array([[1.0, -1.0, -1.0, 1.0], [-1.0, -1.0, 1.0, -1.0]])
    compare_with_torch(*on_each("soft_margin_loss", reduction=reduction), [x, target],
                       requires_grad=[True, False])  # torch does not differentiate the target


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("p, margin", [(1, 1.0), (2, 0.7)])
@pytest.mark.parametrize("batched", [True, False])
def test_multi_margin_loss(batched, p, margin, weighted, reduction):
    x = arrays_for([(5, 4) if batched else (4,)], seed=44)[0]
    target = np.array([0, 3, 1, 1, 2]) if batched else np.array(2)
    weight = rng(45).uniform(0.5, 2.0, 4) if weighted else None

    def call(library, functional):
        return lambda a, t: functional.multi_margin_loss(
            a, t, p=p, margin=margin, weight=None if weight is None else library.tensor(weight),
            reduction=reduction)
    # torch has no second derivative of multi_margin_loss: konspekt's is checked by gradgradcheck
    compare_with_torch(call(kp, F), call(torch, TF), [x, target], second_order=False)
    check_gradients(call(kp, F), [x, target])


# ---- module classes ----------------------------------------------------------------------------

def module_cases():
    x, y = arrays_for([(4, 3), (4, 3)], seed=46)
    probabilities = rng(47).uniform(0.05, 0.95, (4, 3))
    labels = np.array([1.0, -1.0, -1.0, 1.0])
    classes = np.array([0, 2, 1, 2])
    weight = np.array([0.5, 2.0, 1.0])
    return [
        ("MSELoss", {}, [x, y]), ("L1Loss", {"reduction": "sum"}, [x, y]),
        ("HuberLoss", {"delta": 0.5}, [x, y]), ("SmoothL1Loss", {"beta": 0.5}, [x, y]),
        ("BCELoss", {"weight": weight}, [probabilities, probabilities[::-1].copy()]),
        ("BCEWithLogitsLoss", {"weight": weight, "pos_weight": weight[::-1].copy()},
         [x, probabilities]),
        ("CrossEntropyLoss", {"weight": weight, "ignore_index": 1, "label_smoothing": 0.1},
         [x, classes]),
        ("NLLLoss", {"weight": weight, "reduction": "none"}, [x, classes]),
        ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, [x, y]),
        ("GaussianNLLLoss", {"full": True}, [x, y, probabilities]),
        ("PoissonNLLLoss", {"log_input": False, "full": True}, [probabilities, x + 3]),
        ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}, [x, y, x[::-1].copy()]),
        ("CosineEmbeddingLoss", {"margin": 0.2}, [x, y, labels], [True, True, False]),
        ("MarginRankingLoss", {"margin": 0.2}, [x[:, 0].copy(), y[:, 0].copy(), labels]),
        ("HingeEmbeddingLoss", {"margin": 0.5}, [x[:, 0].copy(), labels], [True, False]),
        ("SoftMarginLoss", {}, [x[:, 0].copy(), labels], [True, False]),
        ("MultiMarginLoss", {"p": 2, "weight": weight}, [x, classes]),
    ]


def build(library, name, options):
    tensors = {k: library.tensor(v) if isinstance(v, np.ndarray) else v
               for k, v in options.items()}
    return getattr(library.nn, name)(**tensors)


@pytest.mark.parametrize("case", module_cases(), ids=[case[0] for case in module_cases()])
def test_modules_match_torch(case):
    name, options, arrays = case[:3]
    requires_grad = case[3] if len(case) > 3 else None  # torch does not differentiate some targets
    k_module, t_module = build(kp, name, options), build(torch, name, options)
    assert repr(k_module) == repr(t_module) == f"{name}()"
    assert list(k_module.state_dict()) == list(t_module.state_dict())
    for key, value in t_module.state_dict().items():
        assert_close(k_module.state_dict()[key], value)
    compare_with_torch(k_module, t_module, arrays, requires_grad=requires_grad,
                       second_order=name != "MultiMarginLoss")  # torch has none for it


def test_module_weight_is_a_buffer_that_follows_to():
    loss = kp.nn.CrossEntropyLoss(weight=kp.tensor([1.0, 2.0], dtype=kp.float64))
    assert [name for name, _ in loss.named_buffers()] == ["weight"]
    assert loss.to(kp.float32).weight.dtype == kp.float32


@pytest.mark.parametrize("name", ["AsymmetricSquaredLoss", "LogisticMarginLoss",
                                  "HingeMarginLoss", "ExponentialMarginLoss",
                                  "SigmoidMarginLoss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_course_modules_call_their_functions(name, reduction):
    x = kp.tensor(arrays_for([(5,)], seed=48)[0])
    y = kp.tensor([1.0, -1.0, 1.0, 1.0, -1.0])
    function = {"AsymmetricSquaredLoss": F.asymmetric_squared_loss,
                "LogisticMarginLoss": F.logistic_margin_loss,
                "HingeMarginLoss": F.hinge_margin_loss,
                "ExponentialMarginLoss": F.exponential_margin_loss,
                "SigmoidMarginLoss": F.sigmoid_margin_loss}[name]
    module = getattr(kp.nn, name)(reduction=reduction)
    assert_close(module(x, y), function(x, y, reduction=reduction))


# ---- the course's losses -----------------------------------------------------------------------

MARGIN_LOSSES = {
    "logistic_margin_loss": lambda m: np.log1p(np.exp(-m)),
    "hinge_margin_loss": lambda m: np.maximum(0.0, 1.0 - m),
    "exponential_margin_loss": lambda m: np.exp(-m),
    "sigmoid_margin_loss": lambda m: 1.0 / (1.0 + np.exp(m)),
}


def test_asymmetric_squared_loss_values_and_sign_convention():
    x = kp.tensor([3.0, 1.0, 2.0])
    y = kp.tensor([1.0, 2.0, 2.0])   # δ = y − x = −2 (over-prediction), 1, 0
    loss = F.asymmetric_squared_loss(x, y, a=2.0, b=0.5, reduction="none")
    assert_close(loss, np.array([8.0, 0.5, 0.0], dtype=np.float32))
    assert_close(F.asymmetric_squared_loss(x, y, a=2.0, b=0.5), np.float32(8.5 / 3))
    assert_close(F.asymmetric_squared_loss(x, y, a=2.0, b=0.5, reduction="sum"), np.float32(8.5))


def test_asymmetric_squared_loss_weighs_the_two_sides_by_a_and_b():
    x = kp.tensor(np.linspace(-2, 2, 9))
    y = kp.zeros(9, dtype=kp.float64)
    over = F.asymmetric_squared_loss(x, y, a=3.0, b=1.0, reduction="none").data
    under = F.asymmetric_squared_loss(-x, y, a=3.0, b=1.0, reduction="none").data
    positive = x.data > 0   # there x over-predicts, −x under-predicts by the same amount
    np.testing.assert_allclose(over[positive], 3.0 * under[positive])
    np.testing.assert_allclose(F.asymmetric_squared_loss(x, y, reduction="none").data,
                               F.mse_loss(x, y, reduction="none").data)


def test_asymmetric_squared_loss_minimiser_is_an_expectile():
    """Minimising Σ ℓ over a constant c: with b > a the optimum lies above the mean."""
    data = kp.tensor(rng(49).normal(size=200))
    c = kp.tensor(0.0, dtype=kp.float64, requires_grad=True)
    for _ in range(200):
        loss = F.asymmetric_squared_loss(c.expand(200), data, a=1.0, b=4.0)
        grad, = kp.autograd.grad(loss, [c])
        with kp.no_grad():
            c -= 0.2 * grad
    assert c.item() > data.mean().item() + 0.3


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_asymmetric_squared_loss_gradients(reduction):
    x, y = arrays_for([(3, 4), (3, 4)], seed=50)
    check_gradients(lambda a, b: F.asymmetric_squared_loss(a, b, a=0.3, b=2.0,
                                                           reduction=reduction), [x, y])


@pytest.mark.parametrize("name", list(MARGIN_LOSSES))
def test_margin_losses_are_their_formula_of_the_margin(name):
    scores = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 2.5])
    labels = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0])
    loss = getattr(F, name)(kp.tensor(scores), kp.tensor(labels), reduction="none")
    assert_close(loss, MARGIN_LOSSES[name](labels * scores))


@pytest.mark.parametrize("name", list(MARGIN_LOSSES))
def test_margin_losses_do_not_increase_with_the_margin(name):
    margins = np.linspace(-5, 5, 101)
    loss = getattr(F, name)(kp.tensor(margins), kp.ones(101), reduction="none").data
    assert (np.diff(loss) <= 0).all()
    # the label only flips the sign of the margin
    flipped = getattr(F, name)(kp.tensor(-margins), -kp.ones(101), reduction="none").data
    np.testing.assert_allclose(flipped, loss)


def test_hinge_margin_loss_is_zero_beyond_margin_one():
    margins = kp.tensor([1.0, 1.5, 10.0, 0.999])
    loss = F.hinge_margin_loss(margins, kp.ones(4), reduction="none").data
    assert (loss[:3] == 0).all() and loss[3] > 0


@pytest.mark.parametrize("name", ["logistic_margin_loss", "sigmoid_margin_loss"])
def test_margin_losses_are_stable_for_large_margins(name):
    margins = kp.tensor([-1000.0, 1000.0, -40.0], dtype=kp.float64, requires_grad=True)
    loss = getattr(F, name)(margins, kp.ones(3, dtype=kp.float64), reduction="none")
    loss.sum().backward()
    assert np.isfinite(loss.data).all() and np.isfinite(margins.grad.data).all()
    if name == "logistic_margin_loss":
        assert_close(loss, np.array([1000.0, 0.0, 40.0 + math.log1p(math.exp(-40.0))]))
        assert_close(margins.grad, np.array([-1.0, 0.0, -1.0 / (1.0 + math.exp(-40.0))]))
    else:
        assert_close(loss, np.array([1.0, 0.0, 1.0 / (1.0 + math.exp(-40.0))]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(MARGIN_LOSSES))
def test_margin_loss_gradients(name, reduction):
    scores = arrays_for([(6,)], seed=51, away_from=1.0)[0]  # away from the hinge's kink at M = 1
    labels = kp.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    scores = np.where(np.abs(scores + 1.0) < 0.1, scores + 0.3, scores)
    check_gradients(lambda s: getattr(F, name)(s, labels, reduction=reduction), [scores])


@pytest.mark.parametrize("name", list(MARGIN_LOSSES))
def test_margin_losses_reject_labels_other_than_plus_minus_one(name):
    with pytest.raises(ValueError, match=f"{name}: target must hold the labels -1 and \\+1"):
        getattr(F, name)(kp.zeros(3), kp.tensor([1.0, 0.0, -1.0]))


# ---- dtypes and signatures ---------------------------------------------------------------------

def float32_cases():
    x = kp.tensor(rng(52).uniform(0.1, 0.9, (3, 4)).astype(np.float32), requires_grad=True)
    y = kp.tensor(rng(53).uniform(0.1, 0.9, (3, 4)).astype(np.float32))
    labels = kp.tensor(np.array([1.0, -1.0, 1.0], dtype=np.float32))
    classes = kp.tensor([0, 1, 3])
    first, second = x[:, 0], y[:, 0]
    calls = [
        F.mse_loss(x, y), F.l1_loss(x, y), F.huber_loss(x, y), F.smooth_l1_loss(x, y),
        F.binary_cross_entropy(x, y), F.binary_cross_entropy_with_logits(
            x, y, pos_weight=kp.ones(4)),
        F.cross_entropy(x, classes, weight=kp.ones(4, dtype=kp.float64), label_smoothing=0.1),
        F.cross_entropy(x, y, label_smoothing=0.1), F.nll_loss(x, classes),
        F.kl_div(x, y, reduction="batchmean"), F.gaussian_nll_loss(x, y, 0.5, full=True),
        F.poisson_nll_loss(x, 3 * y, full=True), F.triplet_margin_loss(x, y, 2 * y, p=3),
        F.cosine_embedding_loss(x[:, :3], y[:, :3], labels),
        F.margin_ranking_loss(first, second, labels), F.hinge_embedding_loss(first, labels),
        F.soft_margin_loss(first, labels), F.multi_margin_loss(x, classes, p=2),
        F.asymmetric_squared_loss(x, y, a=0.3, b=2.0), F.logistic_margin_loss(first, labels),
        F.hinge_margin_loss(first, labels), F.exponential_margin_loss(first, labels),
        F.sigmoid_margin_loss(first, labels),
    ]
    return x, calls


def test_float32_in_gives_float32_losses_and_gradients():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, losses = float32_cases()
    for loss in losses:
        x.grad = None
        loss.backward()
        assert loss.dtype == kp.float32 and x.grad.dtype == kp.float32


def test_course_modules_print_their_options():
    assert repr(kp.nn.AsymmetricSquaredLoss(a=0.5, b=2.0)) == "AsymmetricSquaredLoss(a=0.5, b=2.0)"
    assert repr(kp.nn.HingeMarginLoss()) == "HingeMarginLoss()"


def test_gaussian_nll_loss_module_takes_keyword_options_only():
    with pytest.raises(TypeError):
        kp.nn.GaussianNLLLoss(True)
    assert kp.nn.GaussianNLLLoss(full=True, eps=1e-3).eps == 1e-3
