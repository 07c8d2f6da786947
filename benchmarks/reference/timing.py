"""Shared timing helper for the PyTorch reference scripts in this folder (imported, not run)."""
import statistics
import time


def median_seconds(fn, min_repeats=10, min_seconds=2.0, warmup=3, wait=lambda: None):
    """Median wall time of fn() over at least min_repeats calls and min_seconds, after warm-up calls.

    wait() runs inside each timed call after fn(): for a GPU, torch.cuda.synchronize, so that the time covers the
    work fn() queued and not only its launch.
    """
    for _ in range(warmup):
        fn()
        wait()
    times = []
    started = time.perf_counter()
    while len(times) < min_repeats or time.perf_counter() - started < min_seconds:
        start = time.perf_counter()
        fn()
        wait()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
