"""Invitations: a recruiter invites a candidate to one challenge; the link is the key.

The link holds a random token (256 bits) that the database keeps only hashed. A submission
through it is accepted while the deadline has not passed, the challenge is enabled, attempts
are left, and no earlier submission of the same invitation is still being graded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import GraderError
from grader.queue import Publisher, submit
from grader.settings import Settings
from grader.store import Store
from grader.store.tables import SubmissionTable, utcnow
from grader.store.web_tables import InvitationTable, OrgSubmissionTable
from grader.web.accounts import Principal
from grader.web.catalogue import is_enabled
from grader.web.security import new_token, token_hash

Sessions = sessionmaker[Session]
MAX_ATTEMPTS = 20
CSV_COLUMNS = ("name", "email", "challenge", "deadline", "attempts")


class InvitationError(GraderError):
    """An invitation cannot be created, or cannot take a submission now."""


@dataclass(frozen=True, slots=True)
class NewInvitation:
    candidate_name: str
    candidate_email: str
    challenge_id: str
    deadline_at: datetime
    max_attempts: int


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    org_id: str
    candidate_name: str
    candidate_email: str
    challenge_id: str
    deadline_at: datetime
    max_attempts: int
    attempts_used: int


def create(db: Sessions, who: Principal, new: NewInvitation, known: set[str]) -> tuple[str, str]:
    """Store the invitation; returns (id, token). The token is shown once, in the link."""
    check(new, known)
    token = new_token()
    row = InvitationTable(
        org_id=who.org_id,
        token_hash=token_hash(token),
        candidate_name=new.candidate_name.strip(),
        candidate_email=new.candidate_email.strip(),
        challenge_id=new.challenge_id,
        deadline_at=new.deadline_at,
        max_attempts=new.max_attempts,
        attempts_used=0,
        created_by=who.user_id,
    )
    with db.begin() as session:
        session.add(row)
        session.flush()
        return row.id, token


def check(new: NewInvitation, known: set[str]) -> None:
    if not new.candidate_name.strip():
        raise InvitationError("the candidate's name is empty", hint="enter their full name")
    if "@" not in new.candidate_email:
        raise InvitationError(
            f"{new.candidate_email!r} is not an email address", hint="e.g. ada@example.com"
        )
    if new.challenge_id not in known:
        raise InvitationError(
            f"no enabled challenge called {new.challenge_id!r}", hint="pick one from the list"
        )
    if new.deadline_at <= utcnow():
        raise InvitationError("the deadline is in the past", hint="pick a later date")
    if not 1 <= new.max_attempts <= MAX_ATTEMPTS:
        raise InvitationError(
            f"{new.max_attempts} attempts is out of range", hint=f"allow 1 to {MAX_ATTEMPTS}"
        )


def parse_csv(text: str) -> list[NewInvitation]:
    """Rows of ``name,email,challenge,deadline,attempts`` (deadline ISO 8601, e.g. 2026-12-01)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise InvitationError(
            f"the CSV has no column {', '.join(sorted(missing))}",
            hint=f"the first line must be: {','.join(CSV_COLUMNS)}",
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        try:
            rows.append(
                NewInvitation(
                    raw["name"],
                    raw["email"],
                    raw["challenge"].strip(),
                    parse_deadline(raw["deadline"]),
                    int(raw["attempts"] or 1),
                )
            )
        except ValueError as exc:
            raise InvitationError(
                f"line {number} of the CSV: {exc}", hint="fix that line; nothing was created"
            ) from exc
    return rows


def parse_deadline(text: str) -> datetime:
    """A date (end of that day, UTC) or a date and time; UTC unless a zone is given."""
    text = text.strip()
    at = datetime.fromisoformat(text + ("T23:59:59" if len(text) == 10 else ""))
    return at if at.tzinfo else at.replace(tzinfo=utcnow().tzinfo)


def by_token(db: Sessions, token: str) -> Invitation | None:
    with db() as session:
        row = session.scalar(
            sa.select(InvitationTable).where(InvitationTable.token_hash == token_hash(token))
        )
        return _invitation(row) if row is not None else None


def list_for(db: Sessions, org_id: str, limit: int = 100) -> list[Invitation]:
    query = (
        sa.select(InvitationTable)
        .where(InvitationTable.org_id == org_id)
        .order_by(InvitationTable.created_at.desc())
        .limit(limit)
    )
    with db() as session:
        return [_invitation(row) for row in session.scalars(query)]


def submissions_of(db: Sessions, invitation_id: str) -> list[tuple[str, str]]:
    """(submission id, state) of every submission through the invitation, newest first."""
    query = (
        sa.select(SubmissionTable.id, SubmissionTable.state)
        .join(OrgSubmissionTable, OrgSubmissionTable.submission_id == SubmissionTable.id)
        .where(OrgSubmissionTable.invitation_id == invitation_id)
        .order_by(SubmissionTable.created_at.desc())
    )
    with db() as session:
        return [(sid, state) for sid, state in session.execute(query)]


def closed_because(db: Sessions, invitation: Invitation) -> str:
    """Why this invitation takes no submission now, in plain words; empty when it does."""
    if utcnow() >= invitation.deadline_at:
        return "The deadline for this invitation has passed, so no more submissions are accepted."
    if not is_enabled(db, invitation.org_id, invitation.challenge_id):
        return "This challenge is closed by the hiring team, so no submissions are accepted."
    if invitation.attempts_used >= invitation.max_attempts:
        return f"You have used all {invitation.max_attempts} attempts of this invitation."
    if any(state != "done" for _, state in submissions_of(db, invitation.id)):
        return "Your last submission is still being graded; wait for its result first."
    return ""


def submit_through(
    db: Sessions,
    invitation: Invitation,
    url: str,
    services: tuple[Settings, Store, Publisher],
) -> str:
    """Take one attempt, submit, and link the submission to the invitation's organisation."""
    reason = closed_because(db, invitation)
    if reason:
        raise InvitationError(reason)
    if not _take_attempt(db, invitation.id):
        raise InvitationError("You have used all attempts of this invitation.")
    settings, store, publisher = services
    try:
        done = submit(
            url,
            invitation.challenge_id,
            settings,
            store,
            publisher,
            deadline=invitation.deadline_at,
        )
    except GraderError:
        _give_back_attempt(db, invitation.id)
        raise
    with db.begin() as session:
        session.add(
            OrgSubmissionTable(
                submission_id=done.id,
                org_id=invitation.org_id,
                invitation_id=invitation.id,
                candidate_name=invitation.candidate_name,
                candidate_email=invitation.candidate_email,
                decision="",
            )
        )
    return done.id


def _take_attempt(db: Sessions, invitation_id: str) -> bool:
    table = InvitationTable
    with db.begin() as session:
        done = session.execute(
            sa.update(table)
            .where(table.id == invitation_id, table.attempts_used < table.max_attempts)
            .values(attempts_used=table.attempts_used + 1)
        )
        return int(getattr(done, "rowcount", 0)) == 1


def _give_back_attempt(db: Sessions, invitation_id: str) -> None:
    table = InvitationTable
    with db.begin() as session:
        session.execute(
            sa.update(table)
            .where(table.id == invitation_id)
            .values(attempts_used=table.attempts_used - 1)
        )


def _invitation(row: InvitationTable) -> Invitation:
    return Invitation(
        row.id,
        row.org_id,
        row.candidate_name,
        row.candidate_email,
        row.challenge_id,
        row.deadline_at,
        row.max_attempts,
        row.attempts_used,
    )
