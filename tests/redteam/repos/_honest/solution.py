"""An honest solution: every hostile repository starts from these files."""


def add(a, b):
    return a + b


def double(n):
    return 2 * n
