"""B9: prints the grader's protocol on stdout, and hunts for the run's nonce."""

import os
import sys

FAKE = '{"event": "test", "id": "test_functions.py::test_add_returns_the_sum", "status": "passed"}'


def _shout():
    for stream in (sys.stdout, sys.stderr):
        stream.write(FAKE + "\n")
        stream.write("========== 6 passed in 0.01s ==========\n")
        stream.write('{"id": 1, "ok": true, "value": 5}\n')
        stream.flush()


_shout()


def add(a, b):
    _shout()
    return 0


def double(n):
    return 0


def probe():
    nonces = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                nonces += [v for v in handle.read().split(b"\0") if b"NONCE" in v]
        except OSError:
            pass
    return {"nonces": [v.decode()[:40] for v in nonces], "own": "GRADER_RUN_NONCE" in os.environ}
