"""The submissions an organisation can see: filtered, sorted, paged, exported, compared.

One query joins the organisation's link row, the submission and the run of its current
attempt; indexes on ``(org_id, created_at)`` and the runs' ``(submission_id, attempt)`` keep
a page of 50 fast at tens of thousands of rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.store.tables import RunTable, SubmissionTable
from grader.store.web_tables import OrgSubmissionTable

Sessions = sessionmaker[Session]
PAGE_SIZE = 50
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_L, _S, _R = OrgSubmissionTable, SubmissionTable, RunTable
SORTS: dict[str, Any] = {
    "newest": _L.created_at.desc(),
    "oldest": _L.created_at.asc(),
    "score": _R.score.desc().nulls_last(),
    "name": _L.candidate_name.asc(),
}


@dataclass(frozen=True, slots=True)
class Filters:
    challenge: str = ""
    outcome: str = ""
    state: str = ""
    flagged: bool = False
    since: date | None = None
    until: date | None = None
    sort: str = "newest"
    page: int = 1


@dataclass(frozen=True, slots=True)
class Row:
    submission_id: str
    candidate_name: str
    candidate_email: str
    challenge_id: str
    repo_url: str
    state: str
    created_at: datetime
    run_id: str | None
    outcome: str | None
    score: float | None
    decision: str
    score_override: float | None

    @property
    def shown_score(self) -> float | None:
        return self.score_override if self.score_override is not None else self.score


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int


def _base(org_id: str) -> sa.Select[Any]:
    query = (
        sa.select(
            _L.submission_id,
            _L.candidate_name,
            _L.candidate_email,
            _S.challenge_id,
            _S.repo_url,
            _S.state,
            _L.created_at,
            _R.id,
            _R.outcome,
            _R.score,
            _L.decision,
            _L.score_override,
        )
        .join(_S, _S.id == _L.submission_id)
        .outerjoin(_R, sa.and_(_R.submission_id == _S.id, _R.attempt == _S.attempt))
        .where(_L.org_id == org_id)
    )
    return cast("sa.Select[Any]", query)


def _to_row(raw: Any) -> Row:
    return Row(*tuple(raw))


def _filtered(query: sa.Select[Any], f: Filters) -> sa.Select[Any]:
    if f.challenge:
        query = query.where(_S.challenge_id == f.challenge)
    if f.outcome:
        query = query.where(_R.outcome == f.outcome)
    if f.state:
        query = query.where(_S.state == f.state)
    if f.flagged:
        query = query.where(_R.outcome == "flagged", _L.decision == "")
    if f.since:
        query = query.where(_L.created_at >= _midnight(f.since))
    if f.until:
        query = query.where(_L.created_at < _midnight(f.until + timedelta(days=1)))
    return query


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _ids(org_id: str, f: Filters) -> sa.Select[Any]:
    """The filtered ids alone, joining submissions and runs only when a filter or the sort
    needs them: paging deep into the newest-first list then walks one narrow index."""
    query = sa.select(_L.submission_id).where(_L.org_id == org_id)
    if f.challenge or f.state or f.outcome or f.flagged or f.sort == "score":
        query = query.join(_S, _S.id == _L.submission_id)
    if f.outcome or f.flagged or f.sort == "score":
        query = query.outerjoin(_R, sa.and_(_R.submission_id == _S.id, _R.attempt == _S.attempt))
    return _filtered(query, f)


def page(db: Sessions, org_id: str, f: Filters) -> Page:
    """One page of 50: the page's ids first (a deferred join), then their rows."""
    ids = _ids(org_id, f)
    count = sa.select(sa.func.count()).select_from(ids.subquery())
    order = SORTS.get(f.sort, SORTS["newest"])
    with db() as session:
        total = int(session.scalar(count) or 0)
        pages = max(1, -(-total // PAGE_SIZE))
        number = min(max(1, f.page), pages)
        chosen = ids.order_by(order, _L.submission_id).limit(PAGE_SIZE)
        wanted = list(session.scalars(chosen.offset((number - 1) * PAGE_SIZE)))
        listed = _base(org_id).where(_L.submission_id.in_(wanted))
        rows = [_to_row(r) for r in session.execute(listed.order_by(order, _L.submission_id))]
    return Page(rows, total, number, pages)


def report(db: Sessions, run_id: str) -> dict[str, Any]:
    """The stored report of a run, by its exact id (the primary key)."""
    with db() as session:
        found = session.get(_R, run_id)
        if found is None:
            raise LookupError(f"run {run_id} has no stored report")
        return found.report


def one(db: Sessions, org_id: str, submission_id: str) -> Row | None:
    """The submission if it belongs to ``org_id``; None otherwise (same answer as missing)."""
    with db() as session:
        found = session.execute(_base(org_id).where(_L.submission_id == submission_id)).first()
    return _to_row(found) if found else None


def many(db: Sessions, org_id: str, ids: list[str]) -> list[Row]:
    with db() as session:
        found = session.execute(_base(org_id).where(_L.submission_id.in_(ids))).all()
    return [_to_row(r) for r in found]


def export_csv(db: Sessions, org_id: str, f: Filters) -> Iterator[str]:
    """Every row the filters select, as CSV lines; cells are safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ("submission", "candidate", "email", "challenge", "repository", "state")
    writer.writerow((*header, "outcome", "score", "review", "submitted"))
    query = _filtered(_base(org_id), f).order_by(SORTS["newest"], _L.submission_id)
    with db() as session:
        for raw in session.execute(query).yield_per(500):
            r = _to_row(raw)
            cells = (r.submission_id, r.candidate_name, r.candidate_email, r.challenge_id)
            score = "" if r.shown_score is None else f"{r.shown_score:.1f}"
            more = (r.repo_url, r.state, r.outcome or "", score, r.decision)
            writer.writerow([safe_cell(c) for c in (*cells, *more, r.created_at.isoformat())])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: formula starters get a leading apostrophe (E9)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def run_ids(rows: list[Row]) -> dict[str, str]:
    return {r.submission_id: r.run_id for r in rows if r.run_id}
