"""Indexes for a big queue: newest-first list pages, and the cohort every finish reads.

- ``ix_submissions_created_at``: ``grader submissions list`` orders by ``created_at DESC``;
  without it PostgreSQL read and sorted the whole table for every page.
- ``ix_runs_cohort``: ``Store.cohort_scores`` / ``cohort_fingerprints`` rank the graded runs
  of one challenge version per repository, newest first; the equality columns lead, then
  ``created_at``. It replaces ``ix_runs_challenge_id``, a prefix of it.

``benchmarks/bench_scale.py`` prints the plans and flags sequential scans.

Revision ID: 0004_scale_indexes
Revises: 0003_web
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_scale_indexes"
down_revision: str | None = "0003_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COHORT_COLUMNS = ["challenge_id", "challenge_version", "outcome", "created_at"]


def upgrade() -> None:
    op.create_index("ix_submissions_created_at", "submissions", ["created_at"])
    op.create_index("ix_runs_cohort", "runs", COHORT_COLUMNS)
    op.drop_index("ix_runs_challenge_id", table_name="runs")


def downgrade() -> None:
    op.create_index("ix_runs_challenge_id", "runs", ["challenge_id"])
    op.drop_index("ix_runs_cohort", table_name="runs")
    op.drop_index("ix_submissions_created_at", table_name="submissions")
