"""Inline SVG charts for the recruiter's report, as pixel geometry: the templates draw them.

No JavaScript and no images: category bars, the cohort histogram with the candidate's band,
and the commit timeline sized by changed lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from grader.models import CategoryScore, CommitInfo, GradeReport


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of the category bar chart (inline SVG), in pixels."""

    label: str
    score: float
    y: int
    width: int


BAR_ROW = 28
BAR_WIDTH = 360
TIMELINE_WIDTH = 560  # plus 20 px margin each side


@dataclass(frozen=True, slots=True)
class Dot:
    """One commit on the timeline (inline SVG), in pixels; ``label`` is its tooltip."""

    x: int
    r: int
    label: str


@dataclass(frozen=True, slots=True)
class Column:
    """One band of the cohort histogram (inline SVG), in pixels."""

    x: int
    height: int
    label: str  # "60-69: 4 submissions"
    mine: bool  # the candidate's score falls in this band


HISTOGRAM_HEIGHT = 80


def bars(categories: tuple[CategoryScore, ...]) -> tuple[Bar, ...]:
    counted = [c for c in categories if c.total]
    return tuple(
        Bar(c.name, c.score, n * BAR_ROW, round(BAR_WIDTH * c.fraction))
        for n, c in enumerate(counted)
    )


def timeline(commits: tuple[CommitInfo, ...]) -> tuple[Dot, ...]:
    if len(commits) < 2:
        return ()
    first = min(c.committed_at for c in commits)
    span = (max(c.committed_at for c in commits) - first).total_seconds() or 1.0
    return tuple(
        Dot(
            x=20 + round(TIMELINE_WIDTH * (c.committed_at - first).total_seconds() / span),
            r=min(14, 3 + round(math.sqrt(c.changed_lines) / 3)),
            label=f"{c.sha[:12]} {c.committed_at:%Y-%m-%d %H:%M}: {c.changed_lines} lines, "
            f"{c.subject}",
        )
        for c in reversed(commits)
    )


def histogram(report: GradeReport) -> tuple[Column, ...]:
    c = report.comparison
    if c is None or not c.histogram or report.score is None:
        return ()
    tallest = max(c.histogram) or 1
    mine = min(int(report.score // 10), 9)
    return tuple(
        Column(
            x=20 + 56 * n,
            height=max(2, round(HISTOGRAM_HEIGHT * count / tallest)) if count else 0,
            label=f"{10 * n}-{10 * n + 9 if n < 9 else 100}: {count} submission"
            + ("" if count == 1 else "s"),
            mine=n == mine,
        )
        for n, count in enumerate(c.histogram)
    )
