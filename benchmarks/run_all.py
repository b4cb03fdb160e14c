"""Run every ``benchmarks/bench_*.py``, one after the other: ``make bench``.

Each script runs in a process of its own: thread pools that one benchmark leaves spinning
(torch's OpenMP workers wait actively for a while after a parallel region) would otherwise slow
the next one. Each script still times konspekt and its reference in one process.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        sys.exit(f"no bench_*.py found in {HERE}")
    failed = []
    for index, path in enumerate(scripts):
        if index:
            print(flush=True)
        print(f"== {path.name} ==", flush=True)
        if subprocess.run([sys.executable, str(path)], cwd=HERE).returncode != 0:
            failed.append(path.name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
