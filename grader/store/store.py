"""The submissions and runs a grader has seen, behind one small class."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.models import Outcome
from grader.store.errors import RunNotFoundError, SubmissionNotFoundError
from grader.store.lifecycle import Lifecycle, RunRecord
from grader.store.tables import SUBMISSION_STATES, RunTable, SubmissionTable

MIN_PREFIX = 4

# Runs with their submission's repository URL; Select objects are immutable, so one is shared.
_ROWS = sa.select(RunTable, SubmissionTable.repo_url).join(
    SubmissionTable, SubmissionTable.id == RunTable.submission_id
)


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run in a listing."""

    id: str
    submission_id: str
    repo_url: str
    challenge_id: str
    outcome: str
    score: float | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class RunDetail:
    """One run with everything stored about it; ``report`` is the report's JSON dict."""

    row: RunRow
    attempt: int
    reason: str
    commit_sha: str | None
    challenge_version: str
    started_at: datetime | None
    timings: dict[str, float]
    image: str
    image_digest: str
    report: dict[str, Any]


class Store(Lifecycle):
    """Reads and writes submissions and runs; every method is one short transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    @property
    def engine(self) -> sa.Engine:
        """The engine, for other layers' own tables (the web app's, ``grader.web.db``)."""
        return self._engine

    def create_submission(
        self,
        repo_url: str,
        ref: str | None,
        commit_sha: str,
        challenge_id: str,
        challenge_version: str,
    ) -> str:
        """Record a new submission in state ``queued`` and return its id."""
        row = SubmissionTable(
            repo_url=repo_url,
            ref=ref,
            commit_sha=commit_sha,
            challenge_id=challenge_id,
            challenge_version=challenge_version,
            state="queued",
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return row.id

    def set_state(self, submission_id: str, state: str) -> None:
        """Move a submission to ``queued``, ``running`` or ``done``."""
        if state not in SUBMISSION_STATES:
            raise ValueError(
                f"unknown submission state {state!r}, expected one of {SUBMISSION_STATES}"
            )
        with self._sessions.begin() as session:
            self._submission(session, submission_id, lock=False).state = state

    def record_run(self, submission_id: str, record: RunRecord) -> str:
        """Store one finished run as the submission's next attempt, and mark it done."""
        with self._sessions.begin() as session:
            submission = self._submission(session, submission_id, lock=True)
            last = session.scalar(
                sa.select(sa.func.max(RunTable.attempt)).where(
                    RunTable.submission_id == submission_id
                )
            )
            run = RunTable(
                id=record.run_id,
                submission_id=submission_id,
                attempt=(last or 0) + 1,
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
            )
            session.add(run)
            submission.state = "done"
            submission.attempt = run.attempt
            session.flush()
            return run.id

    def list_runs(self, limit: int = 50, challenge_id: str | None = None) -> list[RunRow]:
        """The newest runs first, optionally for one challenge only."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = _ROWS.order_by(RunTable.created_at.desc(), RunTable.id).limit(limit)
        if challenge_id is not None:
            query = query.where(RunTable.challenge_id == challenge_id)
        with self._sessions() as session:
            return [_to_row(run, url) for run, url in session.execute(query)]

    def get_run(self, run_id: str) -> RunDetail:
        """The run whose id is ``run_id`` or starts with it (at least 4 characters)."""
        run_id = run_id.strip()
        if len(run_id) < MIN_PREFIX:
            raise RunNotFoundError(
                f"run id {run_id!r} is too short",
                hint=f"give the full id or at least {MIN_PREFIX} characters of it",
            )
        query = _ROWS.where(RunTable.id.startswith(run_id, autoescape=True)).limit(2)
        with self._sessions() as session:
            found = session.execute(query).all()
        if not found:
            raise RunNotFoundError(
                f"no run with id {run_id!r}", hint="check the id against the list of recent runs"
            )
        if len(found) > 1:
            raise RunNotFoundError(
                f"run id prefix {run_id!r} matches more than one run",
                hint="give more characters of the id",
            )
        run, repo_url = found[0]
        return _to_detail(run, repo_url)

    def scores_for_challenge(self, challenge_id: str) -> list[float]:
        """Scores of every graded run of a challenge, for percentile comparisons."""
        query = sa.select(RunTable.score).where(
            RunTable.challenge_id == challenge_id,
            RunTable.outcome == str(Outcome.GRADED),
            RunTable.score.is_not(None),
        )
        with self._sessions() as session:
            return [float(score) for score in session.scalars(query) if score is not None]

    @staticmethod
    def _submission(session: Session, submission_id: str, *, lock: bool) -> SubmissionTable:
        query = sa.select(SubmissionTable).where(SubmissionTable.id == submission_id)
        found = session.scalar(query.with_for_update() if lock else query)
        if found is None:
            raise SubmissionNotFoundError(
                f"no submission with id {submission_id!r}",
                hint="create it with Store.create_submission first",
            )
        return found


def _outcome(value: str) -> str:
    if value not in set(Outcome):
        raise ValueError(f"unknown outcome {value!r}, expected one of {[str(o) for o in Outcome]}")
    return str(value)


def _to_row(run: RunTable, repo_url: str) -> RunRow:
    return RunRow(
        id=run.id,
        submission_id=run.submission_id,
        repo_url=repo_url,
        challenge_id=run.challenge_id,
        outcome=run.outcome,
        score=run.score,
        finished_at=run.finished_at,
    )


def _to_detail(run: RunTable, repo_url: str) -> RunDetail:
    return RunDetail(
        row=_to_row(run, repo_url),
        attempt=run.attempt,
        reason=run.reason,
        commit_sha=run.commit_sha,
        challenge_version=run.challenge_version,
        started_at=run.started_at,
        timings=dict(run.timings),
        image=run.image,
        image_digest=run.image_digest,
        report=run.report,
    )
