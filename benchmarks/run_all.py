"""Run every ``benchmarks/bench_*.py`` (its ``main()``), one after the other: ``make bench``."""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path):
    # Loaded from the file, not imported by name: this works from any working directory.
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        sys.exit(f"no bench_*.py found in {HERE}")
    for index, path in enumerate(scripts):
        if index:
            print()
        print(f"== {path.name} ==")
        load(path).main()


if __name__ == "__main__":
    main()
