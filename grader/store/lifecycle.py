"""A submission's life in the queue, with the database as the source of truth.

    queued --claim--> running --finish--> done --regrade--> queued (next attempt)
       ^                 |
       +--release/reap---+   (infrastructure fault with retries left, or an expired lease)

Every transition is one conditional UPDATE, so two workers (or two reapers) racing for the
same row cannot both win, on SQLite and PostgreSQL alike. A claim holds a lease
(``deadline_at``) that the holder renews by heartbeat; a lapsed lease means the holder is
gone and anyone may claim again. The final run of an attempt is unique per
(submission, attempt): the first commit wins, later ones are told they lost.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.orm import Session, sessionmaker

from grader.models import Outcome
from grader.store.errors import SubmissionBusyError, SubmissionNotFoundError
from grader.store.tables import (
    PHASE_COLUMNS,
    FingerprintTable,
    RunTable,
    SubmissionTable,
    utcnow,
)

log = logging.getLogger(__name__)

UNFINISHED = ("queued", "running")
RESET_PHASES = {f"{p}_at": None for p in PHASE_COLUMNS if p != "queued"}
_S = SubmissionTable


@dataclass(frozen=True, slots=True)
class Claim:
    """One worker's hold on one attempt of a submission, and what it needs to grade it."""

    submission_id: str
    attempt: int
    token: str  # the holder's id; also the run id, so the sandbox container carries it
    repo_url: str
    ref: str | None
    commit_sha: str
    challenge_id: str
    challenge_version: str
    tries: int  # claims of this attempt so far, this one included
    faults: int  # infrastructure faults of this attempt before this claim
    due_at: datetime | None = None  # the candidate's deadline: grade the last commit before it


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What the store keeps of one finished run (the report itself as its JSON dict)."""

    run_id: str
    report: dict[str, Any]
    outcome: str
    score: float | None
    reason: str
    commit_sha: str | None
    challenge_id: str
    challenge_version: str
    started_at: datetime | None
    finished_at: datetime | None
    timings: dict[str, float]
    image: str = ""
    image_digest: str = ""


@dataclass(frozen=True, slots=True)
class Stale:
    submission_id: str
    queue: str
    was: str  # "queued" (its message was lost) or "running" (its holder stopped renewing)


@dataclass(frozen=True, slots=True)
class SubmissionStatus:
    """Where a submission is, and the final run of its current attempt when there is one."""

    id: str
    state: str
    attempt: int
    queue: str
    challenge_id: str
    repo_url: str
    commit_sha: str
    tries: int
    faults: int
    last_error: str
    worker: str
    deadline_at: datetime | None
    phases: dict[str, datetime | None]
    run_id: str | None = None
    outcome: str | None = None
    score: float | None = None
    reason: str = ""


class Lifecycle:
    """Queue transitions for :class:`grader.store.Store`; each method is one transaction."""

    _sessions: sessionmaker[Session]

    def enqueue(
        self,
        repo_url: str,
        ref: str | None,
        commit_sha: str,
        *,
        challenge_id: str,
        challenge_version: str,
        queue: str,
        deadline_seconds: float,
        due_at: datetime | None = None,
    ) -> str:
        """Record a new submission, queued for attempt 1, and return its id."""
        now = utcnow()
        row = SubmissionTable(
            repo_url=repo_url,
            ref=ref,
            commit_sha=commit_sha,
            challenge_id=challenge_id,
            challenge_version=challenge_version,
            state="queued",
            queue=queue,
            queued_at=now,
            deadline_at=now + timedelta(seconds=deadline_seconds),
            due_at=due_at,
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return row.id

    def claim(
        self, submission_id: str, token: str, *, lease_seconds: float, worker: str = ""
    ) -> Claim | None:
        """Take the submission if it is queued or its holder's lease ran out; None otherwise."""
        now = utcnow()
        takeable = sa.or_(
            _S.state == "queued", sa.and_(_S.state == "running", _S.deadline_at < now)
        )
        values: dict[str, Any] = {
            **RESET_PHASES,
            "state": "running",
            "holder": token,
            "worker": worker[:255],
            "claimed_at": now,
            "deadline_at": now + timedelta(seconds=lease_seconds),
            "tries": _S.tries + 1,
        }
        claimed = (
            sa.update(_S)
            .where(_S.id == submission_id, takeable)
            .values(**values)
            .returning(*(getattr(_S, name) for name in _CLAIM_COLUMNS))
        )
        with self._sessions.begin() as session:  # one round trip: the row comes back
            row = session.execute(claimed).one_or_none()
        if row is None:
            return None
        return Claim(submission_id=submission_id, token=token, **row._asdict())

    def heartbeat(self, claim: Claim, *, lease_seconds: float) -> bool:
        """Renew the lease; False when the claim was lost (reaped or taken over)."""
        deadline = utcnow() + timedelta(seconds=lease_seconds)
        return self._held_update(claim, deadline_at=deadline)

    def mark_phase(self, claim: Claim, phase: str, at: datetime | None = None) -> bool:
        """Stamp ``<phase>_at`` (cloned, prepared, started, finished) for the held attempt."""
        if phase not in PHASE_COLUMNS:
            raise ValueError(f"unknown phase {phase!r}, expected one of {PHASE_COLUMNS}")
        return self._held_update(claim, **{f"{phase}_at": at or utcnow()})

    def release(
        self, claim: Claim, reason: str, *, ready_in: float, deadline_seconds: float
    ) -> bool:
        """Give the attempt back after an infrastructure fault, to be retried in ``ready_in`` s."""
        deadline = utcnow() + timedelta(seconds=ready_in + deadline_seconds)
        return self._held_update(
            claim,
            state="queued",
            holder=None,
            faults=_S.faults + 1,
            last_error=reason,
            deadline_at=deadline,
        )

    def finish(self, claim: Claim, record: RunRecord, *, reported: bool = False) -> str | None:
        """Store the attempt's final run and mark the submission done; with ``reported``, its
        reports are already written and ``reported`` is stamped in the same transaction.

        Returns the run id, or None when another delivery already recorded this attempt."""
        now = utcnow()
        stamps = {"finished_at": now, **({"reported_at": now} if reported else {})}
        try:
            with self._sessions.begin() as session:
                row = _get(session, claim.submission_id)
                phases = {p: getattr(row, f"{p}_at") for p in PHASE_COLUMNS}
                phases.update({name.removesuffix("_at"): at for name, at in stamps.items()})
                session.add(_run_row(claim, record, phases))
                session.flush()
                if marks := _fingerprint_rows(record):
                    session.execute(sa.insert(FingerprintTable), marks)
                session.execute(
                    sa.update(_S)
                    .where(_S.id == claim.submission_id, _S.attempt == claim.attempt)
                    .values(state="done", holder=None, deadline_at=None, **stamps)
                )
                return record.run_id
        except exc.IntegrityError:
            if not self._has_run(claim.submission_id, claim.attempt):
                raise
            log.info(
                "attempt %s of %s was already recorded; this result is dropped",
                claim.attempt,
                claim.submission_id,
            )
            return None

    def regrade(self, submission_id: str, *, deadline_seconds: float) -> tuple[int, str]:
        """Queue the next attempt of a finished submission; returns (attempt, queue)."""
        now = utcnow()
        values: dict[str, Any] = {
            **RESET_PHASES,
            "state": "queued",
            "attempt": _S.attempt + 1,
            "tries": 0,
            "faults": 0,
            "holder": None,
            "last_error": "",
            "queued_at": now,
            "deadline_at": now + timedelta(seconds=deadline_seconds),
        }
        with self._sessions.begin() as session:
            row = _get(session, submission_id)
            done = session.execute(
                sa.update(_S).where(_S.id == submission_id, _S.state == "done").values(**values)
            )
            if _rowcount(done) != 1:
                raise SubmissionBusyError(
                    f"submission {submission_id} is still {row.state}",
                    hint="wait until `grader status` says done, then regrade it",
                )
            session.refresh(row)
            return row.attempt, row.queue

    def status(self, submission_id: str) -> SubmissionStatus:
        """The submission's state, phase timestamps, and its current attempt's final run."""
        run_query = sa.select(RunTable).where(RunTable.submission_id == submission_id)
        with self._sessions() as session:
            row = _get(session, submission_id)
            run = session.scalar(run_query.where(RunTable.attempt == row.attempt))
            return SubmissionStatus(
                id=row.id,
                state=row.state,
                attempt=row.attempt,
                queue=row.queue,
                challenge_id=row.challenge_id,
                repo_url=row.repo_url,
                commit_sha=row.commit_sha,
                tries=row.tries,
                faults=row.faults,
                last_error=row.last_error,
                worker=row.worker,
                deadline_at=row.deadline_at,
                phases={p: getattr(row, f"{p}_at") for p in PHASE_COLUMNS},
                run_id=run.id if run else None,
                outcome=run.outcome if run else None,
                score=run.score if run else None,
                reason=run.reason if run else "",
            )

    def reclaim_stale(self, *, deadline_seconds: float, limit: int = 100) -> list[Stale]:
        """Put every unfinished submission past its deadline back to queued, with a new
        deadline, and return them for re-enqueueing. Concurrent reapers split the rows."""
        now = utcnow()
        stale = sa.select(_S.id).where(_S.state.in_(UNFINISHED), _S.deadline_at < now).limit(limit)
        with self._sessions.begin() as session:
            before = dict(session.execute(sa.select(_S.id, _S.state).where(_S.id.in_(stale))).all())
            rows = session.execute(
                sa.update(_S)
                .where(_S.id.in_(list(before)), _S.state.in_(UNFINISHED), _S.deadline_at < now)
                .values(
                    state="queued",
                    holder=None,
                    deadline_at=now + timedelta(seconds=deadline_seconds),
                )
                .returning(_S.id, _S.queue)
            ).all()
        return [Stale(sid, queue, before[sid]) for sid, queue in rows]

    def live_runs(self, run_ids: Collection[str]) -> set[str]:
        """Those of ``run_ids`` that are a claim still held (running, lease not lapsed).

        A claim's token is its run id and its sandbox container's label, so this tells the
        container reaper which containers a worker is still grading in.
        """
        query = sa.select(_S.holder).where(
            _S.holder.in_(list(run_ids)), _S.state == "running", _S.deadline_at >= utcnow()
        )
        with self._sessions() as session:
            return {holder for holder in session.scalars(query) if holder}

    def state_counts(self) -> dict[str, int]:
        """How many submissions are queued, running and done."""
        query = sa.select(_S.state, sa.func.count()).group_by(_S.state)
        with self._sessions() as session:
            return {state: int(count) for state, count in session.execute(query).all()}

    def _held_update(self, claim: Claim, **values: Any) -> bool:
        held = (_S.id == claim.submission_id, _S.holder == claim.token, _S.state == "running")
        with self._sessions.begin() as session:
            return _rowcount(session.execute(sa.update(_S).where(*held).values(**values))) == 1

    def _has_run(self, submission_id: str, attempt: int) -> bool:
        query = sa.select(RunTable.id).where(
            RunTable.submission_id == submission_id, RunTable.attempt == attempt
        )
        with self._sessions() as session:
            return session.scalar(query) is not None


