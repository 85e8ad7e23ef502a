"""list, and list done / todo / in-progress."""

import pytest
from tracker import TaskCli, assert_clean_failure

pytestmark = pytest.mark.category("listing")

TASKS = {"todo": "Buy milk", "in-progress": "Write report", "done": "Call plumber"}


@pytest.fixture
def tracker(task: TaskCli) -> TaskCli:
    for description in TASKS.values():
        task.ok("add", description)
    task.ok("mark-in-progress", "2")
    task.ok("mark-done", "3")
    return task


def test_list_shows_every_task(tracker: TaskCli) -> None:
    listing = tracker.ok("list").stdout
    missing = [description for description in TASKS.values() if description not in listing]
    assert missing == [], f"list does not show {missing}"


@pytest.mark.parametrize("status", ["done", "todo", "in-progress"])
def test_list_with_a_status_shows_only_those_tasks(tracker: TaskCli, status: str) -> None:
    listing = tracker.ok("list", status).stdout
    shown = {s for s, description in TASKS.items() if description in listing}
    assert shown == {status}


def test_list_of_an_empty_tracker_succeeds(task: TaskCli) -> None:
    result = task("list")
    assert result.returncode == 0
    assert "Traceback" not in result.output


def test_list_with_an_unknown_status_is_refused(tracker: TaskCli) -> None:
    assert_clean_failure(tracker("list", "someday"))
