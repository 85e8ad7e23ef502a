"""``grader runs list``, ``grader submissions list`` and ``grader report``: read back the store."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from grader.cli._common import fail, guarded, short_id, show, verbosity
from grader.report import from_json_dict, render, render_pdf
from grader.settings import get_settings
from grader.store import RunNotFoundError, Store, open_store

LIMIT = click.option(
    "-n",
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many, newest first.",
)
CHALLENGE = click.option("-c", "--challenge", "challenge_id", help="Only this challenge's.")
AS_JSON = click.option("--json", "as_json", is_flag=True, help="One JSON object.")


@click.group()
def runs() -> None:
    """Runs recorded in the database (GRADER_DATABASE_URL)."""


@runs.command("list")
@LIMIT
@CHALLENGE
@AS_JSON
@verbosity
@guarded
def list_runs(limit: int, challenge_id: str | None, as_json: bool) -> None:
    """List recorded runs, newest first (a run id goes to ``grader report``)."""
    with open_store(get_settings().effective_database_url) as store:
        rows = store.list_runs(limit=limit, challenge_id=challenge_id)
    if as_json:
        items = [
            {
                "id": r.id,
                "submission_id": r.submission_id,
                "repo_url": r.repo_url,
                "challenge": r.challenge_id,
                "outcome": r.outcome,
                "score": r.score,
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            }
            for r in rows
        ]
        click.echo(json.dumps({"runs": items}))
        return
    table = Table(header_style="bold")
    for column in ("run", "finished", "challenge", "outcome", "score", "repository"):
        table.add_column(column, overflow="fold")
    for r in rows:
        finished = r.finished_at.strftime("%Y-%m-%d %H:%M") if r.finished_at else "-"
        score = "-" if r.score is None else f"{r.score:.1f}"
        table.add_row(short_id(r.id), finished, r.challenge_id, r.outcome, score, r.repo_url)
    show(table)


@click.group()
def submissions() -> None:
    """Submissions recorded in the database (each has one or more runs)."""


@submissions.command("list")
@LIMIT
@CHALLENGE
@AS_JSON
@verbosity
@guarded
def list_submissions(limit: int, challenge_id: str | None, as_json: bool) -> None:
    """List submissions, newest first (a submission id goes to ``grader status``/``regrade``)."""
    with open_store(get_settings().effective_database_url) as store:
        rows = store.list_submissions(limit=limit, challenge_id=challenge_id)
    if as_json:
        items = [
            {
                "id": s.id,
                "repo_url": s.repo_url,
                "challenge": s.challenge_id,
                "state": s.state,
                "attempt": s.attempt,
                "created_at": s.created_at.isoformat(),
            }
            for s in rows
        ]
        click.echo(json.dumps({"submissions": items}))
        return
    table = Table(header_style="bold")
    for column in ("submission", "created", "challenge", "state", "attempt", "repository"):
        table.add_column(column, overflow="fold")
    for s in rows:
        created = s.created_at.strftime("%Y-%m-%d %H:%M")
        row = (short_id(s.id), created, s.challenge_id, s.state, str(s.attempt), s.repo_url)
        table.add_row(*row)
    show(table)


@click.command()
@click.argument("run_id")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder for the reports."
)
@click.option("--pdf", "as_pdf", is_flag=True, help="Also write report.pdf (WeasyPrint).")
@verbosity
@guarded
def report(run_id: str, out: Path | None, as_pdf: bool) -> None:
    """Re-render the reports of a stored run (RUN_ID or a unique prefix of it)."""
    settings = get_settings()
    with open_store(settings.effective_database_url) as store:
        try:
            detail = store.get_run(run_id)
        except RunNotFoundError as exc:
            fail(exc.message, wrong_kind(store, run_id, "run") or exc.hint, as_json=False)
    graded = from_json_dict(detail.report)
    folder = out or settings.report_dir(graded.run_id)
    paths = render(graded, folder)
    if as_pdf:
        paths["pdf"] = folder / "report.pdf"
        paths["pdf"].write_bytes(render_pdf(graded))
    for kind, path in sorted(paths.items()):
        click.echo(f"{kind:>5}: {path}")


_TAKES = {
    "run": "`grader report ID` re-renders a run's reports (`grader runs list` lists them)",
    "submission": "`grader status ID` and `grader regrade ID` take a submission id "
    "(`grader submissions list` lists them)",
}


def wrong_kind(store: Store, some_id: str, wanted: str) -> str:
    """A hint when ``some_id`` is the other kind of id than the command takes, else ``""``."""
    kind = store.kind_of(some_id)
    if kind is None or kind == wanted:
        return ""
    return f"{some_id!r} is a {kind} id, not a {wanted} id: {_TAKES[kind]}"
