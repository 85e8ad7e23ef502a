"""grade()'s outcome mapping over FakeSandbox: every outcome, and the facts that reach the report.

The repository is real git served on loopback (in-process, milliseconds); the sandbox is fake,
so no Docker is needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.challenge import Challenge, load_challenge
from grader.errors import DockerUnavailableError
from grader.gitserve import GitServer, make_bare_repo
from grader.models import Feedback, GradeReport, Outcome, PythonChoice, TestStatus
from grader.pipeline import GradeRequest, grade
from grader.report import render_markdown
from grader.sandbox.layout import RUN_NONCE_VARIABLE
from grader.settings import Settings, get_settings
from grader.testing import (
    FAKE_IMAGE,
    FakeSandbox,
    found,
    judge_answer,
    sandbox_run,
    write_challenge,
)

ONE = "test_hidden.py::test_one"
TWO = "test_hidden.py::test_two"


@pytest.fixture
def challenge(tmp_path: Path) -> Challenge:
    made = write_challenge(tmp_path / "challenge", categories={"core": 1.0}, manifest=[ONE, TWO])
    (made.tests_dir / "test_hidden.py").write_text("def test_one(): ...\n", encoding="utf-8")
    return made


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "solution.py").write_text("def add(a, b):\n    return a + b\n")
    with GitServer(tmp_path / "git") as server:
        make_bare_repo(submission, server.root, "candidate")
        base = get_settings()
        settings = base.model_copy(
            update={
                "home": tmp_path / "home",
                "repo_allowlist": (*base.repo_allowlist, server.base_url + "/"),
            }
        )
        yield server.url_for("candidate"), settings


def _grade(challenge: Challenge, served: tuple[str, Settings], sandbox: FakeSandbox) -> GradeReport:
    url, settings = served
    return grade(GradeRequest(url=url, challenge=challenge), settings, sandbox=sandbox)


def test_an_honest_run_is_graded_with_its_score_and_tests(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    sandbox = FakeSandbox(judge_answer(challenge, {ONE: "passed", TWO: "failed"}))
    report = _grade(challenge, served, sandbox)
    assert report.outcome is Outcome.GRADED and report.reason == ""
    assert report.score == 50.0
    assert [(t.id, t.status) for t in report.tests] == [
        (ONE, TestStatus.PASSED),
        (TWO, TestStatus.FAILED),
    ]
    assert report.image == "grader/sample:1.0.0" and report.commit


def test_the_judge_gets_the_image_the_hidden_tests_the_harness_and_a_fresh_nonce(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    sandbox = FakeSandbox(judge_answer(challenge))
    _grade(challenge, served, sandbox)
    _grade(challenge, served, sandbox)
    first, second = sandbox.jobs
    assert first.image == f"{FAKE_IMAGE}-python3.11" and first.services == ()
    assert "tests/test_hidden.py" in first.judge_files
    assert "harness/grader_harness/judge.py" in first.judge_files
    assert first.env[RUN_NONCE_VARIABLE] != second.env[RUN_NONCE_VARIABLE]
    assert first.run_id != second.run_id


def test_a_passing_canary_flags_the_run_with_the_evidence_as_reason(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    report = _grade(challenge, served, FakeSandbox(judge_answer(challenge, canary="passed")))
    assert report.outcome is Outcome.FLAGGED
    assert "canary passed" in report.reason
    assert report.score == 100.0  # provisional: shown, but a human must review


def test_results_without_this_runs_nonce_are_flagged(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    report = _grade(challenge, served, FakeSandbox(judge_answer(challenge, nonce="replayed")))
    assert report.outcome is Outcome.FLAGGED
    assert "nonce" in report.reason


def test_a_sandbox_fault_is_not_gradable_and_never_the_candidates(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    sandbox = FakeSandbox(fault=DockerUnavailableError("no Docker daemon answers"))
    report = _grade(challenge, served, sandbox)
    assert report.outcome is Outcome.NOT_GRADABLE and report.score is None
    assert "no Docker daemon answers" in report.reason
    assert "not the candidate's" in report.reason
    assert report.tests == ()


def test_malformed_judge_output_is_not_gradable(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    report = _grade(challenge, served, FakeSandbox(lambda _job: sandbox_run(b"not json\n")))
    assert report.outcome is Outcome.NOT_GRADABLE
    assert "results line 1" in report.reason


def test_a_repository_outside_the_allowlist_is_rejected_before_any_sandbox_runs(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    _url, settings = served
    sandbox = FakeSandbox(judge_answer(challenge))
    request = GradeRequest(url="https://example.invalid/someone/repo", challenge=challenge)
    report = grade(request, settings, sandbox=sandbox)
    assert report.outcome is Outcome.REJECTED
    assert "allow" in report.reason
    assert sandbox.jobs == []


def test_the_wall_clock_and_memory_limits_reach_the_report_as_run_facts(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    respond = judge_answer(
        challenge, {ONE: "passed"}, finished=False, timed_out=True, oom_killed=True, exit_code=None
    )
    report = _grade(challenge, served, FakeSandbox(respond))
    assert report.outcome is Outcome.GRADED
    assert report.run_facts is not None
    assert report.run_facts.timed_out and report.run_facts.oom_killed
    assert report.run_facts.judge_exit_code is None
    assert report.tests[1].status is TestStatus.TIMEOUT
    markdown = render_markdown(report)
    assert "| wall clock | the run hit the 600s wall-clock limit |" in markdown
    assert "| memory | a candidate process hit the 2048 MB memory limit |" in markdown


def test_judge_facts_integrity_checks_and_the_feedback_policy_reach_the_report(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    respond = judge_answer(challenge, facts={"candidate started as": "cli: python -m app"})
    report = _grade(challenge, served, FakeSandbox(respond))
    assert report.run_facts is not None
    assert report.run_facts.recorded == {"candidate started as": "cli: python -m app"}
    assert report.run_facts.judge_exit_code == 0
    assert report.run_facts.skipped_entries == "" and report.run_facts.services == ""
    checks = found(report.integrity)
    assert list(checks) == [
        "tamper scan",
        "hidden-test leak scan",
        "test-ID manifest",
        "skipped hidden tests",
        "run nonce",
        "must-fail canary",
    ]
    assert checks["must-fail canary"] == "failed, as it must"
    assert report.feedback is Feedback.SUMMARY


def test_the_challenges_feedback_policy_is_recorded_even_when_not_gradable(
    challenge: Challenge, served: tuple[str, Settings]
) -> None:
    strict = dataclasses.replace(
        challenge, spec=challenge.spec.model_copy(update={"feedback": Feedback.NONE})
    )
    report = _grade(strict, served, FakeSandbox(fault=DockerUnavailableError("gone")))
    assert report.outcome is Outcome.NOT_GRADABLE
    assert report.feedback is Feedback.NONE and report.run_facts is None


def _offering(challenge: Challenge, *pythons: str) -> Challenge:
    toml = challenge.root / "challenge.toml"
    listed = ", ".join(f'"{p}"' for p in pythons)
    toml.write_text(toml.read_text() + f"\n[runtime]\npython = [{listed}]\n")
    return load_challenge(challenge.root)


@pytest.fixture
def served_pep695(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """A submission that needs Python 3.12+ and says so in pyproject.toml."""
    submission = tmp_path / "pep695"
    submission.mkdir()
    (submission / "solution.py").write_text(
        "def first[T](items: list[T]) -> T:\n    return items[0]\n"
    )
    (submission / "pyproject.toml").write_text(
        '[project]\nname = "s"\nrequires-python = ">=3.12"\n'
    )
    with GitServer(tmp_path / "git695") as server:
        make_bare_repo(submission, server.root, "pep695")
        base = get_settings()
        allow = (*base.repo_allowlist, server.base_url + "/")
        yield server.url_for("pep695"), base.model_copy(update={"repo_allowlist": allow})


def test_the_candidates_requires_python_picks_the_image_and_the_report_says_why(
    challenge: Challenge, served_pep695: tuple[str, Settings]
) -> None:
    offering = _offering(challenge, "3.11", "3.13")
    sandbox = FakeSandbox(judge_answer(offering))
    report = _grade(offering, served_pep695, sandbox)
    assert sandbox.jobs[0].image == f"{FAKE_IMAGE}-python3.13"
    assert report.python == PythonChoice(
        "3.13", "requires-python in pyproject.toml asks for '>=3.12'"
    )
    assert "| Python | 3.13: requires-python in pyproject.toml asks for" in render_markdown(report)


def test_a_python_the_challenge_does_not_offer_runs_on_its_default_and_says_so(
    challenge: Challenge, served_pep695: tuple[str, Settings]
) -> None:
    sandbox = FakeSandbox(judge_answer(challenge))
    report = _grade(challenge, served_pep695, sandbox)
    assert sandbox.jobs[0].image == f"{FAKE_IMAGE}-python3.11"
    assert report.python is not None and report.python.version == "3.11"
    assert "does not offer (3.11); ran on its default 3.11" in report.python.reason
