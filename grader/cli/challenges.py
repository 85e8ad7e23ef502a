"""``grader challenges``: list, show and validate the challenge library."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from grader.challenge import discover, find_challenge, survey
from grader.cli._common import EXIT_ERROR, challenge_roots, err, guarded, out, show, verbosity
from grader.settings import get_settings
from grader.validate import (
    DEFAULT_JOBS,
    DEFAULT_MUTANTS,
    Validation,
    recorded,
    validate,
    write_manifest,
)


@click.group()
def challenges() -> None:
    """List, inspect and validate challenges."""


@challenges.command("list")
@verbosity
@guarded
def list_challenges() -> None:
    """Every challenge under GRADER_CHALLENGES_DIR and GRADER_CHALLENGE_PATHS; a folder that does
    not load (or repeats an id) is shown too.

    Exits 1 when any folder is broken, after listing the others.
    """
    found = survey(challenge_roots(get_settings()))
    table = Table(header_style="bold")
    for column in ("id", "version", "level", "title", "categories"):
        table.add_column(column)
    for c in found.challenges:
        cats = ", ".join(f"{cat.name} ({cat.weight:g})" for cat in c.spec.categories)
        table.add_row(c.id, c.spec.version, c.spec.level, c.spec.title, cats)
    show(table)
    for broken in found.broken:
        err.print(Text(f"broken: {broken.path}: {broken.problem}", style="red"))
    if found.broken:
        sys.exit(EXIT_ERROR)


@challenges.command("show")
@click.argument("challenge_id")
@verbosity
@guarded
def show_challenge(challenge_id: str) -> None:
    """Print a challenge's brief (what the candidate reads), verbatim."""
    challenge = find_challenge(challenge_id, challenge_roots(get_settings()))
    brief = Path(challenge.root / "brief.md")
    click.echo(brief.read_text(encoding="utf-8") if brief.is_file() else "(no brief.md)", nl=False)


@challenges.command("validate")
@click.argument("challenge_id", required=False)
@click.option("--all", "all_", is_flag=True, help="Validate every challenge.")
@click.option(
    "--mutants",
    default=DEFAULT_MUTANTS,
    show_default=True,
    type=click.IntRange(min=0),
    help="Mutants of the reference per challenge (listed ones first).",
)
@click.option(
    "--jobs",
    default=DEFAULT_JOBS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Gradings run at the same time.",
)
@click.option(
    "--challenges-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Extra folder of challenges, searched first (repeatable).",
)
@guarded
def validate_command(
    challenge_id: str | None,
    all_: bool,
    mutants: int,
    jobs: int,
    challenges_dir: tuple[Path, ...],
) -> None:
    """Prove a challenge: reference 100, starter low, samples in band, deterministic, mutants
    caught. Prints a table per challenge and records it under GRADER_HOME/validations (the
    admin catalogue shows it); exits 1 when any check fails."""
    if all_ == bool(challenge_id):
        raise click.UsageError("give one CHALLENGE_ID or --all")
    settings = get_settings()
    roots = challenge_roots(settings, challenges_dir)
    chosen = discover(roots) if all_ else [find_challenge(str(challenge_id), roots)]
    results = []
    for challenge in chosen:
        err.print(f"validating [bold]{challenge.id}[/] v{challenge.spec.version}")
        result = validate(
            challenge,
            settings,
            mutants=mutants,
            jobs=jobs,
            progress=lambda message: err.print(Text(f"  {message}")),
        )
        show(_table(result))
        where = recorded.save(
            settings.validations_dir,
            challenge.id,
            challenge.spec.version,
            result.checks,
            result.seconds,
        )
        err.print(Text(f"  recorded in {where}"))
        results.append(result)
    failed = [r.challenge for r in results if not r.ok]
    total = sum(r.seconds for r in results)
    verdict = f"[red]failed: {', '.join(failed)}[/]" if failed else "[green]all passed[/]"
    out.print(f"{len(results)} challenge(s) validated in {total:.0f} s: {verdict}")
    if failed:
        sys.exit(EXIT_ERROR)


def _table(result: Validation) -> Table:
    table = Table(header_style="bold", title=f"{result.challenge} ({result.seconds:.0f} s)")
    for column in ("check", "result", "detail"):
        table.add_column(column)
    for check in result.checks:  # Text: names like `app.py:100` are neither markup nor emoji
        mark = Text("ok", style="green") if check.ok else Text("FAIL", style="red")
        table.add_row(Text(check.name), mark, Text(check.detail))
    return table


@challenges.command("manifest")
@click.argument("challenge_id")
@guarded
def manifest_command(challenge_id: str) -> None:
    """Write tests/manifest.txt from the tests the judge collects when grading the reference."""
    settings = get_settings()
    challenge = find_challenge(challenge_id, challenge_roots(settings))
    path = write_manifest(challenge, settings)
    count = len(challenge.manifest())
    out.print(f"wrote {count} test IDs to {path}", soft_wrap=True)
