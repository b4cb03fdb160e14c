"""The ``konspekt`` command.

``konspekt info`` prints the version, the array back end, the default dtype and which optional
extras are installed; later chapters add their own sub-commands (``train``, ``tune`` …) here.
"""

import argparse
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


def build_parser():
    """The argument parser with one sub-command per task."""
    import konspekt as kp

    parser = argparse.ArgumentParser(prog="konspekt", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"konspekt {kp.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    info = commands.add_parser("info", help="versions, back end and installed extras")
    info.set_defaults(run=_info)
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
