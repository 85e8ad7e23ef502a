"""An index on ``submissions.created_at``: the newest-first list pages read 50 rows, not all.

``grader submissions list`` orders by ``created_at DESC``; without an index PostgreSQL read
and sorted the whole table for every page (``benchmarks/bench_scale.py`` flags it).

Revision ID: 0004_submissions_created_at
Revises: 0003_web
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_submissions_created_at"
down_revision: str | None = "0003_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_submissions_created_at", "submissions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_submissions_created_at", table_name="submissions")
