"""``konspekt.models``: ready-made models.

``vision`` holds the convolutional architectures of the CNN lectures (LeNet-5 … U-Net), each a
composition of ``konspekt.nn`` layers built by a function named as torchvision names it;
``seq2seq`` the encoder–decoder with attention of the RNN lectures, with greedy decoding and beam
search.
"""

from . import glm, linear, neural, seq2seq, vision

__all__ = ["glm", "linear", "neural", "seq2seq", "vision"]
