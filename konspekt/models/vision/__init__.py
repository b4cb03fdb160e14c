"""``konspekt.models.vision``: the convolutional architectures of the course.

Each builder is a function named as torchvision names it, takes ``num_classes`` (and
``in_channels`` where it makes sense) and returns a ``konspekt.nn.Module`` made of the layers of
``konspekt.nn``. Where torchvision has the model, the layer configuration, the parameter names
(``state_dict`` keys) and the initialisation are torchvision's, so the parameter counts equal the
published ones and a torchvision state dict (converted to arrays) loads unchanged.

=============  ======================================  =========================================
builder        reference                               parameters (default arguments)
=============  ======================================  =========================================
``lenet5``     LeCun et al. 1998                       61,706
``alexnet``    Krizhevsky et al. 2012 (torchvision)    61,100,840
``vgg16``      Simonyan & Zisserman 2015               138,357,544 (``vgg19``: 143,667,240)
``nin``        Lin, Chen & Yan 2014 (CIFAR-10)         966,986
``googlenet``  Szegedy et al. 2015 (torchvision)       6,624,904
``resnet18``   He et al. 2016 (torchvision)            11,689,512 (``resnet34``: 21,797,672)
``resnet20``   He et al. 2016, §4.2 (CIFAR-10)         269,722
``unet``       Ronneberger, Fischer & Brox 2015        31,036,546
=============  ======================================  =========================================
"""

from . import alexnet as _alexnet_family
from . import googlenet as _googlenet_family
from . import lenet as _lenet_family
from . import nin as _nin_family
from . import resnet as _resnet_family
from . import unet as _unet_family
from . import vgg as _vgg_family
from .alexnet import *
from .googlenet import *
from .lenet import *
from .nin import *
from .resnet import *
from .unet import *
from .vgg import *

__all__ = (_alexnet_family.__all__ + _googlenet_family.__all__ + _lenet_family.__all__
           + _nin_family.__all__ + _resnet_family.__all__ + _unet_family.__all__
           + _vgg_family.__all__)
