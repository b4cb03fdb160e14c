"""U-Net (Ronneberger, Fischer & Brox 2015): an encoder–decoder for segmentation with skip
connections that concatenate the encoder's maps to the decoder's."""

from ... import cat, nn

__all__ = ["DoubleConv", "UNet", "UNetDown", "UNetUp", "unet"]


class DoubleConv(nn.Module):
    """Two 3×3 'same' convolutions, each followed by [BatchNorm2d and] ReLU: H×W is kept.

    Parameters
    ----------
    in_channels, out_channels : int
    batch_norm : bool, default True
        Insert batch normalisation (then the convolutions have no bias, β plays its role).
    """

    def __init__(self, in_channels, out_channels, batch_norm=True):
        super().__init__()
        layers = []
        for channels_in in (in_channels, out_channels):
            layers.append(nn.Conv2d(channels_in, out_channels, kernel_size=3, padding=1,
                                    bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(out_channels))
            layers.append(nn.ReLU())
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        return self.block(x)


class UNetDown(nn.Module):
    """Encoder step: MaxPool2d(2) halves H×W, then :class:`DoubleConv` (usually doubling C).

    Parameters
    ----------
    in_channels, out_channels : int
    batch_norm : bool, default True
    """

    def __init__(self, in_channels, out_channels, batch_norm=True):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.conv = DoubleConv(in_channels, out_channels, batch_norm)

    def forward(self, x):
        return self.conv(self.pool(x))


class UNetUp(nn.Module):
    """Decoder step: up-sample ×2 to half the channels, concatenate the skip, :class:`DoubleConv`.

    The "up-convolution" is ConvTranspose2d(C, C/2, 2, stride 2) as in the paper, or with
    ``bilinear=True`` a parameter-light Upsample(×2, bilinear, align_corners=True) followed by a
    1×1 convolution C → C/2. The skip from the encoder (C/2 channels, the same H×W) is
    concatenated on the channels, [skip, up], and DoubleConv(C, C/2) mixes them.

    Parameters
    ----------
    in_channels : int
        C, the channels coming from below; the skip has C // 2.
    out_channels : int
    bilinear : bool, default False
    batch_norm : bool, default True
    """

    def __init__(self, in_channels, out_channels, bilinear=False, batch_norm=True):
        super().__init__()
        if bilinear:
            self.up = nn.Sequential(
                nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True),
                nn.Conv2d(in_channels, in_channels // 2, kernel_size=1),
            )
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
        self.conv = DoubleConv(in_channels, out_channels, batch_norm)

    def forward(self, x, skip):
        return self.conv(cat([skip, self.up(x)], dim=1))


class UNet(nn.Module):
    """U-Net with 'same' padding: the output map has the input's H×W.

    With b = ``base_channels`` and d = ``depth`` (b = 64, d = 4 in the paper):

    ============  ==================================================  =====================
    name          layer                                               output
    ============  ==================================================  =====================
    inc           DoubleConv(in_channels, b)                          b × H × W
    down[i]       MaxPool2d(2) → DoubleConv(2^i b, 2^(i+1) b),        2^(i+1) b × H/2^(i+1)
                  i = 0 … d − 1                                       × W/2^(i+1)
    up[i]         up-sample ×2 → cat(skip) → DoubleConv,              2^(d−i−1) b × H/2^(d−i−1)
                  i = 0 … d − 1, the skip the encoder's map of the    × W/2^(d−i−1)
                  same size
    outc          Conv2d(b, num_classes, 1): per-pixel class scores   num_classes × H × W
    ============  ==================================================  =====================

    H and W must be divisible by 2^d. Differences from the paper, as in most reimplementations:
    padded 3×3 convolutions (the paper's are unpadded, its output smaller than its input and the
    skips cropped), and batch normalisation after each convolution (``batch_norm=True``; the
    paper predates it). 31,036,546 parameters for one input channel, two classes and the
    defaults; 31,030,658 with ``batch_norm=False`` (the paper's layers, with biases).

    Parameters
    ----------
    in_channels : int, default 1
    num_classes : int, default 2
    base_channels : int, default 64
    depth : int, default 4
        Number of poolings (and of up-samplings).
    bilinear : bool, default False
        Bilinear up-sampling + 1×1 convolution instead of transposed convolutions.
    batch_norm : bool, default True

    References
    ----------
    O. Ronneberger, P. Fischer, T. Brox. U-Net: convolutional networks for biomedical image
    segmentation. MICCAI 2015.
    """

    def __init__(self, in_channels=1, num_classes=2, base_channels=64, depth=4, bilinear=False,
                 batch_norm=True):
        super().__init__()
        if depth < 1:
            raise ValueError(f"UNet: depth must be at least 1, got {depth}")
        self.depth = depth
        widths = [base_channels * 2 ** level for level in range(depth + 1)]
        self.inc = DoubleConv(in_channels, base_channels, batch_norm)
        self.down = nn.ModuleList([UNetDown(widths[level], widths[level + 1], batch_norm)
                                   for level in range(depth)])
        self.up = nn.ModuleList([UNetUp(widths[level + 1], widths[level], bilinear, batch_norm)
                                 for level in reversed(range(depth))])
        self.outc = nn.Conv2d(base_channels, num_classes, kernel_size=1)

    def forward(self, x):
        factor = 2 ** self.depth
        if x.ndim != 4 or x.shape[2] % factor or x.shape[3] % factor:
            raise ValueError(f"UNet: expected input of shape (N, C, H, W) with H and W divisible "
                             f"by 2**depth = {factor}, got {tuple(x.shape)}")
        skips = [self.inc(x)]
        for down in self.down:
            skips.append(down(skips[-1]))
        x = skips.pop()
        for up in self.up:
            x = up(x, skips.pop())
        return self.outc(x)


def unet(in_channels=1, num_classes=2, base_channels=64, depth=4, bilinear=False,
         batch_norm=True):
    """U-Net for semantic segmentation; see :class:`UNet` for the layer table.

    Parameters
    ----------
    in_channels : int, default 1
    num_classes : int, default 2
    base_channels : int, default 64
    depth : int, default 4
    bilinear : bool, default False
    batch_norm : bool, default True

    Returns
    -------
    UNet
        Maps (N, in_channels, H, W), H and W divisible by 2^depth, to per-pixel class scores
        (N, num_classes, H, W).

    Examples
    --------
    >>> model = kp.models.vision.unet(base_channels=8, depth=3)
    >>> model(kp.randn(1, 1, 32, 32)).shape
    (1, 2, 32, 32)
    """
    return UNet(in_channels=in_channels, num_classes=num_classes, base_channels=base_channels,
                depth=depth, bilinear=bilinear, batch_norm=batch_norm)
