"""Class B: result tampering aimed at pytest. No attack changes a result; intent is flagged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from grader.models import GradeReport, Outcome, TestStatus
from grader.settings import Settings
from grader.testing import found
from tests.redteam.conftest import Grader
from tests.redteam.support import (
    Rewriting,
    integrity_rules,
    message,
    rewrite_events,
    seen,
    status,
    statuses,
)

pytestmark = pytest.mark.docker

DENIED = {"PermissionError", "OSError"}  # EACCES, EROFS and friends


def _denied(probe: dict[str, Any]) -> None:
    assert probe and set(probe.values()) <= DENIED, probe


@dataclass(frozen=True)
class Case:
    outcome: Outcome
    rules: frozenset[str] = frozenset()
    wrong: tuple[str, ...] = ("add", "random", "double")  # candidate answers that must not pass
    probe: Callable[[dict[str, Any]], None] | None = None
    checks: tuple[Callable[[GradeReport], None], ...] = field(default=())


def _nonce_unreachable(probe: dict[str, Any]) -> None:
    assert probe["nonces"] == [] and probe["own"] is False


def _own_pytest_only(probe: dict[str, Any]) -> None:
    assert probe["patched"] is True  # it patched the pytest in its own process: no effect


def _grader_detected(probe: dict[str, Any]) -> None:
    assert probe["detected"] is True and probe["pytest_env"] is False


def _own_frames_only(probe: dict[str, Any]) -> None:
    assert probe["frames"] == ["probe", "_main", "<module>"]  # the shim's frames, no test's


def _fresh_process(probe: dict[str, Any]) -> None:
    assert probe["earlier_calls"] == 0 and probe["builtins_int"] is True


def _no_signal_reaches_the_judge(probe: dict[str, Any]) -> None:
    assert probe["signals"]["1"] == "PermissionError"


def _early_exit_is_the_candidates(report: GradeReport) -> None:
    assert "exited with code 0 during import" in message(report, "add")


def _slow_despite_frozen_clocks(report: GradeReport) -> None:
    double = next(t for t in report.tests if t.id.endswith("test_double_finishes_in_time"))
    assert double.status is TestStatus.TIMEOUT and double.duration >= 3


def _skips_are_failures(report: GradeReport) -> None:
    assert TestStatus.SKIPPED not in statuses(report).values()
    assert "Skipped" in message(report, "add")


def _crashes_are_charged_to_the_candidate(report: GradeReport) -> None:
    assert status(report, "double") is TestStatus.RESOURCE_LIMIT
    assert status(report, "add") is TestStatus.PASSED


CASES = {
    "B1": Case(Outcome.FLAGGED, frozenset({"pytest-hooks"})),
    "B2": Case(Outcome.GRADED),
    "B3": Case(Outcome.FLAGGED, frozenset({"pytest-plugin", "pytest-hooks"})),
    "B4": Case(Outcome.FLAGGED, frozenset({"startup-hook"})),
    "B5": Case(Outcome.FLAGGED, frozenset({"pytest-internals"}), probe=_own_pytest_only),
    "B6": Case(Outcome.GRADED),
    "B7": Case(Outcome.FLAGGED, frozenset({"early-exit"}), checks=(_early_exit_is_the_candidates,)),
    "B8": Case(Outcome.FLAGGED, frozenset({"judge-probe"}), probe=_denied),
    "B9": Case(Outcome.FLAGGED, frozenset({"test-hunting"}), probe=_nonce_unreachable),
    "B10": Case(Outcome.FLAGGED, frozenset({"judge-probe"}), probe=_denied),
    "B11": Case(Outcome.FLAGGED, frozenset({"judge-probe"}), probe=_denied),
    "B12": Case(Outcome.GRADED, checks=(_skips_are_failures,)),
    "B13": Case(Outcome.FLAGGED, frozenset({"judge-probe"}), ("random",), _grader_detected),
    "B14": Case(Outcome.GRADED, wrong=("double",), checks=(_slow_despite_frozen_clocks,)),
    "B15": Case(Outcome.FLAGGED, frozenset({"frame-walking"}), probe=_own_frames_only),
    "B16": Case(Outcome.GRADED, wrong=("random", "double"), probe=_fresh_process),
    "B17": Case(
        Outcome.GRADED,
        wrong=("double", "cli"),
        probe=_no_signal_reaches_the_judge,
        checks=(_crashes_are_charged_to_the_candidate,),
    ),
}


@pytest.mark.parametrize("repo", [pytest.param(repo, id=repo) for repo in CASES])
def test_tampering_never_changes_a_result(grade_repo: Grader, repo: str) -> None:
    case = CASES[repo]
    report = grade_repo(repo)
    assert report.outcome is case.outcome, report.reason
    assert case.rules <= integrity_rules(report), integrity_rules(report)
    if case.outcome is Outcome.GRADED:
        assert integrity_rules(report) == set()
    for which in case.wrong:  # the judge still sees the candidate's true answers
        assert status(report, which) is not TestStatus.PASSED, which
    assert found(report.integrity)["must-fail canary"] == "failed, as it must"
    assert found(report.integrity)["run nonce"] == "matched"
    assert len(report.tests) == 6  # the manifest, whole: nothing deselected or added
    if case.probe is not None:
        case.probe(seen(report))
    for check in case.checks:
        check(report)


def _all_passed(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "status": "passed"} if "status" in event else event


def _other_nonce(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "nonce": "0" * 32} if event["event"] == "canary" else event


def _no_canary(event: dict[str, Any]) -> dict[str, Any] | None:
    return None if event["event"] == "canary" else event


def _one_skipped(event: dict[str, Any]) -> dict[str, Any]:
    if event.get("id", "").endswith("test_add_returns_the_sum"):
        return {**event, "status": "skipped"}
    return event


@pytest.mark.parametrize(
    ("rewrite", "evidence"),
    [
        pytest.param(_all_passed, "must-fail canary passed", id="everything-passed"),
        pytest.param(_other_nonce, "nonce", id="replayed-stream"),
        pytest.param(_no_canary, "without reporting its must-fail canary", id="canary-missing"),
        pytest.param(_one_skipped, "was skipped", id="hidden-test-skipped"),
    ],
)
def test_a_judge_whose_results_were_tampered_with_is_flagged(
    grade_repo: Grader,
    settings: Settings,
    rewrite: Callable[[dict[str, Any]], dict[str, Any] | None],
    evidence: str,
) -> None:
    """If an attack ever got into the judge (B5, B8 in an in-process grader), the host sees it."""
    sandbox = Rewriting(settings, rewrite_events(rewrite))
    report = grade_repo("B6", sandbox=sandbox)  # wrong answers: a forged pass would be 100
    assert report.outcome is Outcome.FLAGGED, report.reason
    assert evidence in report.reason
    judge = [f for f in report.findings if f.rule == "judge"]
    assert judge and all(f.severity == "integrity" for f in judge)
