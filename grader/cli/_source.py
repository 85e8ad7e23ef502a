"""What ``grade`` and ``submit`` accept as the repository: a URL, or a bundle or zip file.

Both check it before anything is recorded: a typo in a URL costs no database row and no
report, just a clear line saying what to change.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click
from rich.markup import escape

from grader.cli._common import EXIT_CODES, err
from grader.errors import RejectedError
from grader.fetch import check_url, store_upload
from grader.fetch.history import parse_deadline
from grader.models import Outcome
from grader.settings import Settings

_MB = 1024 * 1024
FILE_SUFFIXES = (".bundle", ".zip")


def deadline_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> datetime | None:
    """``--deadline``: an ISO 8601 date and time with a time zone."""
    if value is None:
        return None
    try:
        return parse_deadline(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


def source_of(repo: str, settings: Settings) -> str:
    """The checked URL, or the ``upload:`` name of a bundle or zip file (stored now)."""
    path = Path(repo)
    if path.suffix.lower() in FILE_SUFFIXES and "://" not in repo:
        if not path.is_file():
            raise RejectedError(f"no file {repo!r}", hint="give the path of a .bundle or .zip file")
        if path.stat().st_size > settings.max_repo_mb * _MB:
            msg = f"{repo} is larger than the {settings.max_repo_mb:,} MB repository limit"
            raise RejectedError(msg, hint="leave build output and data sets out of it")
        return store_upload(path.read_bytes(), settings)
    return check_url(repo, settings)


def refuse(exc: RejectedError, *, as_json: bool) -> NoReturn:
    """Say why the input was refused (nothing was recorded) and exit as ``rejected`` does."""
    if as_json:
        payload = {
            "outcome": "rejected",
            "reason": exc.message,
            "hint": exc.hint,
            "recorded": False,
        }
        click.echo(json.dumps(payload))
    else:
        err.print(f"[bold red]rejected:[/] {escape(exc.message)}", highlight=False)
        if exc.hint:
            err.print(f"[dim]hint:[/] {escape(exc.hint)}", highlight=False)
    sys.exit(EXIT_CODES[Outcome.REJECTED])
