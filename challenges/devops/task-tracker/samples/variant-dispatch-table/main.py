"""task-cli: track tasks in ./tasks.json (standard library only)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

STORE = Path("tasks.json")
STATUSES = ("todo", "in-progress", "done")
USAGE = """usage: task-cli <command> [arguments]

  add <description>         update <id> <description>    delete <id>
  mark-in-progress <id>     mark-done <id>               list [todo|in-progress|done]"""


class UsageError(Exception):
    """Something the user typed that we cannot do."""


@dataclass
class Task:
    id: int
    description: str
    status: str
    createdAt: str  # noqa: N815 - the file's field names
    updatedAt: str  # noqa: N815


def stamp() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def read_tasks() -> list[Task]:
    if not STORE.exists():
        return []
    try:
        return [Task(**item) for item in json.loads(STORE.read_text(encoding="utf-8"))]
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{STORE} is damaged: {exc}") from exc


def write_tasks(tasks: list[Task]) -> None:
    text = json.dumps([asdict(t) for t in tasks], indent=2, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=".", prefix=".tasks-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(tmp, STORE)


def parse_id(text: str) -> int:
    if not text.isdigit():
        raise UsageError(f"task ID must be a whole number, not {text!r}")
    return int(text)


def locate(tasks: list[Task], raw_id: str) -> Task:
    wanted = parse_id(raw_id)
    for task in tasks:
        if task.id == wanted:
            return task
    raise UsageError(f"there is no task with ID {wanted}")


def cmd_add(description: str) -> str:
    tasks = read_tasks()
    new_id = max((t.id for t in tasks), default=0) + 1
    now = stamp()
    tasks.append(Task(new_id, description, "todo", now, now))
    write_tasks(tasks)
    return f"Task added successfully (ID: {new_id})"


def cmd_update(raw_id: str, description: str) -> str:
    tasks = read_tasks()
    task = locate(tasks, raw_id)
    task.description, task.updatedAt = description, stamp()
    write_tasks(tasks)
    return f"Task {task.id} updated"


def cmd_delete(raw_id: str) -> str:
    tasks = read_tasks()
    task = locate(tasks, raw_id)
    write_tasks([t for t in tasks if t is not task])
    return f"Task {task.id} deleted"


def set_status(status: str) -> Callable[[str], str]:
    def command(raw_id: str) -> str:
        tasks = read_tasks()
        task = locate(tasks, raw_id)
        task.status, task.updatedAt = status, stamp()
        write_tasks(tasks)
        return f"Task {task.id} is now {status}"

    return command


def cmd_list(*status: str) -> str:
    if status and status[0] not in STATUSES:
        raise UsageError(f"unknown status {status[0]!r}; use one of {', '.join(STATUSES)}")
    shown = [t for t in read_tasks() if not status or t.status == status[0]]
    lines = [f"[{t.id}] {t.status:<11} {t.description}" for t in shown]
    return "\n".join(lines) or "Nothing here yet."


COMMANDS: dict[str, tuple[Callable[..., str], range]] = {
    "add": (cmd_add, range(1, 2)),
    "update": (cmd_update, range(2, 3)),
    "delete": (cmd_delete, range(1, 2)),
    "mark-in-progress": (set_status("in-progress"), range(1, 2)),
    "mark-done": (set_status("done"), range(1, 2)),
    "list": (cmd_list, range(0, 2)),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(USAGE, file=sys.stderr)
        return 2
    command, arity = COMMANDS[argv[0]]
    if len(argv) - 1 not in arity:
        print(f"wrong number of arguments for {argv[0]}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        print(command(*argv[1:]))
    except UsageError as exc:
        print(f"task-cli: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
