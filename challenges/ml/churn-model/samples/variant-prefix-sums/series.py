from itertools import accumulate


def median(values: list[float]) -> float:
    if len(values) == 0:
        raise ValueError("empty input")
    ordered = sorted(values)
    half, odd = divmod(len(ordered), 2)
    return ordered[half] if odd else (ordered[half - 1] + ordered[half]) / 2


def moving_average(values: list[float], window: int) -> list[float]:
    if not isinstance(window, int) or window <= 0:
        raise ValueError(f"bad window {window!r}")
    sums = [0, *accumulate(values)]
    return [(sums[end] - sums[end - window]) / window for end in range(window, len(sums))]
