"""The hidden tests of a challenge as the judge would collect them, found on the host.

``grader challenges lint`` needs the test IDs and their categories without Docker: a child
Python process runs pytest's collection with the judge's options (see ``_collector.py``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from grader.errors import ChallengeError

HARNESS_ROOT = Path(__file__).resolve().parent.parent / "harness"
COLLECTOR = Path(__file__).resolve().parent / "_collector.py"
COLLECT_SECONDS = 120


@dataclass(frozen=True, slots=True)
class CollectedTest:
    id: str
    category: str
    file: str  # relative to tests/
    line: int


@dataclass(frozen=True, slots=True)
class Collection:
    tests: tuple[CollectedTest, ...]
    stand_ins: tuple[str, ...] = ()  # packages the host lacks, replaced for collection only
    errors: tuple[str, ...] = ()  # modules pytest could not collect, with pytest's reason


class _Test(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    category: str
    file: str
    line: int


class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tests: list[_Test]
    stand_ins: list[str]
    errors: list[str]


def collect_on_host(tests_dir: Path) -> Collection:
    """Collect ``tests_dir`` with the judge's pytest options in a child process."""
    with tempfile.TemporaryDirectory(prefix="grader-lint-") as tmp:
        out = Path(tmp) / "collected.json"
        command = [sys.executable, "-B", str(COLLECTOR), str(tests_dir), str(HARNESS_ROOT)]
        try:
            done = subprocess.run(
                [*command, str(out)],
                capture_output=True,
                text=True,
                timeout=COLLECT_SECONDS,
                check=False,
                cwd=tmp,
            )
        except subprocess.TimeoutExpired as exc:
            raise ChallengeError(
                f"collecting {tests_dir} took over {COLLECT_SECONDS} s",
                hint="does a test module do slow work at import time?",
            ) from exc
        if not out.is_file():
            tail = (done.stderr or done.stdout).strip()[-800:]
            raise ChallengeError(f"collecting {tests_dir} crashed: {tail}")
        try:
            raw = _Output.model_validate_json(out.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise ChallengeError(f"collecting {tests_dir} gave unreadable output: {exc}") from exc
    tests = tuple(CollectedTest(t.id, t.category, t.file, t.line) for t in raw.tests)
    return Collection(tests, tuple(raw.stand_ins), tuple(raw.errors))
