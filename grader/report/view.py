"""What the templates show, worked out once in Python so the templates stay plain markup."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from grader.models import (
    CategoryScore,
    Finding,
    GradeReport,
    Limits,
    Outcome,
    Phase,
    RunFacts,
    Severity,
    TestResult,
    TestStatus,
)
from grader.report.charts import Bar, Column, Dot, bars, histogram, timeline
from grader.report.jsonio import SCORED
from grader.report.questions import Question, questions
from grader.report.review import band, summary

OUTCOME_LABELS = {
    Outcome.GRADED: "Graded",
    Outcome.FLAGGED: "Needs human review",
    Outcome.NOT_GRADABLE: "Grading incomplete",
    Outcome.REJECTED: "Rejected",
}
_SHORT_STATUS = {
    TestStatus.FAILED: "failed",
    TestStatus.ERROR: "crashed",
    TestStatus.TIMEOUT: "timed out",
    TestStatus.RESOURCE_LIMIT: "hit a resource limit",
    TestStatus.SKIPPED: "not run",
}


@dataclass(frozen=True, slots=True)
class CategoryRow:
    category: CategoryScore
    share: float  # percent of the weight of all counted categories; 0 when it has no tests
    tests: tuple[TestResult, ...]


@dataclass(frozen=True, slots=True)
class View:
    title: str
    band: str  # "strong" / "mixed" / "weak"; "" without a score
    summary: tuple[str, ...]  # three to five plain sentences for the top
    questions: tuple[Question, ...]
    bars: tuple[Bar, ...]
    type_hints: str  # "9 of 14 functions (64%), 2 use Any"; "" when not measured
    own_tests: str  # "2 of 3 of the candidate's own tests pass; coverage 81%"; "" when not run
    history: tuple[str, ...]  # what the commit history shows, in plain words
    timeline: tuple[Dot, ...]
    cohort: str  # where the score stands among other candidates, or why it is not shown
    histogram: tuple[Column, ...]
    outcome_label: str
    show_score: bool
    score_text: str
    show_results: bool  # graded or flagged: tests and categories mean something
    passed: int
    not_passed: tuple[tuple[str, str], ...]  # (status value, "2 failed"), in status order
    categories: tuple[CategoryRow, ...]
    integrity: tuple[Finding, ...]
    checks: tuple[tuple[str, str], ...]  # (integrity check, what it found), in run order
    red_flags: tuple[Finding, ...]
    dependency_counts: tuple[tuple[str, int], ...]
    timings: tuple[tuple[str, float], ...]
    limits: tuple[tuple[str, str], ...]
    facts: tuple[tuple[str, str], ...]  # more run facts: (label, value), sorted by label


def build_view(report: GradeReport) -> View:
    show_score = report.outcome in SCORED and report.score is not None
    counts = Counter(t.status for t in report.tests)
    asked = questions(report) if report.outcome in SCORED else ()
    found = band(report)
    return View(
        title=report.challenge.title or report.challenge.id,
        band=found.value if found else "",
        summary=summary(report, asked),
        questions=asked,
        bars=bars(report.categories),
        type_hints=_type_hints(report),
        own_tests=report.run_facts.own_tests.text
        if report.run_facts and report.run_facts.own_tests
        else "",
        history=report.history.statements if report.history else (),
        timeline=timeline(report.history.commits if report.history else ()),
        cohort=_cohort(report),
        histogram=histogram(report),
        outcome_label=OUTCOME_LABELS[report.outcome],
        show_score=show_score,
        score_text=f"{report.score:.1f}" if show_score and report.score is not None else "—",
        show_results=report.outcome in SCORED,
        passed=counts[TestStatus.PASSED],
        not_passed=tuple(
            (s.value, f"{counts[s]} {_SHORT_STATUS[s]}") for s in _SHORT_STATUS if counts[s]
        ),
        categories=_category_rows(report),
        integrity=tuple(f for f in report.findings if f.severity is Severity.INTEGRITY),
        checks=tuple((check.name, check.found) for check in report.integrity),
        red_flags=tuple(f for f in report.findings if f.severity is not Severity.INTEGRITY),
        dependency_counts=tuple(Counter(d.status for d in report.dependencies).items()),
        timings=_timings(report.timings),
        limits=_limits(report.limits),
        facts=tuple(sorted(_fact_rows(report), key=lambda item: item[0].lower())),
    )


def _cohort(report: GradeReport) -> str:
    if report.outcome is not Outcome.GRADED or report.score is None:
        return ""
    c = report.comparison
    if c is None:
        return "Not enough graded submissions of this challenge version yet to compare with."
    return (
        f"Scored above {c.below} of {c.earlier} other candidates of this challenge version "
        f"(percentile {c.percentile}, median {c.median:.1f})."
    )


def _type_hints(report: GradeReport) -> str:
    code = report.code
    if code is None or code.coverage is None:
        return ""
    text = f"{code.annotated} of {code.functions} functions fully annotated ({code.coverage}%)"
    return text + (f"; {code.with_any} use Any" if code.with_any else "")


def _fact_rows(report: GradeReport) -> list[tuple[str, str]]:
    """The Run facts rows beyond the fixed ones: what the run saw, and what it is compared to."""
    rows = _run_rows(report.run_facts, report.limits) if report.run_facts else []
    if report.comparison is not None:
        rows.append(("compared with others", report.comparison.text))
    if report.outcome in SCORED:
        rows.append(("candidate feedback", report.feedback.value))
    if report.python is not None:
        rows.append(("Python", f"{report.python.version}: {report.python.reason}"))
    return rows


def _run_rows(run: RunFacts, limits: Limits | None) -> list[tuple[str, str]]:
    rows = list(run.recorded.items())
    if run.judge_exit_code is not None:
        rows.append(("judge exit code", str(run.judge_exit_code)))
    if run.timed_out and limits is not None:
        rows.append(("wall clock", f"the run hit the {limits.wall_seconds}s wall-clock limit"))
    if run.oom_killed and limits is not None:
        rows.append(("memory", f"a candidate process hit the {limits.memory_mb} MB memory limit"))
    named = {
        "services": run.services,
        "skipped entries": run.skipped_entries,
        "dependency install": run.dependency_install,
        "deadline": run.deadline,
        "history rewritten": run.rewritten,
    }
    return rows + [(label, value) for label, value in named.items() if value]


def _category_rows(report: GradeReport) -> tuple[CategoryRow, ...]:
    categories = list(report.categories)
    known = {c.name for c in categories}
    for test in report.tests:  # defensive: a test whose category the report does not list
        if test.category not in known:
            known.add(test.category)
            categories.append(CategoryScore(test.category, 0.0, 0, 0))
    counted = sum(c.weight for c in categories if c.total) or 1.0
    return tuple(
        CategoryRow(
            category=c,
            share=round(100 * c.weight / counted, 1) if c.total else 0.0,
            tests=_failures_first(t for t in report.tests if t.category == c.name),
        )
        for c in categories
    )


def _failures_first(tests: Iterable[TestResult]) -> tuple[TestResult, ...]:
    return tuple(sorted(tests, key=lambda t: t.status is TestStatus.PASSED))


def _timings(timings: dict[str, float]) -> tuple[tuple[str, float], ...]:
    order = {phase.value: n for n, phase in enumerate(Phase)}
    return tuple(sorted(timings.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _limits(limits: Limits | None) -> tuple[tuple[str, str], ...]:
    if limits is None:
        return ()
    return (
        ("memory", f"{limits.memory_mb} MiB"),
        ("CPUs", f"{limits.cpus:g}"),
        ("processes", str(limits.pids)),
        ("writable disk", f"{limits.disk_mb} MiB"),
        ("whole run", _whole_seconds(limits.wall_seconds)),
        ("each test", _whole_seconds(limits.test_seconds)),
    )


def _whole_seconds(value: int) -> str:
    minutes, rest = divmod(value, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" if not rest else f"{minutes} min {rest:02d} s"


def seconds(value: float) -> str:
    """``0.12 s``, ``12.8 s``, ``4 min 05 s``."""
    if value < 60:
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest:02d} s"


def when(value: datetime | None) -> str:
    """``2025-03-04 09:30:00 UTC`` (or with its own offset); ``—`` when unknown."""
    if value is None:
        return "—"
    if value.utcoffset() is not None and not value.utcoffset():
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return value.isoformat(sep=" ", timespec="seconds")
