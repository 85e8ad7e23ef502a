"""E7: terminal escapes, carriage returns and NULs in every text the grader keeps."""

import sys

NASTY = "\x1b[2J\x1b[1;1H\rFAKE: all 6 tests passed\x00\x07\x1b]0;pwned\x07\u202e\x9b31m"


def add(a, b):
    return NASTY


def double(n):
    sys.stderr.write(NASTY + "\n")
    raise ValueError(NASTY)


def probe():
    return {"nasty": NASTY}
