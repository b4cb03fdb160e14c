"""Vision architectures: parameter counts equal the published ones, the parameter names are
torchvision's, output shapes on small inputs, every parameter receives a gradient, train / eval
switching, and each network computes what a torch twin with the same weights computes (float64,
values and the gradients of every parameter, in training and evaluation mode).

torchvision is not a test dependency: its published counts (the ``num_params`` of its model
documentation) are the oracle, and the tests that compare with it directly skip without it.
The torch twins below are torch.nn modules built leaf by leaf from a konspekt model (same layer
classes, hyperparameters and weights), with each block's forward written here in torch, so
that the wiring of every block is checked against torch's layers."""

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from oracle import assert_close

import konspekt as kp
from konspekt import nn
from konspekt.models import vision
from konspekt.models.vision import vgg as vgg_module
from konspekt.serialization import load, save


def count(model):
    return sum(int(p.numel()) for p in model.parameters())


def _numpy(tensor):
    return np.asarray(tensor.detach().numpy())


# ---- parameter counts ----------------------------------------------------------------------------

# (builder, keyword arguments, parameters). torchvision's documented counts for its models; the
# others from the layer tables in the docstrings, with the paper's figure where it gives one.
COUNTS = [
    ("lenet5", {}, 61_706),
    ("lenet5", {"in_channels": 3, "num_classes": 100}, 69_656),
    ("nin", {}, 966_986),                                    # Lin et al.: ≈ 0.97M
    ("resnet20", {}, 269_722),                               # He et al. Table 6: 0.27M
    ("resnet20", {"shortcut": "B"}, 272_474),
    ("resnet18", {}, 11_689_512),                            # torchvision
    ("resnet34", {}, 21_797_672),                            # torchvision
    ("googlenet", {}, 6_624_904),                            # torchvision
    ("googlenet", {"aux_logits": True}, 13_004_888),
    ("googlenet", {"branch3_kernel_size": 5}, 6_624_904 + 16 * 23_808),
    ("unet", {}, 31_036_546),
    ("unet", {"batch_norm": False}, 31_030_658),
    ("unet", {"bilinear": True}, 28_947_586),
    ("alexnet", {}, 61_100_840),                             # torchvision
]

VGG_COUNTS = [  # torchvision
    ("vgg11", 132_863_336), ("vgg11_bn", 132_868_840), ("vgg13", 133_047_848),
    ("vgg13_bn", 133_053_736), ("vgg16", 138_357_544), ("vgg16_bn", 138_365_992),
    ("vgg19", 143_667_240), ("vgg19_bn", 143_678_248),
]


@pytest.mark.parametrize("name, kwargs, expected", COUNTS,
                         ids=[f"{n}-{'-'.join(map(str, k.values())) or 'default'}"
                              for n, k, _ in COUNTS])
def test_parameter_count(name, kwargs, expected):
    assert count(getattr(vision, name)(**kwargs)) == expected


def test_vgg16_and_vgg19_parameter_counts(vgg16):
    assert count(vgg16) == 138_357_544
    assert count(vision.vgg19()) == 143_667_240


@pytest.mark.parametrize("name, expected", VGG_COUNTS, ids=[n for n, _ in VGG_COUNTS])
def test_vgg_parameter_count_of_every_configuration(name, expected, vgg16, monkeypatch):
    # Each VGG holds ~0.55 GB of float32 weights, 124M of them in the head, which is the same for
    # all eight (counted in full above): here each builder's features are counted under the
    # VGG-16 head instead of allocating the head again.
    monkeypatch.setattr(vgg_module, "VGG", lambda features, **kwargs: features)
    features = getattr(vision, name)()
    assert count(features) + count(vgg16.classifier) == expected


def test_lenet_first_convolution_and_classes():
    model = vision.lenet5(num_classes=7, in_channels=3, padding=0)
    assert model[0].weight.shape == (6, 3, 5, 5)
    assert model(kp.randn(2, 3, 32, 32)).shape == (2, 7)


