"""Run the judge on the host, the way the container runs it, against temporary folders.

The layout mirrors docs/sandbox.md: a 0700 judge folder (tests, harness, out, wheels), a
world-readable submission, a 1777 work folder and a deps folder, all under one 0755 base in
/tmp so the candidate uid can reach what it should (pytest's own tmp_path is 0700).
Candidate processes run as ``CANDIDATE_UID``, a uid leased for this test process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox.uids import leased_uid

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "grader" / "harness" / "grader_harness"
FIXTURES = REPO / "tests" / "fixtures" / "challenges" / "fixture"
# A uid of this test process's own, leased like a run's (held until the process exits): two
# test runs on one host (worktrees, CI jobs) would otherwise kill each other's candidates.
_LEASE = leased_uid(f"harness-tests-{os.getpid()}")
CANDIDATE_UID = _LEASE.__enter__()
CANDIDATE_PATH = "/usr/bin:/bin"


@dataclass
class JudgeRun:
    exit_code: int
    events: list[dict[str, Any]]
    log: str

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["event"] == kind]

    @property
    def collected(self) -> list[str]:
        return [test["id"] for test in self.of("collected")[0]["tests"]]

    @property
    def statuses(self) -> dict[str, str]:
        return {event["id"].split("::")[-1]: event["status"] for event in self.of("test")}

    @property
    def messages(self) -> dict[str, str]:
        return {event["id"].split("::")[-1]: event["message"] for event in self.of("test")}


@contextmanager
def sandbox_base() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="grader-harness-", dir="/tmp"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def copy_readable(source: Path, target: Path) -> None:
    """Copy a tree with the modes the worker gives a submission: 0755 folders, 0644 files."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [target, *target.rglob("*")]:
        executable = path.is_dir() or os.access(path, os.X_OK)
        path.chmod(0o755 if executable else 0o644)


def candidate_env(base: Path, **extra: str) -> dict[str, str]:
    env = {
        "GRADER_JUDGE_DIR": str(base / "judge"),
        "GRADER_SUBMISSION_DIR": str(base / "submission"),
        "GRADER_WORK_DIR": str(base / "work"),
        "GRADER_SCRATCH_DIRS": str(base / "scratch"),
        "GRADER_DEPS_DIR": str(base / "deps"),
        "GRADER_CANDIDATE_UID": str(CANDIDATE_UID),
        "GRADER_CANDIDATE_PATH": CANDIDATE_PATH,
        "GRADER_CANDIDATE_NPROC": "128",
        "GRADER_TEST_SECONDS": "5",
    }
    env.update(extra)
    return env


def lay_out(base: Path, tests: Path, submission: Path, wheels: tuple[Path, ...] = ()) -> None:
    judge = base / "judge"
    (judge / "out").mkdir(parents=True)
    judge.chmod(0o700)
    shutil.copytree(tests, judge / "tests")
    shutil.copytree(
        HARNESS, judge / "harness" / "grader_harness", ignore=shutil.ignore_patterns("__pycache__")
    )
    (judge / "wheels").mkdir()
    for wheel in wheels:
        shutil.copy(wheel, judge / "wheels")
    copy_readable(submission, base / "submission")
    (base / "work").mkdir(mode=0o1777)
    (base / "work").chmod(0o1777)
    (base / "scratch").mkdir(mode=0o1777)
    (base / "scratch").chmod(0o1777)
    (base / "deps").mkdir(mode=0o755)


def run_judge(
    base: Path,
    tests: Path,
    submission: Path,
    *,
    python: str = sys.executable,
    wheels: tuple[Path, ...] = (),
    env: Mapping[str, str] | None = None,
) -> JudgeRun:
    lay_out(base, tests, submission, wheels)
    judge = base / "judge" / "harness" / "grader_harness" / "judge.py"
    done = subprocess.run(
        [python, "-I", "-B", str(judge)],
        env={"PATH": os.environ["PATH"], **candidate_env(base, **(env or {}))},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    lines = (base / "judge" / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return JudgeRun(
        done.returncode, [json.loads(line) for line in lines], done.stdout + done.stderr
    )


def run_fixture(
    base: Path, challenge: str, submission: str, *, python: str = sys.executable
) -> JudgeRun:
    root = FIXTURES / challenge
    return run_judge(base, root / "tests", root / "submissions" / submission, python=python)


def manifest(tests: Path) -> list[str]:
    lines = (tests / "manifest.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def candidate_processes() -> list[int]:
    """Live (non-zombie) processes of the test candidate uid, anywhere on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text(encoding="utf-8")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        alive = not fields.get("State", "").strip().startswith("Z")
        if fields.get("Uid", "").split()[:1] == [str(CANDIDATE_UID)] and alive:
            found.append(int(entry.name))
    return found
