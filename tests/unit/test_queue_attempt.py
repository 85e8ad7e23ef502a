"""One delivery of the grading task, on a real SQLite store, with canned reports for grade()."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grader.models import GradeReport, Phase
from grader.pipeline import GradeRequest, Observer
from grader.queue import AttemptResult, Finisher, run_attempt
from grader.sandbox import Sandbox
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import Claim, Store, open_store
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


def test_with_a_finisher_the_run_is_recorded_on_its_thread_after_the_delivery_returns(
    store: Store, settings: Settings
) -> None:
    submission = _enqueue(store)
    fake = CannedGrade(graded_report)
    finisher = Finisher()
    result = run_attempt(submission, settings, store, roots=ROOTS, grade_fn=fake, finisher=finisher)
    assert (result.state, result.outcome) == ("finishing", "graded")
    assert finisher.drain(timeout=30)
    found = store.status(submission)
    assert (found.state, found.run_id) == ("done", fake.requests[0].run_id)
    assert all(found.phases.values()), found.phases
    assert (settings.reports_dir / fake.requests[0].run_id / "report.html").is_file()


def test_a_finisher_holds_one_finish_at_a_time_and_reports_one_still_running() -> None:
    finisher = Finisher()
    release, order = threading.Event(), list[str]()

    def first() -> None:
        release.wait(30)
        order.append("first")

    finisher.submit(_claim("first"), first)
    assert not finisher.drain(timeout=0.05)  # still running: kept pending, not dropped
    submitted = threading.Thread(
        target=finisher.submit, args=(_claim("second"), lambda: order.append("second"))
    )
    submitted.start()
    submitted.join(0.05)
    assert submitted.is_alive() and order == []  # the second waits for the first
    release.set()
    submitted.join(30)
    assert finisher.drain(timeout=30)
    assert order == ["first", "second"]


def test_a_finish_that_fails_on_the_finisher_is_logged_and_its_submission_stays_claimed(
    store: Store,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    submission = _enqueue(store)
    finisher = Finisher()

    def disk_full(*args: object, **kwargs: object) -> str | None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "finish", disk_full)
    with caplog.at_level(logging.ERROR, logger="grader.queue.attempt"):
        result = run_attempt(
            submission,
            settings,
            store,
            roots=ROOTS,
            grade_fn=CannedGrade(graded_report),
            finisher=finisher,
        )
        assert finisher.drain(timeout=30)
    assert result.state == "finishing"
    assert "could not finish" in caplog.text and "disk full" in caplog.text
    found = store.status(submission)
    assert (found.state, found.run_id) == ("running", None)  # the reaper's to queue again


def _claim(token: str) -> Claim:
    return Claim(
        submission_id="s",
        attempt=1,
        token=token,
        repo_url="https://github.com/someone/repo",
        ref=None,
        commit_sha="c" * 40,
        challenge_id="fixture/functions",
        challenge_version="1.0.0",
        tries=1,
        faults=0,
    )
