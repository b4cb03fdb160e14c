"""AlexNet (Krizhevsky, Sutskever & Hinton 2012) in torchvision's single-tower configuration."""

from ... import nn

__all__ = ["AlexNet", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet as torchvision builds it: five convolutions, three fully connected layers.

    torchvision's variant follows Krizhevsky's "one weird trick" paper (2014): one tower instead
    of two GPUs' halves, 64/192 channels in the first two convolutions instead of 96/256, and no
    local response normalisation. For a 3×224×224 input:

    =================  ===========================================  ==========  ===========
    name               layer                                        output      parameters
    =================  ===========================================  ==========  ===========
    features.0         Conv2d(in_channels, 64, 11, stride=4, pad 2)  64×55×55    23,296
    features.1, 2      ReLU, MaxPool2d(3, stride=2)                 64×27×27
    features.3         Conv2d(64, 192, 5, padding=2)                192×27×27   307,392
    features.4, 5      ReLU, MaxPool2d(3, stride=2)                 192×13×13
    features.6, 7      Conv2d(192, 384, 3, padding=1), ReLU         384×13×13   663,936
    features.8, 9      Conv2d(384, 256, 3, padding=1), ReLU         256×13×13   884,992
    features.10, 11    Conv2d(256, 256, 3, padding=1), ReLU         256×13×13   590,080
    features.12        MaxPool2d(3, stride=2)                       256×6×6
    avgpool            AdaptiveAvgPool2d((6, 6))                    256×6×6
    classifier.0, 1    Dropout(p), Linear(9216, 4096)               4096        37,752,832
    classifier.2, 3    ReLU, Dropout(p)
    classifier.4, 5    Linear(4096, 4096), ReLU                     4096        16,781,312
    classifier.6       Linear(4096, num_classes)                    num_classes 4,097,000
    =================  ===========================================  ==========  ===========

    61,100,840 parameters for 1000 classes. The adaptive pooling lets any input of at least
    63×63 through (it is the identity at 224×224). Initialisation: torch's defaults of each layer,
    as in torchvision.

    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    dropout : float, default 0.5
        Drop probability of the two dropout layers of the classifier.

    References
    ----------
    A. Krizhevsky, I. Sutskever, G. Hinton. ImageNet classification with deep convolutional
    neural networks. NeurIPS 2012. A. Krizhevsky. One weird trick for parallelizing convolutional
    neural networks. arXiv:1404.5997, 2014.
    """

    def __init__(self, num_classes=1000, in_channels=3, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def alexnet(num_classes=1000, in_channels=3, dropout=0.5):
    """AlexNet in torchvision's configuration; see :class:`AlexNet` for the layer table.

    Parameters
    ----------
    num_classes : int, default 1000
    in_channels : int, default 3
    dropout : float, default 0.5

    Returns
    -------
    AlexNet
        Maps (N, in_channels, H, W), H, W ≥ 63 (224 in the paper), to (N, num_classes).

    Examples
    --------
    >>> model = kp.models.vision.alexnet(num_classes=10)
    >>> model(kp.randn(1, 3, 64, 64)).shape
    (1, 10)
    """
    return AlexNet(num_classes=num_classes, in_channels=in_channels, dropout=dropout)
