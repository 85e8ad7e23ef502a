"""Organisations and the people in them: create, sign in (throttled), list, change roles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import ConfigError
from grader.store.tables import utcnow
from grader.store.web_tables import ROLES, LoginFailureTable, OrgTable, UserTable
from grader.web.security import hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)

Sessions = sessionmaker[Session]

MIN_PASSWORD = 12
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class AccountError(ConfigError):
    """A person or organisation cannot be created or changed as asked."""


class ThrottledError(AccountError):
    """Too many failed sign-ins for this account or address lately."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a signed-in person, or an API token acting for its organisation."""

    user_id: str
    org_id: str
    role: str
    name: str
    email: str = ""


def create_org(db: Sessions, name: str) -> str:
    with db.begin() as session:
        org = OrgTable(name=name.strip() or "My organisation")
        session.add(org)
        session.flush()
        return org.id


def create_user(
    db: Sessions, *, org_id: str, email: str, name: str, role: str, password: str
) -> str:
    """Add a person; the email is their sign-in name and unique across the installation."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}", hint=f"use one of {', '.join(ROLES)}")
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address", hint="e.g. lead@example.com")
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"the password has {len(password)} characters",
            hint=f"use at least {MIN_PASSWORD}; a passphrase of four words is easy to remember",
        )
    with db.begin() as session:
        if session.scalar(sa.select(UserTable.id).where(UserTable.email == email)):
            raise AccountError(f"{email} already has an account", hint="sign in, or use another")
        user = UserTable(
            org_id=org_id,
            email=email,
            name=name.strip() or email,
            role=role,
            password_hash=hash_password(password),
            active=True,
        )
        session.add(user)
        session.flush()
        return user.id


def authenticate(db: Sessions, email: str, password: str, address: str) -> Principal | None:
    """The person if the password matches; raises ThrottledError after too many failures."""
    email = email.strip().lower()
    _check_throttle(db, email, address)
    with db.begin() as session:
        user = session.scalar(sa.select(UserTable).where(UserTable.email == email))
        ok = verify_password(user.password_hash if user else None, password)
        if not ok or user is None or not user.active:
            session.add(LoginFailureTable(email=email, address=address[:64]))
            log.info("failed sign-in for %s from %s", email, address)
            return None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.execute(sa.delete(LoginFailureTable).where(LoginFailureTable.email == email))
        return _principal(user)


def _check_throttle(db: Sessions, email: str, address: str) -> None:
    since = utcnow() - THROTTLE_WINDOW
    recent = sa.select(sa.func.count()).select_from(LoginFailureTable)
    recent = recent.where(LoginFailureTable.at > since)
    with db() as session:
        by_account = session.scalar(recent.where(LoginFailureTable.email == email)) or 0
        by_address = session.scalar(recent.where(LoginFailureTable.address == address)) or 0
    if by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise ThrottledError(
            "too many failed sign-ins",
            hint=f"wait {minutes} minutes and try again, or ask an admin to reset your password",
        )


def principal(db: Sessions, user_id: str) -> Principal | None:
    """The active person with this id, read fresh on every request (roles can change)."""
    with db() as session:
        user = session.get(UserTable, user_id)
        return _principal(user) if user is not None and user.active else None


def list_users(db: Sessions, org_id: str) -> list[UserTable]:
    query = sa.select(UserTable).where(UserTable.org_id == org_id).order_by(UserTable.email)
    with db() as session:
        return list(session.scalars(query))


def update_user(db: Sessions, org_id: str, user_id: str, *, role: str, active: bool) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}", hint=f"use one of {', '.join(ROLES)}")
    with db.begin() as session:
        user = session.get(UserTable, user_id)
        if user is None or user.org_id != org_id:
            raise AccountError("no such person in your organisation", hint="reload the page")
        user.role = role
        user.active = active


def first_org(db: Sessions) -> str | None:
    with db() as session:
        return session.scalar(sa.select(OrgTable.id).order_by(OrgTable.created_at).limit(1))


def _principal(user: UserTable) -> Principal:
    return Principal(user.id, user.org_id, user.role, user.name, user.email)
