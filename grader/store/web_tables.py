"""The web app's tables: organisations, people, invitations, decisions, tokens and webhooks.

Every row a person can reach carries ``org_id``; the web layer filters on it in every query,
so changing an id in a URL never crosses into another organisation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from grader.store.tables import Base, UtcDateTime, new_id, utcnow

ROLES = ("admin", "recruiter", "reviewer")
SCOPES = ("read", "submit", "admin")
DECISIONS = ("clear", "confirm", "override")


def _org() -> Mapped[str]:
    return mapped_column(sa.String(36), sa.ForeignKey("orgs.id", ondelete="CASCADE"), index=True)


class OrgTable(Base):
    __tablename__ = "orgs"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class UserTable(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = _org()
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LoginFailureTable(Base):
    """One failed login; recent rows per account and per address throttle the next tries."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(sa.String(320), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class InvitationTable(Base):
    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = _org()
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    candidate_name: Mapped[str] = mapped_column(sa.String(200))
    candidate_email: Mapped[str] = mapped_column(sa.String(320))
    challenge_id: Mapped[str] = mapped_column(sa.String(255))
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime())
    max_attempts: Mapped[int] = mapped_column(sa.Integer)
    attempts_used: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OrgSubmissionTable(Base):
    """Which organisation (and invitation) a submission belongs to, and its review state."""

    __tablename__ = "org_submissions"
    __table_args__ = (sa.Index("ix_org_submissions_org_id_created_at", "org_id", "created_at"),)

    submission_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("orgs.id", ondelete="CASCADE"))
    invitation_id: Mapped[str | None] = mapped_column(
        sa.String(36), sa.ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    candidate_name: Mapped[str] = mapped_column(sa.String(200), default="")
    candidate_email: Mapped[str] = mapped_column(sa.String(320), default="")
    decision: Mapped[str] = mapped_column(sa.String(16), default="")
    score_override: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ReviewTable(Base):
    """The audit trail: every reviewer decision, who and when; never updated or deleted."""

    __tablename__ = "reviews"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = _org()
    submission_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[str] = mapped_column(sa.String(36))
    user_id: Mapped[str] = mapped_column(sa.String(36))
    user_name: Mapped[str] = mapped_column(sa.String(200))
    decision: Mapped[str] = mapped_column(sa.String(16))
    score_override: Mapped[float | None] = mapped_column(sa.Float)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiTokenTable(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = _org()
    name: Mapped[str] = mapped_column(sa.String(200))
    scope: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebhookTable(Base):
    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = _org()
    url: Mapped[str] = mapped_column(sa.String(2048))
    secret: Mapped[str] = mapped_column(sa.String(128))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebhookDeliveryTable(Base):
    """One event for one webhook, with its latest try; pending ones carry ``next_at``."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.UniqueConstraint("webhook_id", "run_id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    webhook_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("webhooks.id", ondelete="CASCADE")
    )
    run_id: Mapped[str] = mapped_column(sa.String(36))
    event: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    tries: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    last_code: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    next_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ChallengeSettingTable(Base):
    """Per organisation: a challenge is enabled unless a row says otherwise."""

    __tablename__ = "challenge_settings"

    org_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True
    )
    challenge_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
