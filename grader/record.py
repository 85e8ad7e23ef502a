"""One way to finish a run, whichever adapter graded it (CLI in-process, or a queue worker).

Both hold a :class:`~grader.store.Claim` on the submission while grading (its lease renewed by
:class:`Heartbeat`, its phases stamped by :class:`PhaseStamps`), and both end in
:func:`finish`: the comparison with earlier runs, the rendered reports in
``settings.report_dir(run_id)``, then the stored run row with ``finished`` and ``reported``
stamped in one transaction.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import socket
import statistics
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from grader.fetch import redact
from grader.models import Comparison, GradeReport, Outcome, Phase
from grader.pipeline import GradeRequest, Observer, grade
from grader.report import render, to_json_dict
from grader.sandbox import Sandbox
from grader.settings import Settings
from grader.similar import with_similarity
from grader.store import Claim, RunRecord, Store, open_store

log = logging.getLogger(__name__)

MIN_COHORT = 10  # fewer graded submissions than this: no percentile, "not enough yet"

# Which pipeline event stamps which of the submission's phase timestamps.
_ON_FINISH = {Phase.FETCH: "cloned", Phase.PREPARE: "prepared"}
_ON_START = {Phase.SANDBOX: "started"}
LOCAL_WORKER = "cli"


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
class Finished:
    """A finished run: its id and report files, or ``run_id`` None when another delivery
    recorded this attempt first (nothing was written then)."""

    run_id: str | None
    paths: dict[str, Path] = field(default_factory=dict)


def finish(
    claim: Claim,
    report: GradeReport,
    settings: Settings,
    store: Store,
    out_dir: Path | None = None,
) -> Finished:
    """Store the attempt's run and write its reports; the one ending of every graded run."""
    cohort = store.cohort_scores(
        report.challenge.id, report.challenge.version, exclude_repo=report.repo_url
    )
    report = with_comparison(report, cohort)
    report, pairs = with_similarity(report, store)
    record = run_record(report)
    # Written first, so one transaction stores the run with ``reported`` stamped; a run whose
    # files could not be written is still stored (`grader report RUN` writes them again).
    out = out_dir or settings.report_dir(report.run_id)
    try:
        paths = render(report, out, data=record.report)
    except OSError as exc:
        log.warning("could not write the reports of run %s to %s: %s", report.run_id, out, exc)
        paths = {}
    run_id = store.finish(claim, record, reported=bool(paths))
    if run_id is None:
        if out_dir is None:  # this delivery's run is not the stored one: no files for it
            shutil.rmtree(out, ignore_errors=True)
        return Finished(None)
    for pair in pairs:  # only now: the finding names a run that is stored
        store.add_finding(pair.other_run, pair.finding)
    log.info("%s attempt %s: %s", claim.submission_id, claim.attempt, report.outcome.value)
    return Finished(run_id, paths)


def grade_here(
    request: GradeRequest,
    settings: Settings,
    *,
    observer: Observer | None = None,
    out_dir: Path | None = None,
    sandbox: Sandbox | None = None,
    grade_fn: GradeFn = grade,
) -> tuple[GradeReport, Finished]:
    """Grade in this process (``grader grade``, ``grader demo``) and finish like a worker."""
    with _local_claim(request, settings) as (store, claim):
        with PhaseStamps(store, claim, observer) as stamps:
            report = grade_fn(request, settings, sandbox=sandbox, observer=stamps)
        return report, finish(claim, report, settings, store, out_dir)


