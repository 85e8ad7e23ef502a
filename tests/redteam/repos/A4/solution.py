"""A4: output without end, on import (a little) and from double() (forever)."""

import sys

sys.stdout.write("x" * 100_000)


def add(a, b):
    return a + b


def double(n):
    line = "spam " * 2000 + "\n"
    while True:
        sys.stdout.write(line)
        sys.stderr.write(line)
