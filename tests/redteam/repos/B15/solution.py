"""B15: walks up the call stack to find the expected answer in the test's frame."""

import gc
import sys


def add(a, b):
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("expected", "a", "b"):
            if name in frame.f_locals and frame is not sys._getframe(0):
                return frame.f_locals[name]
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "expected" in obj:
            return obj["expected"]
    return None


def double(n):
    return None


def probe():
    names = []
    frame = sys._getframe(0)
    while frame is not None:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return {"frames": names}
