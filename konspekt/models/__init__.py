"""``konspekt.models``: ready-made models.

``vision`` holds the convolutional architectures of the CNN lectures (LeNet-5 … U-Net), each a
composition of ``konspekt.nn`` layers built by a function named as torchvision names it.
"""

from . import vision

__all__ = ["vision"]
