"""What the benchmarks share: the thread count and the alternating timer."""

import statistics
import time

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


def format_time(seconds):
    return f"{seconds * 1e6:9.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:9.2f} ms"
