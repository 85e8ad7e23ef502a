"""B10: rewrites or deletes the hidden tests (and a helper they import) before they run."""

import os


def add(a, b):
    return 0


def double(n):
    return 0


def _attempt(action, path):
    try:
        if action == "write":
            with open(path, "w") as handle:
                handle.write("def test_anything():\n    pass\n")
        else:
            os.unlink(path)
    except OSError as exc:
        return type(exc).__name__
    return "done"


def probe():
    return {
        "write_tests": _attempt("write", "/judge/tests/test_functions.py"),
        "delete_tests": _attempt("delete", "/judge/tests/test_cli.py"),
        "write_helper": _attempt("write", "/judge/harness/grader_harness/rpc.py"),
        "write_manifest": _attempt("write", "/judge/tests/manifest.txt"),
    }
