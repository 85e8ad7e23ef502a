"""Builders and fakes for tests: sample reports, tiny challenges, judge output, a fake sandbox.
No Docker, no git.

The four sample reports (graded, flagged, not_gradable, rejected) are also what the golden
files in ``tests/golden/`` are rendered from; ``scripts/regen-golden`` rewrites them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from grader.challenge import MANIFEST_FILE, Challenge, load_challenge
from grader.errors import GraderError
from grader.health import HealthCheck
from grader.models import (
    CategoryScore,
    ChallengeRef,
    CodeStats,
    CommitInfo,
    Comparison,
    Dependency,
    DependencyStatus,
    Feedback,
    Finding,
    GradeReport,
    History,
    IntegrityCheck,
    Limits,
    Outcome,
    OwnTests,
    RunFacts,
    SandboxRun,
    Severity,
    TestResult,
    TestStatus,
)
from grader.sandbox import ReapedSandbox, SandboxJob
from grader.sandbox.layout import RUN_NONCE_VARIABLE
from grader.sandbox.port import LiveRuns

STARTED = datetime(2025, 3, 4, 9, 30, 0, tzinfo=UTC)
FINISHED = datetime(2025, 3, 4, 9, 30, 18, tzinfo=UTC)
CHALLENGE = ChallengeRef(id="backend/todo-api", version="1.2.0", title="Todo API")
COMMIT = "3f9c2a7e51b04d6c8e2f1a9b7c5d3e1f0a2b4c6d"
DIGEST = "sha256:" + "ab12" * 16

SAMPLE_TESTS = (
    TestResult("test_api.py::test_create_task", TestStatus.PASSED, "core", 0.21),
    TestResult("test_api.py::test_list_tasks", TestStatus.PASSED, "core", 0.12),
    TestResult("test_api.py::test_complete_task", TestStatus.PASSED, "core", 0.15),
    TestResult(
        "test_api.py::test_delete_missing_task",
        TestStatus.FAILED,
        "core",
        0.09,
        "AssertionError: expected status 404, got 500\nassert 500 == 404",
    ),
    TestResult(
        "test_validation.py::test_rejects_empty_title", TestStatus.PASSED, "validation", 0.08
    ),
    TestResult(
        "test_validation.py::test_rejects_long_title",
        TestStatus.ERROR,
        "validation",
        0.31,
        "CandidateError: ValueError: title too long",
    ),
    TestResult(
        "test_robustness.py::test_many_tasks",
        TestStatus.TIMEOUT,
        "robustness",
        30.0,
        "the candidate's code ran past the 30 s limit",
    ),
)
SAMPLE_CATEGORIES = (
    CategoryScore("core", 3.0, 3, 4, "create, read, update and delete tasks through the API"),
    CategoryScore("validation", 2.0, 1, 2, "bad input is refused with a clear 4xx error"),
    CategoryScore("robustness", 1.0, 0, 1, "stays fast and correct with many tasks"),
    CategoryScore("docs", 1.0, 0, 0, "the API documents itself"),
)
SAMPLE_FINDINGS = (
    Finding(
        "bare-except",
        Severity.WARNING,
        "bare `except:` also catches KeyboardInterrupt and SystemExit; "
        "catch the exceptions you expect",
        "todo/store.py",
        42,
        "except:",
    ),
    Finding(
        "print-call",
        Severity.INFO,
        "print() in library code: use logging, or return the value to the caller",
        "todo/api.py",
        17,
        'print("saved", task)',
    ),
)
SAMPLE_COMMITS = tuple(
    CommitInfo(
        sha=f"{n:x}" * 40,
        author="Jane Doe <jane@example.com>",
        committed_at=datetime(2025, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes),
        changed_lines=lines,
        subject=subject,
    )
    for n, (minutes, lines, subject) in reversed(
        list(
            enumerate(
                [
                    (0, 40, "Scaffold the API"),
                    (35, 120, "Add task routes"),
                    (80, 60, "Validate titles"),
                    (150, 25, "Add task API"),
                ],
                start=1,
            )
        )
    )
)
SAMPLE_HISTORY = History(
    statements=(
        "4 commits over 2 h 30 min, on 1 day, from 2025-03-01 09:00 to 2025-03-01 11:30.",
        "First to last commit took 2 h 30 min, within the 3-4 hours time budget.",
    ),
    commits=SAMPLE_COMMITS,
)
SAMPLE_DEPENDENCIES = (
    Dependency("fastapi==0.115.0", DependencyStatus.INSTALLED),
    Dependency("pydantic>=2", DependencyStatus.INSTALLED),
    Dependency("left-pad-py", DependencyStatus.REFUSED, "not on the challenge's allowlist"),
)
SAMPLE_TIMINGS = {
    "fetch": 0.41,
    "prepare": 1.2,
    "sandbox": 15.73,
    "collect": 0.01,
    "analyse": 0.05,
    "score": 0.0,
    "report": 0.03,
}


def graded_report(**changes: Any) -> GradeReport:
    """A typical graded run: some failures, a zero-test category, two red flags."""
    report = GradeReport(
        run_id="run-0001",
        outcome=Outcome.GRADED,
        score=54.2,
        reason="",
        repo_url="https://github.com/jane-doe/todo-api",
        ref="main",
        commit=COMMIT,
        challenge=CHALLENGE,
        tests=SAMPLE_TESTS,
        categories=SAMPLE_CATEGORIES,
        findings=SAMPLE_FINDINGS,
        dependencies=SAMPLE_DEPENDENCIES,
        timings=dict(SAMPLE_TIMINGS),
        started_at=STARTED,
        finished_at=FINISHED,
        image="grader/backend-todo-api:1.2.0",
        image_digest=DIGEST,
        limits=Limits(),
        feedback=Feedback.SUMMARY,
        integrity=integrity_checks(),
        run_facts=RunFacts(
            recorded={
                "candidate started as": "cli: python -m todo",
                "commit message": "Add task API",
            },
            own_tests=OwnTests(3, 2, 1, 0, 81.5, "line coverage measured"),
            candidate_seconds=0.38,
        ),
        code=CodeStats(functions=14, annotated=9, with_any=2),
        history=SAMPLE_HISTORY,
        comparison=Comparison(12, 5, 46, 58.0, histogram=(0, 1, 1, 2, 1, 3, 2, 1, 1, 0)),
    )
    return replace(report, **changes)


def integrity_checks(*, tamper: str = "nothing found") -> tuple[IntegrityCheck, ...]:
    """The integrity checks a real run records, in run order."""
    return (
        IntegrityCheck("tamper scan", f"24 files checked against 10 tamper rules: {tamper}"),
        IntegrityCheck("hidden-test leak scan", "no hidden-test canary string or copy found"),
        IntegrityCheck(
            "test-ID manifest", "all 7 expected hidden tests were collected, none extra"
        ),
        IntegrityCheck("skipped hidden tests", "none"),
        IntegrityCheck("run nonce", "matched"),
        IntegrityCheck("must-fail canary", "failed, as it must"),
    )


def found(checks: Iterable[IntegrityCheck]) -> dict[str, str]:
    """Integrity checks as {check: what it found}, for asserting on."""
    return {check.name: check.found for check in checks}


def flagged_report(**changes: Any) -> GradeReport:
    """Every test passed, but a conftest.py rewrites test outcomes: a human must review."""
    tests = tuple(replace(t, status=TestStatus.PASSED, message="") for t in SAMPLE_TESTS)
    integrity = Finding(
        "pytest-hooks",
        Severity.INTEGRITY,
        "defines the pytest hook `pytest_runtest_makereport`, which can change test outcomes",
        "conftest.py",
        3,
    )
    report = graded_report(
        run_id="run-0002",
        outcome=Outcome.FLAGGED,
        score=100.0,
        reason="integrity evidence: conftest.py defines a hook that can rewrite test outcomes",
        tests=tests,
        categories=(
            CategoryScore("core", 3.0, 4, 4),
            CategoryScore("validation", 2.0, 2, 2),
            CategoryScore("robustness", 1.0, 1, 1),
        ),
        findings=(integrity,),
        integrity=integrity_checks(tamper="1 finding, flagged"),
        run_facts=RunFacts(recorded={"candidate started as": "cli: python -m todo"}),
        comparison=None,  # only graded runs are compared
    )
    return replace(report, **changes)


def not_gradable_report(**changes: Any) -> GradeReport:
    """The judge's output was malformed: an infrastructure fault, no test shown as failed."""
    report = graded_report(
        run_id="run-0003",
        outcome=Outcome.NOT_GRADABLE,
        score=None,
        reason="the judge did not report: results line 3 is malformed",
        tests=(),
        categories=(),
        findings=(),
        timings={"fetch": 0.39, "prepare": 1.1, "sandbox": 4.2, "collect": 0.0},
        integrity=(),
        run_facts=None,
        comparison=None,
        code=None,
        history=None,
    )
    return replace(report, **changes)


