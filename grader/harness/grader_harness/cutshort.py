"""Cutting a hostile run short: one shared cause on consecutive tests ends the rest at once.

A submission that exhausts its process or memory limit on every command, or whose service
never starts listening, would otherwise make each remaining test wait out its own limit, and
one such run could cost as much as dozens of honest ones. Once :data:`STREAK` hidden tests in
a row ended with the same cause (a resource limit, or a start-up timeout), every later hidden
test is recorded with that cause without running, and its message says so and why. A program
that is merely slow, or hits a limit on a test or two, still gets every other test run: plain
timeouts never count, and any other outcome breaks the streak.
"""

from __future__ import annotations

import pytest

from . import canary
from .errors import CandidateResourceLimit, CandidateStartupTimeout, CandidateVerdict

STREAK = 3
_streak: list[str] = []  # the messages of the current run of same-cause tests
_cause = ""


def cause_of(exc: BaseException | None) -> str:
    """The shared cause ``exc`` stands for, or ``""`` when it cannot stop a run."""
    if isinstance(exc, CandidateResourceLimit):
        return "resource_limit"
    if isinstance(exc, CandidateStartupTimeout):
        return "startup"
    return ""


def observe(cause: str, message: str) -> None:
    """Count one finished hidden test; ``cause`` is :func:`cause_of` its first failure."""
    global _cause  # noqa: PLW0603 - one judge process, one streak
    if not cause or cause != _cause:
        _streak.clear()
    _cause = cause
    if cause:
        _streak.append(message)


def verdict() -> CandidateVerdict | None:
    """The verdict to record for a test not run, once the streak is long enough."""
    if len(_streak) < STREAK:
        return None
    what = "hit a resource limit" if _cause == "resource_limit" else "never started listening"
    text = (
        f"not run: the run was cut short because the {STREAK} tests before it all {what} "
        f"(last: {_streak[-1][:300]})"
    )
    if _cause == "resource_limit":
        return CandidateResourceLimit(text)
    return CandidateStartupTimeout(text)


def reset() -> None:
    """Forget the streak (for tests of the judge itself)."""
    global _cause  # noqa: PLW0603
    _streak.clear()
    _cause = ""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Record a hidden test with the run's shared cause instead of running it."""
    cut = None if canary.is_canary(item) else verdict()
    if cut is not None:
        raise cut
