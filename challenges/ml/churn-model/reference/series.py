"""Median and moving averages of a series of numbers."""


def median(values: list[float]) -> float:
    if not values:
        raise ValueError("the median of an empty list is undefined")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def moving_average(values: list[float], window: int) -> list[float]:
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    return [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
