"""B12: raises an exception that looks like pytest's skip, from a call and on import."""


class Skipped(Exception):
    """Named and placed like pytest's own skip exception."""


Skipped.__module__ = "_pytest.outcomes"


def add(a, b):
    raise Skipped("not implemented on this platform")


def double(n):
    raise Skipped("skipping")
