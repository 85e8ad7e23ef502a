"""Helpers the hidden Task Tracker tests share (judge side: never runs candidate code itself)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from grader_harness import CliResult, read_file, run_cli
from grader_harness.entry import Entry, resolve_argv
from grader_harness.workspace import current_code

TRACEBACK = "Traceback (most recent call last)"
NO_ENTRY_POINT = (
    "could not find how to start task-cli: no [project.scripts] entry in pyproject.toml, "
    "no `python ...` command in the README, no package with a __main__.py, and none of "
    "task_cli.py, task-cli.py, main.py, cli.py, app.py at the repository root or under src/"
)


class TaskCli:
    """``task("add", "Buy milk")`` runs the candidate's CLI with those arguments."""

    def __init__(self, entry_point: Entry | None) -> None:
        self.entry_point = entry_point

    def __call__(self, *args: str) -> CliResult:
        if self.entry_point is None:
            pytest.fail(NO_ENTRY_POINT, pytrace=False)
        return run_cli([*resolve_argv(self.entry_point, current_code()), *args])

    def ok(self, *args: str) -> CliResult:
        """Run a command that must succeed."""
        result = self(*args)
        assert result.returncode == 0, f"`task-cli {' '.join(args)}` failed: {result.output}"
        return result


def load_tasks() -> list[dict[str, Any]]:
    """The tasks in the workspace's tasks.json (a JSON array; ``{"tasks": [...]}`` tolerated)."""
    text = read_file("tasks.json")
    try:
        data = json.loads(text)
    except ValueError as exc:
        pytest.fail(f"tasks.json is not valid JSON: {exc}", pytrace=False)
    if isinstance(data, dict) and isinstance(data.get("tasks"), list):
        data = data["tasks"]
    assert isinstance(data, list), "tasks.json should hold a JSON array of tasks"
    assert all(isinstance(task, dict) for task in data), "every task should be a JSON object"
    return data


def task_by_id(task_id: int) -> dict[str, Any]:
    matches = [task for task in load_tasks() if task.get("id") == task_id]
    assert len(matches) == 1, f"expected exactly one task with id {task_id} in tasks.json"
    return matches[0]


def seed_tasks(tasks: list[dict[str, Any]]) -> None:
    """Write tasks.json as the candidate would find it from an earlier session."""
    result = run_cli(["sh", "-c", "cat > tasks.json"], stdin=json.dumps(tasks))
    assert result.returncode == 0, result.stderr


def assert_clean_failure(result: CliResult) -> None:
    """Refused with a non-zero exit code and without a Python traceback."""
    assert TRACEBACK not in result.output, "the user saw a Python traceback"
    assert result.returncode != 0, "a mistake should end with a non-zero exit code"
