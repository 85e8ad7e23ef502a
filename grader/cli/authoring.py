"""``grader challenges lint|schema|new``: the authoring kit's thin CLI (logic: grader.authoring)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.text import Text

from grader.authoring import challenge_schema, lint_folders, lint_roots
from grader.authoring.scaffold import KINDS, Kind, scaffold
from grader.cli._common import EXIT_ERROR, challenge_roots, guarded, out
from grader.settings import get_settings

_EXTRA_DIRS = click.option(
    "--challenges-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Extra folder of challenges, searched first (repeatable).",
)


@click.command("lint")
@click.argument("challenge_id", required=False)
@click.option("--all", "all_", is_flag=True, help="Lint every challenge folder.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@_EXTRA_DIRS
@guarded
def lint_command(
    challenge_id: str | None, all_: bool, as_json: bool, challenges_dir: tuple[Path, ...]
) -> None:
    """Check a challenge without Docker: schema, id, categories, manifest against the collected
    tests, samples and bands, the brief's time budget, nothing secret in image/. Lists every
    problem with file and line; exits 1 when there is any."""
    if all_ == bool(challenge_id):
        raise click.UsageError("give one CHALLENGE_ID or --all")
    roots = challenge_roots(get_settings(), challenges_dir)
    found = lint_folders(lint_roots(roots, None if all_ else challenge_id))
    problems = [(folder, p) for folder, listed in found.items() for p in listed]
    if as_json:
        payload = {
            "challenges": [str(folder) for folder in found],
            "problems": [
                {"file": str(p.path), "line": p.line, "message": p.message} for _, p in problems
            ],
        }
        click.echo(json.dumps(payload, indent=2))
    else:
        for folder, problem in problems:
            out.print(
                Text(f"{problem.where(folder.parent.parent)}: {problem.message}"), soft_wrap=True
            )
        verdict = f"{len(problems)} problem(s)" if problems else "no problems"
        out.print(f"{len(found)} challenge(s) linted: {verdict}")
    if problems:
        sys.exit(EXIT_ERROR)


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of challenge.toml (published as docs/challenge.schema.json)."""
    click.echo(challenge_schema(), nl=False)


@click.command("new")
@click.argument("challenge_id")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    required=True,
    help="How hidden tests drive candidate code: run a CLI, talk HTTP, or call functions.",
)
@click.option(
    "--dir",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of challenges to write into (default: the first of GRADER_CHALLENGE_PATHS, "
    "else GRADER_CHALLENGES_DIR).",
)
@guarded
def new_command(challenge_id: str, kind: Kind, target: Path | None) -> None:
    """Scaffold CHALLENGE_ID (specialty/slug): brief, starter, reference, hidden tests,
    samples, bands and manifest, which pass `grader challenges validate` as generated."""
    settings = get_settings()
    default = (*settings.challenge_paths, settings.challenges_dir)[0]
    folder = scaffold(challenge_id, kind, target or default, settings.challenge_roots)
    out.print(Text(f"wrote {folder}"), soft_wrap=True)
    out.print(
        Text(
            f"next: grader challenges lint {challenge_id}, then "
            f"grader challenges validate {challenge_id} (docs/authoring.md)"
        ),
        soft_wrap=True,
    )
