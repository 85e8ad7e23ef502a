"""The must-fail canary: one extra test the judge runs last, whose honest outcome is *failed*.

Candidate code never shares the judge's process, so it cannot rewrite pytest's reports the way
an in-process cheat can. The canary checks that this still holds on every run: it starts a
candidate process through the same helper the hidden tests use (as the candidate uid, output
read through the same pipes), has it print one random token, and asserts a *different* token
came back. Only a judge whose comparisons, reports or results stream were tampered with can
report it as passed; the host flags the run when it does (``grader.collect``).

Its result is written as a ``canary`` event carrying the run's nonce (``GRADER_RUN_NONCE``,
which the worker sets and candidate processes never see), never as a ``test`` event, so the
hidden suite's manifest is unchanged.
"""

from __future__ import annotations

import os
import secrets

import pytest

from . import _config
from .cli import run_cli

NODE_NAME = "grader-canary::must-fail"
NONCE_VARIABLE = "GRADER_RUN_NONCE"
_nonce = ""


def take_nonce() -> None:
    """Move the run's nonce out of the environment, so no child process inherits it."""
    global _nonce  # noqa: PLW0603 - one judge process, one nonce
    _nonce = os.environ.pop(NONCE_VARIABLE, "")


def nonce() -> str:
    return _nonce


class CanaryItem(pytest.Item):
    """A test that must fail: the candidate process prints one token, another is expected."""

    def runtest(self) -> None:
        printed, expected = secrets.token_hex(8), secrets.token_hex(8)
        result = run_cli(["echo", printed], cwd=_config.work_dir())
        assert result.stdout.strip() == expected, "the must-fail canary failed, as it must"

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None
    ) -> str:
        # Its failure is expected; pytest's own rendering walks every frame's source with ``ast``
        # (about a tenth of a fixture grading's judge CPU), for a traceback nobody reads.
        return str(excinfo.value)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "grader-canary", None, NODE_NAME


def is_canary(item: pytest.Item) -> bool:
    return isinstance(item, CanaryItem)


def add_canary(session: pytest.Session, items: list[pytest.Item]) -> None:
    """Append the canary to the collected items (it runs after every hidden test)."""
    items.append(CanaryItem.from_parent(session, name=NODE_NAME))
