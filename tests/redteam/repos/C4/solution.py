"""C4: prints what it can find out, then crashes so the output lands in the failure."""

import os
import sys


def add(a, b):
    for stream in (sys.stdout, sys.stderr):
        stream.write("y" * 3000 + f" EXFIL-C4 add({a}, {b}) <b>bold</b>\n")
        stream.flush()
    os._exit(3)


def double(n):
    return 2 * n
