"""B7: exits with status 0 the moment it is imported."""

import os

os._exit(0)


def add(a, b):
    return 0


def double(n):
    return 0
