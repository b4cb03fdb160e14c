"""Training checkpoints: everything a run needs to continue exactly where it stopped.

A checkpoint is a dict written with ``konspekt.save`` (a NumPy archive, written to a temporary
file and renamed, so a crash while saving leaves the previous file intact)::

    {'format': 'konspekt.train.checkpoint', 'epoch': e, 'step': s,
     'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
     'scheduler': scheduler.state_dict() or None, 'history': History.state_dict(),
     'rng': {'default': state of konspekt's default generator, 'loader': [states of the
             loader's own generators]},
     'callbacks': {name: callback.state_dict()}}

where ``e`` is the index of the last finished epoch and ``s`` the number of optimizer steps.
Restoring all of it — the random generators included, which draw the shuffling and the dropout
masks — makes the resumed run take exactly the steps the uninterrupted run would have taken.
"""

from ..autograd.creation import default_generator
from ..serialization import load, save

__all__ = ["load_checkpoint", "save_checkpoint"]

_FORMAT = "konspekt.train.checkpoint"


def _loader_generators(loader):
    """The generators a loader draws from besides the default one (its own, its sampler's)."""
    found = []
    for owner in (loader, getattr(loader, "sampler", None), getattr(loader, "batch_sampler", None)):
        generator = getattr(owner, "generator", None)
        if generator is not None and hasattr(generator, "get_state") and \
                all(generator is not g for g in found):
            found.append(generator)
    return found


def save_checkpoint(path, state, weights_only=False):
    """Write the checkpoint of the ``FitState`` ``state`` to ``path`` (atomically).

    Parameters
    ----------
    path : str or os.PathLike
    state : FitState
        The run, at the end of epoch ``state.epoch``.
    weights_only : bool, default False
        Store the model's state dict and the epoch only (a file for inference, not for
        resuming).
    """
    checkpoint = {"format": _FORMAT, "epoch": state.epoch, "step": state.step,
                  "model": state.model.state_dict()}
    if not weights_only:
        scheduler = state.scheduler
        checkpoint.update({
            "optimizer": state.optimizer.state_dict(),
            "scheduler": scheduler.state_dict() if scheduler is not None else None,
            "history": state.history.state_dict(),
            "rng": {"default": default_generator.get_state(),
                    "loader": [g.get_state() for g in _loader_generators(state.train_loader)]},
            "callbacks": state.callbacks.state_dict(),
        })
    save(checkpoint, path)


def load_checkpoint(path, model=None, optimizer=None, scheduler=None):
    """Read a checkpoint written by ``save_checkpoint`` (or ``ModelCheckpoint``) and load the
    states of the objects given.

    Parameters
    ----------
    path : str or os.PathLike
    model : Module, optional
        Receives ``checkpoint['model']``.
    optimizer : Optimizer, optional
        Receives ``checkpoint['optimizer']``.
    scheduler : LR scheduler, optional
        Receives ``checkpoint['scheduler']``.

    Returns
    -------
    dict
        The whole checkpoint (see the module's description).

    Raises
    ------
    ValueError
        When the file is not a training checkpoint, or lacks the optimizer's or scheduler's
        state that was asked for (a ``save_weights_only`` file).

    Examples
    --------
    >>> checkpoint = load_checkpoint('checkpoints/last.ckpt', model, optimizer)  # doctest: +SKIP
    >>> checkpoint['epoch']  # doctest: +SKIP
    3
    """
    checkpoint = load(path)
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != _FORMAT:
        raise ValueError(f"{path!s} is a konspekt file but not a training checkpoint "
                         "(written by konspekt.train.save_checkpoint or ModelCheckpoint)")
    for name, target in (("optimizer", optimizer), ("scheduler", scheduler)):
        if target is not None and checkpoint.get(name) is None:
            raise ValueError(f"{path!s} holds no {name} state to load (a weights-only "
                             f"checkpoint, or one saved without a {name})")
    if model is not None:
        model.load_state_dict(checkpoint["model"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    return checkpoint


def restore_run(checkpoint, state, path):
    """Put the History, random generators and callback states of ``checkpoint`` back into the
    run ``state`` (``fit(resume_from=...)``); the model, optimizer and scheduler are loaded by
    ``load_checkpoint``."""
    state.history.load_state_dict(checkpoint["history"])
    state.callbacks.load_state_dict(checkpoint["callbacks"])
    default_generator.set_state(checkpoint["rng"]["default"])
    generators = _loader_generators(state.train_loader)
    if len(generators) != len(checkpoint["rng"]["loader"]):
        raise ValueError(f"{path!s} was saved with a training loader drawing from "
                         f"{len(checkpoint['rng']['loader'])} own generator(s); this one draws "
                         f"from {len(generators)}")
    for generator, saved in zip(generators, checkpoint["rng"]["loader"]):
        generator.set_state(saved)
    state.epoch = checkpoint["epoch"]
    state.start_epoch = checkpoint["epoch"] + 1
    state.step = checkpoint["step"]
