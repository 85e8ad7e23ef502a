"""B2: wrong answers, hoping the pytest configuration deselects the tests."""


def add(a, b):
    return 0


def double(n):
    return 0
