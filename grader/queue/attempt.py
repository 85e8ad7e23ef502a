"""One delivery of a ``grade_submission`` message: claim, grade, then finish or retry.

The Celery task is a thin adapter over :func:`run_attempt`; so is anything else that wants
to drain the queue. The database decides who grades: a delivery that cannot claim the
submission (someone holds a live lease, or it is done) does nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from grader.challenge import find_challenge
from grader.errors import ChallengeError
from grader.models import ChallengeRef, GradeReport, Outcome, Phase
from grader.pipeline import GradeRequest, Observer, grade
from grader.queue.config import backoff
from grader.record import run_record, with_comparison
from grader.report import render
from grader.sandbox import Sandbox
from grader.settings import Settings
from grader.store import Claim, Store

log = logging.getLogger(__name__)

# Which pipeline event stamps which of the submission's phase timestamps.
_ON_FINISH = {Phase.FETCH: "cloned", Phase.PREPARE: "prepared"}
_ON_START = {Phase.SANDBOX: "started"}


class GradeFn(Protocol):
    """The shape of :func:`grader.pipeline.grade`; tests pass canned reports through it."""

    def __call__(
        self,
        request: GradeRequest,
        settings: Settings,
        *,
        sandbox: Sandbox | None = None,
        observer: Observer | None = None,
    ) -> GradeReport: ...


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """``skipped`` (not ours to grade), ``retry`` (after ``retry_in`` s), ``done``,
    ``duplicate`` (another delivery recorded this attempt first) or ``lost`` (lease gone)."""

    state: str
    run_id: str | None = None
    outcome: str | None = None
    retry_in: float | None = None


def run_attempt(
    submission_id: str,
    settings: Settings,
    store: Store,
    *,
    sandbox: Sandbox | None = None,
    worker: str = "",
    roots: tuple[Path, ...] | None = None,
    grade_fn: GradeFn = grade,
) -> AttemptResult:
    """Grade the submission's current attempt if this delivery can claim it."""
    claim = store.claim(
        submission_id, uuid.uuid4().hex, lease_seconds=settings.lease_seconds, worker=worker
    )
    if claim is None:
        log.info("submission %s is not claimable (done, or held by a live worker)", submission_id)
        return AttemptResult("skipped")
    log.info("claimed %s attempt %s (try %s)", submission_id, claim.attempt, claim.tries)
    interrupted = claim.tries - 1 - claim.faults  # earlier claims that neither finished nor failed
    if interrupted > settings.max_retries:
        reason = (
            f"grading was interrupted {interrupted} times (a worker was lost or hit the task "
            "time limit); not the candidate's fault, regrade once the workers are healthy"
        )
        return _finish(claim, _not_gradable(claim, reason), settings, store)
    with _Heartbeat(store, claim, settings.lease_seconds):
        roots = roots or (settings.challenges_dir,)
        report = _grade(claim, settings, store, roots, partial(grade_fn, sandbox=sandbox))
    if report.outcome is Outcome.NOT_GRADABLE and claim.faults < settings.max_retries:
        delay = backoff(claim.faults, settings)
        released = store.release(
            claim, report.reason, ready_in=delay, deadline_seconds=settings.queued_timeout_seconds
        )
        log.warning("%s not gradable, retry in %ss: %s", submission_id, delay, report.reason)
        return AttemptResult("retry", retry_in=delay) if released else AttemptResult("lost")
    return _finish(claim, report, settings, store)


def _grade(
    claim: Claim,
    settings: Settings,
    store: Store,
    roots: tuple[Path, ...],
    grade_fn: Callable[..., GradeReport],
) -> GradeReport:
    try:
        challenge = find_challenge(claim.challenge_id, roots)
    except ChallengeError as exc:
        return _not_gradable(claim, f"this worker cannot load the challenge: {exc}")
    request = GradeRequest(
        url=claim.repo_url,
        challenge=challenge,
        ref=claim.ref,
        commit=claim.commit_sha or None,
        run_id=claim.token,
    )
    return grade_fn(request, settings, observer=_PhaseStamps(store, claim))


def _finish(claim: Claim, report: GradeReport, settings: Settings, store: Store) -> AttemptResult:
    if report.outcome is Outcome.NOT_GRADABLE and claim.faults:
        tries = claim.faults + 1
        report = dataclasses.replace(
            report, reason=f"{report.reason} (gave up after {tries} tries)"
        )
    report = with_comparison(report, store.scores_for_challenge(report.challenge.id))
    run_id = store.finish(claim, run_record(report))
    if run_id is None:
        return AttemptResult("duplicate")
    render(report, settings.reports_dir / run_id)
    store.mark_reported(claim.submission_id, run_id)
    log.info("%s attempt %s: %s", claim.submission_id, claim.attempt, report.outcome.value)
    return AttemptResult("done", run_id=run_id, outcome=report.outcome.value)


def _not_gradable(claim: Claim, reason: str) -> GradeReport:
    return GradeReport(
        run_id=claim.token,
        outcome=Outcome.NOT_GRADABLE,
        score=None,
        reason=reason,
        repo_url=claim.repo_url,
        ref=claim.ref,
        commit=claim.commit_sha or None,
        challenge=ChallengeRef(id=claim.challenge_id, version=claim.challenge_version),
    )


class _PhaseStamps:
    """A pipeline observer that stamps cloned / prepared / started on the submission."""

    def __init__(self, store: Store, claim: Claim) -> None:
        self._store = store
        self._claim = claim

    def phase_started(self, phase: Phase) -> None:
        if phase in _ON_START:
            self._stamp(_ON_START[phase])

    def phase_finished(self, phase: Phase, seconds: float) -> None:
        if phase in _ON_FINISH:
            self._stamp(_ON_FINISH[phase])

    def _stamp(self, name: str) -> None:
        try:
            self._store.mark_phase(self._claim, name)
        except SQLAlchemyError as exc:  # timestamps are for operators; grading goes on
            log.warning("could not stamp %s on %s: %s", name, self._claim.submission_id, exc)


class _Heartbeat:
    """Renews the claim's lease in a thread while grading runs, so the reaper leaves it be."""

    def __init__(self, store: Store, claim: Claim, lease_seconds: float) -> None:
        self._store = store
        self._claim = claim
        self._lease = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="grader-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._lease / 4):
            try:
                held = self._store.heartbeat(self._claim, lease_seconds=self._lease)
            except SQLAlchemyError as exc:  # the next beat may get through; the lease is long
                log.warning("heartbeat for %s failed: %s", self._claim.submission_id, exc)
                continue
            if not held:
                log.warning("lost the claim on %s; finishing anyway", self._claim.submission_id)
                return
