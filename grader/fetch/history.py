"""Which commit a deadline picks, and what the history shows about it.

With a deadline, fetch takes a bounded stretch of first-parent history (``max_history_commits``
deep, inside the repository size cap) and grades the last commit committed before the
deadline. Commits after it are counted and named, never graded. Committer dates that go
backwards along the history are reported as a possible rewrite (rebase, amend, force-push):
said as seen, without accusing anyone.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from grader.errors import RejectedError
from grader.fetch.gitcmd import GitRunner
from grader.models import CommitInfo
from grader.text import clean_text

logger = logging.getLogger(__name__)

_NO_COMMIT_HINT = (
    "the repository has no commit from before the deadline on this branch; check the "
    "deadline and the branch, or submit a branch that holds the work done in time"
)


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    committed_at: datetime


@dataclass(frozen=True, slots=True)
class Chosen:
    """The commit to grade, and what the history says about it (empty without a deadline)."""

    sha: str
    deadline: str = ""
    rewritten: str = ""


def parse_deadline(text: str) -> datetime:
    """An ISO 8601 moment with a time zone (``2026-03-01T18:00:00+01:00`` or ``...Z``)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        msg = f"{text[:60]!r} is not a date and time; write e.g. 2026-03-01T18:00:00+00:00"
        raise ValueError(msg) from None
    if moment.tzinfo is None:
        msg = f"{text[:60]!r} has no time zone; write e.g. 2026-03-01T18:00:00+00:00 (Z for UTC)"
        raise ValueError(msg)
    return moment


def before(runner: GitRunner, tip: str, deadline: datetime | None, *, limit: int) -> Chosen:
    """The last of ``limit`` first-parent ancestors of ``tip`` committed before ``deadline``
    (``tip`` itself when there is no deadline), and what the history shows."""
    if deadline is None:
        return Chosen(tip)
    listing = runner.run("rev-list", "--first-parent", "--timestamp", f"--max-count={limit}", tip)
    return choose(parse_rev_list(listing), deadline)


def parse_rev_list(raw: bytes) -> list[Commit]:
    """``git rev-list --timestamp`` output, newest first."""
    commits = []
    for line in raw.decode("ascii", "replace").splitlines():
        stamp, _, sha = line.partition(" ")
        if stamp.isdigit() and len(sha) == 40:
            commits.append(Commit(sha, datetime.fromtimestamp(int(stamp), UTC)))
    return commits


def choose(commits: list[Commit], deadline: datetime) -> Chosen:
    """Pick from ``commits`` (newest first) the first one committed before ``deadline``."""
    due = deadline.astimezone(UTC)
    for index, commit in enumerate(commits):
        if commit.committed_at < due:
            said = _deadline_text(commit, commits[:index], due)
            return Chosen(commit.sha, deadline=said, rewritten=rewritten(commits))
    shown = due.isoformat(timespec="minutes")
    msg = f"no commit in the last {len(commits):,} of this branch was committed before {shown}"
    raise RejectedError(msg, hint=_NO_COMMIT_HINT)


def rewritten(commits: list[Commit]) -> str:
    """Where committer dates go backwards (a child committed before its parent), in words."""
    for child, parent in itertools.pairwise(commits):
        if child.committed_at < parent.committed_at:
            return (
                f"commit {child.sha[:12]} was committed at {_when(child)}, before its parent "
                f"{parent.sha[:12]} ({_when(parent)}): the history was rewritten after those "
                "commits were made (a rebase, amend or force-push), so commit dates may not "
                "show when the work was done"
            )
    return ""


def _deadline_text(chosen: Commit, later: list[Commit], due: datetime) -> str:
    text = f"graded commit {chosen.sha[:12]} ({_when(chosen)}), the last one before {_iso(due)}"
    if not later:
        return text + "; no commit after the deadline"
    newest = max(later, key=lambda c: c.committed_at)
    return (
        f"{text}; {len(later)} later commit{' exists' if len(later) == 1 else 's exist'} "
        f"(newest {newest.sha[:12]}, {_when(newest)}) and were not graded"
    )


def _when(commit: Commit) -> str:
    return _iso(commit.committed_at)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


_LOG_FORMAT = "--format=%x1e%H%x1f%an <%ae>%x1f%ct%x1f%s"
_SHORTSTAT = re.compile(rb"(\d+) insertions?\(\+\)|(\d+) deletions?\(-\)")
_MAX_NAME_CHARS = 120


def log(runner: GitRunner, tip: str, *, limit: int) -> tuple[CommitInfo, ...]:
    """The first-parent history of ``tip`` already fetched (newest first, at most ``limit``),
    with the size of each commit, for the history signals (grader.analyse.history)."""
    raw = runner.run(
        "log", "--first-parent", f"--max-count={limit}", "--shortstat", "--no-renames",
        _LOG_FORMAT, tip,
    )  # fmt: skip
    return parse_log(raw)


def parse_log(raw: bytes) -> tuple[CommitInfo, ...]:
    """``git log`` output in :data:`_LOG_FORMAT` with ``--shortstat``; junk records skipped."""
    commits = []
    for record in raw.split(b"\x1e")[1:]:
        head, _, stat = record.partition(b"\n")
        fields = head.split(b"\x1f")
        if len(fields) != 4 or not fields[2].isdigit() or len(fields[0]) != 40:
            continue
        sha, author, stamp, subject = (f.decode("utf-8", "replace") for f in fields)
        changed = sum(int(a or b) for a, b in _SHORTSTAT.findall(stat))
        commits.append(
            CommitInfo(
                sha=sha,
                author=clean_text(author, _MAX_NAME_CHARS),
                committed_at=datetime.fromtimestamp(int(stamp), UTC),
                changed_lines=changed,
                subject=clean_text(subject, _MAX_NAME_CHARS),
            )
        )
    return tuple(commits)
