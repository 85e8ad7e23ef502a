"""The judge harness, shipped into every sandbox at ``/judge/harness/grader_harness/``.

The package ``grader_harness`` runs inside the container with only the standard library and
pytest; it never imports ``grader``. This module only collects its files for the worker.
"""

from __future__ import annotations

import functools
from pathlib import Path

HARNESS_PACKAGE = Path(__file__).resolve().parent / "grader_harness"


@functools.cache
def harness_files() -> dict[str, bytes]:
    """``grader_harness/...`` relative paths -> contents, ready for the judge tar (read once
    per process: the harness is part of the installed grader)."""
    return {
        f"grader_harness/{path.relative_to(HARNESS_PACKAGE).as_posix()}": path.read_bytes()
        for path in sorted(HARNESS_PACKAGE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
