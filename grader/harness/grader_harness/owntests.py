"""The candidate's own tests, run after the hidden suite: a reviewer signal, never a score.

Runs once pytest's hidden session has ended (the canary included) and every candidate process
is killed: the image's pytest (the candidate's, when their dependencies ship one), as the
candidate uid, in a fresh copy of the submission, bounded in time, output read through the
bounded drain. Under ``coverage`` when the candidate's Python can import it, else pass counts
only and the note says so. The judge writes one ``own_tests`` event *after* ``finished``; the
host accepts exactly one there and nothing else, so it cannot change a hidden-test result.

Everything here is read from candidate-controlled output: the counts are as trustworthy as the
candidate's own test code, which is all they claim to describe.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import _config
from ._proc import CandidateProcess
from .errors import CandidateError
from .workspace import new_workspace, reset_writable

MIN_SECONDS = 5.0  # less than this left of the run's wall clock: not worth starting
MARGIN_SECONDS = 15.0  # kept free before the wall clock, for the judge to finish writing
TEST_FILES = ("test_*.py", "*_test.py")
SKIP_DIRS = {".git", ".venv", "venv", "env", "node_modules", "__pycache__", "site-packages"}
_SUMMARY = re.compile(r"^=*\s*(?P<body>(?:\d+ \w+(?:, )?)+) in [\d.]+s")
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)")
_TOTAL = re.compile(r"^TOTAL\s.*?(\d{1,3}(?:\.\d+)?)%\s*$")
OMIT = "*/test_*.py,*/*_test.py,*/conftest.py,*/tests/*"  # coverage of their code, not tests
_COVERAGE_CHECK = "import coverage"


@dataclass(frozen=True, slots=True)
class OwnTests:
    collected: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    coverage: float | None = None
    note: str = ""

    def event(self) -> dict[str, Any]:
        return {"event": "own_tests", **asdict(self)}


def has_test_files(root: Path, limit: int = 20000) -> bool:
    """Whether the submission holds a pytest-style test file (bounded walk, no symlinks)."""
    seen = 0
    stack = [root]
    while stack and seen < limit:
        folder = stack.pop()
        for entry in sorted(folder.iterdir()):
            seen += 1
            if entry.is_symlink():
                continue
            if entry.is_dir() and entry.name not in SKIP_DIRS:
                stack.append(entry)
            elif entry.is_file() and any(entry.match(p) for p in TEST_FILES):
                return True
    return False


def parse_summary(output: str) -> OwnTests | None:
    """Counts from pytest's last summary line (``1 failed, 2 passed in 0.1s``), or ``None``."""
    lines = [m["body"] for line in output.splitlines() if (m := _SUMMARY.match(line.strip()))]
    if not lines:
        return None
    counts: dict[str, int] = {}
    for number, word in _COUNT.findall(lines[-1]):
        counts[word.rstrip("s") if word.startswith("error") else word] = int(number)
    passed, failed, errors = (
        counts.get("passed", 0),
        counts.get("failed", 0),
        counts.get("error", 0),
    )
    others = sum(counts.get(k, 0) for k in ("skipped", "xfailed", "xpassed"))
    return OwnTests(passed + failed + errors + others, passed, failed, errors)


def parse_total(output: str) -> float | None:
    """The percent on ``coverage report``'s last ``TOTAL`` line, or ``None``."""
    found = [m[1] for line in output.splitlines() if (m := _TOTAL.match(line.strip()))]
    return min(float(found[-1]), 100.0) if found else None


def _run(argv: list[str], cwd: Path, seconds: float) -> tuple[int | None, str]:
    env = {"PYTHONPATH": f"{cwd}/src:{cwd}:{_config.deps_dir()}"}
    proc = CandidateProcess(argv, cwd=cwd, env=env)
    try:
        finished = proc.wait(seconds)
    finally:
        proc.stop()
    assert proc.stdout is not None
    return (proc.proc.returncode if finished else None), proc.stdout.text()


def run(started: float) -> OwnTests:
    """Run the candidate's tests within what is left of the run (``started``: monotonic)."""
    budget = _config.own_tests_seconds()
    left = _config.wall_seconds() - (time.monotonic() - started) - MARGIN_SECONDS
    if budget <= 0:
        return OwnTests(note="not run: switched off for this run")
    if not has_test_files(_config.submission_dir()):
        return OwnTests(note="no test files (test_*.py, *_test.py) in the repository")
    if min(budget, left) < MIN_SECONDS:
        return OwnTests(note="not run: too little of the run's time was left")
    try:
        return _measure(min(budget, left))
    except (CandidateError, RuntimeError, OSError) as exc:
        return OwnTests(note=f"could not be run: {str(exc)[:200]}")


def _measure(seconds: float) -> OwnTests:
    reset_writable()
    folder = new_workspace()
    deadline = time.monotonic() + seconds
    covered, _out = _run(["python3", "-c", _COVERAGE_CHECK], folder, min(10.0, seconds))
    pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]
    prefix = ["-m", "coverage", "run", "--source=.", f"--omit={OMIT}"] if covered == 0 else []
    code, output = _run(["python3", *prefix, *pytest], folder, deadline - time.monotonic())
    if code is None:
        return OwnTests(note=f"stopped: they did not finish within {seconds:.0f} s")
    found = parse_summary(output)
    if found is None:
        return OwnTests(note=f"pytest ended with exit code {code} and no summary")
    if code == 5:  # pytest: no tests collected
        return OwnTests(note="pytest collected no tests")
    total = None
    if covered == 0:
        left = max(1.0, deadline - time.monotonic())
        _code, report = _run(["python3", "-m", "coverage", "report"], folder, left)
        total = parse_total(report)
    note = "line coverage measured" if total is not None else "coverage could not be measured"
    if covered != 0:
        note = "coverage is not installed in the image: pass counts only"
    return OwnTests(found.collected, found.passed, found.failed, found.errors, total, note)
