"""Hostile and slow variants of a CLI sample, for the hostile-run tests and the benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path

TASK_TRACKER_CLI = Path("src") / "task_tracker" / "cli.py"
MAIN = "def main(argv: list[str] | None = None) -> int:\n"
# A fork bomb that never exits: without the judge's limit detection each call waits it out.
BOMB = """    import os

    while True:
        try:
            os.fork()
        except OSError:
            pass
"""
# Honest but slow on one command of the hidden suite (`add "New task"`, used by one test).
SLOW = """    import time

    if argv is None and sys.argv[1:] == ["add", "New task"]:
        time.sleep(120)
"""


def variant(sample: Path, dest: Path, first_lines: str, cli: Path = TASK_TRACKER_CLI) -> Path:
    """A copy of ``sample`` at ``dest`` with ``first_lines`` run at the start of ``main()``."""
    folder = shutil.copytree(sample, dest)
    source = (folder / cli).read_text(encoding="utf-8")
    if MAIN not in source:
        raise ValueError(f"{folder / cli} has no `{MAIN.strip()}` to add lines to")
    (folder / cli).write_text(source.replace(MAIN, MAIN + first_lines), encoding="utf-8")
    return folder
