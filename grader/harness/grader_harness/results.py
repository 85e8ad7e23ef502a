"""The results stream ``results.jsonl``: one JSON object a line, flushed as it happens."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

MESSAGE_CAP = 2000
_stream: IO[str] | None = None


def shorten(text: str, cap: int = MESSAGE_CAP) -> str:
    return text if len(text) <= cap else text[: cap - 1] + "…"


def append(path: Path, event: dict[str, Any]) -> None:
    """Append one event to ``path`` (for the judge's own lines, before pytest starts)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(event, ensure_ascii=True) + "\n")


def open_stream(path: Path) -> None:
    global _stream  # noqa: PLW0603 - one stream per judge process
    path.parent.mkdir(parents=True, exist_ok=True)
    _stream = path.open("a", encoding="utf-8", buffering=1)


def close_stream() -> None:
    global _stream  # noqa: PLW0603
    if _stream is not None:
        _stream.close()
        _stream = None


def write(event: dict[str, Any]) -> None:
    if _stream is None:
        log.warning("no results stream is open; dropped %s event", event.get("event"))
        return
    _stream.write(json.dumps(event, ensure_ascii=True) + "\n")
    _stream.flush()


def record_fact(key: str, value: str) -> None:
    """Tell the host a fact about this run, e.g. ``record_fact("entry_point", "main.py")``.

    Facts end up in the report (``GradeReport.facts``); the last value for a key wins.
    """
    write({"event": "fact", "key": shorten(str(key), 100), "value": shorten(str(value), 500)})
