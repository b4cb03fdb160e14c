"""``SummaryWriter`` with torch.utils.tensorboard's methods, accepting konspekt tensors, and
``read_events`` / ``read_scalars`` to read a run back without TensorBoard.

The writing is tensorboardX's, the optional extra ``[logging]``; this module is imported on use
(``from konspekt.utils.tensorboard import SummaryWriter``) and says how to install tensorboardX
when it is missing.

An event file is a sequence of TFRecords, each::

    length (uint64, little-endian) | masked CRC-32C of length (uint32)
    data (length bytes: a serialized ``Event`` protocol buffer) | masked CRC-32C of data

where the masked CRC is ((c >> 15) | (c << 17)) + 0xa282ead8 (mod 2³²) of the Castagnoli CRC c.
"""

import glob
import itertools
import os
import struct

import numpy as np

try:
    import tensorboardX
    from tensorboardX.proto.event_pb2 import Event
    from tensorboardX.record_writer import masked_crc32c
except ImportError as error:
    raise ImportError("konspekt.utils.tensorboard needs tensorboardX, the optional extra "
                      "[logging]: pip install konspekt[logging]  (or: pip install tensorboardX)"
                      ) from error

from ..autograd.tensor import Tensor

__all__ = ["SummaryWriter", "read_events", "read_scalars"]

# tensorboardX names an event file by the second and the host only, and opens it with 'wb':
# a second writer in the same folder within the same second would erase the first one's file
# (a run resumed at once). The process id and a counter make each name unique, as
# TensorBoard's own writer names its files.
_writer_numbers = itertools.count()


def _numpy(value):
    """A konspekt tensor (or a list of them) as a NumPy array; anything else unchanged."""
    if isinstance(value, Tensor):
        return value.detach().data
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Tensor):
        return np.stack([v.detach().data for v in value])
    return value


def _scalar(value):
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"a scalar must hold one element, got a tensor of shape "
                             f"{list(value.shape)}")
        return value.item()
    return value


class SummaryWriter:
    """Write scalars, histograms, images and text for TensorBoard, as
    ``torch.utils.tensorboard.SummaryWriter`` does; the values may be konspekt tensors.

    Parameters
    ----------
    log_dir : str or os.PathLike, optional
        Folder of the event files; by default ``runs/<date>_<host><comment>``.
    comment : str, default ''
        Suffix of the default ``log_dir``.
    purge_step : int, optional
        Events at or after this step in an earlier run of the same folder are hidden
        (a crashed run restarted at ``purge_step``).
    max_queue : int, default 10
        Pending events before a write to disk.
    flush_secs : int, default 120
        Seconds between writes to disk.
    filename_suffix : str, default ''
        Ends the event file's name, after '<time>.<host>.<process id>.<writer number>'.

    Examples
    --------
    >>> from konspekt.utils.tensorboard import SummaryWriter       # doctest: +SKIP
    >>> with SummaryWriter('runs/demo') as writer:                 # doctest: +SKIP
    ...     for step in range(10):
    ...         writer.add_scalar('loss', 1 / (step + 1), step)
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120,
                 filename_suffix=""):
        unique = f".{os.getpid()}.{next(_writer_numbers):06d}"
        self._writer = tensorboardX.SummaryWriter(
            logdir=os.fspath(log_dir) if log_dir is not None else None, comment=comment,
            purge_step=purge_step, max_queue=max_queue, flush_secs=flush_secs,
            filename_suffix=unique + filename_suffix)

    @property
    def log_dir(self):
        return self._writer.logdir

    def get_logdir(self):
        """The folder the event files go to."""
        return self._writer.logdir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None):
        """One value of the curve ``tag`` at ``global_step``."""
        self._writer.add_scalar(tag, _scalar(scalar_value), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Several curves in one chart, all tagged ``main_tag``: each goes to its own sub-folder,
        ``<log_dir>/<main_tag>/<tag>`` (tensorboardX's layout; torch names it
        ``<main_tag>_<tag>``)."""
        self._writer.add_scalars(main_tag, {k: _scalar(v) for k, v in tag_scalar_dict.items()},
                                 global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None):
        """The distribution of ``values`` (e.g. a layer's weights) at ``global_step``."""
        self._writer.add_histogram(tag, np.asarray(_numpy(values)), global_step, bins,
                                   walltime, max_bins)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """One image, floats in [0, 1] or uint8 in [0, 255], laid out as ``dataformats``
        (needs Pillow, as torch's does)."""
        self._writer.add_image(tag, _numpy(img_tensor), global_step, walltime, dataformats)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """A batch of images, shown as a grid."""
        self._writer.add_images(tag, _numpy(img_tensor), global_step, walltime, dataformats)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure (or a list of them), rendered to an image."""
        self._writer.add_figure(tag, figure, global_step, close, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Text (Markdown) at ``global_step``."""
        self._writer.add_text(tag, text_string, global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Hyperparameters and the metrics they gave, for TensorBoard's HParams tab; written to
        a sub-folder ``run_name`` (the current time by default)."""
        if hparam_domain_discrete is not None:
            raise NotImplementedError("add_hparams: hparam_domain_discrete is not supported by "
                                      "the tensorboardX back end")
        self._writer.add_hparams({k: _scalar(v) for k, v in hparam_dict.items()},
                                 {k: _scalar(v) for k, v in metric_dict.items()},
                                 name=run_name, global_step=global_step)

    def flush(self):
        """Write the pending events to disk."""
        self._writer.flush()

    def close(self):
        """Flush and close the event files; a second call does nothing."""
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()


def read_events(path):
    """The ``Event`` protocol buffers of one event file, in order.

    Raises
    ------
    ValueError
        When a record is cut short or its checksum does not match.
    """
    with open(path, "rb") as file:
        data = file.read()
    position = 0
    while position < len(data):
        if position + 12 > len(data):
            raise ValueError(f"{path}: record header cut short at byte {position}")
        header = data[position:position + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[position + 8:position + 12])
        start, end = position + 12, position + 12 + length
        if header_crc != masked_crc32c(header) or end + 4 > len(data):
            raise ValueError(f"{path}: damaged record header at byte {position}")
        payload = data[start:end]
        (payload_crc,) = struct.unpack("<I", data[end:end + 4])
        if payload_crc != masked_crc32c(payload):
            raise ValueError(f"{path}: checksum mismatch in the record at byte {position}")
        yield Event.FromString(payload)
        position = end + 4


def read_scalars(log_dir):
    """Every scalar written to the event files directly in ``log_dir``.

    Returns
    -------
    dict of str to list of (int, float)
        ``tag → [(step, value), …]`` in the order written (files by name, i.e. by creation
        time).
    """
    scalars = {}
    for path in sorted(glob.glob(os.path.join(os.fspath(log_dir), "*tfevents*"))):
        for event in read_events(path):
            for value in event.summary.value:
                if value.HasField("simple_value"):
                    number = value.simple_value
                elif value.HasField("tensor") and (value.tensor.float_val or
                                                   value.tensor.double_val):
                    number = (value.tensor.float_val or value.tensor.double_val)[0]
                else:
                    continue
                scalars.setdefault(value.tag, []).append((int(event.step), float(number)))
    return scalars