@pytest.mark.parametrize("build, shape, total", [
    (vision.lenet5, (1, 1, 28, 28), 61_706),
    (vision.nin, (1, 3, 32, 32), 966_986),
    (vision.resnet20, (1, 3, 32, 32), 269_722),
])
def test_summary_totals_of_an_architecture(build, shape, total):
    model = build()
    result = kp.summary(model, kp.zeros(*shape), show=False)
    assert (result.total_params, result.trainable_params) == (total, total)
    # Frozen layers (transfer learning) count as non-trainable, the total is unchanged.
    first = next(model.children())
    first.requires_grad_(False)
    frozen = sum(p.numel() for p in first.parameters())
    result = kp.summary(model, kp.zeros(*shape), show=False)
    assert (result.total_params, result.non_trainable_params) == (total, frozen)
    assert frozen > 0


# ---- torchvision's parameter names -------------------------------------------------------------

def _batch_norm_keys(prefix):
    return [f"{prefix}.{k}" for k in ("weight", "bias", "running_mean", "running_var",
                                       "num_batches_tracked")]


def torchvision_resnet_keys(layers):
    """The state-dict keys of torchvision's ResNet with BasicBlocks, in its order."""
    keys = ["conv1.weight"] + _batch_norm_keys("bn1")
    for stage, blocks in enumerate(layers, start=1):
        for block in range(blocks):
            head = f"layer{stage}.{block}"
            keys += [f"{head}.conv1.weight", *_batch_norm_keys(f"{head}.bn1"),
                     f"{head}.conv2.weight", *_batch_norm_keys(f"{head}.bn2")]
            if stage > 1 and block == 0:
                keys += [f"{head}.downsample.0.weight", *_batch_norm_keys(f"{head}.downsample.1")]
    return keys + ["fc.weight", "fc.bias"]


def torchvision_vgg16_keys():
    convolutions = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    keys = [f"features.{i}.{k}" for i in convolutions for k in ("weight", "bias")]
    return keys + [f"classifier.{i}.{k}" for i in (0, 3, 6) for k in ("weight", "bias")]


@pytest.fixture(scope="module")
def resnet18():
    return vision.resnet18()


@pytest.fixture(scope="module")
def vgg16():
    return vision.vgg16()


def test_resnet18_state_dict_keys_are_torchvisions(resnet18):
    state = resnet18.state_dict()
    assert list(state) == torchvision_resnet_keys([2, 2, 2, 2])
    assert len(state) == 122
    assert state["layer2.0.downsample.0.weight"].shape == (128, 64, 1, 1)
    assert state["fc.weight"].shape == (1000, 512)


def test_resnet34_state_dict_keys_are_torchvisions():
    assert list(vision.resnet34(num_classes=10).state_dict()) == torchvision_resnet_keys(
        [3, 4, 6, 3])


def test_vgg16_state_dict_keys_are_torchvisions(vgg16):
    state = vgg16.state_dict()
    assert list(state) == torchvision_vgg16_keys()
    assert state["classifier.0.weight"].shape == (4096, 25088)


def test_googlenet_state_dict_names():
    state = vision.googlenet(aux_logits=True).state_dict()
    for key in ("conv1.conv.weight", "conv1.bn.running_var", "inception3a.branch1.conv.weight",
                "inception3a.branch2.1.conv.weight", "inception5b.branch4.1.bn.bias",
                "aux1.conv.conv.weight", "aux2.fc1.weight", "aux2.fc2.bias", "fc.weight"):
        assert key in state, key
    assert state["inception3a.branch3.1.conv.weight"].shape == (32, 16, 3, 3)
    assert state["aux1.fc1.weight"].shape == (1024, 2048)


@pytest.mark.parametrize("name", ["alexnet", "resnet18", "vgg16", "googlenet"])
def test_state_dict_keys_and_shapes_equal_torchvision(name, request):
    torchvision = pytest.importorskip("torchvision")
    ours = (request.getfixturevalue(name) if name in ("resnet18", "vgg16")
            else getattr(vision, name)())
    theirs = getattr(torchvision.models, name)(weights=None, **(
        {"aux_logits": False, "init_weights": False} if name == "googlenet" else {}))
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


# ---- initialisation ------------------------------------------------------------------------------

