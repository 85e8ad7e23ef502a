"""The database tables, as typed SQLAlchemy 2 declarative models.

Alembic migrations in ``migrations/versions/`` create exactly these tables; a unit test
checks that autogenerate finds no difference between the two.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SUBMISSION_STATES = ("queued", "running", "done")
PHASE_COLUMNS = ("queued", "claimed", "cloned", "prepared", "started", "finished", "reported")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp stored as UTC; SQLite, which drops the zone, reads back UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Named constraints, so batch-mode migrations on SQLite can find them again."""

    metadata = sa.MetaData(naming_convention=NAMING)


class SubmissionTable(Base):
    __tablename__ = "submissions"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    repo_url: Mapped[str] = mapped_column(sa.String(2048))
    ref: Mapped[str | None] = mapped_column(sa.String(255))
    commit_sha: Mapped[str] = mapped_column(sa.String(64))
    challenge_id: Mapped[str] = mapped_column(sa.String(255), index=True)
    challenge_version: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16), default="queued")
    # Indexed: list pages read the newest first (migration 0004_scale_indexes).
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # The queue's bookkeeping for the current attempt (see grader/store/lifecycle.py).
    attempt: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    queue: Mapped[str] = mapped_column(sa.String(32), default="default", server_default="default")
    tries: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    faults: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    holder: Mapped[str | None] = mapped_column(sa.String(64))
    worker: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cloned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    prepared_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The candidate's hand-in deadline (not the queue's ``deadline_at``): the last commit
    # committed before it is graded.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    # The reaper's question: which unfinished submissions are past their deadline?
    __table_args__ = (sa.Index("ix_submissions_state_deadline_at", "state", "deadline_at"),)


class RunTable(Base):
    __tablename__ = "runs"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "attempt"),
        # The cohort every finish reads: one challenge version's graded runs, newest first.
        sa.Index("ix_runs_cohort", "challenge_id", "challenge_version", "outcome", "created_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    # No index of its own: the unique (submission_id, attempt) constraint serves lookups.
    submission_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("submissions.id", ondelete="CASCADE")
    )
    attempt: Mapped[int] = mapped_column(sa.Integer)
    outcome: Mapped[str] = mapped_column(sa.String(32))
    score: Mapped[float | None] = mapped_column(sa.Float)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    commit_sha: Mapped[str | None] = mapped_column(sa.String(64))
    challenge_id: Mapped[str] = mapped_column(sa.String(255))
    challenge_version: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    timings: Mapped[dict[str, float]] = mapped_column(sa.JSON, default=dict)
    image: Mapped[str] = mapped_column(sa.String(512), default="")
    image_digest: Mapped[str] = mapped_column(sa.String(255), default="")
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    # When each phase of this attempt happened, ISO 8601 UTC: queued, claimed, cloned, ...
    phases: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict, server_default="{}")


class FingerprintTable(Base):
    """One distinct winnowed fingerprint of a scored (graded or flagged) run, so a finishing
    run looks up the runs that share its fingerprints through an index instead of reading
    every run's report (``grader.similar``). Written with the run, in the same transaction."""

    __tablename__ = "fingerprints"
    __table_args__ = (
        sa.Index("ix_fingerprints_lookup", "challenge_id", "challenge_version", "digest"),
    )

    run_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)  # 48-bit blake2b
    challenge_id: Mapped[str] = mapped_column(sa.String(255))
    challenge_version: Mapped[str] = mapped_column(sa.String(64))
