"""Reading and writing tasks.json."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

STATUSES = ("todo", "in-progress", "done")


class TaskNotFound(LookupError):
    pass


class StoreError(Exception):
    pass


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Task:
    id: int
    description: str
    status: str
    createdAt: str  # noqa: N815 - the file format's field names
    updatedAt: str  # noqa: N815


class TaskStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Task]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise StoreError(f"could not read {self.path}: {exc}") from exc
        try:
            return [Task(**item) for item in raw]
        except TypeError as exc:
            raise StoreError(f"{self.path} has an unexpected shape") from exc

    def save(self, tasks: list[Task]) -> None:
        data = json.dumps([asdict(t) for t in tasks], indent=2, ensure_ascii=False)
        handle, temp = tempfile.mkstemp(dir=self.path.parent or ".", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(data + "\n")
        os.replace(temp, self.path)

    def add(self, description: str) -> Task:
        tasks = self.load()
        stamp = timestamp()
        task = Task(max((t.id for t in tasks), default=0) + 1, description, "todo", stamp, stamp)
        self.save([*tasks, task])
        return task

    def change(self, task_id: int, **fields: str) -> Task:
        tasks = self.load()
        task = self._find(tasks, task_id)
        for name, value in fields.items():
            setattr(task, name, value)
        task.updatedAt = timestamp()
        self.save(tasks)
        return task

    def delete(self, task_id: int) -> None:
        tasks = self.load()
        task = self._find(tasks, task_id)
        self.save([t for t in tasks if t is not task])

    @staticmethod
    def _find(tasks: list[Task], task_id: int) -> Task:
        for task in tasks:
            if task.id == task_id:
                return task
        raise TaskNotFound(f"task {task_id} does not exist")
