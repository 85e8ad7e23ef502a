"""``grader runs list`` and ``grader report``: read back what the store holds."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from grader.cli._common import guarded, out
from grader.report import from_json_dict, render
from grader.settings import get_settings
from grader.store import open_store


@click.group()
def runs() -> None:
    """Runs recorded in the database (GRADER_DATABASE_URL)."""


@runs.command("list")
@click.option("-n", "--limit", default=50, show_default=True, help="How many, newest first.")
@click.option("-c", "--challenge", "challenge_id", help="Only runs of this challenge.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@guarded
def list_runs(limit: int, challenge_id: str | None, as_json: bool) -> None:
    """List recorded runs, newest first."""
    store = open_store(get_settings().effective_database_url)
    try:
        rows = store.list_runs(limit=limit, challenge_id=challenge_id)
    finally:
        store.close()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "repo_url": r.repo_url,
                        "challenge": r.challenge_id,
                        "outcome": r.outcome,
                        "score": r.score,
                        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                    }
                    for r in rows
                ]
            )
        )
        return
    table = Table(header_style="bold")
    for column in ("run", "finished", "challenge", "outcome", "score", "repository"):
        table.add_column(column)
    for r in rows:
        finished = r.finished_at.strftime("%Y-%m-%d %H:%M") if r.finished_at else "-"
        score = "-" if r.score is None else f"{r.score:.1f}"
        table.add_row(r.id[:12], finished, r.challenge_id, r.outcome, score, r.repo_url)
    out.print(table)


@click.command()
@click.argument("run_id")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder for the reports."
)
@guarded
def report(run_id: str, out: Path | None) -> None:
    """Re-render the reports of a stored run (RUN_ID or a unique prefix of it)."""
    settings = get_settings()
    store = open_store(settings.effective_database_url)
    try:
        detail = store.get_run(run_id)
    finally:
        store.close()
    graded = from_json_dict(detail.report)
    paths = render(graded, out or settings.report_dir(graded.run_id))
    for kind, path in sorted(paths.items()):
        click.echo(f"{kind:>5}: {path}")