def rejected_report(**changes: Any) -> GradeReport:
    """Intake refused the repository (too large): nothing was run."""
    report = GradeReport(
        run_id="run-0004",
        outcome=Outcome.REJECTED,
        score=None,
        reason="the repository is 240 MB, over the 100 MB cap; remove build artefacts and data",
        repo_url="https://github.com/jane-doe/huge-repo",
        ref=None,
        commit=None,
        challenge=CHALLENGE,
        timings={"fetch": 3.1},
        started_at=STARTED,
        finished_at=datetime(2025, 3, 4, 9, 30, 3, tzinfo=UTC),
    )
    return replace(report, **changes)


def golden_reports() -> dict[str, GradeReport]:
    """The reports the golden files are rendered from, by golden folder name."""
    return {
        "graded": graded_report(),
        "flagged": flagged_report(),
        "not_gradable": not_gradable_report(),
        "rejected": rejected_report(),
    }


def write_goldens(root: Path) -> list[Path]:
    """Render every golden report into ``root/<name>/``; returns the files written."""
    from grader.report import render  # noqa: PLC0415 - keeps grader.testing light to import

    written: list[Path] = []
    for name, report in golden_reports().items():
        written.extend(render(report, root / name).values())
    return written


def write_challenge(
    root: Path,
    *,
    categories: Mapping[str, float],
    manifest: Iterable[str],
    challenge_id: str = "backend/sample",
) -> Challenge:
    """A minimal loadable challenge folder: challenge.toml and tests/manifest.txt."""
    lines = [
        f'id = "{challenge_id}"',
        'version = "1.0.0"',
        'title = "Sample"',
        'specialty = "backend"',
        "",
        "[candidate]",
        'kind = "cli"',
    ]
    for name, weight in categories.items():
        lines += ["", "[[categories]]", f'name = "{name}"', f"weight = {weight}"]
    root.mkdir(parents=True, exist_ok=True)
    (root / "challenge.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / MANIFEST_FILE).write_text(
        "".join(f"{test_id}\n" for test_id in manifest), encoding="utf-8"
    )
    return load_challenge(root)


