"""Residual networks (He, Zhang, Ren & Sun 2016): ResNet-18/34 as torchvision builds them and
the 6n + 2 layer networks of the paper's CIFAR-10 experiments (ResNet-20)."""

from ... import nn
from ...nn import functional as F
from ...nn import init

__all__ = ["BasicBlock", "CifarResNet", "ResNet", "ZeroPadShortcut", "resnet18", "resnet20",
           "resnet34"]


def conv3x3(in_planes, out_planes, stride=1):
    """3×3 convolution, padding 1, no bias (a batch norm follows)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    """1×1 convolution, no bias: the projection shortcut."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """The two-layer residual block: y = ReLU(F(x) + shortcut(x)).

    F(x) = BN(conv3×3(ReLU(BN(conv3×3_stride(x))))). The shortcut is the identity when the block
    keeps the shape, else ``downsample`` (a strided 1×1 convolution and batch norm in torchvision,
    option B of the paper, or a :class:`ZeroPadShortcut`, option A). The block learns the
    residual F(x) = H(x) − x, and the identity path carries the gradient ∂L/∂y unchanged to x.

    Parameters
    ----------
    inplanes : int
        Input channels.
    planes : int
        Output channels of both convolutions.
    stride : int, default 1
        Stride of the first convolution (2 halves H and W at the start of a stage).
    downsample : nn.Module, optional
        Shortcut applied to x when the shape changes; the identity if None.

    Attributes
    ----------
    expansion : int
        Output channels divided by ``planes``: 1 (the bottleneck block of ResNet-50 has 4).
    """

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ZeroPadShortcut(nn.Module):
    """Option A shortcut of the paper: parameter free, x[:, :, ::s, ::s] with zero channels
    appended up to ``out_channels``.

    Parameters
    ----------
    in_channels, out_channels : int
        out_channels ≥ in_channels.
    stride : int, default 2
        Spatial subsampling.
    """

    def __init__(self, in_channels, out_channels, stride=2):
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(f"ZeroPadShortcut: out_channels ({out_channels}) must be at least "
                             f"in_channels ({in_channels})")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stride = stride

    def extra_repr(self):
        return (f"in_channels={self.in_channels}, out_channels={self.out_channels}, "
                f"stride={self.stride}")

    def forward(self, x):
        s = self.stride
        return F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, 0, self.out_channels - self.in_channels))


def _init_residual_network(model, zero_init_residual):
    """torchvision's initialisation: He normal (fan_out, ReLU gain) convolutions, γ = 1, β = 0;
    with ``zero_init_residual`` each block's last γ = 0, so that every block starts as the
    identity (Goyal et al. 2017)."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(module, nn.BatchNorm2d):
            init.ones_(module.weight)
            init.zeros_(module.bias)
    if zero_init_residual:
        for module in model.modules():
            if isinstance(module, BasicBlock):
                init.zeros_(module.bn2.weight)


class ResNet(nn.Module):
    """The ImageNet residual network as torchvision builds it.

    Output sizes for a 3×224×224 input; ``layers`` = (2, 2, 2, 2) for ResNet-18, (3, 4, 6, 3)
    for ResNet-34.

    =========  ==================================================  ===========
    name       layer                                               output
    =========  ==================================================  ===========
    conv1      Conv2d(in_channels, 64, 7, stride 2, pad 3, no bias)  64×112×112
    bn1, relu  BatchNorm2d(64), ReLU
    maxpool    MaxPool2d(3, stride=2, padding=1)                   64×56×56
    layer1     layers[0] × BasicBlock(64)                          64×56×56
    layer2     layers[1] × BasicBlock(128), the first stride 2     128×28×28
    layer3     layers[2] × BasicBlock(256), the first stride 2     256×14×14
    layer4     layers[3] × BasicBlock(512), the first stride 2     512×7×7
    avgpool    AdaptiveAvgPool2d((1, 1))                           512×1×1
    fc         Linear(512, num_classes)                            num_classes
    =========  ==================================================  ===========

    The first block of layers 2–4 changes the shape, and its shortcut is a projection:
    ``downsample`` = Sequential(conv1x1(stride 2), BatchNorm2d) (option B of the paper).
    11,689,512 parameters for ResNet-18, 21,797,672 for ResNet-34 (1000 classes). The names
    and shapes of the parameters and buffers are torchvision's, so its state dict loads.

    Parameters
    ----------
    block : type
        The residual block, :class:`BasicBlock`.
    layers : sequence of four ints
        Blocks per stage.
    num_classes : int, default 1000
    in_channels : int, default 3
    zero_init_residual : bool, default False
        Start every block's last batch-norm γ at 0.

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun. Deep residual learning for image recognition. CVPR 2016.
    """

    def __init__(self, block, layers, num_classes=1000, in_channels=3, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        _init_residual_network(self, zero_init_residual)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        stage = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        stage += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*stage)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


