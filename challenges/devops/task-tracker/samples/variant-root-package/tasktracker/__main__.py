"""Command line: task-cli add|update|delete|mark-in-progress|mark-done|list."""

from __future__ import annotations

import argparse
import sys

from tasktracker.repository import STATUSES, TaskNotFound, TaskRepository


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="task-cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("add").add_argument("description")
    update = sub.add_parser("update")
    update.add_argument("task_id", type=int)
    update.add_argument("description")
    for name in ("delete", "mark-in-progress", "mark-done"):
        sub.add_parser(name).add_argument("task_id", type=int)
    sub.add_parser("list").add_argument("status", nargs="?", choices=STATUSES)
    return parser


def execute(args: argparse.Namespace, repo: TaskRepository) -> str:
    if args.command == "add":
        return f"Task added successfully (ID: {repo.add(args.description)})"
    if args.command == "list":
        rows = repo.by_status(args.status)
        return "\n".join(f"{t['id']}\t{t['status']}\t{t['description']}" for t in rows)
    if args.command == "update":
        repo.change(args.task_id, description=args.description)
    elif args.command == "delete":
        repo.remove(args.task_id)
    else:
        repo.change(args.task_id, status=args.command.removeprefix("mark-"))
    return f"Task {args.task_id} saved ({args.command})"


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    repo = TaskRepository()
    try:
        message = execute(args, repo)
    except TaskNotFound as exc:
        print(f"No task with ID {exc.args[0]}.", file=sys.stderr)
        return 1
    if args.command != "list":
        repo.commit()
    if message:
        print(message)
    return 0


if __name__ == "__main__":
    sys.exit(run())
