"""A2: double() fills /dev/shm, then allocates until the memory limit stops it."""

import os


def add(a, b):
    return a + b


def double(n):
    try:
        with open("/dev/shm/fill", "wb") as handle:
            while True:
                handle.write(b"x" * (1 << 20))
    except OSError:
        pass
    hoard = []
    while True:
        hoard.append(bytearray(16 << 20))
