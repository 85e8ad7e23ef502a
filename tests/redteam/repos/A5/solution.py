"""A5: double() sleeps for ever; add() waits for input that never comes."""

import time


def add(a, b):
    return int(input()) + b


def double(n):
    time.sleep(10**9)
