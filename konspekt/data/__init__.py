"""``konspekt.data``: datasets (``konspekt.data.datasets``: bundled and generated, also reachable
here as ``kp.data.load_digits`` …) and image transforms for augmentation
(``konspekt.data.transforms``, as torchvision's). Loading them in batches is
``konspekt.utils.data``'s job."""

from . import datasets, transforms
from .datasets import (Bunch, load_breast_cancer, load_digits, load_iris, load_wine, make_blobs,
                       make_circles, make_moons, make_regression, make_spirals, make_xor)

__all__ = ["datasets", "transforms", "Bunch", "load_digits", "load_iris", "load_wine",
           "load_breast_cancer", "make_xor", "make_moons", "make_circles", "make_spirals",
           "make_blobs", "make_regression"]
