"""Code signals from ruff: the hiring guide's red flags, found by a maintained linter.

Ruff runs as a subprocess on a copy of the candidate's Python files written to a temporary
folder: candidate code is never imported, the candidate's own ruff configuration is never read
(``--isolated``; only ``.py`` files are copied), and the run is bounded in time and memory.
The rule selection is pinned here (:data:`SELECT`), so a report means the same thing across runs.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, ValidationError

from grader.analyse.rules import Hit

logger = logging.getLogger(__name__)

# B006/B008 mutable and call defaults, E722/BLE001/S110/S112 bare and swallowed excepts,
# T201 print, ASYNC blocking calls in async functions, ANN401 `Any`, C901 complexity,
# S security smells, F pyflakes (unused and undefined names).
SELECT = ("B006", "B008", "E722", "BLE001", "S", "T201", "ASYNC", "ANN401", "C901", "F")
IGNORE = (
    "S101",  # assert: how pytest tests speak
    "S311",  # random for non-crypto use is normal in a take-home
    "S603",  # subprocess with an argument list is the safe way
    "S607",  # a program looked up on PATH
    "S404",  # importing subprocess says nothing
    "S105",  # hardcoded passwords: grader.analyse.hygiene knows placeholders and key formats
    "S106",
    "S107",
)
MAX_COMPLEXITY = 10
TIMEOUT_SECONDS = 20
MEMORY_BYTES = 1024**3
MAX_OUTPUT_BYTES = 8 * 1024**2

# ruff code (or prefix) -> the analyser's rule id, most specific first
_RULE_OF: tuple[tuple[str, str], ...] = (
    ("E722", "bare-except"),
    ("BLE001", "swallowed-exception"),
    ("S110", "swallowed-exception"),
    ("S112", "swallowed-exception"),
    ("B006", "mutable-default"),
    ("B008", "mutable-default"),
    ("T201", "print-call"),
    ("ASYNC", "blocking-async"),
    ("ANN401", "any-annotation"),
    ("C901", "complex-function"),
    ("S102", "dangerous-call"),
    ("S307", "dangerous-call"),
    ("S602", "dangerous-call"),
    ("S604", "dangerous-call"),
    ("S605", "dangerous-call"),
    ("S608", "sql-injection"),
    ("S", "security-smell"),
    ("F821", "undefined-name"),
    ("F822", "undefined-name"),
    ("F", "unused-code"),
)
_ADVICE = {
    "bare-except": "catch the exceptions you expect",
    "swallowed-exception": "failures pass silently; log or re-raise",
    "mutable-default": "default to None and create the value inside",
    "print-call": "use logging, or return the value to the caller",
    "blocking-async": "a blocking call stalls every other request on the event loop",
}


class _Location(BaseModel):
    model_config = ConfigDict(extra="ignore")
    row: int


class _Diagnostic(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str | None
    message: str
    filename: str
    location: _Location


class LintError(Exception):
    """Ruff could not give an answer (timed out, crashed, unreadable output)."""


def rule_of(code: str) -> str | None:
    """The analyser's rule id for a ruff code, or None when the code is not a red flag."""
    return next((rule for prefix, rule in _RULE_OF if code.startswith(prefix)), None)


def lint(files: Mapping[str, bytes]) -> Iterator[Hit]:
    """Ruff's findings on the Python files of ``files`` (path -> content), as analyser hits.

    Raises :class:`LintError` when ruff cannot run or answer in time.
    """
    python = {p: d for p, d in files.items() if p.endswith(".py") and _safe(p)}
    if not python:
        return
    with tempfile.TemporaryDirectory(prefix="grader-lint-") as tmp:
        root = Path(tmp) / "tree"
        for path, data in python.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        diagnostics = _run_ruff(root, Path(tmp))
    for diagnostic in diagnostics:
        hit = _hit(diagnostic, root)
        if hit is not None:
            yield hit


def _safe(path: str) -> bool:
    p = PurePosixPath(path)
    return not p.is_absolute() and ".." not in p.parts and "" not in p.parts


def _run_ruff(root: Path, home: Path) -> list[_Diagnostic]:
    argv = [
        _ruff_bin(),
        "check",
        "--isolated",
        "--no-cache",
        "--exit-zero",
        "--no-fix",
        "--no-respect-gitignore",
        "--output-format=json",
        "--target-version=py311",
        f"--select={','.join(SELECT)}",
        f"--ignore={','.join(IGNORE)}",
        f"--config=lint.mccabe.max-complexity={MAX_COMPLEXITY}",
        ".",
    ]
    env = {"PATH": os.defpath, "HOME": str(home), "RAYON_NUM_THREADS": "1"}
    try:
        done = subprocess.run(
            argv,
            cwd=root,
            env=env,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired as exc:
        raise LintError(f"ruff did not finish within {TIMEOUT_SECONDS} s") from exc
    except OSError as exc:
        raise LintError(f"ruff could not be started: {exc}") from exc
    if done.returncode != 0 or len(done.stdout) > MAX_OUTPUT_BYTES:
        tail = done.stderr.decode("utf-8", "replace")[-300:]
        raise LintError(f"ruff exited with code {done.returncode}: {tail}")
    try:
        raw = json.loads(done.stdout)
        return [_Diagnostic.model_validate(item) for item in raw]
    except (ValueError, TypeError, ValidationError) as exc:
        raise LintError(f"ruff's output could not be read: {exc}") from exc


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _ruff_bin() -> str:
    """The ruff installed beside this Python (the pinned dependency), else the one on PATH."""
    bundled = Path(sysconfig.get_path("scripts")) / "ruff"
    if bundled.is_file():
        return str(bundled)
    found = shutil.which("ruff")
    if found is None:
        raise LintError(
            "ruff is not installed",
        )
    return found


def _hit(diagnostic: _Diagnostic, root: Path) -> Hit | None:
    rule = rule_of(diagnostic.code or "")
    if rule is None:
        return None
    try:
        path = Path(diagnostic.filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    advice = _ADVICE.get(rule)
    message = f"{diagnostic.message} ({diagnostic.code})"
    if advice:
        message = f"{message}: {advice}"
    return Hit(rule, message, path, diagnostic.location.row)
