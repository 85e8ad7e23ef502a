"""Integrity checks on the judge's results: the run's nonce, the must-fail canary, skips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.challenge import Challenge
from grader.collect import collect
from grader.errors import JudgeError
from grader.testing import found, results_jsonl, sandbox_run, write_challenge

TESTS = {"test_a.py::test_one": "core", "test_a.py::test_two": "core"}
NONCE = "ab" * 16


@pytest.fixture
def challenge(tmp_path: Path) -> Challenge:
    return write_challenge(tmp_path / "ch", categories={"core": 1}, manifest=TESTS)


def _stream(
    canary: str | None = "failed", nonce: str = NONCE, results: dict[str, str] | None = None
) -> bytes:
    """A finished stream whose canary event (if any) comes just before ``finished``."""
    lines = results_jsonl(TESTS, results).splitlines(keepends=True)
    if canary is not None:
        event = {"event": "canary", "status": canary, "nonce": nonce}
        lines.insert(-1, json.dumps(event).encode() + b"\n")
    return b"".join(lines)


def test_a_failed_canary_with_the_runs_nonce_is_a_clean_run(challenge: Challenge) -> None:
    collected = collect(sandbox_run(_stream()), challenge, nonce=NONCE)
    assert collected.problems == ()
    assert found(collected.checks) == {
        "test-ID manifest": "all 2 expected hidden tests were collected, none extra",
        "skipped hidden tests": "none",
        "run nonce": "matched",
        "must-fail canary": "failed, as it must",
    }


@pytest.mark.parametrize(
    ("raw", "problem", "fact"),
    [
        (_stream("passed"), "must-fail canary passed", "passed although it must fail: flagged"),
        (_stream(canary=None), "without reporting its must-fail canary", "missing: flagged"),
    ],
)
def test_a_passing_or_missing_canary_is_a_problem(
    challenge: Challenge, raw: bytes, problem: str, fact: str
) -> None:
    collected = collect(sandbox_run(raw), challenge, nonce=NONCE)
    assert len(collected.problems) == 1 and problem in collected.problems[0]
    assert found(collected.checks)["must-fail canary"] == fact


def test_a_stream_carrying_another_runs_nonce_is_a_problem(challenge: Challenge) -> None:
    collected = collect(sandbox_run(_stream(nonce="cd" * 16)), challenge, nonce=NONCE)
    assert collected.problems == ("the results do not carry this run's nonce",)
    assert found(collected.checks)["run nonce"] == "did not match: flagged"


def test_a_canary_that_could_not_run_is_no_evidence_either_way(challenge: Challenge) -> None:
    collected = collect(sandbox_run(_stream("error")), challenge, nonce=NONCE)
    assert collected.problems == ()
    assert "no evidence either way" in found(collected.checks)["must-fail canary"]


def test_a_run_killed_before_the_canary_is_not_a_problem(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {"test_a.py::test_one": "passed"}, finished=None)
    collected = collect(sandbox_run(raw, timed_out=True), challenge, nonce=NONCE)
    assert collected.problems == ()
    assert found(collected.checks)["must-fail canary"].startswith("not run")


def test_a_skipped_hidden_test_is_a_problem_with_or_without_a_nonce(challenge: Challenge) -> None:
    raw = _stream(results={"test_a.py::test_one": "skipped", "test_a.py::test_two": "passed"})
    for nonce in (NONCE, None):
        problems = collect(sandbox_run(raw), challenge, nonce=nonce).problems
        assert problems == (
            "hidden test test_a.py::test_one was skipped; hidden tests never skip legitimately",
        )


def test_two_canaries_are_a_malformed_stream(challenge: Challenge) -> None:
    lines = _stream().splitlines(keepends=True)
    raw = b"".join([*lines[:-1], lines[-2], lines[-1]])
    with pytest.raises(JudgeError, match="a second time"):
        collect(sandbox_run(raw), challenge, nonce=NONCE)
