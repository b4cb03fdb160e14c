"""Plots of training: learning curves and the confusion matrix.

matplotlib is the optional extra ``[viz]``; it is imported when a plot is made, with the
non-interactive Agg back end unless the user chose another, so that plotting works without a
display. Pictures are written to a temporary file in the target folder and then renamed: a crash
never leaves half a PNG behind.
"""

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["plot_confusion_matrix", "plot_history", "save_figure"]


def _pyplot():
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError("plots need matplotlib: pip install 'konspekt[viz]'") from error
    if "matplotlib.pyplot" not in sys.modules:  # the user has not chosen a back end
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_figure(figure, path, dpi=100):
    """Write ``figure`` to ``path`` (format from the suffix, e.g. ``.png``) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            figure.savefig(file, format=path.suffix.lstrip(".") or "png", dpi=dpi,
                           bbox_inches="tight")
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 is not what open() would give
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def _series(history):
    """The per-epoch series of a ``History`` (its ``.history``) or of a mapping name → values."""
    series = getattr(history, "history", history)
    if not hasattr(series, "items"):
        raise TypeError(f"history must be a History or a mapping of name to per-epoch values, "
                        f"got {type(history).__name__}")
    return {name: np.asarray(values, dtype=float) for name, values in series.items()
            if np.ndim(values) == 1 and len(values) > 0}


def plot_history(history, path=None, metrics=None, title=None):
    """Learning curves: one panel per quantity, the training curve and, where there is one, the
    validation curve (``val_<name>``) against the epoch.

    Parameters
    ----------
    history : History or mapping
        ``konspekt.train.History`` or ``{"loss": [...], "val_loss": [...], "accuracy": ...}``.
    path : str or Path, optional
        Where to save the picture (PNG for ``.png``); nothing is saved without it.
    metrics : list of str, optional
        The quantities to draw (names without ``val_``); default all, ``loss`` first.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, "curves.png")  # doctest: +SKIP
    """
    series = _series(history)
    names = [n for n in series if not n.startswith("val_") and n not in ("lr", "epoch")]
    names += [n[4:] for n in series if n.startswith("val_") and n[4:] not in series]
    if metrics is not None:
        unknown = [m for m in metrics if m not in names]
        if unknown:
            raise ValueError(f"metrics {unknown} are not in the history; it has {names}")
        names = list(metrics)
    names.sort(key=lambda n: n != "loss")
    if not names:
        raise ValueError("history holds no per-epoch values to plot")
    plt = _pyplot()
    figure, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False)
    for axis, name in zip(axes[0], names):
        for label, key, style in (("train", name, "-"), ("validation", f"val_{name}", "--")):
            if key in series:
                values = series[key]
                axis.plot(np.arange(1, len(values) + 1), values, style, marker="o",
                          markersize=3, label=label)
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
        axis.legend()
    if title:
        figure.suptitle(title)
    if path is not None:
        save_figure(figure, path)
    return figure


def plot_confusion_matrix(matrix, class_names=None, path=None, normalize=None, title=None,
                          cmap="Blues"):
    """The confusion matrix C as an image, C_ij = the number of samples of true class i predicted
    as class j (rows: true classes, columns: predictions), each cell annotated.

    Parameters
    ----------
    matrix : array_like of shape (K, K)
        Counts, e.g. ``konspekt.metrics.confusion_matrix(y_true, y_pred)``.
    class_names : list of str, optional
        Tick labels; default 0 … K − 1.
    path : str or Path, optional
        Where to save the picture.
    normalize : {None, 'true', 'pred', 'all'}
        Show C_ij / Σ_j C_ij ('true': per true class, i.e. recall on the diagonal), / Σ_i C_ij
        ('pred': precision on the diagonal) or / Σ C ('all').
    title : str, optional
    cmap : str, default 'Blues'

    Returns
    -------
    matplotlib.figure.Figure
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square (K, K), got shape {matrix.shape}")
    k = matrix.shape[0]
    if class_names is None:
        class_names = [str(i) for i in range(k)]
    if len(class_names) != k:
        raise ValueError(f"class_names has {len(class_names)} names for a {k}×{k} matrix")
    axis_of = {"true": 1, "pred": 0, "all": None}
    if normalize is not None:
        if normalize not in axis_of:
            raise ValueError(f"normalize must be one of None, 'true', 'pred', 'all', got "
                             f"{normalize!r}")
        with np.errstate(invalid="ignore", divide="ignore"):
            total = matrix.sum(axis=axis_of[normalize], keepdims=normalize != "all")
            matrix = np.nan_to_num(matrix / total)
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(1.0 + 0.55 * k, 0.8 + 0.55 * k))
    image = axis.imshow(matrix, cmap=cmap)
    figure.colorbar(image, ax=axis, fraction=0.046, pad=0.04)
    axis.set_xticks(range(k), class_names, rotation=45 if k > 10 else 0)
    axis.set_yticks(range(k), class_names)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(k):
        for j in range(k):
            text = f"{matrix[i, j]:.2f}" if normalize else f"{matrix[i, j]:.0f}"
            axis.text(j, i, text, ha="center", va="center", fontsize=8,
                      color="white" if matrix[i, j] > threshold else "black")
    if title:
        axis.set_title(title)
    if path is not None:
        save_figure(figure, path)
    return figure
