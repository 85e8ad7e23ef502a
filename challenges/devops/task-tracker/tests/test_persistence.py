"""tasks.json: created when missing, re-read on every run, in the documented shape."""

from datetime import datetime

import pytest
from grader_harness import read_file
from tracker import TaskCli, load_tasks, seed_tasks, task_by_id

pytestmark = pytest.mark.category("persistence")

FIELDS = {"id", "description", "status", "createdAt", "updatedAt"}


def test_tasks_json_is_created_in_the_current_folder(task: TaskCli) -> None:
    with pytest.raises(FileNotFoundError):
        read_file("tasks.json")
    task.ok("add", "Buy milk")
    assert len(load_tasks()) == 1


def test_a_new_task_has_every_field_and_starts_as_todo(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    (saved,) = load_tasks()
    assert set(saved) >= FIELDS, f"missing fields: {sorted(FIELDS - set(saved))}"
    assert (saved["id"], saved["description"], saved["status"]) == (1, "Buy milk", "todo")


def test_timestamps_are_iso_8601(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    saved = task_by_id(1)
    for field in ("createdAt", "updatedAt"):
        datetime.fromisoformat(str(saved[field]))  # raises on anything else


def test_tasks_survive_between_runs(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    task.ok("add", "Write report")
    listing = task.ok("list").stdout
    assert "Buy milk" in listing
    assert "Write report" in listing


def test_status_changes_are_saved(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    task.ok("add", "Write report")
    task.ok("mark-done", "2")
    assert [t["status"] for t in load_tasks()] == ["todo", "done"]


def test_an_existing_tasks_file_is_read_not_replaced(task: TaskCli) -> None:
    stamp = "2024-05-01T09:00:00+00:00"
    old = {"description": "Old task", "status": "done", "createdAt": stamp, "updatedAt": stamp}
    seed_tasks([{"id": 7, **old}])
    result = task.ok("add", "New task")
    assert "Task added successfully (ID: 8)" in result.stdout
    assert [(t["id"], t["description"]) for t in load_tasks()] == [(7, "Old task"), (8, "New task")]
