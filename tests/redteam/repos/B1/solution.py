"""B1: wrong answers, hoping the conftest.py turns them into passes."""


def add(a, b):
    return 0


def double(n):
    return 0
