"""Network in Network (Lin, Chen & Yan 2014): mlpconv blocks and global average pooling."""

from ... import nn

__all__ = ["mlpconv", "nin"]


def mlpconv(in_channels, channels, kernel_size, padding):
    """One mlpconv block: a k×k convolution followed by two 1×1 convolutions, each with a ReLU.

    A 1×1 convolution is a fully connected layer applied at every pixel across the channels, so
    the block computes a small multilayer perceptron on each k×k receptive field.

    Parameters
    ----------
    in_channels : int
    channels : tuple of three ints
        Output channels of the k×k convolution and of the two 1×1 convolutions.
    kernel_size : int
    padding : int

    Returns
    -------
    nn.Sequential
        Conv2d(k×k) → ReLU → Conv2d(1×1) → ReLU → Conv2d(1×1) → ReLU.
    """
    first, second, third = channels
    return nn.Sequential(
        nn.Conv2d(in_channels, first, kernel_size, padding=padding), nn.ReLU(),
        nn.Conv2d(first, second, 1), nn.ReLU(),
        nn.Conv2d(second, third, 1), nn.ReLU(),
    )


def nin(num_classes=10, in_channels=3, dropout=0.5):
    """Network in Network for 32×32 images, the CIFAR-10 model of the paper.

    The configuration is the one the authors released with the paper (Caffe model zoo, "NIN
    CIFAR-10"): three mlpconv blocks, the last of which outputs one map per class, and global
    average pooling of each map instead of fully connected layers. For a 3×32×32 input:

    =====  ======================================================  ===========  ==========
    index  layer                                                   output       parameters
    =====  ======================================================  ===========  ==========
    0      mlpconv: 5×5 conv 192 (pad 2), 1×1 conv 160, 1×1 conv 96  96×32×32     60,928
    1      MaxPool2d(3, stride=2, ceil_mode=True)                  96×16×16
    2      Dropout(p)
    3      mlpconv: 5×5 conv 192 (pad 2), 1×1 conv 192, 1×1 conv 192 192×16×16   535,104
    4      AvgPool2d(3, stride=2, ceil_mode=True)                  192×8×8
    5      Dropout(p)
    6      mlpconv: 3×3 conv 192 (pad 1), 1×1 conv 192,            C×8×8        370,954
           1×1 conv num_classes
    7      AdaptiveAvgPool2d(1): y_c = mean over pixels of map c    C×1×1
    8      Flatten                                                 C
    =====  ======================================================  ===========  ==========

    966,986 parameters for three input channels and ten classes. Every convolution, the last
    one included, is followed by a ReLU as in the released model, so the class scores (the
    averaged maps) are non-negative; softmax then cross-entropy apply to them as to any logits.
    The pooling windows use ``ceil_mode`` as Caffe does (32 → 16 → 8).

    Parameters
    ----------
    num_classes : int, default 10
        Maps of the last 1×1 convolution, one per class.
    in_channels : int, default 3
    dropout : float, default 0.5
        Drop probability after the first two blocks.

    Returns
    -------
    nn.Sequential
        Maps (N, in_channels, H, W) to (N, num_classes); the global pooling accepts any H, W ≥ 1
        (32 in the paper).

    References
    ----------
    M. Lin, Q. Chen, S. Yan. Network in network. ICLR 2014 (arXiv:1312.4400, 2013).

    Examples
    --------
    >>> model = kp.models.vision.nin()
    >>> model(kp.randn(2, 3, 32, 32)).shape
    (2, 10)
    """
    return nn.Sequential(
        mlpconv(in_channels, (192, 160, 96), kernel_size=5, padding=2),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.Dropout(p=dropout),
        mlpconv(96, (192, 192, 192), kernel_size=5, padding=2),
        nn.AvgPool2d(3, stride=2, ceil_mode=True),
        nn.Dropout(p=dropout),
        mlpconv(192, (192, 192, num_classes), kernel_size=3, padding=1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )
