"""Judge-side setup of the Task Tracker suite: how to start the candidate's ``task-cli``.

Discovery reads the submission (owned by root, never candidate-writable) and records what it
chose as the ``entry_point`` fact, so the report can say how the program was started.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from grader_harness import record_fact
from tracker import TaskCli

SCRIPTS = ("task_cli.py", "task-cli.py", "main.py", "cli.py", "app.py")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def _from_pyproject(root: Path) -> tuple[list[str], str] | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    target = data.get("project", {}).get("scripts", {}).get("task-cli")
    if not isinstance(target, str):
        return None
    module, _, func = target.replace(" ", "").partition(":")
    if not (_DOTTED.match(module) and _DOTTED.match(func)):
        return None
    code = f"import sys; sys.path[:0] = ['src', '.']; import {module} as m; sys.exit(m.{func}())"
    return ["python3", "-c", code], f"pyproject.toml [project.scripts] task-cli = {target}"


def find_entry_point(root: Path) -> tuple[list[str], str] | None:
    """The command that starts the candidate's CLI, and how it was found; ``None`` if nothing."""
    found = _from_pyproject(root)
    if found is not None:
        return found
    for folder in ("", "src/"):
        for name in SCRIPTS:
            if (root / folder / name).is_file():
                return ["python3", f"{folder}{name}"], f"{folder}{name}"
    return None


@pytest.fixture(scope="session")
def entry_point(submission: Path) -> list[str] | None:
    found = find_entry_point(submission)
    if found is None:
        record_fact("entry_point", "none found")
        return None
    argv, how = found
    record_fact("entry_point", how)
    return argv


@pytest.fixture
def task(entry_point: list[str] | None) -> TaskCli:
    """Runs ``task-cli <args>`` as the candidate in this test's fresh workspace."""
    return TaskCli(entry_point)
