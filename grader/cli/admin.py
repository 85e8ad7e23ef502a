"""Operator commands: ``doctor``, ``setup``, ``sandbox reap``, ``challenges``."""

from __future__ import annotations

import shutil
import subprocess
import sys

import click
from rich.markup import escape
from rich.table import Table

from grader.challenge import discover, survey
from grader.cli._common import EXIT_ERROR, challenge_roots, err, guarded, out, show, verbosity
from grader.errors import GraderError
from grader.health import HealthCheck
from grader.models import DEFAULT_PYTHON
from grader.pipeline import grading_sandbox
from grader.sandbox import open_sandbox
from grader.settings import get_settings
from grader.store import open_store, redacted_url

MIN_GIT = (2, 39)


def _git_check() -> HealthCheck:
    if shutil.which("git") is None:
        return HealthCheck("git", False, "not installed", "apt-get install git")
    version = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=False
    ).stdout
    numbers = tuple(int(p) for p in version.split()[-1].split(".")[:2] if p.isdigit())
    ok = numbers >= MIN_GIT
    return HealthCheck("git", ok, version.strip(), "" if ok else "upgrade git to 2.39 or later")


def _sandbox_checks() -> list[HealthCheck]:
    settings = get_settings()
    sandbox = open_sandbox(settings)
    try:
        return list(sandbox.health(survey(challenge_roots(settings)).challenges))
    except GraderError as exc:
        return [HealthCheck("sandbox", False, exc.message, exc.hint or "run scripts/setup")]
    finally:
        sandbox.close()


def _challenge_checks() -> list[HealthCheck]:
    settings = get_settings()
    found = survey(challenge_roots(settings))
    checks = [
        HealthCheck(f"challenge folder {b.path.name}", False, b.problem, b.hint or "fix it")
        for b in found.broken
    ]
    for challenge in found.challenges:
        try:
            count = len(challenge.manifest())
        except GraderError as exc:
            checks.append(HealthCheck(f"challenge {challenge.id}", False, exc.message, exc.hint))
        else:
            checks.append(
                HealthCheck(
                    f"challenge {challenge.id}",
                    True,
                    f"v{challenge.spec.version}, {count} hidden tests",
                )
            )
    return sorted(checks, key=lambda c: c.name) or [
        HealthCheck(
            "challenges",
            False,
            f"none under {', '.join(str(p) for p in settings.challenge_roots)}",
            "set GRADER_CHALLENGES_DIR or GRADER_CHALLENGE_PATHS",
        )
    ]


def _store_check() -> HealthCheck:
    settings = get_settings()
    try:
        open_store(settings.effective_database_url).close()
    except GraderError as exc:
        return HealthCheck("database", False, exc.message, exc.hint)
    return HealthCheck("database", True, redacted_url(settings.effective_database_url))


@click.command()
@verbosity
@guarded
def doctor() -> None:
    """Check this machine can grade, and say how to fix what is missing."""
    checks = [_git_check(), *_sandbox_checks(), *_challenge_checks(), _store_check()]
    table = Table(header_style="bold")
    for column in ("", "check", "detail", "fix"):
        table.add_column(column)
    for check in checks:
        mark = "[green]ok[/]" if check.ok else "[red]missing[/]"
        table.add_row(mark, check.name, escape(check.detail), escape(check.fix))
    show(table)
    if not all(check.ok for check in checks):
        sys.exit(EXIT_ERROR)


@click.command()
@guarded
def setup() -> None:
    """Build the runner base and every challenge image that is missing (idempotent).

    Images are tagged by a hash of their inputs, so only changed inputs rebuild. The base is
    built offline from a Debian debootstrap rootfs unless GRADER_RUNNER_BASE_IMAGE names one.
    """
    settings = get_settings()

    def progress(message: str) -> None:
        err.print(f"  {escape(message)}")

    sandbox = grading_sandbox(settings, progress)
    try:
        err.print(f"runner base: {sandbox.prepare_base(DEFAULT_PYTHON)}")
        for challenge in discover(challenge_roots(settings)):
            for python in challenge.spec.runtime.pythons:
                err.print(f"{challenge.id} ({python}): {sandbox.image_for(challenge, python)}")
    finally:
        sandbox.close()


@click.group()
def sandbox() -> None:
    """Look after sandbox containers."""


@sandbox.command("reap")
@click.option(
    "--older-than",
    default=None,
    type=click.IntRange(min=0),
    help="Seconds, 0 or more (default: the global wall limit + 5 min).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@verbosity
@guarded
def reap_command(older_than: int | None, dry_run: bool) -> None:
    """Remove grader containers left behind by crashed or killed workers.

    A container whose run a worker still holds a live claim on is never removed, whatever
    its age: the database (GRADER_DATABASE_URL) is asked first.
    """
    settings = get_settings()
    limit = older_than if older_than is not None else settings.max_wall_seconds + 300
    with open_store(settings.effective_database_url) as store:
        sandbox = open_sandbox(settings)
        try:
            reaped = sandbox.reap(limit, live=store.live_runs, dry_run=dry_run)
        finally:
            sandbox.close()
    verb = "would remove" if dry_run else "removed"
    for item in reaped:
        out.print(f"{verb} {item.sandbox_id[:12]} (run {item.run_id}, {item.age_seconds}s old)")
    out.print(f"{len(reaped)} container(s) {'would be removed' if dry_run else 'removed'}")
