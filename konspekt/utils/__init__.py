"""``konspekt.utils``: ``data`` (datasets, loaders, samplers) and ``tensorboard``, as torch.utils.

``tensorboard`` is imported on use (``import konspekt.utils.tensorboard``): it needs the optional
tensorboardX.
"""

from . import data

__all__ = ["data"]
