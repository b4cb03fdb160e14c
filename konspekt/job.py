"""The main job: train a network on a dataset and leave everything a course asks to see.

``konspekt train`` and ``konspekt demo`` run ``train``. The steps, in the order of the PyTorch
workflow of the course:

1. data — a bundled or generated dataset, split train / test (stratified, seeded); features
   standardised with the training set's mean and deviation (images: one mean and deviation);
   digits as 1×8×8 images, upsampled to 1×32×32 for the convolutional models;
2. model — ``mlp`` (two hidden layers of 64, ReLU), ``lenet5`` (LeNet-5 on 32×32) or ``resnet``
   (ResNet-20 on 32×32), chosen by name;
3. ``konspekt.train.fit`` with cross-entropy, the chosen optimiser, a cosine learning-rate
   schedule, the test split as validation data, and callbacks: progress bar, CSV log,
   TensorBoard logs (when tensorboardX is installed), checkpoints of the best and last epoch;
4. evaluation — test accuracy and the confusion matrix;
5. pictures — ``curves.png`` (loss and accuracy per epoch) and ``confusion_matrix.png`` (when
   matplotlib is installed).

Everything goes into ``logdir``; ``resume`` continues a run from its ``last.ckpt``.
"""

import dataclasses
import importlib.util
import os
import time
from pathlib import Path

import numpy as np

import konspekt as kp

from .metrics import confusion_matrix

__all__ = ["DATASETS", "MODELS", "OPTIMIZERS", "JobError", "TrainConfig", "train"]

IMAGE_DATASETS = ("digits",)
TABULAR_DATASETS = ("iris", "wine", "breast_cancer")
GENERATED_DATASETS = ("moons", "circles", "xor", "spirals", "blobs")
DATASETS = IMAGE_DATASETS + TABULAR_DATASETS + GENERATED_DATASETS
MODELS = ("mlp", "lenet5", "resnet")
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam",
              "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta"}


class JobError(ValueError):
    """A bad job setting (unknown model, missing checkpoint …): the command line prints the
    message as one line and exits with status 2."""


@dataclasses.dataclass
class TrainConfig:
    """The settings of one training run; the command line's options by the same names."""

    model: str = "mlp"
    data: str = "digits"
    optimizer: str = "adam"
    lr: float = 1e-3
    epochs: int = 20
    batch_size: int = 64
    weight_decay: float = 0.0
    logdir: str = "runs/train"
    resume: str = None
    seed: int = 0
    progress: bool = None  # None: a progress bar when the output is a terminal


def _check(config):
    if config.model not in MODELS:
        raise JobError(f"unknown model {config.model!r}; choose one of {', '.join(MODELS)}")
    if config.data not in DATASETS:
        raise JobError(f"unknown dataset {config.data!r}; choose one of {', '.join(DATASETS)}")
    if config.optimizer not in OPTIMIZERS:
        raise JobError(f"unknown optimizer {config.optimizer!r}; choose one of "
                       f"{', '.join(OPTIMIZERS)}")
    if config.model != "mlp" and config.data not in IMAGE_DATASETS:
        raise JobError(f"model {config.model!r} needs image data ({', '.join(IMAGE_DATASETS)}), "
                       f"got {config.data!r}; use --model mlp")
    for name in ("lr", "epochs", "batch_size"):
        value = getattr(config, name)
        if not value > 0:
            raise JobError(f"--{name.replace('_', '-')} must be positive, got {value}")
    if config.weight_decay < 0:
        raise JobError(f"--weight-decay must be non-negative, got {config.weight_decay}")
    if config.resume is not None and not Path(config.resume).is_file():
        raise JobError(f"checkpoint {config.resume!r} not found")
    logdir = Path(config.logdir)
    try:
        logdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise JobError(f"cannot create logdir {str(logdir)!r}: {error.strerror}") from None
    if not os.access(logdir, os.W_OK | os.X_OK):
        raise JobError(f"logdir {str(logdir)!r} is not writable")


