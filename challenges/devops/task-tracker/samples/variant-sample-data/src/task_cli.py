"""task-cli: a to-do list in ./tasks.json, standard library only."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FILE = Path.cwd() / "tasks.json"
STATUSES = {"todo", "in-progress", "done"}
FIELDS = {"id": int, "description": str, "status": str, "createdAt": str, "updatedAt": str}


class Refused(Exception):
    pass


def load() -> list[dict[str, Any]]:
    if not FILE.exists():
        return []
    try:
        tasks = json.loads(FILE.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise Refused(f"tasks.json is not valid JSON ({exc})") from exc
    for task in tasks:
        bad = [name for name, kind in FIELDS.items() if not isinstance(task.get(name), kind)]
        if bad or task["status"] not in STATUSES:
            raise Refused(f"tasks.json holds a damaged task: {task!r}")
    return tasks


def save(tasks: list[dict[str, Any]]) -> None:
    FILE.write_text(json.dumps(tasks, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Refused(f"expected a task ID (a whole number), got {text!r}") from None


def pick(tasks: list[dict[str, Any]], text: str) -> dict[str, Any]:
    task_id = number(text)
    found = next((t for t in tasks if t["id"] == task_id), None)
    if found is None:
        raise Refused(f"task {task_id} does not exist")
    return found


def run(command: str, args: list[str]) -> str:
    tasks = load()
    if command == "add" and len(args) == 1:
        new = max((t["id"] for t in tasks), default=0) + 1
        tasks.append({"id": new, "description": args[0], "status": "todo",
                      "createdAt": now(), "updatedAt": now()})
        save(tasks)
        return f"Task added successfully (ID: {new})"
    if command == "list" and len(args) <= 1:
        if args and args[0] not in STATUSES:
            raise Refused(f"unknown status {args[0]!r}")
        return "\n".join(
            f"#{t['id']} ({t['status']}) {t['description']}"
            for t in tasks if not args or t["status"] == args[0]
        ) or "(no tasks)"
    if command == "update" and len(args) == 2:
        task = pick(tasks, args[0])
        task.update(description=args[1], updatedAt=now())
    elif command == "delete" and len(args) == 1:
        tasks.remove(pick(tasks, args[0]))
    elif command in ("mark-in-progress", "mark-done") and len(args) == 1:
        pick(tasks, args[0]).update(status=command[5:], updatedAt=now())
    else:
        raise Refused(f"cannot run {' '.join([command, *args])!r}; see README.md")
    save(tasks)
    return "OK"


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: task-cli <command> [args]", file=sys.stderr)
        return 2
    try:
        print(run(sys.argv[1], sys.argv[2:]))
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
