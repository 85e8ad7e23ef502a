"""What every sub-command shares: consoles, exit codes, and turning errors into one clear line."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click
from rich.console import Console, RenderableType
from rich.markup import escape

from grader.errors import GraderError
from grader.models import Outcome
from grader.settings import Settings

EXIT_CODES = {
    Outcome.GRADED: 0,
    Outcome.REJECTED: 3,
    Outcome.FLAGGED: 4,
    Outcome.NOT_GRADABLE: 5,
}
EXIT_ERROR = 1
PIPED_WIDTH = 10_000  # piped or redirected output is never cut or wrapped at 80 columns
ID_CHARS = 12  # ids shortened to this on a terminal only; whole when piped

P = ParamSpec("P")
R = TypeVar("R")

err = Console(stderr=True)
out = Console(highlight=False)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn deliberate grader errors into a one-line message, a hint, and exit code 1.

    A command called with ``--json`` (its ``as_json`` parameter) prints the error as one JSON
    object on stdout instead, ``{"error": ..., "hint": ..., "exit_code": 1}``, so scripts
    always get the one object they were promised.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except GraderError as exc:
            fail(exc.message, exc.hint, as_json=bool(kwargs.get("as_json")))

    return wrapper


def fail(
    message: str, hint: str = "", *, as_json: bool, code: int = EXIT_ERROR, **extra: Any
) -> NoReturn:
    """Print an error (human or JSON) and exit with ``code``."""
    if as_json:
        payload = {"error": message, "hint": hint, "exit_code": code, **extra}
        click.echo(json.dumps(payload))
    else:
        err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
        if hint:
            err.print(f"[dim]hint:[/] {escape(hint)}", highlight=False)
    sys.exit(code)


def show(renderable: RenderableType) -> None:
    """Print a table (or anything rich) on stdout; never cut at 80 columns when piped."""
    console = out if out.is_terminal else Console(highlight=False, width=PIPED_WIDTH)
    console.print(renderable)


def short_id(value: str) -> str:
    """An id as a table shows it: shortened on a terminal, whole when piped or redirected."""
    return value[:ID_CHARS] if out.is_terminal else value


def verbosity(func: Callable[P, R]) -> Callable[P, R]:
    """``-v/--verbose`` on a sub-command too (``grader runs list -v``), as on ``grader``."""

    def raise_level(_ctx: click.Context, _param: click.Parameter, count: int) -> None:
        if count:
            logging.getLogger().setLevel(max(logging.WARNING - 10 * count, logging.DEBUG))

    option = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=raise_level,
        help="More logging on stderr (-vv for debug).",
    )
    return option(func)


def challenge_roots(settings: Settings, extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Where challenges are looked up: extra folders, GRADER_CHALLENGES_DIR, then
    GRADER_CHALLENGE_PATHS (ids are unique across all of them)."""
    return (*extra, *settings.challenge_roots)
