"""Mistakes are refused with a message and a non-zero exit code, and change nothing."""

import pytest
from tracker import TaskCli, assert_clean_failure, load_tasks

pytestmark = pytest.mark.category("errors")


@pytest.fixture
def tracker(task: TaskCli) -> TaskCli:
    task.ok("add", "Buy milk")
    return task


def _unchanged() -> None:
    assert [(t["id"], t["description"], t["status"]) for t in load_tasks()] == [
        (1, "Buy milk", "todo")
    ]


@pytest.mark.parametrize(
    "command",
    [["update", "99", "Something"], ["delete", "99"], ["mark-done", "99"]],
    ids=["update", "delete", "mark-done"],
)
def test_unknown_id_is_refused(tracker: TaskCli, command: list[str]) -> None:
    assert_clean_failure(tracker(*command))
    _unchanged()


def test_non_numeric_id_is_refused(tracker: TaskCli) -> None:
    assert_clean_failure(tracker("mark-in-progress", "first"))
    _unchanged()


def test_add_without_a_description_is_refused(tracker: TaskCli) -> None:
    assert_clean_failure(tracker("add"))
    _unchanged()


def test_unknown_command_is_refused(tracker: TaskCli) -> None:
    result = tracker("frobnicate", "1")
    assert_clean_failure(result)
    assert result.output.strip(), "say what went wrong"
    _unchanged()
