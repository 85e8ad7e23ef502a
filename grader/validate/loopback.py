"""Grade challenge folders through the real pipeline, served as git repositories on loopback.

Each folder (reference, starter, a sample, a mutant) is committed into a bare repository and
graded by URL exactly as a candidate's repository would be: URL policy, pinned fetch, prepare,
sandbox, collect, score. A folder is committed once and may be graded several times.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader.challenge import Challenge
from grader.collect.schema import parse_stream
from grader.errors import ChallengeError, GraderError
from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport, SandboxRun
from grader.pipeline import GradeRequest, grade, grading_sandbox
from grader.sandbox import SandboxBackend, SandboxJob
from grader.settings import Settings


class LoopbackGrader:
    """``grader(folder)`` grades ``folder`` as a submission to ``challenge``; thread-safe."""

    def __init__(self, challenge: Challenge, settings: Settings, server: GitServer) -> None:
        self.challenge = challenge
        self.server = server
        self.settings = settings.model_copy(
            update={"repo_allowlist": (*settings.repo_allowlist, server.base_url + "/")}
        )
        self._repos: dict[Path, str] = {}
        self._lock = threading.Lock()

    def url_for(self, folder: Path) -> str:
        with self._lock:
            if folder not in self._repos:
                name = f"repo-{len(self._repos)}-{folder.name}"
                make_bare_repo(folder, self.server.root, name, message=f"{folder.name}")
                self._repos[folder] = self.server.url_for(name)
            return self._repos[folder]

    def __call__(
        self, folder: Path, *, wall_seconds: int | None = None, python: str | None = None
    ) -> GradeReport:
        settings = self.settings
        if wall_seconds is not None:
            settings = settings.model_copy(update={"max_wall_seconds": wall_seconds})
        request = GradeRequest(url=self.url_for(folder), challenge=self.challenge, python=python)
        return grade(request, settings)


@contextmanager
def loopback_grader(challenge: Challenge, settings: Settings) -> Iterator[LoopbackGrader]:
    with (
        tempfile.TemporaryDirectory(prefix="grader-validate-") as tmp,
        GitServer(Path(tmp)) as server,
    ):
        yield LoopbackGrader(challenge, settings, server)


class _Recording:
    """The real sandbox, remembering each raw run (to read the judge's own collection)."""

    def __init__(self, inner: SandboxBackend) -> None:
        self.inner = inner
        self.runs: list[SandboxRun] = []

    def image_for(self, challenge: Challenge, python: str) -> str:
        return self.inner.image_for(challenge, python)

    def run(self, job: SandboxJob) -> SandboxRun:
        run = self.inner.run(job)
        self.runs.append(run)
        return run


def collected_ids(challenge: Challenge, settings: Settings) -> tuple[str, ...]:
    """The hidden test IDs the judge collects when grading the reference, in order."""
    reference = challenge.root / "reference"
    if not reference.is_dir():
        raise ChallengeError(f"challenge {challenge.id} has no reference/ folder")
    sandbox = _Recording(grading_sandbox(settings))
    try:
        with loopback_grader(challenge, settings) as grader:
            request = GradeRequest(url=grader.url_for(reference), challenge=challenge)
            try:
                report = grade(request, grader.settings, sandbox=sandbox)
            except ChallengeError:  # no manifest yet: collect() refused, the run is recorded
                report = None
    finally:
        sandbox.inner.close()
    if not sandbox.runs:
        reason = report.reason if report is not None else "no sandbox run"
        raise GraderError(f"the reference of {challenge.id} was not run: {reason}")
    run = sandbox.runs[-1]
    stream = parse_stream(run.results_json, killed=run.timed_out or run.oom_killed)
    return tuple(test.id for test in stream.collected.tests)


def write_manifest(challenge: Challenge, settings: Settings) -> Path:
    """Rewrite ``tests/manifest.txt`` from what the judge collects; return its path."""
    ids = collected_ids(challenge, settings)
    path = challenge.tests_dir / "manifest.txt"
    path.write_text("".join(f"{test_id}\n" for test_id in ids), encoding="utf-8")
    return path