def results_jsonl(
    collected: Mapping[str, str],
    results: Mapping[str, str] | None = None,
    *,
    finished: int | None = 0,
    messages: Mapping[str, str] | None = None,
) -> bytes:
    """A judge results stream: ``collected`` maps test ID -> category, ``results`` -> status.

    ``results`` defaults to every collected test passing; ``finished=None`` leaves out the
    finished event, as when the judge dies or is killed.
    """
    statuses = dict.fromkeys(collected, "passed") if results is None else results
    events: list[dict[str, object]] = [
        {"event": "collected", "tests": [{"id": i, "category": c} for i, c in collected.items()]}
    ]
    events += [
        {
            "event": "test",
            "id": test_id,
            "status": status,
            "duration": 0.1,
            "message": (messages or {}).get(test_id, ""),
        }
        for test_id, status in statuses.items()
    ]
    if finished is not None:
        events.append({"event": "finished", "exitstatus": finished})
    return "".join(json.dumps(e) + "\n" for e in events).encode()


def sandbox_run(
    results_json: bytes,
    *,
    exit_code: int | None = 0,
    timed_out: bool = False,
    oom_killed: bool = False,
) -> SandboxRun:
    """A SandboxRun as the sandbox stage would return it, around ``results_json``."""
    return SandboxRun(
        results_json=results_json,
        exit_code=exit_code,
        timed_out=timed_out,
        oom_killed=oom_killed,
        log_tail="",
        image="grader/sample:1.0.0",
        image_digest=DIGEST,
        limits=Limits(),
    )


