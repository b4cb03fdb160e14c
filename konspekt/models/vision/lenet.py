"""LeNet-5 (LeCun, Bottou, Bengio & Haffner 1998), the first convolutional network of the course."""

from ... import nn

__all__ = ["lenet5"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
_POOLINGS = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


def lenet5(num_classes=10, in_channels=1, activation="relu", pooling="max", padding=2):
    """LeNet-5: two convolution + sub-sampling stages, then three fully connected layers.

    The layers, for the default 1×28×28 input (MNIST); ``padding=2`` on the first convolution
    makes a 28×28 image behave as the 32×32 image of the paper (the paper pads the digits to
    32×32 instead). Pass ``padding=0`` for 32×32 inputs.

    =====  ========================================  ============  ===========
    index  layer                                     output        parameters
    =====  ========================================  ============  ===========
    0      Conv2d(in_channels, 6, 5, padding=2)      6×28×28       156
    1      activation
    2      pooling 2×2, stride 2                     6×14×14
    3      Conv2d(6, 16, 5)                          16×10×10      2,416
    4      activation
    5      pooling 2×2, stride 2                     16×5×5
    6      Flatten                                   400
    7      Linear(400, 120)                          120           48,120
    8      activation
    9      Linear(120, 84)                           84            10,164
    10     activation
    11     Linear(84, num_classes)                   num_classes   850
    =====  ========================================  ============  ===========

    61,706 parameters for one input channel and ten classes. Two simplifications of the paper,
    as in every modern reimplementation: C3 connects every one of the 6 maps to all 16 (the
    paper's sparse connection table gives 1,516 weights instead of 2,416) and the output layer is
    a linear layer instead of Euclidean radial-basis units.

    The default is the modern choice, ReLU and max pooling (the benchmark's network); the paper's
    network is ``activation="tanh", pooling="avg"`` (a scaled tanh and trainable sub-sampling
    there). The result is an ``nn.Sequential``, so the parameter names are ``"0.weight"`` …
    ``"11.bias"`` as in the same ``torch.nn.Sequential``.

    Parameters
    ----------
    num_classes : int, default 10
        Outputs of the last layer (logits).
    in_channels : int, default 1
        Channels of the input image.
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
        Nonlinearity after every layer but the last.
    pooling : {"max", "avg"}, default "max"
        2×2 sub-sampling with stride 2.
    padding : int, default 2
        Zero padding of the first convolution: 2 for 28×28 inputs, 0 for 32×32 inputs.

    Returns
    -------
    nn.Sequential
        Maps (N, in_channels, 28, 28) (or 32×32 with ``padding=0``) to (N, num_classes).

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to document
    recognition. Proceedings of the IEEE 86(11), 1998.

    Examples
    --------
    >>> model = kp.models.vision.lenet5()
    >>> model(kp.randn(2, 1, 28, 28)).shape
    (2, 10)
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"lenet5: activation must be one of {sorted(_ACTIVATIONS)}, "
                         f"got {activation!r}")
    if pooling not in _POOLINGS:
        raise ValueError(f"lenet5: pooling must be one of {sorted(_POOLINGS)}, got {pooling!r}")
    act, pool = _ACTIVATIONS[activation], _POOLINGS[pooling]
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, 5, padding=padding), act(), pool(2),
        nn.Conv2d(6, 16, 5), act(), pool(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), act(),
        nn.Linear(120, 84), act(),
        nn.Linear(84, num_classes),
    )
