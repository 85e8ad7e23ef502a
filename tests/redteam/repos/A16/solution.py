"""A16 (and C6): probe() looks for what an earlier run left, then leaves some for the next."""

import os

SPOTS = ("/dev/shm/note", "/tmp/note", "/work/note", os.path.expanduser("~/note"), "/var/tmp/note")


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _leave(path):
    try:
        with open(path, "w") as handle:
            handle.write("the hidden tests were ...")
    except OSError as exc:
        return type(exc).__name__
    return "left"


def probe():
    found = [path for path in SPOTS if os.path.exists(path)]
    return {"found": found, "left": {path: _leave(path) for path in SPOTS}}
