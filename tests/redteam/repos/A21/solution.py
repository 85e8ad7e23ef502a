"""A21: probe() leaves files and a counter in every writable place; after() looks for them.

It also reports how much it may write and the OOM scores of itself and of the judge.
"""

import os

PLACES = {
    "tmp": "/tmp/a21-state",
    "shm": "/dev/shm/a21-state",
    "work": "/work/a21-state",
    "home": os.path.join(os.environ.get("HOME", "/tmp"), "a21-counter"),
    "cwd": "a21-state",
}


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _oom(pid):
    try:
        with open(f"/proc/{pid}/oom_score_adj") as handle:
            return int(handle.read())
    except OSError as exc:
        return type(exc).__name__


def _mb(path):
    try:
        stats = os.statvfs(path)
    except OSError:
        return 0
    return stats.f_blocks * stats.f_frsize // (1024 * 1024)


def probe():
    written = {}
    for name, path in PLACES.items():
        try:
            with open(path, "w") as handle:
                handle.write("1")
            written[name] = True
        except OSError as exc:
            written[name] = type(exc).__name__
    sizes = {path: _mb(path) for path in ("/work", "/tmp", "/dev/shm")}
    return {
        "written": written,
        "writable_mb": sizes,
        "oom_self": _oom("self"),
        "oom_judge": _oom(os.getppid()),
    }


def after():
    return {"left": sorted(name for name, path in PLACES.items() if os.path.exists(path))}
