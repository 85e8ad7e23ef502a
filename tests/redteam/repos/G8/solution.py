"""Which uid does candidate code run as? (Row G8: never one another live run holds.)"""

import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    return {"uid": os.getuid(), "euid": os.geteuid()}
