"""Indexes for a big queue: newest-first list pages, the cohort every finish reads, and the
fingerprints similarity looks up.

- ``ix_submissions_created_at``: ``grader submissions list`` orders by ``created_at DESC``;
  without it PostgreSQL read and sorted the whole table for every page.
- ``ix_runs_cohort``: ``Store.cohort_scores`` / ``cohort_overlaps`` rank the graded runs
  of one challenge version per repository, newest first; the equality columns lead, then
  ``created_at``. It replaces ``ix_runs_challenge_id``, a prefix of it.

- ``fingerprints``: one row per distinct fingerprint of each graded or flagged run, looked up
  by ``(challenge_id, challenge_version, digest)``, so a finishing run finds the runs sharing
  its fingerprints without reading every report. Filled here from the stored reports.

``benchmarks/bench_scale.py`` prints the plans and flags sequential scans.

Revision ID: 0004_scale_indexes
Revises: 0003_web
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_scale_indexes"
down_revision: str | None = "0003_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COHORT_COLUMNS = ["challenge_id", "challenge_version", "outcome", "created_at"]
LOOKUP_COLUMNS = ["challenge_id", "challenge_version", "digest"]
BATCH = 200  # runs read per backfill query


def upgrade() -> None:
    op.create_index("ix_submissions_created_at", "submissions", ["created_at"])
    op.create_index("ix_runs_cohort", "runs", COHORT_COLUMNS)
    op.drop_index("ix_runs_challenge_id", table_name="runs")
    fingerprints = op.create_table(
        "fingerprints",
        sa.Column(
            "run_id",
            sa.String(36),
            sa.ForeignKey("runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("digest", sa.BigInteger, primary_key=True),
        sa.Column("challenge_id", sa.String(255), nullable=False),
        sa.Column("challenge_version", sa.String(64), nullable=False),
    )
    op.create_index("ix_fingerprints_lookup", "fingerprints", LOOKUP_COLUMNS)
    _backfill(fingerprints)


def _backfill(fingerprints: sa.Table) -> None:
    """Rows for the scored runs stored before this table, read from their reports in batches."""
    runs = sa.table(
        "runs",
        sa.column("id", sa.String),
        sa.column("outcome", sa.String),
        sa.column("score", sa.Float),
        sa.column("challenge_id", sa.String),
        sa.column("challenge_version", sa.String),
        sa.column("report", sa.JSON),
    )
    bind = op.get_bind()
    scored = (
        sa.select(runs)
        .where(runs.c.outcome.in_(("graded", "flagged")), runs.c.score.is_not(None))
        .order_by(runs.c.id)
    )
    after = ""
    while batch := bind.execute(scored.where(runs.c.id > after).limit(BATCH)).all():
        after = batch[-1].id
        rows = [
            {
                "run_id": run.id,
                "digest": digest,
                "challenge_id": run.challenge_id,
                "challenge_version": run.challenge_version,
            }
            for run in batch
            for digest in _digests(run.report)
        ]
        if rows:
            bind.execute(sa.insert(fingerprints), rows)


def _digests(report: object) -> list[int]:
    marks = report.get("fingerprints") if isinstance(report, dict) else None
    found = {m.get("digest") for m in marks or () if isinstance(m, dict)}
    return sorted(d for d in found if isinstance(d, int))


def downgrade() -> None:
    op.drop_index("ix_fingerprints_lookup", table_name="fingerprints")
    op.drop_table("fingerprints")
    op.create_index("ix_runs_challenge_id", "runs", ["challenge_id"])
    op.drop_index("ix_runs_cohort", table_name="runs")
    op.drop_index("ix_submissions_created_at", table_name="submissions")