def test_vgg16_initialisation_is_torchvisions(vgg16):
    first = _numpy(vgg16.features[0].weight)              # fan_out = 64·3·3 = 576
    assert abs(first.std() - np.sqrt(2 / 576)) < 0.1 * np.sqrt(2 / 576)
    assert not _numpy(vgg16.features[0].bias).any()
    linear = _numpy(vgg16.classifier[3].weight)
    assert abs(linear.std() - 0.01) < 1e-4 and abs(linear.mean()) < 1e-4
    assert not _numpy(vgg16.classifier[6].bias).any()


def test_resnet_initialisation_and_zero_init_residual():
    model = vision.resnet20(zero_init_residual=True)
    conv = _numpy(model.layer3[1].conv1.weight)           # fan_out = 64·3·3 = 576
    assert abs(conv.std() - np.sqrt(2 / 576)) < 0.1 * np.sqrt(2 / 576)
    for block in (*model.layer1, *model.layer2, *model.layer3):
        assert not _numpy(block.bn2.weight).any()
    assert (_numpy(model.bn1.weight) == 1).all()


def test_googlenet_initialisation_is_truncated_normal():
    model = vision.googlenet(num_classes=10)
    weight = _numpy(model.inception4e.branch2[1].conv.weight)
    assert abs(weight.std() - 0.01) < 0.001 and abs(weight.mean()) < 0.001


# ---- torch twins ---------------------------------------------------------------------------------

LEAF_TWINS = {
    "Conv2d": lambda m: tnn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride,
                                   m.padding, m.dilation, m.groups, m.bias is not None),
    "ConvTranspose2d": lambda m: tnn.ConvTranspose2d(
        m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.output_padding,
        m.groups, m.bias is not None, m.dilation),
    "BatchNorm2d": lambda m: tnn.BatchNorm2d(m.num_features, m.eps, m.momentum),
    "Linear": lambda m: tnn.Linear(m.in_features, m.out_features, m.bias is not None),
    "ReLU": lambda m: tnn.ReLU(),
    "Tanh": lambda m: tnn.Tanh(),
    "Sigmoid": lambda m: tnn.Sigmoid(),
    "Flatten": lambda m: tnn.Flatten(m.start_dim, m.end_dim),
    "Dropout": lambda m: tnn.Dropout(m.p),
    "MaxPool2d": lambda m: tnn.MaxPool2d(m.kernel_size, m.stride, m.padding, m.dilation,
                                         ceil_mode=m.ceil_mode),
    "AvgPool2d": lambda m: tnn.AvgPool2d(m.kernel_size, m.stride, m.padding, m.ceil_mode,
                                         m.count_include_pad),
    "AdaptiveAvgPool2d": lambda m: tnn.AdaptiveAvgPool2d(m.output_size),
    "Upsample": lambda m: tnn.Upsample(scale_factor=m.scale_factor, mode=m.mode,
                                       align_corners=m.align_corners),
}


def _run(module, *names):
    """Apply the named submodules of ``module`` in order."""
    def chain(x):
        for name in names:
            x = getattr(module, name)(x)
        return x
    return chain


# Each konspekt block's forward, written in torch, applied to the block's torch twin ``t``.
BLOCK_FORWARDS = {
    "AlexNet": lambda t, x: t.classifier(t.avgpool(t.features(x)).flatten(1)),
    "VGG": lambda t, x: t.classifier(t.avgpool(t.features(x)).flatten(1)),
    "BasicBlock": lambda t, x: t.relu(
        t.bn2(t.conv2(t.relu(t.bn1(t.conv1(x))))) + (x if t.downsample is None
                                                     else t.downsample(x))),
    "ZeroPadShortcut": lambda t, x: TF.pad(x[:, :, ::t.stride, ::t.stride],
                                           (0, 0, 0, 0, 0, t.out_channels - t.in_channels)),
    "ResNet": lambda t, x: t.fc(torch.flatten(_run(
        t, "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
        "avgpool")(x), 1)),
    "CifarResNet": lambda t, x: t.fc(torch.flatten(_run(
        t, "conv1", "bn1", "relu", "layer1", "layer2", "layer3", "avgpool")(x), 1)),
    "BasicConv2d": lambda t, x: TF.relu(t.bn(t.conv(x))),
    "Inception": lambda t, x: torch.cat([t.branch1(x), t.branch2(x), t.branch3(x),
                                         t.branch4(x)], 1),
    "InceptionAux": lambda t, x: t.fc2(t.dropout(TF.relu(t.fc1(torch.flatten(
        t.conv(TF.adaptive_avg_pool2d(x, (4, 4))), 1))))),
    "DoubleConv": lambda t, x: t.block(x),
    "UNetDown": lambda t, x: t.conv(t.pool(x)),
    "UNetUp": lambda t, x, skip: t.conv(torch.cat([skip, t.up(x)], 1)),
}


