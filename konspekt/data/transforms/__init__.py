"""``konspekt.data.transforms``: image transforms for data augmentation, as torchvision's.

Images are C×H×W konspekt tensors or NumPy arrays (with any leading batch axes, which then share
one draw); ``ToTensor`` turns an H×W×C uint8 image into a C×H×W tensor in [0, 1]. A transform
returns the kind it was given. The random ones draw from konspekt's default generator (so
``kp.manual_seed`` reproduces them) or from their ``generator`` argument.

>>> from konspekt.data import transforms as T
>>> augment = T.Compose([T.ToTensor(), T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(),
...                      T.Normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26])])
"""

from .base import Compose
from .color import ColorJitter, GaussianBlur, RandomGamma
from .geometric import CenterCrop, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, Resize
from .tensor import Normalize, ToTensor

__all__ = ["Compose", "ToTensor", "Normalize", "RandomHorizontalFlip", "RandomVerticalFlip",
           "RandomCrop", "CenterCrop", "Resize", "GaussianBlur", "ColorJitter", "RandomGamma"]
