"""grade(): fetch -> analyse -> prepare -> sandbox -> collect -> score, as in DESIGN.md's flow.

This is the only module that imports every stage; :func:`grader.record.finish` persists the
result. The CLI (:func:`grader.record.grade_here`) and the Celery task
(:func:`grader.queue.run_attempt`) are thin adapters around :func:`grade`; the sandbox it uses
comes from the port, :func:`grader.sandbox.open_sandbox`.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import logging
import secrets
import tarfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from grader.analyse import analyse, code_stats_of, fingerprints, history_of, scan_checks
from grader.challenge import Challenge
from grader.collect import collect
from grader.errors import ChallengeError, InfrastructureError, RejectedError
from grader.fetch import obtain, redact
from grader.harness import harness_files
from grader.models import (
    CodeStats,
    Collected,
    Dependency,
    DependencyStatus,
    FetchedRepo,
    Finding,
    Fingerprint,
    GradeReport,
    History,
    IntegrityCheck,
    Outcome,
    Phase,
    Prepared,
    PythonChoice,
    RunFacts,
    SandboxRun,
    Severity,
)
from grader.prepare import choose_python, pip_download, prepare
from grader.sandbox import Progress, Sandbox, SandboxBackend, SandboxJob, open_sandbox
from grader.sandbox.layout import (
    HARNESS_FOLDER,
    RUN_NONCE_VARIABLE,
    TESTS_FOLDER,
    WHEELS_FOLDER,
)
from grader.score import score
from grader.score.cause import explain_failures
from grader.settings import Settings
from grader.text import clean_text

log = logging.getLogger(__name__)

MAX_ANALYSED_FILE_BYTES = 5 * 1024 * 1024  # analyse reports files over 2 MiB itself
MAX_FACT_CHARS = 2000
MAX_LISTED_DEPENDENCIES = 100


class Observer(Protocol):
    """Told when each phase starts and ends, e.g. to draw progress."""

    def phase_started(self, phase: Phase) -> None: ...

    def phase_finished(self, phase: Phase, seconds: float) -> None: ...


class _Silent:
    def phase_started(self, phase: Phase) -> None:
        return None

    def phase_finished(self, phase: Phase, seconds: float) -> None:
        return None


@dataclasses.dataclass(frozen=True, slots=True)
class GradeRequest:
    """One submission to grade. ``commit`` pins it; when empty, ``ref`` is resolved now."""

    url: str
    challenge: Challenge
    ref: str | None = None
    commit: str | None = None
    run_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    deadline: datetime | None = None  # grade the last commit before it
    python: str | None = None  # one of the challenge's versions, instead of the candidate's pick


class _Clock:
    def __init__(self, observer: Observer) -> None:
        self.observer = observer
        self.timings: dict[str, float] = {}

    @contextmanager
    def phase(self, phase: Phase) -> Iterator[None]:
        self.observer.phase_started(phase)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = round(time.perf_counter() - start, 3)
            self.timings[phase.value] = seconds
            self.observer.phase_finished(phase, seconds)


def grade(
    request: GradeRequest,
    settings: Settings,
    *,
    sandbox: Sandbox | None = None,
    observer: Observer | None = None,
) -> GradeReport:
    """Grade one submission end to end. Never raises for candidate or infrastructure faults:
    those become ``rejected`` and ``not_gradable`` reports with the reason in plain words."""
    clock = _Clock(observer or _Silent())
    started = datetime.now(UTC)
    base = GradeReport(
        run_id=request.run_id,
        outcome=Outcome.NOT_GRADABLE,
        score=None,
        reason="",
        repo_url=redact(request.url),
        ref=request.ref,
        commit=request.commit,
        challenge=request.challenge.ref,
        started_at=started,
        feedback=request.challenge.spec.feedback,
    )
    own_sandbox = None
    if sandbox is None:
        sandbox = own_sandbox = grading_sandbox(settings)
    try:
        report = _grade(request, settings, sandbox, clock, base)
    except RejectedError as exc:
        log.info("run %s rejected: %s", request.run_id, exc)
        report = dataclasses.replace(base, outcome=Outcome.REJECTED, reason=str(exc))
    except InfrastructureError as exc:
        log.warning("run %s not gradable: %s", request.run_id, exc)
        reason = f"{exc} — an infrastructure fault, not the candidate's; safe to regrade"
        report = dataclasses.replace(base, outcome=Outcome.NOT_GRADABLE, reason=reason)
    finally:
        if own_sandbox is not None:
            own_sandbox.close()
    return dataclasses.replace(report, timings=clock.timings, finished_at=datetime.now(UTC))


def grading_sandbox(settings: Settings, progress: Progress | None = None) -> SandboxBackend:
    """The configured sandbox, able to build challenge images (their wheels come from pip)."""
    return open_sandbox(settings, progress=progress, downloader=pip_download)


def _grade(
    request: GradeRequest,
    settings: Settings,
    sandbox: Sandbox,
    clock: _Clock,
    base: GradeReport,
) -> GradeReport:
    challenge = request.challenge
    with clock.phase(Phase.FETCH):
        repo = obtain(
            request.url,
            settings,
            ref=request.ref,
            commit=request.commit,
            deadline=request.deadline,
        )
        base = dataclasses.replace(base, repo_url=redact(repo.url), commit=repo.commit)
        files = _files_of(repo.tree_tar)
    # The review reads only the files, and nothing before the score needs it: it runs in a
    # thread while the sandbox (mostly a wait on the daemon) runs, and ANALYSE times the rest.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-analyse") as pool:
        reviewing = pool.submit(_review, files, challenge, repo)
        with clock.phase(Phase.PREPARE):
            python = _python_for(request, files)
            base = dataclasses.replace(base, python=python)
            prepared = prepare(files, challenge, settings, python=python.version)
            image = sandbox.image_for(challenge, python.version)
        nonce = secrets.token_hex(16)  # only the judge sees it; its canary event must carry it
        with clock.phase(Phase.SANDBOX):
            job = SandboxJob(
                run_id=request.run_id,
                image=image,
                limits=challenge.limits(settings),
                judge_files=_judge_files(challenge, prepared),
                submission_tar=repo.tree_tar,
                env={RUN_NONCE_VARIABLE: nonce},
                services=tuple(challenge.spec.services),
            )
            run = sandbox.run(job)
        with clock.phase(Phase.COLLECT):
            collected = collect(run, challenge, nonce=nonce)
        with clock.phase(Phase.ANALYSE):
            review = reviewing.result()
    with clock.phase(Phase.SCORE):
        result = score(collected, challenge)
    findings = review.findings
    judged = (Finding("judge", Severity.INTEGRITY, problem) for problem in collected.problems)
    findings += tuple(judged)
    outcome, reason = _verdict(findings)
    reason = reason or explain_failures(collected.tests, collected.recorded, list(files))
    return dataclasses.replace(
        base,
        outcome=outcome,
        score=result.total,
        reason=reason,
        tests=collected.tests,
        categories=result.categories,
        findings=findings,
        dependencies=_listed(prepared.dependencies),
        image=run.image,
        image_digest=run.image_digest,
        limits=run.limits,
        integrity=(*review.scanned, *collected.checks),
        run_facts=_run_facts(run, repo, collected),
        code=review.code,
        history=review.history,
        fingerprints=review.marks,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Review:
    """What the grader reads in the files themselves, beside the hidden tests' verdict."""

    findings: tuple[Finding, ...]
    code: CodeStats
    marks: tuple[Fingerprint, ...]
    history: History | None
    scanned: tuple[IntegrityCheck, ...]


