"""Task Tracker CLI: keeps your tasks in tasks.json in the current folder (reference solution)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

TASKS_FILE = Path("tasks.json")
STATUSES = ("todo", "in-progress", "done")


class TaskError(Exception):
    """A mistake the user can fix; printed without a traceback."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load() -> list[dict]:
    if not TASKS_FILE.exists():
        return []
    try:
        tasks = json.loads(TASKS_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TaskError(f"cannot read {TASKS_FILE}: {exc}") from exc
    if not isinstance(tasks, list):
        raise TaskError(f"{TASKS_FILE} should hold a JSON array of tasks")
    return tasks


def save(tasks: list[dict]) -> None:
    TASKS_FILE.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def find(tasks: list[dict], task_id: int) -> dict:
    for task in tasks:
        if task["id"] == task_id:
            return task
    raise TaskError(f"no task with ID {task_id}")


def add(args: argparse.Namespace) -> None:
    tasks = load()
    task_id = max((task["id"] for task in tasks), default=0) + 1
    stamp = now()
    tasks.append(
        {
            "id": task_id,
            "description": args.description,
            "status": "todo",
            "createdAt": stamp,
            "updatedAt": stamp,
        }
    )
    save(tasks)
    print(f"Task added successfully (ID: {task_id})")


def update(args: argparse.Namespace) -> None:
    tasks = load()
    task = find(tasks, args.id)
    task.update(description=args.description, updatedAt=now())
    save(tasks)
    print(f"Task {args.id} updated")


def delete(args: argparse.Namespace) -> None:
    tasks = load()
    task = find(tasks, args.id)
    tasks.remove(task)
    save(tasks)
    print(f"Task {args.id} deleted")


def mark(status: str):
    def run(args: argparse.Namespace) -> None:
        tasks = load()
        find(tasks, args.id).update(status=status, updatedAt=now())
        save(tasks)
        print(f"Task {args.id} marked {status}")

    return run


def show(args: argparse.Namespace) -> None:
    tasks = [t for t in load() if args.status is None or t["status"] == args.status]
    if not tasks:
        print("No tasks.")
    for task in tasks:
        print(f"{task['id']:>3}  {task['status']:<11}  {task['description']}")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="task-cli", description="Track your tasks.")
    commands = root.add_subparsers(dest="command", required=True, metavar="command")
    command = commands.add_parser("add", help="add a task")
    command.add_argument("description")
    command.set_defaults(run=add)
    command = commands.add_parser("update", help="change a task's description")
    command.add_argument("id", type=int)
    command.add_argument("description")
    command.set_defaults(run=update)
    for name, run in (
        ("delete", delete),
        ("mark-in-progress", mark("in-progress")),
        ("mark-done", mark("done")),
    ):
        command = commands.add_parser(name, help=f"{name.replace('-', ' ')} a task")
        command.add_argument("id", type=int)
        command.set_defaults(run=run)
    command = commands.add_parser("list", help="list tasks, optionally by status")
    command.add_argument("status", nargs="?", choices=STATUSES)
    command.set_defaults(run=show)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
