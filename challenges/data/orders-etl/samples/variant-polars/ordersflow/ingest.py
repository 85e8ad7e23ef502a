"""Files to string columns; unreadable lines reported as malformed."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = ["order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at"]


@dataclass
class Batch:
    source: str
    lines: list[str]
    rows: dict[str, list[str | None]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    line_numbers: list[int] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)

    def add(self, number: int, record: dict[str, str | None]) -> None:
        self.line_numbers.append(number)
        for name in FIELDS:
            self.rows[name].append(record.get(name))

    def raw(self, number: int) -> str:
        return self.lines[number - 1].removesuffix("\r")


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def from_csv(path: Path) -> Batch:
    batch = Batch(path.name, path.read_text(encoding="utf-8-sig").split("\n"))
    reader = csv.reader(batch.lines)
    header = [name.strip() for name in next(reader, [])]
    for values in reader:
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) != len(header):
            batch.malformed.append(reader.line_num)
        else:
            batch.add(reader.line_num, dict(zip(header, values)))
    return batch


def from_jsonl(path: Path) -> Batch:
    batch = Batch(path.name, path.read_text(encoding="utf-8-sig").split("\n"))
    for number, text in enumerate(batch.lines, 1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if isinstance(record, dict):
            batch.add(number, {name: _as_text(record.get(name)) for name in FIELDS})
        else:
            batch.malformed.append(number)
    return batch


READERS = {".csv": from_csv, ".jsonl": from_jsonl}
