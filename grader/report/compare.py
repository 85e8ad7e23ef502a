"""A one-page comparison of several candidates of one challenge, strongest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.errors import GraderError
from grader.models import GradeReport, Severity
from grader.report.render import environment
from grader.report.review import band

MAX_CANDIDATES = 12


@dataclass(frozen=True, slots=True)
class Row:
    repo_url: str
    commit: str
    score: str
    band: str
    categories: tuple[str, ...]  # "3/4" per category, in the challenge's order
    warnings: int
    type_hints: str
    history: str  # the history's first statement


def comparison_rows(reports: Sequence[GradeReport]) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Category names and one row per candidate, by score (runs without a score last)."""
    if not reports:
        raise GraderError("nothing to compare", hint="give the ids of two or more runs")
    challenges = {(r.challenge.id, r.challenge.version) for r in reports}
    if len(challenges) > 1:
        raise GraderError(
            f"these runs are of different challenges or versions: {sorted(challenges)}",
            hint="compare candidates of one challenge version only",
        )
    names = tuple(c.name for c in reports[0].categories)
    ranked = sorted(reports, key=lambda r: -(r.score if r.score is not None else -1.0))
    return names, tuple(_row(r, names) for r in ranked[:MAX_CANDIDATES])


def _row(report: GradeReport, names: tuple[str, ...]) -> Row:
    by_name = {c.name: c for c in report.categories}
    found = band(report)
    code = report.code
    return Row(
        repo_url=report.repo_url,
        commit=(report.commit or "")[:12],
        score=f"{report.score:.1f}" if found and report.score is not None else "—",
        band=found.value if found else report.outcome.value.replace("_", " "),
        categories=tuple(
            f"{by_name[n].passed}/{by_name[n].total}" if n in by_name else "—" for n in names
        ),
        warnings=sum(1 for f in report.findings if f.severity is Severity.WARNING),
        type_hints=f"{code.coverage}%" if code and code.coverage is not None else "—",
        history=report.history.statements[0] if report.history else "—",
    )


def render_comparison_html(reports: Sequence[GradeReport]) -> str:
    names, rows = comparison_rows(reports)
    first = reports[0].challenge
    template = environment().get_template("compare.html.j2")
    return template.render(title=first.title or first.id, challenge=first, names=names, rows=rows)
