"""The JSON file behind the tracker."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATUSES = ("todo", "in-progress", "done")


class TaskNotFound(LookupError):
    pass


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TaskRepository:
    def __init__(self, path: Path = Path("tasks.json")) -> None:
        self.path = path
        self.tasks: list[dict[str, Any]] = (
            json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        )

    def commit(self) -> None:
        self.path.write_text(json.dumps(self.tasks, ensure_ascii=False, indent=1), "utf-8")

    def get(self, task_id: int) -> dict[str, Any]:
        for task in self.tasks:
            if task["id"] == task_id:
                return task
        raise TaskNotFound(task_id)

    def add(self, description: str) -> int:
        task_id = 1 + max((t["id"] for t in self.tasks), default=0)
        now = utc_now()
        self.tasks.append(
            {"id": task_id, "description": description, "status": "todo",
             "createdAt": now, "updatedAt": now}
        )
        return task_id

    def change(self, task_id: int, **fields: str) -> None:
        self.get(task_id).update(fields, updatedAt=utc_now())

    def remove(self, task_id: int) -> None:
        self.tasks.remove(self.get(task_id))

    def by_status(self, status: str | None) -> list[dict[str, Any]]:
        return [t for t in self.tasks if status in (None, t["status"])]
