"""Callbacks of ``konspekt.train.fit``: progress bar, early stopping, checkpoints, learning-rate
monitor, CSV and TensorBoard logs. See ``base`` for the hooks and the order of their calls."""

from .base import Callback, CallbackList
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .lr_monitor import LearningRateMonitor
from .model_checkpoint import ModelCheckpoint
from .progress import ProgressBar
from .tensorboard import TensorBoard

__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "LearningRateMonitor",
           "ModelCheckpoint", "ProgressBar", "TensorBoard"]
