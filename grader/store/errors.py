"""What the store tells a caller who asked for something it does not hold (or not yet)."""

from __future__ import annotations

from grader.errors import ConfigError


class RunNotFoundError(ConfigError):
    """No run (or more than one run) matches the id or prefix asked for."""


class SubmissionNotFoundError(ConfigError):
    """The submission id is not in the store."""


class SubmissionBusyError(ConfigError):
    """The submission is still queued or running, so it cannot be regraded yet."""
