"""The ``konspekt`` command (also ``python -m konspekt``).

* ``konspekt info`` prints the version, the array back end, the default dtype and which optional
  extras are installed;
* ``konspekt train`` trains a network on a dataset with logs, checkpoints and pictures
  (``konspekt.job``), ``--resume`` continues a run;
* ``konspekt demo`` is the main job: LeNet-5 on the bundled digits, into ``runs/demo``.

A bad option or setting is one line on standard error and exit status 2, never a traceback.
"""

import argparse
import dataclasses
import importlib.util
import sys

# extra name → the module whose presence shows it is installed
_EXTRAS = {"viz": "matplotlib", "logging": "tensorboardX", "parallel": "joblib",
           "accel": "numba", "test": "torch"}


def _info(args, out):
    import konspekt as kp
    from konspekt.autograd.backend import xp

    print(f"konspekt {kp.__version__}", file=out)
    print(f"array back end: {xp.__name__} {getattr(xp, '__version__', '')}".rstrip(), file=out)
    print(f"default dtype: {kp.get_default_dtype()}", file=out)
    for extra, module in _EXTRAS.items():
        found = importlib.util.find_spec(module) is not None
        print(f"extra [{extra}]: {'installed' if found else 'not installed'} ({module})",
              file=out)
    return 0


def _run_job(config, out):
    from .job import JobError, train

    try:
        train(config, out=out)
    except JobError as error:
        print(f"konspekt: error: {error}", file=sys.stderr)
        return 2
    return 0


def _train(args, out):
    from .job import TrainConfig

    options = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)
               if f.name != "progress"}
    return _run_job(TrainConfig(**options), out)


def _demo(args, out):
    from .job import TrainConfig

    return _run_job(TrainConfig(model="lenet5", data="digits", optimizer="adam", lr=2e-3,
                                epochs=args.epochs, batch_size=32, logdir=args.logdir,
                                seed=args.seed), out)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line: ``konspekt train: error: …``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    """The argument parser with one sub-command per task."""
    import konspekt as kp
    from .job import DATASETS, MODELS, OPTIMIZERS, TrainConfig

    parser = _Parser(prog="konspekt", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"konspekt {kp.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    info = commands.add_parser("info", help="versions, back end and installed extras")
    info.set_defaults(run=_info)

    defaults = TrainConfig()
    train = commands.add_parser(
        "train", help="train a network on a dataset, with logs, checkpoints and pictures",
        description="Train a network with konspekt.train.fit: the test split is the validation "
                    "data; LOGDIR receives log.csv, TensorBoard logs, checkpoints/best.ckpt and "
                    "last.ckpt, curves.png and confusion_matrix.png.")
    train.add_argument("--model", choices=MODELS, default=defaults.model,
                       help="mlp: two hidden layers of 64; lenet5: LeNet-5 on 32×32 images; "
                            "resnet: ResNet-20 on 32×32 images (default %(default)s)")
    train.add_argument("--data", choices=DATASETS, default=defaults.data,
                       help="bundled (digits, iris, wine, breast_cancer) or generated data; "
                            "the convolutional models need digits (default %(default)s)")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default=defaults.optimizer,
                       help="the konspekt.optim optimiser (default %(default)s)")
    train.add_argument("--lr", type=float, default=defaults.lr,
                       help="initial learning rate, annealed by a cosine schedule "
                            "(default %(default)s)")
    train.add_argument("--weight-decay", type=float, default=defaults.weight_decay,
                       help="L2 penalty coefficient of the optimiser (default %(default)s)")
    train.add_argument("--epochs", type=int, default=defaults.epochs,
                       help="total number of epochs, also of a resumed run "
                            "(default %(default)s)")
    train.add_argument("--batch-size", type=int, default=defaults.batch_size,
                       help="training batch size (default %(default)s)")
    train.add_argument("--logdir", default=defaults.logdir,
                       help="folder of the logs, checkpoints and pictures "
                            "(default %(default)s)")
    train.add_argument("--resume", metavar="CHECKPOINT", default=None,
                       help="continue the run saved in this checkpoint, e.g. "
                            "LOGDIR/checkpoints/last.ckpt")
    train.add_argument("--seed", type=int, default=defaults.seed,
                       help="seed of the split, the initial weights and the shuffling "
                            "(default %(default)s)")
    train.set_defaults(run=_train)

    demo = commands.add_parser(
        "demo", help="the main job: LeNet-5 on the bundled digits, into runs/demo",
        description="Train LeNet-5 on the bundled 8×8 digits (upsampled to 32×32) with Adam; "
                    "print the test accuracy; write logs, checkpoints and pictures.")
    demo.add_argument("--epochs", type=int, default=15, help="(default %(default)s)")
    demo.add_argument("--logdir", default="runs/demo", help="(default %(default)s)")
    demo.add_argument("--seed", type=int, default=0, help="(default %(default)s)")
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None, out=None):
    """Entry point of the ``konspekt`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(out or sys.stdout)
        return 2
    return args.run(args, out or sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
