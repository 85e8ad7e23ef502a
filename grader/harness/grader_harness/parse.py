"""``parse_in_child``: parse a file the candidate produced in a process of its own.

Parsers of rich formats (Parquet, Excel, images...) are large native libraries; a bug in one
fed hostile bytes must not run code in the judge, which holds the run's nonce and writes the
results. So the parsing runs in a fresh ``python3 -I`` as the candidate uid (no nonce, no
capabilities, the candidate's rlimits, the judge's folders unreadable), and only JSON comes
back, decoded by the standard library. The worst a parser bug can do there is what candidate
code can do anyway.
"""

from __future__ import annotations

import json
import queue
import time
from pathlib import Path
from typing import Any

from . import _config
from ._proc import CandidateProcess
from .errors import CandidateError


def parse_in_child(
    script: str, data: bytes, *, timeout: float | None = None, cwd: str | Path | None = None
) -> Any:
    """Run ``python3 -I -c script`` as the candidate with ``data`` on stdin; return the JSON
    value it prints as its first line of output.

    ``script`` is the parser: it reads stdin and prints one line of JSON. Raises
    ``CandidateError`` when it fails (the candidate's file could not be parsed), and the
    usual verdicts when it runs out of time or memory (a file built to exhaust the parser).
    """
    seconds = timeout if timeout is not None else _config.test_seconds()
    folder = Path(cwd) if cwd is not None else _config.work_dir()
    started = time.monotonic()
    proc = CandidateProcess(
        ["python3", "-I", "-c", script], cwd=folder, stdin=data, line_stdout=True
    )
    assert proc.lines is not None
    try:
        line = proc.lines.queue.get(timeout=seconds)
        finished = proc.wait(max(0.0, seconds - (time.monotonic() - started)))
    except queue.Empty:
        line, finished = None, False
    finally:
        proc.stop()
    verdict = proc.verdict(timed_out=not finished, seconds=seconds, failed=not line)
    if verdict is not None:
        raise verdict
    if not line or proc.proc.returncode != 0:
        why = proc.stderr.text().strip()[-500:] or "no output"
        raise CandidateError(f"the file could not be parsed: {why}")
    try:
        return json.loads(line)
    except ValueError as exc:
        raise CandidateError(f"the parser's answer is not JSON: {exc}") from exc