@contextmanager
def _local_claim(request: GradeRequest, settings: Settings) -> Iterator[tuple[Store, Claim]]:
    """A new submission, claimed by this process the way a worker claims one, so its run is
    stored exactly like a queued one. Only the redacted URL is stored. If this process dies
    mid-grade, a worker's reaper finds the lapsed lease and queues the submission again.
    """
    challenge = request.challenge
    store = open_store(settings.effective_database_url)
    try:
        submission_id = store.enqueue(
            redact(request.url),
            request.ref,
            request.commit or "",
            challenge_id=challenge.id,
            challenge_version=challenge.spec.version,
            queue=challenge.queue,
            deadline_seconds=settings.queued_timeout_seconds,
            due_at=request.deadline,
        )
        worker = f"{LOCAL_WORKER}@{socket.gethostname()}"
        lease = settings.lease_seconds
        claim = store.claim(submission_id, request.run_id, lease_seconds=lease, worker=worker)
        if claim is None:  # nobody else knows the row yet: only a broken database gets here
            raise RuntimeError(f"could not claim the new submission {submission_id}")
        with Heartbeat(store, claim, lease):
            yield store, claim
    finally:
        store.close()


def with_comparison(report: GradeReport, others: list[float]) -> GradeReport:
    """Add how this score compares with its cohort (:meth:`Store.cohort_scores`), from
    :data:`MIN_COHORT` other submissions on; below that the report says there are too few."""
    if report.outcome is not Outcome.GRADED or report.score is None or len(others) < MIN_COHORT:
        return dataclasses.replace(report, comparison=None)
    below = sum(1 for other in others if other < report.score)
    ties = sum(1 for other in others if other == report.score)
    percentile = int(100 * (below + 0.5 * ties) / len(others) + 0.5)  # half up
    median = float(statistics.median(others))
    histogram = [0] * 10  # ten bands of ten points; 100 joins the top one
    for other in others:
        histogram[min(int(other // 10), 9)] += 1
    comparison = Comparison(len(others), below, percentile, median, tuple(histogram))
    return dataclasses.replace(report, comparison=comparison)


def run_record(report: GradeReport) -> RunRecord:
    """What the store keeps of a finished run: its row fields and the report's JSON."""
    return RunRecord(
        run_id=report.run_id,
        report=to_json_dict(report),
        outcome=report.outcome.value,
        score=report.score,
        reason=report.reason,
        commit_sha=report.commit,
        challenge_id=report.challenge.id,
        challenge_version=report.challenge.version,
        started_at=report.started_at,
        finished_at=report.finished_at,
        timings=report.timings,
        image=report.image,
        image_digest=report.image_digest,
    )


class PhaseStamps:
    """A pipeline observer that stamps cloned / prepared / started on the submission, and
    passes every event on to ``then`` (e.g. the CLI's progress display).

    The stamps are for operators and progress pages, so a background thread writes them, off
    the grading's critical path (three database round trips per grading); leaving the ``with``
    block waits for the ones still pending, so they land before the run is finished.
    """

    def __init__(self, store: Store, claim: Claim, then: Observer | None = None) -> None:
        self._store = store
        self._claim = claim
        self._then = then
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-stamps")

    def __enter__(self) -> PhaseStamps:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.shutdown(wait=True)

    def phase_started(self, phase: Phase) -> None:
        if phase in _ON_START:
            self._writer.submit(self._stamp, _ON_START[phase])
        if self._then is not None:
            self._then.phase_started(phase)

    def phase_finished(self, phase: Phase, seconds: float) -> None:
        if phase in _ON_FINISH:
            self._writer.submit(self._stamp, _ON_FINISH[phase])
        if self._then is not None:
            self._then.phase_finished(phase, seconds)

    def _stamp(self, name: str) -> None:
        try:
            self._store.mark_phase(self._claim, name)
        except SQLAlchemyError as exc:  # timestamps are for operators; grading goes on
            log.warning("could not stamp %s on %s: %s", name, self._claim.submission_id, exc)


class Heartbeat:
    """Renews the claim's lease in a thread while grading runs, so the reaper leaves it be."""

    def __init__(self, store: Store, claim: Claim, lease_seconds: float) -> None:
        self._store = store
        self._claim = claim
        self._lease = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="grader-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
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