def _review(files: dict[str, bytes], challenge: Challenge, repo: FetchedRepo) -> _Review:
    hidden = _hidden_tests(challenge)
    findings = analyse(files, hidden=hidden, expects=challenge.spec.review.expects)
    return _Review(
        findings=findings,
        code=code_stats_of(files),
        marks=fingerprints(files, exclude=_boilerplate(challenge.root)),
        history=history_of(
            repo.history, time_budget=challenge.spec.time_budget, deadline=repo.deadline
        ),
        scanned=scan_checks(files, findings, hidden=bool(hidden)),
    )


def _python_for(request: GradeRequest, files: dict[str, bytes]) -> PythonChoice:
    """The request's Python (``grader challenges validate`` tries each), else the candidate's."""
    runtime = request.challenge.spec.runtime
    if request.python is None:
        return choose_python(files, runtime.pythons, runtime.pythons[0])
    if request.python not in runtime.pythons:
        raise ChallengeError(
            f"challenge {request.challenge.id} does not offer Python {request.python}",
            hint=f"it offers {', '.join(runtime.pythons)} (runtime.python in challenge.toml)",
        )
    return PythonChoice(request.python, "requested for this run")


def _verdict(findings: tuple[Finding, ...]) -> tuple[Outcome, str]:
    """Graded, or flagged with the (distinct) integrity evidence as the reason."""
    integrity = list(dict.fromkeys(f.message for f in findings if f.severity is Severity.INTEGRITY))
    if not integrity:
        return Outcome.GRADED, ""
    return Outcome.FLAGGED, "needs human review: " + "; ".join(integrity[:3])


