"""GoogLeNet (Szegedy et al. 2015), the Inception-v1 network, in torchvision's configuration."""

from collections import namedtuple

from ... import cat, nn
from ...nn import init

__all__ = ["BasicConv2d", "GoogLeNet", "GoogLeNetOutputs", "Inception", "InceptionAux",
           "googlenet"]

GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])
GoogLeNetOutputs.__doc__ = """The three heads' class scores, returned in training mode when the
network has its auxiliary classifiers (torchvision's order: main, after 4d, after 4a)."""


class BasicConv2d(nn.Module):
    """Convolution without bias → BatchNorm2d(eps=0.001) → ReLU, GoogLeNet's unit layer.

    The bias is left out because the batch norm's β that follows plays its role.

    Parameters
    ----------
    in_channels, out_channels : int
    **kwargs
        Passed to ``nn.Conv2d`` (``kernel_size``, ``stride``, ``padding`` …).
    """

    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    """The Inception module: four parallel branches concatenated along the channels.

    =========  =============================================================  ===========
    branch     layers                                                         channels
    =========  =============================================================  ===========
    branch1    1×1 conv                                                       ch1x1
    branch2    1×1 conv (reduction) → 3×3 conv, padding 1                     ch3x3
    branch3    1×1 conv (reduction) → k×k conv, padding k // 2                ch5x5
    branch4    3×3 max pooling, stride 1, padding 1 → 1×1 conv (projection)   pool_proj
    =========  =============================================================  ===========

    Every branch keeps H×W, so the output has ch1x1 + ch3x3 + ch5x5 + pool_proj channels. The
    1×1 reductions before the expensive 3×3 and 5×5 convolutions are the paper's device for
    keeping the cost low. Each convolution is a :class:`BasicConv2d` (conv → BN → ReLU).

    The paper's third branch has a 5×5 convolution; torchvision's has a 3×3 one (kept for
    compatibility with its trained weights), and so does this default (``branch3_kernel_size=3``)
    so that the parameter count is torchvision's published 6,624,904. Pass 5 for the paper's.

    Parameters
    ----------
    in_channels : int
    ch1x1 : int
        Output channels of the 1×1 branch.
    ch3x3red, ch3x3 : int
        Reduction and output channels of the 3×3 branch.
    ch5x5red, ch5x5 : int
        Reduction and output channels of the "5×5" branch.
    pool_proj : int
        Output channels of the pooling branch's projection.
    branch3_kernel_size : {3, 5}, default 3
        Kernel of the third branch's second convolution.

    References
    ----------
    C. Szegedy et al. Going deeper with convolutions. CVPR 2015, Table 1 and Figure 2(b).
    """

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj,
                 branch3_kernel_size=3):
        super().__init__()
        if branch3_kernel_size not in (3, 5):
            raise ValueError(f"Inception: branch3_kernel_size must be 3 or 5, "
                             f"got {branch3_kernel_size!r}")
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1),
            BasicConv2d(ch5x5red, ch5x5, kernel_size=branch3_kernel_size,
                        padding=branch3_kernel_size // 2),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x):
        return cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


class InceptionAux(nn.Module):
    """Auxiliary classifier on an intermediate Inception output (after 4a and after 4d).

    AdaptiveAvgPool2d((4, 4)) (the paper's 5×5 average pooling with stride 3 at 14×14) → 1×1
    BasicConv2d to 128 channels → Flatten (2048) → Linear(2048, 1024) → ReLU → Dropout(p) →
    Linear(1024, num_classes). During training its loss is added to the main one with weight 0.3
    to push gradient into the lower layers; it is dropped at inference.

    Parameters
    ----------
    in_channels : int
    num_classes : int
    dropout : float, default 0.7
    """

    def __init__(self, in_channels, num_classes, dropout=0.7):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d((4, 4))
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1)
        self.fc1 = nn.Linear(2048, 1024)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(p=dropout)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x):
        x = self.conv(self.pool(x)).flatten(1)
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class GoogLeNet(nn.Module):
    """GoogLeNet: a stem of three convolutions, nine Inception modules, global average pooling.

    Inception arguments are (in, 1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool proj) of the
    paper's Table 1. Output sizes for a 3×224×224 input; every max pooling uses ``ceil_mode``.

    ============  ==============================================  ============
    name          layer                                           output
    ============  ==============================================  ============
    conv1         BasicConv2d(in_channels, 64, 7, stride 2, pad 3)  64×112×112
    maxpool1      MaxPool2d(3, stride=2)                          64×56×56
    conv2         BasicConv2d(64, 64, 1)                          64×56×56
    conv3         BasicConv2d(64, 192, 3, pad 1)                  192×56×56
    maxpool2      MaxPool2d(3, stride=2)                          192×28×28
    inception3a   Inception(192, 64, 96, 128, 16, 32, 32)         256×28×28
    inception3b   Inception(256, 128, 128, 192, 32, 96, 64)       480×28×28
    maxpool3      MaxPool2d(3, stride=2)                          480×14×14
    inception4a   Inception(480, 192, 96, 208, 16, 48, 64)        512×14×14
    inception4b   Inception(512, 160, 112, 224, 24, 64, 64)       512×14×14
    inception4c   Inception(512, 128, 128, 256, 24, 64, 64)       512×14×14
    inception4d   Inception(512, 112, 144, 288, 32, 64, 64)       528×14×14
    inception4e   Inception(528, 256, 160, 320, 32, 128, 128)     832×14×14
    maxpool4      MaxPool2d(2, stride=2)                          832×7×7
    inception5a   Inception(832, 256, 160, 320, 32, 128, 128)     832×7×7
    inception5b   Inception(832, 384, 192, 384, 48, 128, 128)     1024×7×7
    avgpool       AdaptiveAvgPool2d((1, 1))                       1024×1×1
    dropout, fc   Dropout(p), Linear(1024, num_classes)           num_classes
    aux1, aux2    InceptionAux(512 / 528, num_classes) on the     num_classes
                  outputs of inception4a / inception4d
    ============  ==============================================  ============

    6,624,904 parameters for 1000 classes without the auxiliary classifiers, 13,004,888 with
    them (torchvision's 3×3 third branch; the paper's 5×5 adds 16·Σ ch5x5red·ch5x5 = 380,928).
    Initialisation as torchvision: convolution and linear weights from N(0, 0.01²) truncated to
    [−2, 2], batch norm γ = 1, β = 0; the linear biases keep ``nn.Linear``'s default.

    In training mode with ``aux_logits=True`` the forward pass returns
    :data:`GoogLeNetOutputs` (logits, aux_logits2, aux_logits1); otherwise the logits.

    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    aux_logits : bool, default False
        Build the two auxiliary classifiers.
    dropout : float, default 0.2
        Before the final linear layer.
    dropout_aux : float, default 0.7
        Inside the auxiliary classifiers.
    branch3_kernel_size : {3, 5}, default 3
        See :class:`Inception`.

    References
    ----------
    C. Szegedy, W. Liu, Y. Jia, P. Sermanet, S. Reed, D. Anguelov, D. Erhan, V. Vanhoucke,
    A. Rabinovich. Going deeper with convolutions. CVPR 2015.
    """

    def __init__(self, num_classes=1000, in_channels=3, aux_logits=False, dropout=0.2,
                 dropout_aux=0.7, branch3_kernel_size=3):
        super().__init__()
        self.aux_logits = aux_logits

        def inception(*channels):
            return Inception(*channels, branch3_kernel_size=branch3_kernel_size)

        self.conv1 = BasicConv2d(in_channels, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = inception(832, 384, 192, 384, 48, 128, 128)
        if aux_logits:
            self.aux1 = InceptionAux(512, num_classes, dropout=dropout_aux)
            self.aux2 = InceptionAux(528, num_classes, dropout=dropout_aux)
        else:
            self.aux1 = None
            self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)

        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                init.trunc_normal_(module.weight, mean=0.0, std=0.01, a=-2, b=2)
            elif isinstance(module, nn.BatchNorm2d):
                init.ones_(module.weight)
                init.zeros_(module.bias)

    def forward(self, x):
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        # The auxiliary heads only matter for the training loss: skipped in eval mode.
        use_aux = self.aux_logits and self.training
        aux1 = self.aux1(x) if use_aux else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if use_aux else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        if use_aux:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


def googlenet(num_classes=1000, in_channels=3, aux_logits=False, dropout=0.2, dropout_aux=0.7,
              branch3_kernel_size=3):
    """GoogLeNet (Inception v1) in torchvision's configuration; see :class:`GoogLeNet`.

    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    aux_logits : bool, default False
        Add the two auxiliary classifiers; the training-mode output is then a
        :data:`GoogLeNetOutputs`.
    dropout : float, default 0.2
    dropout_aux : float, default 0.7
    branch3_kernel_size : {3, 5}, default 3
        3 as torchvision (6,624,904 parameters), 5 as the paper.

    Returns
    -------
    GoogLeNet
        Maps (N, in_channels, H, W), H, W ≥ 16 (224 in the paper), to (N, num_classes).

    Examples
    --------
    >>> model = kp.models.vision.googlenet(num_classes=10)
    >>> model(kp.randn(1, 3, 64, 64)).shape
    (1, 10)
    """
    return GoogLeNet(num_classes=num_classes, in_channels=in_channels, aux_logits=aux_logits,
                     dropout=dropout, dropout_aux=dropout_aux,
                     branch3_kernel_size=branch3_kernel_size)
