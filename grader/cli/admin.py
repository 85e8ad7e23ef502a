"""Operator commands: ``doctor``, ``setup``, ``sandbox reap``, ``challenges``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass

import click
from rich.markup import escape
from rich.table import Table

from grader.challenge import discover, survey
from grader.cli._common import EXIT_ERROR, challenge_roots, err, guarded, out, show, verbosity
from grader.errors import GraderError
from grader.sandbox import connect, ensure_base_image, ensure_challenge_image
from grader.sandbox.images import base_tag, challenge_tag, image_exists
from grader.sandbox.reap import reap
from grader.settings import get_settings
from grader.store import open_store, redacted_url

MIN_GIT = (2, 39)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _git_check() -> Check:
    if shutil.which("git") is None:
        return Check("git", False, "not installed", "apt-get install git")
    version = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=False
    ).stdout
    numbers = tuple(int(p) for p in version.split()[-1].split(".")[:2] if p.isdigit())
    ok = numbers >= MIN_GIT
    return Check("git", ok, version.strip(), "" if ok else "upgrade git to 2.39 or later")


def _docker_checks() -> list[Check]:
    settings = get_settings()
    try:
        client = connect(settings.docker_host)
    except GraderError as exc:
        return [
            Check(
                "docker daemon",
                False,
                exc.message,
                "run scripts/setup (installs and starts dockerd)",
            )
        ]
    version = client.version().get("Version", "?")
    checks = [Check("docker daemon", True, f"Docker {version}")]
    base = base_tag(settings)
    has_base = image_exists(client, base)
    checks.append(Check("runner base image", has_base, base, "" if has_base else "grader setup"))
    if not has_base and not settings.runner_base_image and shutil.which("debootstrap") is None:
        checks.append(
            Check(
                "debootstrap",
                False,
                "needed to build the base offline",
                "apt-get install debootstrap",
            )
        )
    for challenge in survey(challenge_roots(settings)).challenges:
        tag = challenge_tag(challenge, settings)
        present = image_exists(client, tag)
        checks.append(
            Check(f"image {challenge.id}", present, tag, "" if present else "grader setup")
        )
    return checks


def _challenge_checks() -> list[Check]:
    settings = get_settings()
    found = survey(challenge_roots(settings))
    checks = [
        Check(f"challenge folder {b.path.name}", False, b.problem, b.hint or "fix challenge.toml")
        for b in found.broken
    ]
    for challenge in found.challenges:
        try:
            count = len(challenge.manifest())
        except GraderError as exc:
            checks.append(Check(f"challenge {challenge.id}", False, exc.message, exc.hint))
        else:
            checks.append(
                Check(
                    f"challenge {challenge.id}",
                    True,
                    f"v{challenge.spec.version}, {count} hidden tests",
                )
            )
    return sorted(checks, key=lambda c: c.name) or [
        Check(
            "challenges",
            False,
            f"none under {settings.challenges_dir}",
            "set GRADER_CHALLENGES_DIR",
        )
    ]


def _store_check() -> Check:
    settings = get_settings()
    try:
        open_store(settings.effective_database_url).close()
    except GraderError as exc:
        return Check("database", False, exc.message, exc.hint)
    return Check("database", True, redacted_url(settings.effective_database_url))


@click.command()
@verbosity
@guarded
def doctor() -> None:
    """Check this machine can grade, and say how to fix what is missing."""
    checks = [_git_check(), *_docker_checks(), *_challenge_checks(), _store_check()]
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
    client = connect(settings.docker_host)

    def progress(message: str) -> None:
        err.print(f"  {escape(message)}")

    err.print(f"runner base: {ensure_base_image(client, settings, progress)}")
    for challenge in discover(challenge_roots(settings)):
        err.print(
            f"{challenge.id}: {ensure_challenge_image(client, challenge, settings, progress)}"
        )


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
        client = connect(settings.docker_host)
        try:
            reaped = reap(client, older_than_seconds=limit, live=store.live_runs, dry_run=dry_run)
        finally:
            client.close()
    verb = "would remove" if dry_run else "removed"
    for item in reaped:
        out.print(f"{verb} {item.container_id[:12]} (run {item.run_id}, {item.age_seconds}s old)")
    out.print(f"{len(reaped)} container(s) {verb}")