class CifarResNet(nn.Module):
    """The residual network of the paper's CIFAR-10 experiments (§4.2): 6n + 2 weighted layers.

    Output sizes for a 3×32×32 input:

    =========  ================================================  ==========
    name       layer                                             output
    =========  ================================================  ==========
    conv1      conv3x3(in_channels, 16), no bias                 16×32×32
    bn1, relu  BatchNorm2d(16), ReLU
    layer1     n × BasicBlock(16)                                16×32×32
    layer2     n × BasicBlock(32), the first stride 2            32×16×16
    layer3     n × BasicBlock(64), the first stride 2            64×8×8
    avgpool    AdaptiveAvgPool2d((1, 1))                         64×1×1
    fc         Linear(64, num_classes)                           num_classes
    =========  ================================================  ==========

    n = 3 gives ResNet-20. The two shortcuts that change the shape are, with
    ``shortcut="A"`` (the paper's choice for CIFAR), parameter free: x[:, :, ::2, ::2] with zero
    channels appended (:class:`ZeroPadShortcut`) — 269,722 parameters for ResNet-20 and ten
    classes, the paper's "0.27M"; with ``shortcut="B"``, projections conv1x1 + BatchNorm2d as in
    :class:`ResNet` — 272,474 parameters. Initialisation as :class:`ResNet`.

    Parameters
    ----------
    num_blocks : int, default 3
        n, blocks per stage: 3, 5, 7, 9, 18 for ResNet-20, 32, 44, 56, 110.
    num_classes : int, default 10
    in_channels : int, default 3
    shortcut : {"A", "B"}, default "A"
    zero_init_residual : bool, default False

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun. Deep residual learning for image recognition. CVPR 2016,
    section 4.2.
    """

    def __init__(self, num_blocks=3, num_classes=10, in_channels=3, shortcut="A",
                 zero_init_residual=False):
        super().__init__()
        if shortcut not in ("A", "B"):
            raise ValueError(f"CifarResNet: shortcut must be 'A' or 'B', got {shortcut!r}")
        self.shortcut = shortcut
        self.inplanes = 16
        self.conv1 = conv3x3(in_channels, 16)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        self.layer1 = self._make_layer(16, num_blocks)
        self.layer2 = self._make_layer(32, num_blocks, stride=2)
        self.layer3 = self._make_layer(64, num_blocks, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(64, num_classes)
        _init_residual_network(self, zero_init_residual)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            if self.shortcut == "A":
                downsample = ZeroPadShortcut(self.inplanes, planes, stride)
            else:
                downsample = nn.Sequential(conv1x1(self.inplanes, planes, stride),
                                           nn.BatchNorm2d(planes))
        stage = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        stage += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*stage)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(self.avgpool(x).flatten(1))


def resnet18(num_classes=1000, in_channels=3, zero_init_residual=False):
    """ResNet-18: :class:`ResNet` with BasicBlock stages (2, 2, 2, 2); 11,689,512 parameters.

    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    zero_init_residual : bool, default False

    Returns
    -------
    ResNet
        Maps (N, in_channels, H, W), H, W ≥ 1 (224 in the paper), to (N, num_classes).

    Examples
    --------
    >>> model = kp.models.vision.resnet18(num_classes=10)
    >>> model(kp.randn(1, 3, 64, 64)).shape
    (1, 10)
    """
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes, in_channels=in_channels,
                  zero_init_residual=zero_init_residual)


def resnet34(num_classes=1000, in_channels=3, zero_init_residual=False):
    """ResNet-34: :class:`ResNet` with BasicBlock stages (3, 4, 6, 3); 21,797,672 parameters.

    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    zero_init_residual : bool, default False

    Returns
    -------
    ResNet
        Maps (N, in_channels, H, W) to (N, num_classes).
    """
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes, in_channels=in_channels,
                  zero_init_residual=zero_init_residual)


def resnet20(num_classes=10, in_channels=3, shortcut="A", zero_init_residual=False):
    """ResNet-20 for 32×32 images (He et al. 2016, §4.2): :class:`CifarResNet` with n = 3.

    269,722 parameters with the paper's parameter-free shortcuts (``shortcut="A"``), 272,474
    with projection shortcuts (``"B"``), for ten classes.

    Parameters
    ----------
    num_classes : int, default 10
    in_channels : int, default 3
    shortcut : {"A", "B"}, default "A"
    zero_init_residual : bool, default False

    Returns
    -------
    CifarResNet
        Maps (N, in_channels, 32, 32) (any H, W ≥ 1) to (N, num_classes).

    Examples
    --------
    >>> model = kp.models.vision.resnet20()
    >>> model(kp.randn(2, 3, 32, 32)).shape
    (2, 10)
    """
    return CifarResNet(3, num_classes=num_classes, in_channels=in_channels, shortcut=shortcut,
                       zero_init_residual=zero_init_residual)
