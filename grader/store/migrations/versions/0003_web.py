"""The web app: organisations, users, invitations, reviews, API tokens, webhooks.

Revision ID: 0003_web
Revises: 0002_submission_deadline
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_web"
down_revision: str | None = "0002_submission_deadline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["org_id"], ["orgs.id"], name=f"fk_{table}_org_id_orgs", ondelete="CASCADE"
    )


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(36), nullable=False)


def _org_id() -> sa.Column[str]:
    return sa.Column("org_id", sa.String(36), nullable=False)


def upgrade() -> None:
    op.create_table(
        "orgs",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orgs"),
    )
    op.create_table(
        "users",
        _id(),
        _org_id(),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _org_fk("users"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_email", "login_failures", ["email"])
    op.create_index("ix_login_failures_address", "login_failures", ["address"])
    op.create_table(
        "invitations",
        _id(),
        _org_id(),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("candidate_name", sa.String(200), nullable=False),
        sa.Column("candidate_email", sa.String(320), nullable=False),
        sa.Column("challenge_id", sa.String(255), nullable=False),
        sa.Column("deadline_at", TS, nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("attempts_used", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _org_fk("invitations"),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
    )
    op.create_index("ix_invitations_org_id", "invitations", ["org_id"])
    _submissions_and_reviews()
    _tokens_and_webhooks()


def _submissions_and_reviews() -> None:
    op.create_table(
        "org_submissions",
        sa.Column("submission_id", sa.String(36), nullable=False),
        _org_id(),
        sa.Column("invitation_id", sa.String(36), nullable=True),
        sa.Column("candidate_name", sa.String(200), nullable=False),
        sa.Column("candidate_email", sa.String(320), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("score_override", sa.Float(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_org_submissions_submission_id_submissions",
            ondelete="CASCADE",
        ),
        _org_fk("org_submissions"),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name="fk_org_submissions_invitation_id_invitations",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("submission_id", name="pk_org_submissions"),
    )
    op.create_index(
        "ix_org_submissions_org_id_created_at", "org_submissions", ["org_id", "created_at"]
    )
    op.create_index("ix_org_submissions_invitation_id", "org_submissions", ["invitation_id"])
    op.create_table(
        "reviews",
        _id(),
        _org_id(),
        sa.Column("submission_id", sa.String(36), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("score_override", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _org_fk("reviews"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_reviews_submission_id_submissions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_org_id", "reviews", ["org_id"])
    op.create_index("ix_reviews_submission_id", "reviews", ["submission_id"])


def _tokens_and_webhooks() -> None:
    op.create_table(
        "api_tokens",
        _id(),
        _org_id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        _org_fk("api_tokens"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_org_id", "api_tokens", ["org_id"])
    op.create_table(
        "webhooks",
        _id(),
        _org_id(),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _org_fk("webhooks"),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
    )
    op.create_index("ix_webhooks_org_id", "webhooks", ["org_id"])
    op.create_table(
        "webhook_deliveries",
        _id(),
        sa.Column("webhook_id", sa.String(36), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name="fk_webhook_deliveries_webhook_id_webhooks",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("webhook_id", "run_id", name="uq_webhook_deliveries_webhook_id_run_id"),
    )
    op.create_index("ix_webhook_deliveries_next_at", "webhook_deliveries", ["next_at"])
    op.create_table(
        "challenge_settings",
        _org_id(),
        sa.Column("challenge_id", sa.String(255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _org_fk("challenge_settings"),
        sa.PrimaryKeyConstraint("org_id", "challenge_id", name="pk_challenge_settings"),
    )


def downgrade() -> None:
    for table in (
        "challenge_settings",
        "webhook_deliveries",
        "webhooks",
        "api_tokens",
        "reviews",
        "org_submissions",
        "invitations",
        "login_failures",
        "users",
        "orgs",
    ):
        op.drop_table(table)
