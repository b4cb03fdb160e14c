"""``konspekt.train``: what goes around a training loop — ``fit`` / ``evaluate`` / ``predict``,
the ``History`` of a run, its metrics, callbacks (progress bar, early stopping, checkpoints,
learning-rate monitor, CSV and TensorBoard logs), checkpoints that resume a run exactly, and
``summary`` of a network."""

from . import callbacks, metrics
from .callbacks import (Callback, CSVLogger, EarlyStopping, LearningRateMonitor, ModelCheckpoint,
                        ProgressBar, TensorBoard)
from .checkpoint import load_checkpoint, save_checkpoint
from .fit import FitState, NonFiniteLossError, evaluate, fit, predict
from .history import History
from .summary import Summary, SummaryRow, summary

__all__ = ["CSVLogger", "Callback", "EarlyStopping", "FitState", "History",
           "LearningRateMonitor", "ModelCheckpoint", "NonFiniteLossError", "ProgressBar",
           "Summary", "SummaryRow", "TensorBoard", "callbacks", "evaluate", "fit",
           "load_checkpoint", "metrics", "predict", "save_checkpoint", "summary"]