def _run_facts(run: SandboxRun, repo: FetchedRepo, collected: Collected) -> RunFacts:
    return RunFacts(
        judge_exit_code=run.exit_code,
        timed_out=run.timed_out,
        oom_killed=run.oom_killed,
        services=run.services,
        skipped_entries=clean_text(", ".join(repo.skipped), MAX_FACT_CHARS),
        deadline=repo.deadline,
        rewritten=repo.rewritten,
        dependency_install=collected.dependency_install,
        recorded=collected.recorded,
        own_tests=collected.own_tests,
        candidate_seconds=collected.candidate_seconds,
    )


def _listed(dependencies: tuple[Dependency, ...]) -> tuple[Dependency, ...]:
    """The candidate's declared requirements as the report lists them: cleaned and capped."""
    listed = tuple(
        dataclasses.replace(
            d, requirement=clean_text(d.requirement, 300), detail=clean_text(d.detail, 500)
        )
        for d in dependencies[:MAX_LISTED_DEPENDENCIES]
    )
    more = len(dependencies) - len(listed)
    rest = Dependency(f"... and {more} more", DependencyStatus.REFUSED, "not listed")
    return listed + ((rest,) if more else ())


def _hidden_tests(challenge: Challenge) -> dict[str, bytes]:
    """The challenge's hidden test folder, path (relative to it) -> content."""
    return {
        path.relative_to(challenge.tests_dir).as_posix(): path.read_bytes()
        for path in sorted(challenge.tests_dir.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@functools.cache
def _boilerplate(root: Path) -> tuple[dict[str, bytes], ...]:
    """The challenge's starter and bundled samples: code every candidate may share."""
    folders = [root / "starter", *sorted((root / "samples").glob("*/"))]
    return tuple(
        {p.relative_to(f).as_posix(): p.read_bytes() for p in sorted(f.rglob("*.py"))}
        for f in folders
        if f.is_dir()
    )


def _judge_files(challenge: Challenge, prepared: Prepared) -> dict[str, bytes]:
    files = {f"{HARNESS_FOLDER}/{name}": data for name, data in harness_files().items()}
    files.update({f"{TESTS_FOLDER}/{n}": data for n, data in _hidden_tests(challenge).items()})
    for wheel in prepared.wheels:
        files[f"{WHEELS_FOLDER}/{Path(wheel).name}"] = Path(wheel).read_bytes()
    return files


def _files_of(tree_tar: bytes) -> dict[str, bytes]:
    """The candidate's files from the fetched tar, in memory, for analysis (never from disk)."""
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tree_tar), mode="r:") as archive:
        for member in archive:
            if member.isfile() and member.size <= MAX_ANALYSED_FILE_BYTES:
                extracted = archive.extractfile(member)
                if extracted is not None:
                    files[member.name.removeprefix("./")] = extracted.read()
    return files
