"""What the benchmarks share: the thread count, the alternating timer and the printed table."""

import statistics
import time

import konspekt

# The benchmark machine has 2 cores; torch would otherwise size its pool from the host.
THREADS = 2


def measure(step_a, step_b, iterations, repeats=9, warmup=3):
    """Seconds per call of two steps, timed in alternating batches.

    Each repeat times a batch of ``step_a`` and then a batch of ``step_b``, so a slow spell of the
    machine falls on both; the ratio is the median of the per-repeat ratios, the times the medians.
    """
    for _ in range(warmup):
        step_a()
        step_b()
    times_a, times_b, ratios = [], [], []
    for _ in range(repeats):
        pair = []
        for step in (step_a, step_b):
            start = time.perf_counter()
            for _ in range(iterations):
                step()
            pair.append((time.perf_counter() - start) / iterations)
        times_a.append(pair[0])
        times_b.append(pair[1])
        ratios.append(pair[0] / pair[1])
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def report_row(name, t_konspekt, t_reference, ratio, target, width, unit_time=True):
    """One printed line of a comparison; returns the row with its PASS / MISS verdict."""
    verdict = "PASS" if ratio <= target else "MISS"
    show = format_time if unit_time else (lambda v: f"{v:9.1f} MiB")
    print(f"{name:{width}s} {show(t_konspekt):>12s} {show(t_reference):>12s} {ratio:6.2f}x "
          f"{target:6.1f}x  {verdict}")
    return name, t_konspekt, t_reference, ratio, target, verdict


def compare(title, cases, reference, width=28, repeats=9, warmup=3):
    """Print ``title`` and a table of ``cases`` — (name, step for a library, iterations per
    repeat, target ratio) — each timed for konspekt and the reference library (a module with
    the same API, e.g. torch) by ``measure`` with ``repeats`` and ``warmup``; return the rows."""
    header = (f"{'case':{width}s} {'konspekt':>12s} {reference.__name__:>12s} {'ratio':>7s} "
              f"{'target':>7s}  result")
    print(title)
    print(header)
    print("-" * len(header))
    return [report_row(name, *measure(case(konspekt), case(reference), iterations, repeats, warmup),
                       target, width)
            for name, case, iterations, target in cases]


def format_time(seconds):
    return f"{seconds * 1e6:9.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:9.2f} ms"
