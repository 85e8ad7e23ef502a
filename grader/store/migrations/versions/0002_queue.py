"""Queue bookkeeping: attempts, claims, deadlines and per-phase timestamps.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PHASES = ("queued", "claimed", "cloned", "prepared", "started", "finished", "reported")


def _columns() -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column("attempt", sa.Integer(), server_default="1", nullable=False),
        sa.Column("queue", sa.String(32), server_default="default", nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("faults", sa.Integer(), server_default="0", nullable=False),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("worker", sa.String(255), server_default="", nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
    ]
    columns += [sa.Column(f"{p}_at", sa.DateTime(timezone=True), nullable=True) for p in PHASES]
    return columns


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        for column in _columns():
            batch.add_column(column)
        batch.create_index("ix_submissions_state_deadline_at", ["state", "deadline_at"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("phases", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("phases")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index("ix_submissions_state_deadline_at")
        for column in reversed(_columns()):
            batch.drop_column(column.name)
