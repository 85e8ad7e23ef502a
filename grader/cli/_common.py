"""What every sub-command shares: consoles, exit codes, and turning errors into one clear line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from rich.console import Console
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

P = ParamSpec("P")
R = TypeVar("R")

err = Console(stderr=True)
out = Console(highlight=False)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn deliberate grader errors into a one-line message, a hint, and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except GraderError as exc:
            err.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False)
            if exc.hint:
                err.print(f"[dim]hint:[/] {escape(exc.hint)}", highlight=False)
            sys.exit(EXIT_ERROR)

    return wrapper


def challenge_roots(settings: Settings, extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Where challenges are looked up: extra folders, GRADER_CHALLENGES_DIR, then
    GRADER_CHALLENGE_PATHS (ids are unique across all of them)."""
    return (*extra, *settings.challenge_roots)
