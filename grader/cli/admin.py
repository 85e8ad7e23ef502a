"""Operator commands: ``doctor``, ``setup``, ``sandbox reap``, ``challenges``."""

from __future__ import annotations

import shutil
import subprocess
import sys

import click
from rich.markup import escape
from rich.table import Table

from grader.challenge import discover
from grader.cli._common import EXIT_ERROR, challenge_roots, err, guarded, out
from grader.errors import GraderError
from grader.health import HealthCheck
from grader.pipeline import grading_sandbox
from grader.sandbox import open_sandbox
from grader.settings import get_settings
from grader.store import open_store

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
        return list(sandbox.health(discover(challenge_roots(settings))))
    except GraderError as exc:
        return [HealthCheck("sandbox", False, exc.message, exc.hint or "run scripts/setup")]
    finally:
        sandbox.close()


def _challenge_checks() -> list[HealthCheck]:
    settings = get_settings()
    checks: list[HealthCheck] = []
    try:
        found = discover(challenge_roots(settings))
    except GraderError as exc:
        return [HealthCheck("challenges", False, exc.message, exc.hint)]
    for challenge in found:
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
    return checks or [
        HealthCheck(
            "challenges",
            False,
            f"none under {settings.challenges_dir}",
            "set GRADER_CHALLENGES_DIR",
        )
    ]


def _store_check() -> HealthCheck:
    settings = get_settings()
    try:
        open_store(settings.effective_database_url).close()
    except GraderError as exc:
        return HealthCheck("database", False, exc.message, exc.hint)
    return HealthCheck("database", True, settings.effective_database_url)


@click.command()
@guarded
def doctor() -> None:
    """HealthCheck this machine can grade, and say how to fix what is missing."""
    checks = [_git_check(), *_sandbox_checks(), *_challenge_checks(), _store_check()]
    table = Table(header_style="bold")
    for column in ("", "check", "detail", "fix"):
        table.add_column(column)
    for check in checks:
        mark = "[green]ok[/]" if check.ok else "[red]missing[/]"
        table.add_row(mark, check.name, escape(check.detail), escape(check.fix))
    out.print(table)
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
        err.print(f"runner base: {sandbox.prepare_base()}")
        for challenge in discover(challenge_roots(settings)):
            err.print(f"{challenge.id}: {sandbox.image_for(challenge)}")
    finally:
        sandbox.close()


@click.group()
def sandbox() -> None:
    """Look after sandbox containers."""


@sandbox.command("reap")
@click.option(
    "--older-than", default=None, type=int, help="Seconds (default: the global wall limit + 5 min)."
)
@guarded
def reap_command(older_than: int | None) -> None:
    """Remove grader containers left behind by crashed or killed workers."""
    settings = get_settings()
    limit = older_than if older_than is not None else settings.max_wall_seconds + 300
    sandbox = open_sandbox(settings)
    try:
        reaped = sandbox.reap(limit)
    finally:
        sandbox.close()
    for item in reaped:
        out.print(f"removed {item.sandbox_id[:12]} (run {item.run_id}, {item.age_seconds}s old)")
    out.print(f"{len(reaped)} container(s) removed")
