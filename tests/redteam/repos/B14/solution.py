"""B14: stops the clocks, then takes as long as it likes."""

import time


def add(a, b):
    return a + b


def double(n):
    frozen = time.monotonic()
    for name in ("monotonic", "perf_counter", "time", "process_time"):
        setattr(time, name, lambda frozen=frozen: frozen)
    sleep = time.sleep
    time.sleep = lambda seconds: None
    sleep(10)
    return 2 * n