def _run_row(claim: Claim, record: RunRecord, phases: dict[str, datetime | None]) -> RunTable:
    return RunTable(
        id=record.run_id,
        submission_id=claim.submission_id,
        attempt=claim.attempt,
        outcome=_outcome(record.outcome),
        score=record.score,
        reason=record.reason,
        commit_sha=record.commit_sha,
        challenge_id=record.challenge_id,
        challenge_version=record.challenge_version,
        started_at=record.started_at,
        finished_at=record.finished_at,
        timings=dict(record.timings),
        image=record.image,
        image_digest=record.image_digest,
        report=record.report,
        phases={name: at.isoformat() for name, at in phases.items() if at is not None},
    )


def _fingerprint_rows(record: RunRecord) -> list[dict[str, Any]]:
    """The rows similarity looks up later: one per distinct fingerprint of a scored run."""
    if record.outcome not in (Outcome.GRADED, Outcome.FLAGGED) or record.score is None:
        return []
    marks = record.report.get("fingerprints") or ()
    digests = {m.get("digest") for m in marks if isinstance(m, dict)}
    return [
        {
            "run_id": record.run_id,
            "digest": digest,
            "challenge_id": record.challenge_id,
            "challenge_version": record.challenge_version,
        }
        for digest in sorted(d for d in digests if isinstance(d, int))
    ]


def _outcome(value: str) -> str:
    if value not in set(Outcome):
        raise ValueError(f"unknown outcome {value!r}, expected one of {[str(o) for o in Outcome]}")
    return str(value)


# What a claim reads back from the row it took (the rest of :class:`Claim` the caller knows).
_CLAIM_COLUMNS = (
    "attempt",
    "repo_url",
    "ref",
    "commit_sha",
    "challenge_id",
    "challenge_version",
    "tries",
    "faults",
    "due_at",
)


def _get(session: Session, submission_id: str) -> SubmissionTable:
    row = session.get(_S, submission_id)
    if row is None:
        raise SubmissionNotFoundError(
            f"no submission with id {submission_id!r}",
            hint="use the id `grader submit` printed; `grader queue` shows what is there",
        )
    return row


def _rowcount(result: sa.Result[Any]) -> int:
    return int(getattr(result, "rowcount", 0))