FAKE_IMAGE = "grader-fake:1"
Respond = Callable[[SandboxJob], SandboxRun]


class FakeSandbox:
    """A :class:`grader.sandbox.SandboxBackend` that runs nothing.

    Each :meth:`run` records the job and answers with ``respond(job)``, or raises ``fault``
    (e.g. a ``DockerUnavailableError``) when one is given. :func:`judge_answer` builds the
    usual ``respond``: what an honest judge of the challenge would write.
    """

    def __init__(self, respond: Respond | None = None, *, fault: GraderError | None = None) -> None:
        self.respond = respond
        self.fault = fault
        self.jobs: list[SandboxJob] = []
        self.closed = False

    def image_for(self, challenge: Challenge, python: str) -> str:
        return f"{FAKE_IMAGE}-python{python}"

    def prepare_base(self, python: str) -> str:
        return f"{FAKE_IMAGE}-python{python}"

    def run(self, job: SandboxJob) -> SandboxRun:
        self.jobs.append(job)
        if self.fault is not None:
            raise self.fault
        if self.respond is None:
            raise AssertionError("FakeSandbox.run called but the test gave no respond()")
        return self.respond(job)

    def health(self, challenges: Iterable[Challenge]) -> tuple[HealthCheck, ...]:
        return (HealthCheck("fake sandbox", True, FAKE_IMAGE),)

    def reap(
        self, older_than_seconds: int, *, live: LiveRuns | None = None, dry_run: bool = False
    ) -> tuple[ReapedSandbox, ...]:
        return ()

    def close(self) -> None:
        self.closed = True


def judge_answer(
    challenge: Challenge,
    statuses: Mapping[str, str] | None = None,
    *,
    canary: str = "failed",
    nonce: str | None = None,
    facts: Mapping[str, str] | None = None,
    finished: bool = True,
    **run: Any,
) -> Respond:
    """A ``respond`` for :class:`FakeSandbox`: the challenge's manifest collected, each test
    ending as ``statuses`` says (default passed), the canary echoing the job's nonce (or
    ``nonce``), ``facts`` recorded, and (unless ``finished`` is false, as when the judge was
    killed) the finished event; ``run`` sets :func:`sandbox_run` fields (``timed_out``...).
    """
    categories = _manifest_categories(challenge)

    def respond(job: SandboxJob) -> SandboxRun:
        lines = results_jsonl(categories, statuses, finished=0 if finished else None)
        body, end = lines.splitlines(keepends=True), b""
        if finished:
            end = body.pop()  # the finished event comes last
        echoed = nonce if nonce is not None else job.env.get(RUN_NONCE_VARIABLE, "")
        extra = [{"event": "fact", "key": k, "value": v} for k, v in (facts or {}).items()]
        extra.append({"event": "canary", "status": canary, "nonce": echoed})
        events = b"".join(json.dumps(e).encode() + b"\n" for e in extra)
        return sandbox_run(b"".join(body) + events + end, **run)

    return respond


def _manifest_categories(challenge: Challenge) -> dict[str, str]:
    """Test ID -> category, the first declared category for every manifest entry."""
    first = challenge.spec.categories[0].name
    return dict.fromkeys(challenge.manifest(), first)
