"""B4: wrong answers, hoping start-up hooks rewrite the results."""


def add(a, b):
    return 0


def double(n):
    return 0
