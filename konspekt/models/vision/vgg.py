"""VGG (Simonyan & Zisserman 2015): stacks of 3×3 convolutions, configurations A, B, D and E."""

from ... import nn
from ...nn import init

__all__ = ["VGG", "make_layers", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn",
           "vgg19", "vgg19_bn"]

# Table 1 of the paper: output channels of each 3×3 convolution, "M" a 2×2 max pooling.
CONFIGURATIONS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
          512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}


def make_layers(configuration, batch_norm=False, in_channels=3):
    """The convolutional part of a VGG network from a list of channel counts and ``"M"``.

    Each number c becomes Conv2d(·, c, 3, padding=1) [→ BatchNorm2d(c)] → ReLU, which keeps the
    spatial size; each ``"M"`` a MaxPool2d(2, stride=2), which halves it.

    Parameters
    ----------
    configuration : list of int or "M"
        E.g. ``CONFIGURATIONS["D"]`` for VGG-16.
    batch_norm : bool, default False
        Insert a BatchNorm2d after each convolution (the ``_bn`` variants).
    in_channels : int, default 3

    Returns
    -------
    nn.Sequential
    """
    layers = []
    for value in configuration:
        if value == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, value, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(value))
        layers.append(nn.ReLU())
        in_channels = value
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """VGG: ``features`` (3×3 convolutions and max pooling), a 7×7 adaptive average pooling and a
    three-layer classifier, as torchvision builds it.

    ===========  ==============================================  ============
    name         layer                                           output
    ===========  ==============================================  ============
    features     ``make_layers(configuration)``: 5 blocks, each   512×7×7
                 ending in MaxPool2d(2), 224 → 112 → 56 → 28 → 14 → 7
    avgpool      AdaptiveAvgPool2d((7, 7))                       512×7×7
    classifier   Linear(25088, 4096), ReLU, Dropout(p),          num_classes
                 Linear(4096, 4096), ReLU, Dropout(p),
                 Linear(4096, num_classes)
    ===========  ==============================================  ============

    The classifier holds 123,642,856 of the parameters for 1000 classes (102,764,544 in its first
    layer alone). Initialisation as torchvision: convolutions
    W ~ N(0, 2/(C_out·k²)) (``kaiming_normal_``, mode ``fan_out``, ReLU gain) with zero bias,
    batch norm γ = 1, β = 0, linear layers W ~ N(0, 0.01²) with zero bias.

    Parameters
    ----------
    features : nn.Sequential
        The convolutional part, usually from :func:`make_layers`; it must end with 512 channels.
    num_classes : int, default 1000
    init_weights : bool, default True
        Apply torchvision's initialisation above (else each layer's default).
    dropout : float, default 0.5

    References
    ----------
    K. Simonyan, A. Zisserman. Very deep convolutional networks for large-scale image
    recognition. ICLR 2015.
    """

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for module in self.modules():
                if isinstance(module, nn.Conv2d):
                    init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                    init.zeros_(module.bias)
                elif isinstance(module, nn.BatchNorm2d):
                    init.ones_(module.weight)
                    init.zeros_(module.bias)
                elif isinstance(module, nn.Linear):
                    init.normal_(module.weight, 0.0, 0.01)
                    init.zeros_(module.bias)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def _vgg(configuration, batch_norm, num_classes, in_channels, dropout):
    features = make_layers(CONFIGURATIONS[configuration], batch_norm, in_channels)
    return VGG(features, num_classes=num_classes, dropout=dropout)


_PARAMETERS_DOC = """
    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    dropout : float, default 0.5
        Drop probability of the classifier's two dropout layers.

    Returns
    -------
    VGG
        Maps (N, in_channels, H, W), H, W ≥ 32 (224 in the paper), to (N, num_classes).
    """


def vgg11(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("A", False, num_classes, in_channels, dropout)


def vgg11_bn(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("A", True, num_classes, in_channels, dropout)


def vgg13(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("B", False, num_classes, in_channels, dropout)


def vgg13_bn(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("B", True, num_classes, in_channels, dropout)


def vgg16(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("D", False, num_classes, in_channels, dropout)


def vgg16_bn(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("D", True, num_classes, in_channels, dropout)


def vgg19(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("E", False, num_classes, in_channels, dropout)


def vgg19_bn(num_classes=1000, in_channels=3, dropout=0.5):
    return _vgg("E", True, num_classes, in_channels, dropout)


# One summary line per builder, then the shared Parameters / Returns sections.
_SUMMARIES = {
    vgg11: "VGG-11, configuration A (8 convolutions + 3 linear layers): 132,863,336 parameters.",
    vgg11_bn: "VGG-11 with batch normalisation: 132,868,840 parameters.",
    vgg13: "VGG-13, configuration B (10 convolutions + 3 linear layers): 133,047,848 parameters.",
    vgg13_bn: "VGG-13 with batch normalisation: 133,053,736 parameters.",
    vgg16: "VGG-16, configuration D (13 convolutions + 3 linear layers): 138,357,544 parameters.",
    vgg16_bn: "VGG-16 with batch normalisation: 138,365,992 parameters.",
    vgg19: "VGG-19, configuration E (16 convolutions + 3 linear layers): 143,667,240 parameters.",
    vgg19_bn: "VGG-19 with batch normalisation: 143,678,248 parameters.",
}
_EXAMPLES_DOC = """
    Examples
    --------
    >>> model = kp.models.vision.{name}(num_classes=10)
    >>> model(kp.randn(1, 3, 32, 32)).shape
    (1, 10)
    """
for _builder, _summary in _SUMMARIES.items():
    _builder.__doc__ = (f"{_summary}\n\n    The counts are for 1000 classes; see :class:`VGG` for "
                        f"the layer table and the initialisation.\n{_PARAMETERS_DOC}"
                        + _EXAMPLES_DOC.format(name=_builder.__name__))
del _builder, _summary
