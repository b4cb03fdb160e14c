"""``CSVLogger``: one CSV row per epoch, the file rewritten atomically after each epoch."""

import csv
import io
import os

from ...serialization import _create_beside
from .base import Callback

__all__ = ["CSVLogger"]


def write_text_atomically(path, text):
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, rename it over
    ``path``: a reader never sees half a file, and a crash keeps the previous one."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary, handle = _create_beside(folder, os.path.basename(path))
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


class CSVLogger(Callback):
    """Log the epoch's results to a CSV file, as Keras's ``CSVLogger``.

    The columns are ``epoch`` (the index, from 0) and the keys of the epoch's logs in the
    order they first appear ('loss', metrics, 'val_loss', …, 'lr'); a key that appears in a
    later epoch adds a column, empty in earlier rows. Floats are written with ``repr``, so
    they read back exactly. After every epoch the whole file is written to a temporary file
    and renamed over the old one: it is always complete.

    Parameters
    ----------
    filename : str or os.PathLike
    separator : str, default ','
    append : bool, default False
        Keep the rows already in the file and add to them. A run resumed from a checkpoint
        always keeps the rows of the epochs before the checkpoint (and drops any later ones,
        written by the run that stopped).
    """

    def __init__(self, filename, separator=",", append=False):
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = append
        self.columns, self.rows = ["epoch"], []

    def on_fit_start(self, state):
        self.columns, self.rows = ["epoch"], []
        resumed = state.start_epoch > 0
        if (self.append or resumed) and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8", newline="") as file:
                reader = csv.DictReader(file, delimiter=self.separator)
                for name in reader.fieldnames or []:
                    if name not in self.columns:
                        self.columns.append(name)
                for row in reader:
                    if not resumed or int(row["epoch"]) < state.start_epoch:
                        self.rows.append(row)

    def on_epoch_end(self, state):
        row = {"epoch": str(state.epoch)}
        for name, value in state.logs.items():
            if name not in self.columns:
                self.columns.append(name)
            row[name] = repr(float(value)) if isinstance(value, (int, float)) else str(value)
        self.rows.append(row)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, delimiter=self.separator,
                                restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        write_text_atomically(self.filename, buffer.getvalue())
