"""One delivery of the grading task, on a real SQLite store, with canned reports for grade()."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grader.models import GradeReport, Phase
from grader.pipeline import GradeRequest, Observer
from grader.queue import AttemptResult, run_attempt
from grader.sandbox import Sandbox
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import Store, open_store
from grader.testing import graded_report, not_gradable_report, rejected_report

ROOTS = (PROJECT_ROOT / "tests" / "fixtures" / "challenges",)


class CannedGrade:
    """Stands in for ``grader.pipeline.grade``: walks the phases, returns the next report."""

    def __init__(self, *reports: Callable[..., GradeReport]) -> None:
        self.reports = list(reports)
        self.requests: list[GradeRequest] = []

    def __call__(
        self,
        request: GradeRequest,
        settings: Settings,
        *,
        sandbox: Sandbox | None = None,
        observer: Observer | None = None,
    ) -> GradeReport:
        self.requests.append(request)
        for phase in (Phase.FETCH, Phase.PREPARE, Phase.SANDBOX):
            if observer is not None:
                observer.phase_started(phase)
                observer.phase_finished(phase, 0.1)
        make = self.reports.pop(0) if len(self.reports) > 1 else self.reports[0]
        return make(run_id=request.run_id, challenge=request.challenge.ref)


@pytest.fixture
def settings() -> Settings:
    return get_settings().model_copy(
        update={"max_retries": 2, "retry_backoff_seconds": 1.0, "lease_seconds": 60}
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'grader.db'}") as opened:
        yield opened


def _enqueue(store: Store, challenge_id: str = "fixture/functions") -> str:
    return store.enqueue(
        "https://github.com/someone/repo",
        "main",
        "c" * 40,
        challenge_id=challenge_id,
        challenge_version="1.0.0",
        queue="default",
        deadline_seconds=60,
    )


def _attempt(store: Store, settings: Settings, submission: str, fake: CannedGrade) -> AttemptResult:
    return run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake, worker="w1@test")


def test_a_graded_run_is_recorded_reported_and_stamped_with_every_phase(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    fake = CannedGrade(graded_report)
    result = _attempt(store, settings, submission, fake)
    found = store.status(submission)
    assert (result.state, result.outcome) == ("done", "graded")
    assert (found.state, found.outcome, found.run_id) == ("done", "graded", fake.requests[0].run_id)
    assert all(found.phases.values()), found.phases
    assert (settings.reports_dir / fake.requests[0].run_id / "report.html").is_file()
    assert found.worker == "w1@test"


def test_the_pinned_commit_and_the_claim_token_reach_the_pipeline(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    fake = CannedGrade(graded_report)
    _attempt(store, settings, submission, fake)
    (request,) = fake.requests
    assert (request.commit, request.ref, request.challenge.id) == (
        "c" * 40,
        "main",
        "fixture/functions",
    )


def test_the_submissions_deadline_reaches_the_pipeline(store: Store, settings: Settings) -> None:
    due = datetime(2026, 3, 1, 18, tzinfo=UTC)
    submission = store.enqueue(
        "https://github.com/someone/repo",
        None,
        "c" * 40,
        challenge_id="fixture/functions",
        challenge_version="1.0.0",
        queue="default",
        deadline_seconds=60,
        due_at=due,
    )
    fake = CannedGrade(graded_report)
    _attempt(store, settings, submission, fake)
    assert fake.requests[0].deadline == due
    _attempt(store, settings, _enqueue(store), fake)
    assert fake.requests[1].deadline is None


def test_an_infrastructure_fault_is_retried_with_backoff_then_recorded_not_gradable(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    fake = CannedGrade(not_gradable_report)
    waits = []
    for _ in range(2):
        result = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
        waits.append(result.retry_in)
        assert store.status(submission).state == "queued"
    final = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    found = store.status(submission)
    assert waits == [1.0, 2.0]
    assert (final.state, final.retry_in, found.outcome, found.faults) == (
        "done",
        None,
        "not_gradable",
        2,
    )
    assert "the judge did not report" in found.reason
    assert found.reason.endswith("(gave up after 3 tries)")
    assert len(fake.requests) == 3


def test_a_candidate_fault_is_never_retried(store: Store, settings: Settings) -> None:
    submission = _enqueue(store)
    fake = CannedGrade(rejected_report)
    result = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    found = store.status(submission)
    assert (result.state, found.state, found.outcome, found.tries) == (
        "done",
        "done",
        "rejected",
        1,
    )


def test_a_delivery_for_a_submission_someone_else_holds_does_nothing(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    assert store.claim(submission, "other-worker", lease_seconds=60) is not None
    fake = CannedGrade(graded_report)
    result = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    assert result.state == "skipped"
    assert fake.requests == []
    assert store.status(submission).state == "running"


def test_a_delivery_for_a_finished_submission_does_nothing(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    fake = CannedGrade(graded_report)
    run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    again = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    assert again.state == "skipped"
    assert len(fake.requests) == 1


def test_a_submission_that_keeps_losing_its_worker_ends_not_gradable_without_grading(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    for n in range(settings.max_retries + 1):  # each of these workers dies holding it
        assert store.claim(submission, f"lost-{n}", lease_seconds=0) is not None
    fake = CannedGrade(graded_report)
    result = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    found = store.status(submission)
    assert fake.requests == []
    assert (result.state, found.outcome) == ("done", "not_gradable")
    assert "interrupted 3 times" in found.reason


def test_a_challenge_missing_on_this_worker_is_an_infrastructure_fault(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store, challenge_id="fixture/nowhere")
    fake = CannedGrade(graded_report)
    result = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake)
    assert result.state == "retry"
    assert fake.requests == []
    assert "cannot load the challenge" in store.status(submission).last_error
