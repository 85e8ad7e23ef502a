"""Integrity checks on the judge's results: the run's nonce, the must-fail canary, skips.

Each check says what it found (an :class:`~grader.models.IntegrityCheck`, shown in the
report's Integrity section) and, when it found tampering evidence, a problem in plain words
that makes the run ``flagged``. The manifest check itself lives in ``results`` because a
mismatch there is the judge's fault (``JudgeError``), never the candidate's.
"""

from __future__ import annotations

from grader.collect.schema import CanaryEvent
from grader.models import IntegrityCheck, TestResult, TestStatus

MANIFEST = "test-ID manifest"
SKIPS = "skipped hidden tests"
NONCE = "run nonce"
CANARY = "must-fail canary"


def judge_checks(
    tests: tuple[TestResult, ...],
    canary: CanaryEvent | None,
    *,
    nonce: str | None,
    killed: bool,
) -> tuple[tuple[str, ...], tuple[IntegrityCheck, ...]]:
    """(problems, checks) for one run.

    ``nonce`` is what the worker gave this run's judge; without one (results read back
    outside a real run) only skips are checked, and no checks are reported.
    """
    problems = [
        f"hidden test {t.id} was skipped; hidden tests never skip legitimately"
        for t in tests
        if t.status is TestStatus.SKIPPED
    ]
    if nonce is None:
        return tuple(problems), ()
    found = {
        MANIFEST: f"all {len(tests)} expected hidden tests were collected, none extra",
        SKIPS: f"{len(problems)} skipped: flagged" if problems else "none",
    }
    canary_problems, canary_found = _canary_checks(canary, nonce=nonce, killed=killed)
    found.update(canary_found)
    checks = tuple(IntegrityCheck(name, what) for name, what in found.items())
    return (*problems, *canary_problems), checks


def _canary_checks(
    canary: CanaryEvent | None, *, nonce: str, killed: bool
) -> tuple[list[str], dict[str, str]]:
    if canary is None:
        if killed:
            return [], {CANARY: "not run: the run was stopped before its turn"}
        problem = "the judge finished without reporting its must-fail canary"
        return [problem], {CANARY: "missing: flagged"}
    problems: list[str] = []
    facts = {NONCE: "matched"}
    if canary.nonce != nonce:
        problems.append("the results do not carry this run's nonce")
        facts[NONCE] = "did not match: flagged"
    if canary.status is TestStatus.PASSED:
        problems.append("the must-fail canary passed, so the judge's results cannot be trusted")
        facts[CANARY] = "passed although it must fail: flagged"
    elif canary.status is TestStatus.FAILED:
        facts[CANARY] = "failed, as it must"
    else:
        facts[CANARY] = f"ended {canary.status.value} instead of failed: no evidence either way"
    return problems, facts
