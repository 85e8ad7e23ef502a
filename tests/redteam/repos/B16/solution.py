"""B16: pollutes global state on its first call so later calls "pass"."""

import builtins
import json

_calls = []


def add(a, b):
    _calls.append((a, b))
    builtins.int = lambda *args: 5
    builtins.sum = lambda *args: 5
    json.dumps = lambda *args, **kwargs: '{"id": 1, "ok": true, "value": 5}'
    return 0


def double(n):
    return 0


def probe():
    return {"earlier_calls": len(_calls), "builtins_int": builtins.int is int}
