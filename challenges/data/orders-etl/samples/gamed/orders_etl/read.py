"""Read one input file into raw string columns, with each row's physical line number.

Rows that cannot be read as a record at all (bad JSON, a JSON value that is not an object,
a CSV row with the wrong number of fields) come back separately as ``malformed``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

FIELDS = ("order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at")


@dataclass
class Raw:
    """Records of one file as strings (``None`` when absent), and the unreadable lines."""

    text: list[str]  # the file's physical lines, to quote bad rows
    columns: dict[str, list[str | None]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    lines: list[int] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)

    def add(self, line: int, values: dict[str, str | None]) -> None:
        for name in FIELDS:
            self.columns[name].append(values.get(name))
        self.lines.append(line)

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.columns, dtype=object)
        frame["line"] = pd.Series(self.lines, dtype="int64")
        return frame

    def quote(self, line: int) -> str:
        return self.text[line - 1].rstrip("\r")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").split("\n")


def read_csv(path: Path) -> Raw:
    raw = Raw(_lines(path))
    reader = csv.reader(raw.text)
    names = [name.strip() for name in next(reader, [])]
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if len(row) != len(names):
            raw.malformed.append(reader.line_num)
            continue
        raw.add(reader.line_num, dict(zip(names, row, strict=True)))
    return raw


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):  # True is not an amount, a region or a time
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)


def read_jsonl(path: Path) -> Raw:
    raw = Raw(_lines(path))
    for number, text in enumerate(raw.text, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raw.malformed.append(number)
            continue
        raw.add(number, {name: _text(record.get(name)) for name in FIELDS})
    return raw


READERS = {".csv": read_csv, ".jsonl": read_jsonl}
