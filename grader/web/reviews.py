"""Reviewer decisions on flagged runs, kept as an append-only audit trail.

clear     the evidence is innocent; the score stands
confirm   the evidence holds; the run stays flagged as reviewed
override  the score is replaced by the reviewer's, with a required note
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import GraderError
from grader.store.web_tables import DECISIONS, OrgSubmissionTable, ReviewTable
from grader.web.accounts import Principal

Sessions = sessionmaker[Session]


class ReviewError(GraderError):
    """A decision that cannot be recorded as given."""


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str
    note: str
    score_override: float | None
    user_name: str
    created_at: datetime
    run_id: str


def decide(
    db: Sessions,
    who: Principal,
    submission_id: str,
    run_id: str,
    *,
    decision: str,
    note: str,
    score: str = "",
) -> None:
    """Record a decision on the run and make it the submission's current review state."""
    override = _checked(decision, note, score)
    with db.begin() as session:
        link = session.get(OrgSubmissionTable, submission_id)
        if link is None or link.org_id != who.org_id:
            raise ReviewError("no such submission in your organisation", hint="reload the queue")
        session.add(
            ReviewTable(
                org_id=who.org_id,
                submission_id=submission_id,
                run_id=run_id,
                user_id=who.user_id,
                user_name=who.name,
                decision=decision,
                score_override=override,
                note=note.strip(),
            )
        )
        link.decision = decision
        link.score_override = override


def _checked(decision: str, note: str, score: str) -> float | None:
    if decision not in DECISIONS:
        raise ReviewError(
            f"unknown decision {decision!r}", hint="choose clear, confirm or override score"
        )
    if decision != "override":
        return None
    if not note.strip():
        raise ReviewError(
            "an overridden score needs a note", hint="say why the score should change"
        )
    try:
        value = float(score)
    except ValueError:
        raise ReviewError(
            f"{score!r} is not a score", hint="enter a number from 0 to 100"
        ) from None
    if not 0 <= value <= 100:
        raise ReviewError(f"{value:g} is not between 0 and 100", hint="enter 0 to 100")
    return value


def trail(db: Sessions, org_id: str, submission_id: str) -> list[Decision]:
    """Every decision on the submission, oldest first."""
    query = (
        sa.select(ReviewTable)
        .where(ReviewTable.org_id == org_id, ReviewTable.submission_id == submission_id)
        .order_by(ReviewTable.created_at)
    )
    with db() as session:
        return [
            Decision(r.decision, r.note, r.score_override, r.user_name, r.created_at, r.run_id)
            for r in session.scalars(query)
        ]
