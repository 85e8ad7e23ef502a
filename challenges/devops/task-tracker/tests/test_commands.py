"""add, update, delete, mark-in-progress and mark-done."""

import pytest
from tracker import TaskCli, load_tasks, task_by_id

pytestmark = pytest.mark.category("commands")


def test_add_prints_the_new_task_id(task: TaskCli) -> None:
    result = task.ok("add", "Buy milk")
    assert "Task added successfully (ID: 1)" in result.stdout


def test_each_new_task_gets_the_next_id(task: TaskCli) -> None:
    outputs = [task.ok("add", name).stdout for name in ("One", "Two", "Three")]
    for number, output in enumerate(outputs, 1):
        assert f"Task added successfully (ID: {number})" in output


def test_update_changes_the_description(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    task.ok("update", "1", "Buy oat milk")
    assert task_by_id(1)["description"] == "Buy oat milk"


def test_update_keeps_created_at_and_sets_updated_at(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    created = task_by_id(1)["createdAt"]
    task.ok("update", "1", "Buy oat milk")
    updated = task_by_id(1)
    assert updated["createdAt"] == created
    assert isinstance(updated["updatedAt"], str) and updated["updatedAt"]


def test_delete_removes_only_that_task(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    task.ok("add", "Write report")
    task.ok("delete", "1")
    assert [(t["id"], t["description"]) for t in load_tasks()] == [(2, "Write report")]


def test_mark_in_progress_sets_the_status(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    task.ok("mark-in-progress", "1")
    assert task_by_id(1)["status"] == "in-progress"


def test_mark_done_sets_the_status(task: TaskCli) -> None:
    task.ok("add", "Buy milk")
    task.ok("mark-in-progress", "1")
    task.ok("mark-done", "1")
    assert task_by_id(1)["status"] == "done"


def test_description_is_kept_exactly_as_typed(task: TaskCli) -> None:
    text = 'Call "Zoë" at 9:30 -- bring the café receipts & keys'
    task.ok("add", text)
    assert task_by_id(1)["description"] == text
