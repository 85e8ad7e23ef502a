"""Line numbers for keys of a TOML file, so a problem can point at the line to fix.

Good enough for ``challenge.toml``-shaped files (top-level keys, ``[table]`` and
``[[array]]`` sections); anything it cannot place points at the section or line 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")


def _key_line(lines: Sequence[str], key: str, start: int, stop: int) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number in range(start, stop):
        if pattern.match(lines[number]):
            return number + 1
    return None


def _section(lines: Sequence[str], name: str, index: int) -> tuple[int, int] | None:
    """The 0-based (header, end) lines of the ``index``-th ``[name]``/``[[name]]`` section."""
    headers = [n for n, text in enumerate(lines) if _HEADER.match(text)]
    mine = [n for n in headers if (m := _HEADER.match(lines[n])) and m.group(1) == name]
    if index >= len(mine):
        return None
    begin = mine[index]
    later = [n for n in headers if n > begin]
    return begin, later[0] if later else len(lines)


def line_of(text: str, loc: Sequence[str | int]) -> int:
    """The 1-based line where ``loc`` (as pydantic reports it) is set; 1 when unknown."""
    lines = text.splitlines()
    if not loc or not isinstance(loc[0], str):
        return 1
    first_header = next((n for n, t in enumerate(lines) if _HEADER.match(t)), len(lines))
    top = _key_line(lines, loc[0], 0, first_header)
    rest = list(loc[1:])
    index = 0
    if rest and isinstance(rest[0], int):
        index = rest.pop(0)  # type: ignore[assignment]
    section = _section(lines, loc[0], index)
    if section is None:
        return top or 1
    begin, end = section
    if rest and isinstance(rest[0], str):
        return _key_line(lines, rest[0], begin + 1, end) or begin + 1
    return begin + 1
