"""``run_cli``: run one command as the candidate and capture what it did."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import _config
from ._proc import CandidateProcess
from .workspace import current_workspace


@dataclass(frozen=True, slots=True)
class CliResult:
    """What one candidate command did: its exit code, output (capped) and wall time."""

    returncode: int
    stdout: str
    stderr: str
    duration: float

    @property
    def output(self) -> str:
        """stdout and stderr together, for checks that do not care which one was used."""
        return self.stdout + self.stderr


def run_cli(
    argv: Sequence[str],
    *,
    stdin: str = "",
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float | None = None,
) -> CliResult:
    """Run ``argv`` as the candidate in ``cwd`` (default: the test's workspace) and wait for it.

    Raises ``CandidateTimeout`` past ``timeout`` seconds (default: the challenge's per-test
    seconds) and ``CandidateResourceLimit`` when it was OOM-killed or hit the process limit.
    """
    if isinstance(argv, str):
        raise TypeError("run_cli takes an argv list, e.g. ['python3', 'main.py', 'add', 'x']")
    seconds = timeout if timeout is not None else _config.test_seconds()
    folder = Path(cwd) if cwd is not None else current_workspace()
    started = time.monotonic()
    proc = CandidateProcess(argv, cwd=folder, env=env, stdin=stdin.encode("utf-8"), threads=False)
    try:
        finished = proc.wait(seconds)
    finally:
        proc.stop()
    duration = time.monotonic() - started
    returncode = proc.proc.returncode
    verdict = proc.verdict(timed_out=not finished, seconds=seconds, failed=returncode != 0)
    if verdict is not None:
        raise verdict
    assert proc.stdout is not None
    return CliResult(returncode, proc.stdout.text(), proc.stderr.text(), round(duration, 3))
