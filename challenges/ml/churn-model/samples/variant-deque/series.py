"""statistics.median, and a sliding window kept in a deque."""

import statistics
from collections import deque


def median(values):
    if not values:
        raise ValueError("median() of no values")
    return statistics.median(values)


def moving_average(values, window):
    if window < 1:
        raise ValueError("window must be >= 1")
    current, total, result = deque(), 0.0, []
    for value in values:
        current.append(value)
        total += value
        if len(current) > window:
            total -= current.popleft()
        if len(current) == window:
            result.append(total / window)
    return result
