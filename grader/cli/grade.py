"""``grader grade``: one submission, end to end."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from grader.challenge import find_challenge
from grader.cli._common import EXIT_CODES, challenge_roots, err, guarded, out, show, verbosity
from grader.cli._source import deadline_option, refuse, source_of
from grader.errors import RejectedError
from grader.models import GradeReport, Phase
from grader.pipeline import GradeRequest
from grader.record import Finished, grade_here
from grader.report import to_json_dict
from grader.settings import Settings, get_settings

OUTCOME_STYLE = {
    "graded": "green",
    "flagged": "yellow",
    "rejected": "red",
    "not_gradable": "magenta",
}


@click.command()
@click.argument("repo_url")
@click.option(
    "-c",
    "--challenge",
    "challenge_id",
    required=True,
    help="Challenge id, e.g. devops/task-tracker.",
)
@click.option("--ref", help="Branch, tag or commit to grade (default: the repository's HEAD).")
@click.option(
    "--deadline",
    callback=deadline_option,
    help="Grade the last commit before this moment, e.g. 2026-03-01T18:00:00+00:00.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print exactly one JSON object: the run's result."
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder for the reports."
)
@click.option(
    "--challenges-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Extra folder of challenges, searched first (repeatable).",
)
@verbosity
@guarded
def grade(
    repo_url: str,
    challenge_id: str,
    ref: str | None,
    deadline: datetime | None,
    as_json: bool,
    out: Path | None,
    challenges_dir: tuple[Path, ...],
) -> None:
    """Grade the git repository at REPO_URL (or a .bundle or .zip of one) against a
    challenge's hidden tests.

    The repository is cloned at the commit REF points to now, the hidden suite runs in a fresh
    sandbox, and HTML, Markdown and JSON reports are written (default: GRADER_HOME/reports).

    \b
    Examples:
      grader grade https://github.com/alice/task-tracker -c devops/task-tracker
      grader grade https://github.com/alice/task-tracker -c devops/task-tracker --ref v1.0 --json
      grader grade alice.bundle -c devops/task-tracker --deadline 2026-03-01T18:00:00Z
    """
    settings = get_settings()
    challenge = find_challenge(challenge_id, challenge_roots(settings, challenges_dir))
    try:
        source = source_of(repo_url, settings)  # before anything is recorded
    except RejectedError as exc:
        refuse(exc, as_json=as_json)
    request = GradeRequest(url=source, challenge=challenge, ref=ref, deadline=deadline)
    report, finished = (
        grade_here(request, settings, out_dir=out)
        if as_json
        else _with_progress(request, settings, out)
    )
    paths = finished.paths
    if as_json:
        reports = {kind: str(path) for kind, path in paths.items()}
        click.echo(json.dumps({**to_json_dict(report), "reports": reports}))
    else:
        print_summary(report, paths)
    sys.exit(EXIT_CODES[report.outcome])


class _PhaseProgress:
    """Rich progress on stderr: a spinner for the running phase, a tick per finished one."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.status = err.status(f"starting {label}")

    def phase_started(self, phase: Phase) -> None:
        self.status.update(f"[bold]{phase.value}[/] {self.label}")

    def phase_finished(self, phase: Phase, seconds: float) -> None:
        err.print(f"  [green]✓[/] {phase.value:<8} {seconds:6.2f}s")


def _with_progress(
    request: GradeRequest, settings: Settings, out_dir: Path | None
) -> tuple[GradeReport, Finished]:
    challenge = request.challenge
    err.print(
        f"Grading {escape(request.url)} against [bold]{challenge.id}[/] v{challenge.spec.version}"
    )
    progress = _PhaseProgress(challenge.id)
    with progress.status:
        return grade_here(request, settings, observer=progress, out_dir=out_dir)


def print_summary(report: GradeReport, paths: dict[str, Path]) -> None:
    """The short human summary after a run: outcome, score, categories, report paths."""
    outcome = report.outcome.value
    score = f"{report.score:.1f}/100" if report.score is not None else "no score"
    style = OUTCOME_STYLE[outcome]
    out.print(f"\n[bold {style}]{outcome.upper()}[/]  {score}  commit {report.commit or '-'}")
    if report.reason:
        out.print(f"reason: {escape(report.reason)}")
    if report.categories:
        table = Table(header_style="bold")
        for column in ("category", "weight", "passed", "score"):
            table.add_column(column)
        for cat in report.categories:
            table.add_row(
                cat.name, f"{cat.weight:g}", f"{cat.passed}/{cat.total}", f"{cat.score:.0f}"
            )
        show(table)
    for kind, path in sorted(paths.items()):
        out.print(f"{kind:>5}: {path}", soft_wrap=True)  # paths must stay copyable