def _googlenet_forward(t, x):
    x = _run(t, "conv1", "maxpool1", "conv2", "conv3", "maxpool2", "inception3a",
             "inception3b", "maxpool3", "inception4a")(x)
    use_aux = t.aux1 is not None and t.training
    aux1 = t.aux1(x) if use_aux else None
    x = _run(t, "inception4b", "inception4c", "inception4d")(x)
    aux2 = t.aux2(x) if use_aux else None
    x = _run(t, "inception4e", "maxpool4", "inception5a", "inception5b", "avgpool")(x)
    x = t.fc(t.dropout(torch.flatten(x, 1)))
    return (x, aux2, aux1) if use_aux else x


def _unet_forward(t, x):
    skips = [t.inc(x)]
    for down in t.down:
        skips.append(down(skips[-1]))
    x = skips.pop()
    for up in t.up:
        x = up(x, skips.pop())
    return t.outc(x)


BLOCK_FORWARDS["GoogLeNet"] = _googlenet_forward
BLOCK_FORWARDS["UNet"] = _unet_forward


class TorchTwin(tnn.Module):
    """A konspekt block's submodules as torch twins, with the block's forward in torch."""

    def __init__(self, module):
        super().__init__()
        self.kind = type(module).__name__
        for attribute in ("stride", "in_channels", "out_channels"):
            if attribute in vars(module):
                setattr(self, attribute, vars(module)[attribute])
        for name in ("downsample", "aux1", "aux2"):
            setattr(self, name, None)
        for name, child in module.named_children():
            setattr(self, name, twin(child))

    def forward(self, *inputs):
        return BLOCK_FORWARDS[self.kind](self, *inputs)


def twin(module):
    """The torch module computing what ``module`` computes, holding a copy of its weights."""
    if isinstance(module, nn.Sequential):
        return tnn.Sequential(*[twin(child) for child in module])
    if isinstance(module, nn.ModuleList):
        return tnn.ModuleList([twin(child) for child in module])
    kind = type(module).__name__
    if kind not in LEAF_TWINS:
        return TorchTwin(module)
    result = LEAF_TWINS[kind](module).double()
    result.load_state_dict({k: torch.from_numpy(_numpy(v).copy())
                            for k, v in module.state_dict().items()})
    return result


def _compare_with_twin(model, input_shape, train, seed=0):
    """Same output and the same gradient for the input and every parameter as the twin."""
    model = model.double()
    reference = twin(model)
    model.train(train)
    reference.train(train)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(input_shape)
    kx = kp.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    k_out, t_out = model(kx), reference(tx)
    k_outs = list(k_out) if isinstance(k_out, tuple) else [k_out]
    t_outs = list(t_out) if isinstance(t_out, tuple) else [t_out]
    assert len(k_outs) == len(t_outs)
    k_loss, t_loss = 0, 0
    for k, t in zip(k_outs, t_outs):
        assert_close(k, t, rtol=1e-6, atol=1e-8)
        cotangent = rng.standard_normal(tuple(t.shape))
        k_loss = k_loss + (k * kp.tensor(cotangent)).sum()
        t_loss = t_loss + (t * torch.tensor(cotangent)).sum()
    k_loss.backward()
    t_loss.backward()
    assert_close(kx.grad, tx.grad, rtol=1e-6, atol=1e-8, what="input gradient")
    t_params = dict(reference.named_parameters())
    k_params = dict(model.named_parameters())
    assert set(k_params) == set(t_params)
    for name, parameter in k_params.items():
        # Unused parameters (the auxiliary heads in eval mode) get no gradient in either.
        if t_params[name].grad is None:
            assert parameter.grad is None, name
        else:
            assert_close(parameter.grad, t_params[name].grad, rtol=1e-6, atol=1e-8, what=name)
    if train:
        t_buffers = dict(reference.named_buffers())
        for name, buffer in model.named_buffers():
            assert_close(buffer, t_buffers[name], rtol=1e-6, atol=1e-8, what=name)