def load_data(name, seed=0):
    """Train and test arrays of dataset ``name``, standardised, with the class names.

    Returns ``(X_train, y_train, X_test, y_test, class_names)``; X is float32, (N, 1, 32, 32)
    for digits and (N, features) otherwise; y is int64.
    """
    if name in IMAGE_DATASETS:
        train, test = (kp.data.load_digits(split=s, random_state=seed) for s in ("train", "test"))
        images = [kp.nn.functional.interpolate(
            kp.tensor(b.images[:, None].astype(np.float32) / 16.0), size=(32, 32),
            mode="bilinear").numpy() for b in (train, test)]
        mean, std = images[0].mean(), images[0].std()
        X_train, X_test = ((x - mean) / std for x in images)
        return (X_train, train.target, X_test, test.target,
                [str(c) for c in train.target_names])
    if name in TABULAR_DATASETS:
        loader = getattr(kp.data, f"load_{name}")
        train, test = (loader(split=s, random_state=seed) for s in ("train", "test"))
        X_train, y_train, X_test, y_test = train.data, train.target, test.data, test.target
        names = [str(c) for c in train.target_names]
    else:
        generate = getattr(kp.data, f"make_{name}")
        # Noise that leaves the classes separable enough to learn, yet not trivially.
        options = {"blobs": {"centers": 3}, "circles": {"noise": 0.1, "factor": 0.5},
                   "spirals": {"noise": 0.1}}.get(name, {"noise": 0.2})
        X_train, y_train = generate(600, random_state=seed, split="train", **options)
        X_test, y_test = generate(600, random_state=seed, split="test", **options)
        names = [str(c) for c in np.unique(y_train)]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1
    return (((X_train - mean) / std).astype(np.float32), np.asarray(y_train, np.int64),
            ((X_test - mean) / std).astype(np.float32), np.asarray(y_test, np.int64), names)


def build_model(name, in_features, n_classes):
    """The network ``name`` for inputs of ``in_features`` features (or 1×32×32 images)."""
    nn = kp.nn
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(in_features, 64), nn.ReLU(),
                             nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, n_classes))
    if name == "lenet5":
        return kp.models.vision.lenet5(num_classes=n_classes, in_channels=1, padding=0)
    return kp.models.vision.resnet20(num_classes=n_classes, in_channels=1)


def _callbacks(config, logdir):
    callbacks = [kp.train.ProgressBar(disable=None if config.progress is None
                                      else not config.progress),
                 kp.train.CSVLogger(logdir / "log.csv", append=config.resume is not None)]
    if importlib.util.find_spec("tensorboardX") is not None:
        callbacks.append(kp.train.TensorBoard(log_dir=str(logdir / "tensorboard"),
                                              histogram_freq=1))
    callbacks.append(kp.train.ModelCheckpoint(logdir / "checkpoints", filename="best",
                                              monitor="val_accuracy", mode="max",
                                              save_best_only=True, save_last=True))
    return callbacks


def _pictures(history, matrix, class_names, logdir):
    if importlib.util.find_spec("matplotlib") is None:
        return []
    from .viz import plot_confusion_matrix, plot_history

    plot_history(history, logdir / "curves.png", title="learning curves")
    plot_confusion_matrix(matrix, class_names, logdir / "confusion_matrix.png",
                          title="confusion matrix (test split)")
    return [logdir / "curves.png", logdir / "confusion_matrix.png"]


def train(config, out=None):
    """Run the job of ``config`` (a ``TrainConfig``); return a dict of what it measured.

    Raises
    ------
    JobError
        For a setting that cannot run; nothing is trained then.
    """
    _check(config)
    started = time.perf_counter()
    logdir = Path(config.logdir)
    kp.manual_seed(config.seed)
    X_train, y_train, X_test, y_test, class_names = load_data(config.data, config.seed)
    in_features = int(np.prod(X_train.shape[1:]))
    model = build_model(config.model, in_features, len(class_names))
    data = kp.utils.data
    train_loader = data.DataLoader(data.TensorDataset(kp.tensor(X_train), kp.tensor(y_train)),
                                   batch_size=config.batch_size, shuffle=True)
    test_loader = data.DataLoader(data.TensorDataset(kp.tensor(X_test), kp.tensor(y_test)),
                                  batch_size=256)
    optimizer = getattr(kp.optim, OPTIMIZERS[config.optimizer])(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = kp.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    print(f"konspekt train: {config.model} on {config.data} ({len(y_train)} train, "
          f"{len(y_test)} test samples), {config.optimizer} lr={config.lr}, "
          f"{config.epochs} epochs, logs in {logdir}", file=out, flush=True)
    history = kp.train.fit(model, kp.nn.CrossEntropyLoss(), optimizer, train_loader,
                           val_loader=test_loader, epochs=config.epochs, metrics=["accuracy"],
                           callbacks=_callbacks(config, logdir), scheduler=scheduler,
                           resume_from=config.resume)
    predictions = kp.train.predict(model, kp.tensor(X_test), batch_size=256).argmax(1).numpy()
    accuracy = float(np.mean(predictions == y_test))
    matrix = confusion_matrix(y_test, predictions, labels=list(range(len(class_names))))
    pictures = _pictures(history, matrix, class_names, logdir)
    seconds = time.perf_counter() - started
    print(f"test accuracy {accuracy:.2%} after {len(history.epoch)} epochs in {seconds:.1f} s",
          file=out)
    for path in [logdir / "log.csv", logdir / "checkpoints" / "last.ckpt", *pictures]:
        print(f"wrote {path}", file=out)
    return {"accuracy": accuracy, "seconds": seconds, "history": history,
            "confusion_matrix": matrix, "model": model}
