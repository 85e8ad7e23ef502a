"""Interview follow-ups: questions from ``questions.toml`` chosen by what the run showed.

Lost categories come first (most points lost first), then red flags (warnings before info),
then, when nothing was lost or flagged, one general question for the specialty.
Each question carries its evidence, so a reviewer can say why they ask it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from pydantic import BaseModel, ConfigDict

from grader.models import CategoryScore, Finding, GradeReport, Severity

MAX_QUESTIONS = 5
ANY = "any"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    evidence: str  # what in the run it follows from, in plain words
    topic: str  # what it is about, for "the questions start with ..."


class _Bank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    flags: dict[str, str]
    categories: dict[str, dict[str, str]]
    general: dict[str, str]


@functools.cache
def bank() -> _Bank:
    """The question bank shipped with the package (validated once)."""
    text = resources.files("grader.report").joinpath("questions.toml").read_text("utf-8")
    return _Bank.model_validate(tomllib.loads(text))


def questions(report: GradeReport) -> tuple[Question, ...]:
    """Up to :data:`MAX_QUESTIONS` follow-ups for a graded or flagged run."""
    specialty = report.challenge.specialty
    chosen = [*_for_categories(report.categories, specialty), *_for_flags(report.findings)]
    if not chosen:
        general = bank().general
        text = general.get(specialty, general[ANY])
        evidence = "every category passed and no red flag was found"
        chosen.append(Question(text, evidence, "general questions"))
    return tuple(chosen[:MAX_QUESTIONS])


def _for_categories(categories: tuple[CategoryScore, ...], specialty: str) -> list[Question]:
    lost = sorted(
        (c for c in categories if c.total and c.passed < c.total),
        key=lambda c: (-(c.weight * (1 - c.fraction)), c.name),
    )
    found: list[Question] = []
    for category in lost:
        text = bank().categories.get(specialty, {}).get(category.name) or bank().categories.get(
            ANY, {}
        ).get(category.name)
        if text:
            evidence = (
                f"category {category.name}: {category.passed} of {category.total} hidden tests"
                " passed"
            )
            found.append(Question(text, evidence, f"the {category.name} category"))
    return found


def _for_flags(findings: tuple[Finding, ...]) -> list[Question]:
    order = {Severity.WARNING: 0, Severity.INFO: 1}
    first: dict[str, Finding] = {}
    for finding in sorted(findings, key=lambda f: order.get(f.severity, 2)):
        if finding.severity is not Severity.INTEGRITY and finding.rule in bank().flags:
            first.setdefault(finding.rule, finding)
    return [
        Question(
            bank().flags[rule].replace("{where}", where(f)),
            _evidence(f),
            f"{plain(rule)} at {where(f)}",
        )
        for rule, f in first.items()
    ]


_PLAIN = {
    "bare-except": "a bare except",
    "swallowed-exception": "an exception caught and ignored",
    "mutable-default": "a mutable default argument",
    "blocking-async": "a blocking call in async code",
    "dangerous-call": "a shell or eval call",
    "sql-injection": "SQL built from strings",
    "hardcoded-secret": "a secret written in the code",
    "undefined-name": "an undefined name",
    "committed-env": "a committed .env file",
    "syntax-error": "a file that does not parse",
}


def plain(rule: str) -> str:
    """A rule in a few plain words, for sentences."""
    return _PLAIN.get(rule, rule.replace("-", " "))


def where(finding: Finding) -> str:
    """``todo/store.py:42``, ``requirements.txt``, or ``the repository``."""
    if not finding.path:
        return "the repository"
    return f"{finding.path}:{finding.line}" if finding.line else finding.path


def _evidence(finding: Finding) -> str:
    shown = f" `{finding.snippet}`" if finding.snippet else ""
    return f"{where(finding)}{shown}: {finding.message}"
