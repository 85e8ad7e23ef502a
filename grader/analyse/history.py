"""What the commit history shows about how the work was done, in plain words.

Commits over time, the first-to-last span against the challenge's time budget, one commit
holding most of the work, several author identities. Commit times say when work was saved,
not how long it took, and a second identity is often the same person on another machine:
the statements say what was seen and never accuse.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from grader.models import CommitInfo, History

GIANT_SHARE = 0.8  # one commit with this share of all changed lines is "most of the work"
MIN_GIANT_LINES = 200  # below this, a single commit is normal for a small change
MAX_KEPT_COMMITS = 200
_BUDGET = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|to|\u2013)?\s*(\d+(?:\.\d+)?)?\s*(hour|day)", re.I)


def history_of(
    commits: Sequence[CommitInfo], *, time_budget: str = "", deadline: str = ""
) -> History | None:
    """Statements about ``commits`` (newest first); None when no history was fetched."""
    if not commits:
        return None
    oldest, newest = commits[-1], commits[0]
    span = newest.committed_at - oldest.committed_at
    statements = [_overview(commits, span), *_budget(span, time_budget, len(commits))]
    statements.extend(_giant(commits))
    statements.extend(_authors(commits))
    if deadline:
        statements.append(f"Deadline: {deadline}.")
    return History(tuple(statements), tuple(commits[:MAX_KEPT_COMMITS]))


def _overview(commits: Sequence[CommitInfo], span: timedelta) -> str:
    if len(commits) == 1:
        return (
            f"The history holds one commit ({commits[0].sha[:12]}, "
            f"{commits[0].committed_at:%Y-%m-%d %H:%M}): it does not show how the work progressed."
        )
    days = len({c.committed_at.date() for c in commits})
    return (
        f"{len(commits)} commits over {duration(span)}, on {days} "
        f"day{'s' if days != 1 else ''}, from {commits[-1].committed_at:%Y-%m-%d %H:%M} "
        f"to {commits[0].committed_at:%Y-%m-%d %H:%M}."
    )


def _budget(span: timedelta, budget: str, count: int) -> list[str]:
    match = _BUDGET.search(budget)
    if match is None or count < 2:
        return []
    unit = timedelta(hours=1) if match[3].lower() == "hour" else timedelta(days=1)
    upper = float(match[2] or match[1]) * unit
    if span <= upper:
        return [f"First to last commit took {duration(span)}, within the {budget} time budget."]
    return [
        f"First to last commit took {duration(span)}, longer than the {budget} time budget; "
        "commit times show when work was saved, not how long it took."
    ]


def _giant(commits: Sequence[CommitInfo]) -> list[str]:
    total = sum(c.changed_lines for c in commits)
    biggest = max(commits, key=lambda c: c.changed_lines)
    if len(commits) < 2 or total < MIN_GIANT_LINES or biggest.changed_lines < GIANT_SHARE * total:
        return []
    share = round(100 * biggest.changed_lines / total)
    return [
        f"One commit holds {share}% of all changed lines ({biggest.sha[:12]} "
        f"\u201c{biggest.subject}\u201d): most of the work arrived at once, so the history "
        "shows little of how it was built; ask them to walk through how they got there."
    ]


def _authors(commits: Sequence[CommitInfo]) -> list[str]:
    counts = Counter(c.author for c in commits)
    if len(counts) < 2:
        return []
    named = ", ".join(f"{author} ({n})" for author, n in counts.most_common(3))
    return [
        f"Commits come from {len(counts)} author identities: {named}. This is often one person "
        "on two machines; ask whether anyone else contributed."
    ]


def duration(span: timedelta) -> str:
    """``45 min``, ``3 h 20 min``, ``4 days``."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} days"
