"""Scoped API tokens: ``read`` (lists and reports), ``submit`` (plus invitations and intake),
``admin`` (everything). Shown once at creation, stored as SHA-256, revocable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import GraderError
from grader.store.tables import utcnow
from grader.store.web_tables import SCOPES, ApiTokenTable, UserTable
from grader.web.accounts import Principal
from grader.web.security import new_token, token_hash

Sessions = sessionmaker[Session]
PREFIX = "gr_"
# What a token of each scope may do, in the roles the pages use.
SCOPE_ROLE = {"read": "reviewer", "submit": "recruiter", "admin": "admin"}


class TokenError(GraderError):
    """A token that cannot be created or revoked as asked."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    name: str
    scope: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def create(db: Sessions, who: Principal, name: str, scope: str) -> str:
    """A new token; the returned secret is shown once and never stored."""
    if scope not in SCOPES:
        raise TokenError(f"unknown scope {scope!r}", hint=f"use one of {', '.join(SCOPES)}")
    if not name.strip():
        raise TokenError("the token has no name", hint="say what uses it, e.g. 'ATS sync'")
    secret = new_token(PREFIX)
    with db.begin() as session:
        session.add(
            ApiTokenTable(
                org_id=who.org_id,
                name=name.strip(),
                scope=scope,
                token_hash=token_hash(secret),
                prefix=secret[: len(PREFIX) + 6],
                created_by=who.user_id,
            )
        )
    return secret


def resolve(db: Sessions, secret: str) -> tuple[Principal, str] | None:
    """The principal a live token acts as, and its scope; None for unknown or revoked."""
    query = (
        sa.select(ApiTokenTable, UserTable.name)
        .join(UserTable, UserTable.id == ApiTokenTable.created_by)
        .where(ApiTokenTable.token_hash == token_hash(secret), ApiTokenTable.revoked_at.is_(None))
    )
    with db() as session:
        found = session.execute(query).first()
    if found is None:
        return None
    row, user_name = found
    who = Principal(row.created_by, row.org_id, SCOPE_ROLE[row.scope], f"{user_name} (API)")
    return who, row.scope


def list_for(db: Sessions, org_id: str) -> list[TokenInfo]:
    query = (
        sa.select(ApiTokenTable)
        .where(ApiTokenTable.org_id == org_id)
        .order_by(ApiTokenTable.created_at.desc())
    )
    with db() as session:
        return [
            TokenInfo(t.id, t.name, t.scope, t.prefix, t.created_at, t.revoked_at)
            for t in session.scalars(query)
        ]


def revoke(db: Sessions, org_id: str, token_id: str) -> None:
    with db.begin() as session:
        row = session.get(ApiTokenTable, token_id)
        if row is None or row.org_id != org_id:
            raise TokenError("no such token in your organisation", hint="reload the page")
        row.revoked_at = row.revoked_at or utcnow()