TWIN_CASES = [
    ("lenet5", {}, (2, 1, 28, 28)),
    ("lenet5", {"activation": "tanh", "pooling": "avg", "padding": 0}, (2, 1, 32, 32)),
    ("nin", {"dropout": 0.0}, (2, 3, 32, 32)),
    ("resnet20", {}, (2, 3, 32, 32)),
    ("resnet20", {"shortcut": "B", "num_classes": 5}, (2, 3, 16, 16)),
    ("resnet18", {"num_classes": 10}, (2, 3, 64, 64)),
    ("googlenet", {"num_classes": 10, "dropout": 0.0}, (2, 3, 40, 40)),
    ("googlenet", {"num_classes": 10, "dropout": 0.0}, (2, 3, 16, 16)),  # the smallest input
    ("googlenet", {"num_classes": 10, "aux_logits": True, "dropout": 0.0, "dropout_aux": 0.0,
                   "branch3_kernel_size": 5}, (2, 3, 32, 32)),
    ("unet", {"base_channels": 4, "depth": 3}, (2, 1, 32, 32)),
    ("unet", {"base_channels": 4, "depth": 2, "bilinear": True, "batch_norm": False,
              "in_channels": 3, "num_classes": 3}, (1, 3, 16, 16)),
]


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("name, kwargs, input_shape", TWIN_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(TWIN_CASES)])
def test_matches_torch_twin(name, kwargs, input_shape, train):
    kp.manual_seed(0)
    _compare_with_twin(getattr(vision, name)(**kwargs), input_shape, train)


def test_alexnet_matches_torch_twin():
    # Training mode only: without batch norm and with dropout off, eval mode computes the same,
    # and the 58M float64 weights make each comparison a few seconds.
    _compare_with_twin(vision.alexnet(num_classes=10, dropout=0.0), (2, 3, 63, 63), train=True)


def test_vgg_features_match_torch_twin():
    model = vision.vgg11_bn(num_classes=10)
    _compare_with_twin(model.features, (2, 3, 32, 32), train=True)


# ---- shapes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kwargs, input_shape, output_shape", [
    ("lenet5", {}, (3, 1, 28, 28), (3, 10)),
    ("nin", {"num_classes": 100}, (2, 3, 32, 32), (2, 100)),
    ("resnet20", {}, (2, 3, 32, 32), (2, 10)),
    ("resnet18", {}, (1, 3, 64, 64), (1, 1000)),
    ("resnet34", {"num_classes": 10, "in_channels": 1}, (1, 1, 32, 32), (1, 10)),
    ("googlenet", {}, (1, 3, 96, 96), (1, 1000)),
    ("googlenet", {"num_classes": 10}, (1, 3, 32, 32), (1, 10)),
    ("unet", {"depth": 3, "base_channels": 8}, (1, 1, 32, 32), (1, 2, 32, 32)),
])
def test_output_shape(name, kwargs, input_shape, output_shape):
    model = getattr(vision, name)(**kwargs).eval()
    with kp.no_grad():
        assert model(kp.randn(*input_shape)).shape == output_shape


def test_big_models_classify_small_images(vgg16):
    vgg16.eval()
    with kp.no_grad():
        assert vgg16(kp.randn(1, 3, 32, 32)).shape == (1, 1000)
        assert vision.alexnet(num_classes=5)(kp.randn(1, 3, 63, 63)).shape == (1, 5)


def test_float32_in_float32_out():
    model = vision.resnet20()
    out = model(kp.randn(2, 3, 32, 32))
    assert out.dtype == kp.float32
    out.sum().backward()
    assert all(p.grad.dtype == kp.float32 for p in model.parameters())


