"""``TensorBoard``: the epoch's logs (and optionally each batch's) as TensorBoard scalars, the
weights and gradients as histograms, the weights as images."""

import math

import numpy as np

from .base import Callback

__all__ = ["TensorBoard"]


class TensorBoard(Callback):
    """Write a run for TensorBoard through ``konspekt.utils.tensorboard.SummaryWriter``.

    Needs the optional tensorboardX (``pip install konspekt[logging]``); without it the
    constructor raises ImportError saying so.

    Written tags:

    - ``epoch/<key>`` for each key of the epoch's logs ('loss', 'val_loss', 'accuracy', 'lr',
      …), at step = the epoch index;
    - ``batch/<key>`` for each batch's loss and metrics, at step = the optimizer step count,
      every ``log_every_n_steps`` steps when that is > 0;
    - ``weights/<parameter name>`` and ``gradients/<parameter name>`` histograms every
      ``histogram_freq`` epochs when that is > 0 (the gradients of the epoch's last batch);
    - with ``write_images``, at the same epochs (every epoch when ``histogram_freq`` is 0),
      ``images/<parameter name>``: each matrix (a Linear weight, out × in) as a grey image,
      and the filters of a convolution on 1 or 3 channels (out, in, kH, kW) as a grid of
      small images — the first layer's learned detectors. Values are scaled to [0, 1] by
      (w − min w) / (max w − min w).

    Parameters
    ----------
    log_dir : str or os.PathLike, default 'logs'
    log_every_n_steps : int, default 0
    histogram_freq : int, default 0
    write_images : bool, default False
        Needs Pillow, which tensorboardX uses to encode images.
    """

    def __init__(self, log_dir="logs", log_every_n_steps=0, histogram_freq=0,
                 write_images=False):
        # tensorboardX is optional: imported when a TensorBoard callback is made.
        from ...utils.tensorboard import SummaryWriter
        self._writer_class = SummaryWriter
        for name, value in (("log_every_n_steps", log_every_n_steps),
                            ("histogram_freq", histogram_freq)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"TensorBoard: {name} must be a non-negative int, got "
                                 f"{value!r}")
        self.log_dir = log_dir
        self.log_every_n_steps = log_every_n_steps
        self.histogram_freq = histogram_freq
        self.write_images = write_images
        self.writer = None

    def on_fit_start(self, state):
        self.writer = self._writer_class(self.log_dir)

    def on_batch_end(self, state):
        if self.log_every_n_steps and state.step % self.log_every_n_steps == 0:
            for name, value in state.batch_logs.items():
                if name != "size":
                    self.writer.add_scalar(f"batch/{name}", value, state.step)

    def on_epoch_end(self, state):
        for name, value in state.logs.items():
            if isinstance(value, (int, float)) and not math.isnan(value):
                self.writer.add_scalar(f"epoch/{name}", value, state.epoch)
        every = self.histogram_freq
        if every and (state.epoch + 1) % every == 0:
            for name, parameter in state.model.named_parameters():
                self.writer.add_histogram(f"weights/{name}", parameter, state.epoch)
                if parameter.grad is not None:
                    self.writer.add_histogram(f"gradients/{name}", parameter.grad, state.epoch)
        if self.write_images and (every == 0 or (state.epoch + 1) % every == 0):
            for name, parameter in state.model.named_parameters():
                self._write_image(f"images/{name}", parameter.detach().data, state.epoch)
        self.writer.flush()

    def _write_image(self, tag, weights, step):
        if not (weights.ndim == 2 or (weights.ndim == 4 and weights.shape[1] in (1, 3))):
            return
        low, high = float(weights.min()), float(weights.max())
        scaled = (weights - low) / (high - low) if high > low else np.zeros_like(weights)
        if weights.ndim == 2:
            self.writer.add_image(tag, scaled, step, dataformats="HW")
        else:
            self.writer.add_images(tag, scaled, step, dataformats="NCHW")

    def on_fit_end(self, state):
        self._close()

    def on_exception(self, state, error):
        self._close()

    def _close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None
