"""The results stream ``results.jsonl``: one JSON object a line, flushed as it happens."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

MESSAGE_CAP = 2000  # characters
# Bytes as written: ASCII-escaped JSON spends up to 12 bytes on one character (an emoji is
# "\\ud83d\\ude00"), so a character cap alone let ~45 emoji messages pass the host's 1 MiB cap.
BYTES_PER_CHAR = 2
STREAM_BUDGET = 768 * 1024  # past this, candidate text is dropped: the host refuses > 1 MiB
DROPPED = "(not kept: the results stream reached its size budget)"
_ELLIPSIS = "…"
_stream: IO[str] | None = None
_written = 0


def shorten(text: str, cap: int = MESSAGE_CAP) -> str:
    """At most ``cap`` characters and ``cap * BYTES_PER_CHAR`` bytes once JSON-encoded."""
    cut = text if len(text) <= cap else text[: cap - 1] + _ELLIPSIS
    return _fit(cut, cap * BYTES_PER_CHAR)


def encoded_size(text: str) -> int:
    """Bytes ``text`` takes inside an ASCII-escaped JSON string (without the quotes)."""
    return len(json.dumps(text, ensure_ascii=True)) - 2


def _fit(text: str, max_bytes: int) -> str:
    if encoded_size(text) <= max_bytes:
        return text
    budget = max_bytes - encoded_size(_ELLIPSIS)
    used = 0
    for index, char in enumerate(text):
        used += encoded_size(char)
        if used > budget:
            return text[:index] + _ELLIPSIS
    return text  # pragma: no cover - the whole text fits after all


def append(path: Path, event: dict[str, Any]) -> None:
    """Append one event to ``path`` (for the judge's own lines, before pytest starts)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(event, ensure_ascii=True) + "\n")


def open_stream(path: Path) -> None:
    global _stream, _written  # noqa: PLW0603 - one stream per judge process
    path.parent.mkdir(parents=True, exist_ok=True)
    _stream = path.open("a", encoding="utf-8", buffering=1)
    _written = path.stat().st_size  # the judge's own lines written before pytest started


def close_stream() -> None:
    global _stream  # noqa: PLW0603
    if _stream is not None:
        _stream.close()
        _stream = None


def write(event: dict[str, Any]) -> None:
    """Write one event; past :data:`STREAM_BUDGET` candidate text is left out.

    Many failing tests with long messages, or many facts holding what candidate code returned,
    could otherwise push the stream over the host's cap, and the run would be lost as an
    infrastructure fault though the text is the candidate's. Past the budget a test's message
    becomes :data:`DROPPED` and further facts are not written (the first values are kept).
    """
    global _written  # noqa: PLW0603 - one stream per judge process
    if _stream is None:
        log.warning("no results stream is open; dropped %s event", event.get("event"))
        return
    line = json.dumps(event, ensure_ascii=True) + "\n"
    if _written + len(line) > STREAM_BUDGET:
        if event.get("event") == "fact":
            return
        if event.get("message"):
            line = json.dumps({**event, "message": DROPPED}, ensure_ascii=True) + "\n"
    _written += len(line)
    _stream.write(line)
    _stream.flush()


def record_fact(key: str, value: str) -> None:
    """Tell the host a fact about this run, e.g. ``record_fact("entry_point", "main.py")``.

    Facts end up in the report (``GradeReport.facts``); the last value for a key wins.
    """
    write({"event": "fact", "key": shorten(str(key), 100), "value": shorten(str(value), 500)})
