"""The submissions and runs a grader has seen, behind one small class."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import defer, sessionmaker

from grader.models import Outcome
from grader.store.errors import RunNotFoundError
from grader.store.lifecycle import Lifecycle
from grader.store.tables import FingerprintTable, RunTable, SubmissionTable

MIN_PREFIX = 4

# Runs with their submission's repository URL; Select objects are immutable, so one is shared.
_ROWS = sa.select(RunTable, SubmissionTable.repo_url).join(
    SubmissionTable, SubmissionTable.id == RunTable.submission_id
)


@dataclass(frozen=True, slots=True)
class Overlap:
    """A stored run sharing fingerprints with a finishing one (:meth:`Store.cohort_overlaps`)."""

    run_id: str
    repo_url: str
    shared: int  # distinct fingerprints in common
    total: int  # distinct fingerprints the stored run has


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


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    """One submission in a listing."""

    id: str
    repo_url: str
    challenge_id: str
    state: str
    attempt: int
    created_at: datetime


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

    def list_runs(self, limit: int = 50, challenge_id: str | None = None) -> list[RunRow]:
        """The newest runs first, optionally for one challenge only."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = (
            _ROWS.options(defer(RunTable.report))  # a list row never shows the report
            .order_by(RunTable.created_at.desc(), RunTable.id)
            .limit(limit)
        )
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

    def list_submissions(
        self, limit: int = 50, challenge_id: str | None = None
    ) -> list[SubmissionRow]:
        """The newest submissions first, optionally for one challenge only."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = sa.select(SubmissionTable).order_by(
            SubmissionTable.created_at.desc(), SubmissionTable.id
        )
        if challenge_id is not None:
            query = query.where(SubmissionTable.challenge_id == challenge_id)
        with self._sessions() as session:
            return [
                SubmissionRow(s.id, s.repo_url, s.challenge_id, s.state, s.attempt, s.created_at)
                for s in session.scalars(query.limit(limit))
            ]

    def kind_of(self, some_id: str) -> str | None:
        """``"run"`` or ``"submission"``: what ``some_id`` (or a prefix of it) names, if any."""
        some_id = some_id.strip()
        if len(some_id) < MIN_PREFIX:
            return None
        for kind, table in (("run", RunTable), ("submission", SubmissionTable)):
            query = sa.select(table.id).where(table.id.startswith(some_id, autoescape=True))
            with self._sessions() as session:
                if session.scalar(query.limit(1)) is not None:
                    return kind
        return None

    def cohort_scores(
        self, challenge_id: str, version: str, *, exclude_repo: str = ""
    ) -> list[float]:
        """The cohort a graded score is placed in: the latest graded run of each distinct
        repository for this challenge version, bundled samples (served on loopback by
        ``grader demo``) and ``exclude_repo`` (the candidate's own) left out."""
        latest = _latest_per_repo(challenge_id, version, (Outcome.GRADED,), exclude_repo)
        query = (
            sa.select(latest.c.repo_url, latest.c.score)
            .where(latest.c.newest == 1)
            .order_by(latest.c.created_at, latest.c.id)
        )
        with self._sessions() as session:
            rows: list[tuple[str, float]] = [(row[0], row[1]) for row in session.execute(query)]
        return [float(score) for url, score in rows if not is_sample_url(url)]

    def cohort_overlaps(
        self, challenge_id: str, version: str, digests: Collection[int], *, exclude_repo: str = ""
    ) -> list[Overlap]:
        """The latest graded or flagged run of each other repository of this challenge version
        (samples left out) that shares at least one of ``digests``, oldest first, with how many
        of its distinct fingerprints are shared and how many it has: what similarity screens.

        The digests are found through ``ix_fingerprints_lookup`` and no report JSON is read;
        telling which runs are each repository's latest reads one narrow row per scored run of
        the version, as :meth:`cohort_scores` does."""
        if not digests:
            return []
        fp = FingerprintTable
        shared = (
            sa.select(fp.run_id, sa.func.count().label("shared"))
            .where(
                fp.challenge_id == challenge_id,
                fp.challenge_version == version,
                fp.digest.in_(sorted(set(digests))),
            )
            .group_by(fp.run_id)
            .subquery("shared")
        )
        total = (
            sa.select(sa.func.count())
            .where(fp.run_id == shared.c.run_id)
            .correlate(shared)
            .scalar_subquery()
        )
        latest = _latest_per_repo(
            challenge_id, version, (Outcome.GRADED, Outcome.FLAGGED), exclude_repo
        )
        query = (
            sa.select(latest.c.id, latest.c.repo_url, shared.c.shared, total)
            .join(shared, shared.c.run_id == latest.c.id)
            .where(latest.c.newest == 1)
            .order_by(latest.c.created_at, latest.c.id)
        )
        with self._sessions() as session:
            rows = [Overlap(r[0], r[1], int(r[2]), int(r[3])) for r in session.execute(query)]
        return [row for row in rows if not is_sample_url(row.repo_url)]

    def fingerprints_of(self, run_id: str) -> Any:
        """A stored run's ``report["fingerprints"]`` JSON (None when it has none), read alone."""
        with self._sessions() as session:
            return session.execute(
                sa.select(RunTable.report["fingerprints"]).where(RunTable.id == run_id)
            ).scalar_one_or_none()

    def add_finding(self, run_id: str, finding: dict[str, Any]) -> None:
        """Add a review finding to a stored run's report (similarity seen by a later run)."""
        with self._sessions.begin() as session:
            run = session.get_one(RunTable, run_id)
            findings = list(run.report.get("findings", []))
            if finding not in findings:
                run.report = {**run.report, "findings": [*findings, finding]}


def _latest_per_repo(
    challenge_id: str, version: str, outcomes: tuple[Outcome, ...], exclude_repo: str
) -> sa.Subquery:
    """The scored runs of one challenge version with outcome in ``outcomes``, each ranked
    within its repository newest first (``newest`` 1 is the latest; ties on ``created_at``
    broken by id), ``exclude_repo`` left out: one query on SQLite and PostgreSQL alike,
    reading no report JSON. Samples are left to the caller: at most one row per repository
    comes back, and what counts as loopback is :func:`is_sample_url`'s to say."""
    newest = sa.func.row_number().over(
        partition_by=SubmissionTable.repo_url,
        order_by=(RunTable.created_at.desc(), RunTable.id.desc()),
    )
    return (
        sa.select(
            RunTable.id,
            SubmissionTable.repo_url,
            RunTable.score,
            RunTable.created_at,
            newest.label("newest"),
        )
        .join(SubmissionTable, SubmissionTable.id == RunTable.submission_id)
        .where(
            RunTable.challenge_id == challenge_id,
            RunTable.challenge_version == version,
            RunTable.outcome.in_([str(o) for o in outcomes]),
            RunTable.score.is_not(None),
            SubmissionTable.repo_url != exclude_repo,
        )
        .subquery("latest")
    )


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_sample_url(url: str) -> bool:
    """A repository served on loopback: ``grader demo``'s bundled samples, never a candidate."""
    return (urlsplit(url).hostname or "") in _LOOPBACK_HOSTS


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
