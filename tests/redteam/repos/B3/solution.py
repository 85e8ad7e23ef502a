"""B3: wrong answers, hoping an auto-loaded plugin turns them into passes."""


def add(a, b):
    return 0


def double(n):
    return 0
