"""C1: hunts the file system for the hidden tests, and looks through other processes."""

import os

NAMES = {"test_functions.py", "test_probe.py", "test_cli.py", "manifest.txt"}


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    found, refused = [], 0
    for top, dirs, files in os.walk("/", onerror=lambda error: None):
        dirs[:] = [d for d in dirs if os.path.join(top, d) not in {"/proc", "/sys", "/dev"}]
        found += [os.path.join(top, name) for name in files if name in NAMES]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            os.listdir(f"/proc/{pid}/cwd")
        except OSError:
            refused += 1
    try:
        os.listdir("/judge")
        judge = "listed"
    except OSError as exc:
        judge = type(exc).__name__
    return {"found": found, "cwd_refused": refused, "judge": judge}
