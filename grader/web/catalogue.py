"""The challenge catalogue as an organisation sees it: enabled or not, validation, statistics."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.challenge import Challenge, discover
from grader.errors import ChallengeError
from grader.store.tables import RunTable, SubmissionTable, utcnow
from grader.store.web_tables import ChallengeSettingTable, OrgSubmissionTable
from grader.validate import recorded

log = logging.getLogger(__name__)

Sessions = sessionmaker[Session]
BUCKETS = 10


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    version: str
    specialty: str
    enabled: bool
    validation: str


@dataclass(frozen=True, slots=True)
class Stats:
    runs: int
    histogram: tuple[int, ...]  # graded runs per 10-point score band, 0-9 ... 90-100
    pass_rates: tuple[tuple[str, int, int], ...]  # (test id, passed, total), rarest first


def challenges(roots: tuple[Path, ...]) -> list[Challenge]:
    try:
        return discover(roots)
    except ChallengeError as exc:
        log.warning("the challenge library has a broken challenge: %s", exc)
        return []


def disabled_ids(db: Sessions, org_id: str) -> set[str]:
    query = sa.select(ChallengeSettingTable.challenge_id).where(
        ChallengeSettingTable.org_id == org_id, ChallengeSettingTable.enabled.is_(False)
    )
    with db() as session:
        return set(session.scalars(query))


def is_enabled(db: Sessions, org_id: str, challenge_id: str) -> bool:
    return challenge_id not in disabled_ids(db, org_id)


def set_enabled(db: Sessions, org_id: str, challenge_id: str, enabled: bool) -> None:
    with db.begin() as session:
        row = session.get(ChallengeSettingTable, (org_id, challenge_id))
        if row is None:
            row = ChallengeSettingTable(org_id=org_id, challenge_id=challenge_id)
            session.add(row)
        row.enabled = enabled
        row.updated_at = utcnow()


def entries(
    db: Sessions, org_id: str, roots: tuple[Path, ...], validations_dir: Path
) -> list[Entry]:
    off = disabled_ids(db, org_id)
    return [
        Entry(
            c.id,
            c.spec.title,
            c.spec.version,
            str(c.spec.specialty),
            c.id not in off,
            validation_status(c, validations_dir),
        )
        for c in challenges(roots)
    ]


def validation_status(challenge: Challenge, validations_dir: Path) -> str:
    """What the last ``grader challenges validate`` on this host recorded, in a few words."""
    try:
        found = recorded.load(validations_dir, challenge.id)
    except ValueError as exc:
        return f"unreadable record: {exc}"
    return recorded.status(found, challenge.spec.version)


def validation_checks(
    challenge_id: str, validations_dir: Path
) -> tuple[recorded.CheckVerdict, ...]:
    """Each check of the last recorded validation; none when there is no readable record."""
    try:
        found = recorded.load(validations_dir, challenge_id)
    except ValueError:  # validation_status already says the record is unreadable
        return ()
    return found.checks if found else ()


def stats(db: Sessions, org_id: str, challenge_id: str) -> Stats:
    """Score histogram and per-test pass rates over this organisation's graded runs."""
    query = (
        sa.select(RunTable.score, RunTable.report)
        .join(SubmissionTable, SubmissionTable.id == RunTable.submission_id)
        .join(OrgSubmissionTable, OrgSubmissionTable.submission_id == SubmissionTable.id)
        .where(
            OrgSubmissionTable.org_id == org_id,
            RunTable.challenge_id == challenge_id,
            RunTable.outcome == "graded",
            RunTable.attempt == SubmissionTable.attempt,
        )
    )
    bands = [0] * BUCKETS
    passed: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    with db() as session:
        rows = session.execute(query).all()
    for score, report in rows:
        assert isinstance(report, dict)
        if isinstance(score, float | int):
            bands[min(int(score // BUCKETS), BUCKETS - 1)] += 1
        for test in report.get("tests", []):
            seen[test["id"]] += 1
            passed[test["id"]] += test.get("status") == "passed"
    rates = sorted(((t, passed[t], n) for t, n in seen.items()), key=lambda r: (r[1] / r[2], r[0]))
    return Stats(len(rows), tuple(bands), tuple(rates))
