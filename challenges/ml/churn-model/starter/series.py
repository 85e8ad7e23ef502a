"""Median and moving averages of a series of numbers: read brief.md."""


def median(values: list[float]) -> float:
    raise NotImplementedError


def moving_average(values: list[float], window: int) -> list[float]:
    raise NotImplementedError
