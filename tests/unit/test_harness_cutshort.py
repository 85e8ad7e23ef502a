"""A hostile run is cut short: one shared cause on consecutive tests ends the rest at once.

The judge runs on the host as in ``test_harness_judge`` (candidate code as another uid, the
fork bomb contained by RLIMIT_NPROC). The per-test limit is set far above what a contained
fork bomb needs, so a run that still waited out each test's limit shows in the durations.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.harness.grader_harness import cutshort
from grader.harness.grader_harness.errors import (
    CandidateResourceLimit,
    CandidateStartupTimeout,
)
from tests.conftest import need
from tests.unit.harness_support import JudgeRun, candidate_processes, run_judge, sandbox_base

LIMIT_SECONDS = 40
BOMB = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass"

HOSTILE_SUITE = f"""
import pytest
from grader_harness import run_cli

pytestmark = pytest.mark.category("core")

def _bomb():
    run_cli(["python3", "-c", "{BOMB}"])

def test_one():
    _bomb()

def test_two():
    _bomb()

def test_three():
    _bomb()

def test_four():
    _bomb()

def test_five():
    _bomb()
"""

MIXED_SUITE = f"""
import time

import pytest
from grader_harness import run_cli, serve_app

pytestmark = pytest.mark.category("core")

def _bomb():
    run_cli(["python3", "-c", "{BOMB}"])

def test_bomb_one():
    _bomb()

def test_bomb_two():
    _bomb()

def test_wrong_answer():
    assert run_cli(["echo", "no"]).stdout == "yes\\n"

def test_bomb_three():
    _bomb()

def test_slow():
    run_cli(["sleep", "30"], timeout=1)

def test_never_listens_one():
    with serve_app(["sleep", "30"], ready_timeout=1):
        pass

def test_never_listens_two():
    with serve_app(["sleep", "30"], ready_timeout=1):
        pass

def test_never_listens_three():
    with serve_app(["sleep", "30"], ready_timeout=1):
        pass

def test_after_three_start_up_hangs():
    assert run_cli(["echo", "a"]).stdout == "a\\n"
"""


def _run(folder: Path, source: str) -> JudgeRun:
    tests, submission = folder / "tests", folder / "submission"
    tests.mkdir()
    submission.mkdir()
    (tests / "test_suite.py").write_text(source, encoding="utf-8")
    with sandbox_base() as base:
        return run_judge(base, tests, submission, env={"GRADER_TEST_SECONDS": str(LIMIT_SECONDS)})


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> JudgeRun:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    return _run(tmp_path_factory.mktemp("hostile"), HOSTILE_SUITE)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> JudgeRun:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    return _run(tmp_path_factory.mktemp("mixed"), MIXED_SUITE)


@pytest.fixture(autouse=True)
def _fresh_streak() -> Iterator[None]:
    cutshort.reset()
    yield
    cutshort.reset()


def test_fork_bomb_on_every_test_runs_three_and_cuts_the_rest_short(hostile: JudgeRun) -> None:
    tests = {event["id"].split("::")[-1]: event for event in hostile.of("test")}
    assert {name: t["status"] for name, t in tests.items()} == dict.fromkeys(
        ["test_one", "test_two", "test_three", "test_four", "test_five"], "resource_limit"
    ), hostile.log
    ran = [name for name, t in tests.items() if not t["message"].startswith("not run:")]
    assert ran == ["test_one", "test_two", "test_three"]
    assert all("hit the process limit" in tests[name]["message"] for name in ran)
    assert "3 tests before it all hit a resource limit" in tests["test_four"]["message"]
    # Stopped at the process limit, not after waiting out the per-test limit.
    assert all(tests[name]["duration"] < LIMIT_SECONDS for name in ran)
    assert hostile.of("canary")[0]["status"] == "failed"  # the canary still ran
    assert candidate_processes() == []


def test_an_interrupted_streak_and_a_slow_test_cut_nothing(mixed: JudgeRun) -> None:
    statuses, messages = mixed.statuses, mixed.messages
    assert statuses == {
        "test_bomb_one": "resource_limit",
        "test_bomb_two": "resource_limit",
        "test_wrong_answer": "failed",
        "test_bomb_three": "resource_limit",
        "test_slow": "timeout",
        "test_never_listens_one": "timeout",
        "test_never_listens_two": "timeout",
        "test_never_listens_three": "timeout",
        "test_after_three_start_up_hangs": "timeout",
    }, mixed.log
    cut = [name for name, text in messages.items() if text.startswith("not run:")]
    assert cut == ["test_after_three_start_up_hangs"]
    assert "all never started listening" in messages["test_after_three_start_up_hangs"]


def test_streak_needs_the_same_cause_on_consecutive_tests() -> None:
    for cause in ("resource_limit", "resource_limit", "", "resource_limit", "startup"):
        cutshort.observe(cause, "m")
    assert cutshort.verdict() is None
    for _ in range(2):
        cutshort.observe("startup", "never listened")
    cut = cutshort.verdict()
    assert isinstance(cut, CandidateStartupTimeout)
    assert "(last: never listened)" in str(cut)


def test_only_limits_and_start_up_hangs_are_shared_causes() -> None:
    assert cutshort.cause_of(CandidateResourceLimit("x")) == "resource_limit"
    assert cutshort.cause_of(CandidateStartupTimeout("x")) == "startup"
    assert cutshort.cause_of(TimeoutError("x")) == ""
    assert cutshort.cause_of(None) == ""
