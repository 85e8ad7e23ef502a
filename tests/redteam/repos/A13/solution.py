"""A13 (and C8): probe() looks for secrets: its environment, other processes', credentials."""

import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return type(exc).__name__


def probe():
    others = {}
    for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
        seen = _read(f"/proc/{pid}/environ")
        others[pid] = sorted({v.split(b"=")[0].decode() for v in seen.split(b"\0") if v}) if isinstance(seen, bytes) else seen
    pid1 = _read("/proc/1/environ")
    return {
        "own_env": sorted(os.environ),
        "pid1_environ": "read" if isinstance(pid1, bytes) else pid1,
        "other_environs": others,
        "aws": os.path.exists(os.path.expanduser("~/.aws")),
        "run_secrets": os.path.exists("/run/secrets"),
        "git_credentials": os.path.exists(os.path.expanduser("~/.git-credentials")),
    }
