"""The top of the recruiter's report: a band and a few plain sentences a hiring manager can act on.

Bands read the score against the challenge's thresholds (``[review]`` in challenge.toml, default
strong from 80, mixed from 50). The sentences say what the candidate did well, what is missing
and what to ask; they describe what was seen and never accuse.
"""

from __future__ import annotations

import enum
import re

from grader.models import CategoryScore, CodeStats, Finding, GradeReport, Outcome, Severity
from grader.report.questions import Question, plain, where

MAX_NAMED = 3


class Band(enum.StrEnum):
    STRONG = "strong"
    MIXED = "mixed"
    WEAK = "weak"


def band(report: GradeReport) -> Band | None:
    """The score's band; None when there is no score to read (a flagged score is provisional)."""
    if report.score is None or report.outcome is not Outcome.GRADED:
        return None
    if report.score >= report.challenge.strong:
        return Band.STRONG
    return Band.MIXED if report.score >= report.challenge.mixed else Band.WEAK


def summary(report: GradeReport, asked: tuple[Question, ...]) -> tuple[str, ...]:
    """Three to five sentences: verdict, did well, missing, code, what to ask."""
    found = band(report)
    if report.score is None or report.outcome not in (Outcome.GRADED, Outcome.FLAGGED):
        return ()
    c = report.challenge
    if found is None:
        sentences = [
            f"Scored {report.score:.1f} of 100 provisionally: integrity evidence was found, "
            "so do not use the score until a reviewer has looked at it."
        ]
    else:
        sentences = [
            f"Scored {report.score:.1f} of 100, which this challenge reads as {found.value} "
            f"(strong from {c.strong:g}, mixed from {c.mixed:g})."
        ]
    sentences.extend(_categories(report.categories))
    sentences.append(_code(report.findings, report.code))
    if asked:
        sentences.append(f"The interview questions below start with {asked[0].topic}.")
    return tuple(sentences[:5])


def _categories(categories: tuple[CategoryScore, ...]) -> list[str]:
    counted = [c for c in categories if c.total]
    full = [c.name for c in counted if c.passed == c.total]
    lost = sorted(
        (c for c in counted if c.passed < c.total), key=lambda c: -(c.weight * (1 - c.fraction))
    )
    said = []
    if full and not lost:
        said.append("Every hidden test passed, in every category.")
    elif full:
        said.append(f"Every hidden test passed in {_names(full)}.")
    if lost:
        parts = [f"{c.name} ({c.passed} of {c.total} tests)" for c in lost[:MAX_NAMED]]
        said.append(f"Most points were lost in {_names(parts)}.")
    return said


def _code(findings: tuple[Finding, ...], code: CodeStats | None) -> str:
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if warnings:
        named = [f"{plain(f.rule)} ({where(f)})" for f in warnings[:MAX_NAMED]]
        more = len(warnings) - len(named)
        said = f"The code review raised {_count(len(warnings), 'warning')}: {_names(named)}"
        said += f" and {more} more" if more else ""
    else:
        said = "The code review raised no warnings"
    if code is not None and code.coverage is not None:
        said += f"; {code.annotated} of {code.functions} functions are fully type-hinted"
    return said + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


_TEST_NAME = re.compile(r"^test_?")


def plain_test_name(test_id: str) -> str:
    """``test_cli.py::test_add_rejects_empty_title[x]`` -> ``add rejects empty title (x)``."""
    name = test_id.rsplit("::", 1)[-1]
    name, _, params = name.partition("[")
    words = _TEST_NAME.sub("", name).replace("_", " ").strip() or name
    return f"{words} ({params.rstrip(']')})" if params else words
