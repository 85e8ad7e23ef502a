"""One delivery of a ``grade_submission`` message: claim, grade, then finish or retry.

The Celery task is a thin adapter over :func:`run_attempt`; so is anything else that wants
to drain the queue. The database decides who grades: a delivery that cannot claim the
submission (someone holds a live lease, or it is done) does nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from grader.challenge import find_challenge
from grader.errors import ChallengeError
from grader.models import ChallengeRef, GradeReport, Outcome
from grader.pipeline import GradeRequest, grade
from grader.queue.config import backoff
from grader.record import GradeFn, Heartbeat, PhaseStamps, finish
from grader.sandbox import Sandbox
from grader.settings import Settings
from grader.store import Claim, Store

log = logging.getLogger(__name__)


class Finisher:
    """Finishes a worker process's runs on one background thread, so its next delivery's
    hand-over, claim and clone overlap the last run's finish (comparison with the cohort,
    reports, the run's transaction: ~20 ms, 3-4 % of the shortest grading).

    At most one finish is pending: :meth:`submit` waits for the last one first. A finish
    that fails is logged; the submission stays claimed, so when its lease lapses the reaper
    queues it again, as for a worker lost mid-grade.
    """

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finish")
        self._pending: Future[None] | None = None

    def submit(self, claim: Claim, finish_run: Callable[[], object]) -> None:
        self.drain()
        self._pending = self._thread.submit(_finish_logged, claim, finish_run)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait for the pending finish; False if it is still running after ``timeout`` s."""
        pending, self._pending = self._pending, None
        if pending is None:
            return True
        try:
            pending.result(timeout)
        except FutureTimeout:
            self._pending = pending
            return False
        return True


def _finish_logged(claim: Claim, finish_run: Callable[[], object]) -> None:
    try:
        finish_run()
    except Exception:  # the thread's last stop: anything else would vanish with the Future
        log.exception(
            "could not finish %s attempt %s; it is graded again when its lease lapses",
            claim.submission_id,
            claim.attempt,
        )


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """``skipped`` (not ours to grade), ``retry`` (after ``retry_in`` s), ``done``,
    ``duplicate`` (another delivery recorded this attempt first), ``lost`` (lease gone) or
    ``finishing`` (handed to a :class:`Finisher`)."""

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
    finisher: Finisher | None = None,
) -> AttemptResult:
    """Grade the submission's current attempt if this delivery can claim it; with a
    ``finisher``, return once graded and leave the finish to it."""
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
    with Heartbeat(store, claim, settings.lease_seconds):
        roots = roots or settings.challenge_roots
        report = _grade(claim, settings, store, roots, partial(grade_fn, sandbox=sandbox))
    if report.outcome is Outcome.NOT_GRADABLE and claim.faults < settings.max_retries:
        delay = backoff(claim.faults, settings)
        released = store.release(
            claim, report.reason, ready_in=delay, deadline_seconds=settings.queued_timeout_seconds
        )
        log.warning("%s not gradable, retry in %ss: %s", submission_id, delay, report.reason)
        return AttemptResult("retry", retry_in=delay) if released else AttemptResult("lost")
    if finisher is None:
        return _finish(claim, report, settings, store)
    finisher.submit(claim, partial(_finish, claim, report, settings, store))
    return AttemptResult("finishing", run_id=claim.token, outcome=report.outcome.value)


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
        deadline=claim.due_at,
    )
    with PhaseStamps(store, claim) as stamps:
        return grade_fn(request, settings, observer=stamps)


def _finish(claim: Claim, report: GradeReport, settings: Settings, store: Store) -> AttemptResult:
    if report.outcome is Outcome.NOT_GRADABLE and claim.faults:
        tries = claim.faults + 1
        report = dataclasses.replace(
            report, reason=f"{report.reason} (gave up after {tries} tries)"
        )
    finished = finish(claim, report, settings, store)
    if finished.run_id is None:
        return AttemptResult("duplicate")
    return AttemptResult("done", run_id=finished.run_id, outcome=report.outcome.value)


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
