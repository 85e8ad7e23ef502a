"""Judge-side setup of the Task Tracker suite: how to start the candidate's ``task-cli``.

Discovery (``grader_harness.entry``) reads the submission (owned by root, never
candidate-writable) and records what it chose as the ``entry_point`` fact, so the report can
say how the program was started. The program runs as a user runs it: from a fresh, empty
folder of its own, with the candidate's code reachable by path, so a ``tasks.json`` they
committed is never the starting state.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from grader_harness import record_fact
from grader_harness.entry import Entry, cli_entries
from grader_harness.workspace import use_empty_workspace
from tracker import TaskCli

SCRIPTS = ("task_cli.py", "task-cli.py", "main.py", "cli.py", "app.py")

use_empty_workspace()


def find_entry_point(root: Path) -> Entry | None:
    """The best way to start the candidate's CLI; ``None`` if nothing fits."""
    found = cli_entries(root, "task-cli", SCRIPTS)
    return found[0] if found else None


@pytest.fixture(scope="session")
def entry_point(submission: Path) -> Entry | None:
    found = find_entry_point(submission)
    record_fact("entry_point", found.how if found else "none found")
    return found


@pytest.fixture
def task(entry_point: Entry | None) -> TaskCli:
    """Runs ``task-cli <args>`` as the candidate in this test's fresh, empty folder."""
    return TaskCli(entry_point)
