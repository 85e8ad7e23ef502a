"""``grader challenges``: list, show and validate the challenge library."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from grader.challenge import discover, find_challenge
from grader.cli._common import challenge_roots, guarded, out
from grader.settings import get_settings


@click.group()
def challenges() -> None:
    """List and inspect challenges."""


@challenges.command("list")
@guarded
def list_challenges() -> None:
    """Every challenge under GRADER_CHALLENGES_DIR."""
    table = Table(header_style="bold")
    for column in ("id", "version", "level", "title", "categories"):
        table.add_column(column)
    for c in discover(challenge_roots(get_settings())):
        cats = ", ".join(f"{cat.name} ({cat.weight:g})" for cat in c.spec.categories)
        table.add_row(c.id, c.spec.version, c.spec.level, c.spec.title, cats)
    out.print(table)


@challenges.command("show")
@click.argument("challenge_id")
@guarded
def show_challenge(challenge_id: str) -> None:
    """Print a challenge's brief (what the candidate reads)."""
    challenge = find_challenge(challenge_id, challenge_roots(get_settings()))
    brief = Path(challenge.root / "brief.md")
    out.print(
        brief.read_text(encoding="utf-8") if brief.is_file() else "(no brief.md)", markup=False
    )
