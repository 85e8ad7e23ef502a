"""Median by quickselect (no full sort), windows by slicing."""


def _select(items, k):
    pivot = items[len(items) // 2]
    lower = [x for x in items if x < pivot]
    equal = [x for x in items if x == pivot]
    if k < len(lower):
        return _select(lower, k)
    if k < len(lower) + len(equal):
        return pivot
    return _select([x for x in items if x > pivot], k - len(lower) - len(equal))


def median(values):
    n = len(values)
    if n == 0:
        raise ValueError("cannot take the median of nothing")
    if n % 2:
        return _select(list(values), n // 2)
    return (_select(list(values), n // 2 - 1) + _select(list(values), n // 2)) / 2


def moving_average(values, window):
    if window < 1:
        raise ValueError("window too small")
    return [sum(values[start:start + window]) / window for start in range(0, len(values) - window + 1)]
