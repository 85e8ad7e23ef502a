"""The one-sentence reason at the top of a run whose failures share a cause."""

from __future__ import annotations

from grader.models import TestResult, TestStatus
from grader.score.cause import explain_failures

PY = ["app/main.py", "README.md"]
NOT_STARTED = (
    "`/bin/sh -c 'exec python3 -m uvicorn app.main:app'` exited with code 1 before it accepted "
    "connections on port 4242: Traceback (most recent call last):\n  ...\n"
    'sqlalchemy.exc.OperationalError: connection to server at "db" failed'
)


def results(*messages: str, passed: int = 0) -> list[TestResult]:
    failed = [TestResult(f"t{i}", TestStatus.ERROR, "c", message=m) for i, m in enumerate(messages)]
    ok = [TestResult(f"p{i}", TestStatus.PASSED, "c") for i in range(passed)]
    return failed + ok


def test_an_app_that_never_started_is_named_with_its_error_and_the_fix() -> None:
    reason = explain_failures(results(NOT_STARTED, NOT_STARTED, NOT_STARTED), {}, PY)
    assert reason.startswith("The app never started (sqlalchemy.exc.OperationalError: connection")
    assert "fix: make the documented start command work" in reason
    assert reason.endswith("(3 of 3 hidden tests failed this way)")


def test_a_missing_driver_is_named_rather_than_the_crash_it_caused() -> None:
    message = NOT_STARTED + "\nModuleNotFoundError: No module named 'psycopg2'"
    reason = explain_failures(results(message, message), {}, PY)
    assert reason.startswith("The program could not import `psycopg2`, so it never ran; fix:")


def test_no_entry_point_is_said_with_the_ways_to_declare_one() -> None:
    reason = explain_failures(results("x", "y"), {"entry_point": "none found"}, PY)
    assert reason.startswith("No way to start the program was found; fix: add a Procfile")


def test_newer_python_syntax_is_named() -> None:
    message = "exited with code 1: SyntaxError: invalid syntax (type Alias = int)"
    reason = explain_failures(results(message, message), {}, PY)
    assert "does not compile on the grader's Python (SyntaxError: invalid syntax" in reason


def test_a_repository_without_python_says_what_it_is() -> None:
    reason = explain_failures(results("x"), {}, ["package.json", "index.js"])
    assert reason.startswith("The repository holds a Node.js project, not a Python program")
    readme_only = explain_failures(results("x"), {}, ["README.md"])
    assert readme_only.startswith("The repository holds no Python code")


def test_different_wrong_answers_share_no_cause_but_a_zero_still_gets_a_reason() -> None:
    reason = explain_failures(results("expected 201, got 400", "assert 2 == 1", "x"), {}, PY)
    assert (
        reason == "No hidden test passed; the most common failure (1 of 3): expected 201, got 400"
    )


def test_a_mostly_passing_run_needs_no_reason() -> None:
    assert explain_failures(results(NOT_STARTED, passed=3), {}, PY) == ""
    assert explain_failures(results(passed=3), {}, PY) == ""


def test_a_cause_behind_too_few_failures_is_not_claimed() -> None:
    mixed = results(NOT_STARTED, "assert 1 == 2", "assert 3 == 4", passed=1)
    assert explain_failures(mixed, {}, PY) == ""
