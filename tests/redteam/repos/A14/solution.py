"""A14: probe() tries to swap the judge's results file and folders for symlinks to host paths."""

import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _try(action, *args):
    try:
        action(*args)
    except OSError as exc:
        return type(exc).__name__
    return "done"


def probe():
    return {
        "replace_results": _try(os.symlink, "/etc/cron.d/pwned", "/judge/out/results.jsonl"),
        "unlink_results": _try(os.unlink, "/judge/out/results.jsonl"),
        "replace_out": _try(os.rename, "/judge/out", "/judge/out.old"),
        "link_in_work": _try(os.symlink, "/judge/out/results.jsonl", "/work/results.jsonl"),
        "link_submission": _try(os.symlink, "/etc/passwd", "/submission/solution2.py"),
    }
