"""The task-cli command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from task_tracker.store import STATUSES, StoreError, TaskNotFound, TaskStore


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="task-cli", description="Track your tasks.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("add").add_argument("description")
    update = sub.add_parser("update")
    update.add_argument("id", type=int)
    update.add_argument("description")
    for name in ("delete", "mark-in-progress", "mark-done"):
        sub.add_parser(name).add_argument("id", type=int)
    sub.add_parser("list").add_argument("status", nargs="?", choices=STATUSES)
    return parser


def run(args: argparse.Namespace, store: TaskStore) -> str:
    if args.command == "add":
        return f"Task added successfully (ID: {store.add(args.description).id})"
    if args.command == "update":
        store.change(args.id, description=args.description)
        return f"Task {args.id} updated"
    if args.command == "delete":
        store.delete(args.id)
        return f"Task {args.id} deleted"
    if args.command.startswith("mark-"):
        status = args.command.removeprefix("mark-")
        store.change(args.id, status=status)
        return f"Task {args.id} is now {status}"
    tasks = [t for t in store.load() if args.status in (None, t.status)]
    return "\n".join(f"[{t.id}] {t.status:<11} {t.description}" for t in tasks) or "No tasks"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(run(args, TaskStore(Path("tasks.json"))))
    except (TaskNotFound, StoreError) as exc:
        print(f"task-cli: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