@pytest.mark.parametrize("name", ["lenet5", "resnet20"])
def test_every_parameter_gets_a_gradient(name):
    model = getattr(vision, name)()
    shape = (4, 1, 28, 28) if name == "lenet5" else (4, 3, 32, 32)
    loss = nn.CrossEntropyLoss()(model(kp.randn(*shape)), kp.tensor([0, 1, 2, 3]))
    loss.backward()
    for parameter_name, parameter in model.named_parameters():
        assert parameter.grad is not None, parameter_name
        assert parameter.grad.shape == parameter.shape
        assert np.abs(_numpy(parameter.grad)).sum() > 0, parameter_name


# ---- modes ---------------------------------------------------------------------------------------

def test_batch_norm_statistics_follow_train_and_eval():
    model = vision.resnet20()
    x = kp.randn(4, 3, 32, 32) * 3 + 1
    before = _numpy(model.bn1.running_mean).copy()
    train_out = _numpy(model(x))
    after_train = _numpy(model.bn1.running_mean).copy()
    assert not np.allclose(before, after_train)
    model.eval()
    assert not any(m.training for m in model.modules())
    eval_out = _numpy(model(x))
    assert np.allclose(_numpy(model.bn1.running_mean), after_train)
    assert not np.allclose(train_out, eval_out)
    assert int(model.bn1.num_batches_tracked.item()) == 1


def test_dropout_is_random_in_training_and_off_in_eval():
    model = vision.nin()
    x = kp.randn(2, 3, 32, 32)
    assert not np.allclose(_numpy(model(x)), _numpy(model(x)))
    model.eval()
    assert np.array_equal(_numpy(model(x)), _numpy(model(x)))
    model.train()
    assert all(m.training for m in model.modules())


def test_googlenet_auxiliary_outputs_only_in_training():
    model = vision.googlenet(num_classes=10, aux_logits=True)
    outputs = model(kp.randn(2, 3, 64, 64))
    assert isinstance(outputs, vision.GoogLeNetOutputs)
    assert [o.shape for o in outputs] == [(2, 10)] * 3
    model.eval()
    assert model(kp.randn(2, 3, 64, 64)).shape == (2, 10)


# ---- state dicts ---------------------------------------------------------------------------------

def test_state_dict_round_trip(tmp_path):
    source, target = vision.resnet20(), vision.resnet20()
    source(kp.randn(4, 3, 32, 32))                       # running statistics away from 0 / 1
    save(source.state_dict(), tmp_path / "resnet20.npz")
    result = target.load_state_dict(load(tmp_path / "resnet20.npz"))
    assert not result.missing_keys and not result.unexpected_keys
    source.eval()
    target.eval()
    x = kp.randn(2, 3, 32, 32)
    assert np.array_equal(_numpy(source(x)), _numpy(target(x)))


def test_torch_state_dict_loads_into_the_konspekt_model():
    model = vision.resnet20(shortcut="B").double()
    reference = twin(model)
    for parameter in reference.parameters():
        torch.nn.init.normal_(parameter)
    model.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    model.eval()
    reference.eval()
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32))
    assert_close(model(kp.tensor(x)), reference(torch.tensor(x)), rtol=1e-6, atol=1e-8)


# ---- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, words", [
    (lambda: vision.lenet5(activation="gelu"), ["lenet5", "activation", "gelu"]),
    (lambda: vision.lenet5(pooling="lp"), ["lenet5", "pooling", "lp"]),
    (lambda: vision.resnet20(shortcut="C"), ["shortcut", "C"]),
    (lambda: vision.Inception(8, 2, 2, 2, 2, 2, 2, branch3_kernel_size=7),
     ["branch3_kernel_size", "7"]),
    (lambda: vision.unet(depth=0), ["depth", "0"]),
    (lambda: vision.ZeroPadShortcut(8, 4), ["out_channels", "in_channels"]),
])
def test_bad_arguments_raise_value_error(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)


def test_unet_rejects_sizes_not_divisible_by_two_to_the_depth():
    model = vision.unet(base_channels=4, depth=3)
    with pytest.raises(ValueError, match=r"divisible by 2\*\*depth = 8, got \(1, 1, 36, 36\)"):
        model(kp.randn(1, 1, 36, 36))
