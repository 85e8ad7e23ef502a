"""The candidate's own tests: parsed from pytest's summary, accepted once after ``finished``,
shown in the reviewer signals, and unable to touch a hidden-test result."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from grader.collect import collect
from grader.collect.schema import parse_stream
from grader.errors import JudgeError
from grader.harness.grader_harness import owntests
from grader.models import OwnTests
from grader.score import score
from grader.testing import results_jsonl, sandbox_run, write_challenge
from tests.conftest import need
from tests.unit.harness_support import FIXTURES, candidate_processes, run_judge, sandbox_base

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "owntests"
COLLECTED = {"event": "collected", "tests": [{"id": "t.py::a", "category": "c"}]}
RESULT = {"event": "test", "id": "t.py::a", "status": "failed", "duration": 0.1, "message": "x"}
FINISHED = {"event": "finished", "exitstatus": 1}
JUDGE_OWN = owntests.OwnTests(3, 2, 1, 0, 81.5, "line coverage measured").event()


def _stream(*events: Mapping[str, Any]) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


@pytest.mark.parametrize(
    ("output", "counts"),
    [
        ("..F\n=== 1 failed, 2 passed in 0.05s ===", (3, 2, 1, 0)),
        ("1 failed, 2 passed in 0.05s", (3, 2, 1, 0)),
        ("E\n1 passed, 1 skipped, 2 errors in 1.20s", (4, 1, 0, 2)),
        ("1 error in 0.10s", (1, 0, 0, 1)),
    ],
)
def test_summary_counts_come_from_pytests_last_line(
    output: str, counts: tuple[int, int, int, int]
) -> None:
    found = owntests.parse_summary(output)
    assert found is not None
    assert (found.collected, found.passed, found.failed, found.errors) == counts


def test_output_without_a_summary_gives_none() -> None:
    assert owntests.parse_summary("Traceback: ImportError\n") is None
    assert owntests.parse_total("TOTAL 12\n") is None
    report = "Name  Stmts  Miss  Cover\nsolution.py  10  2  80%\nTOTAL  20  4  81.5%\n"
    assert owntests.parse_total(report) == 81.5


def test_own_tests_event_after_finished_is_accepted_and_changes_no_result() -> None:
    stream = parse_stream(_stream(COLLECTED, RESULT, FINISHED, JUDGE_OWN), killed=False)
    assert stream.results["t.py::a"].status.value == "failed"
    assert stream.own_tests is not None
    assert (stream.own_tests.passed, stream.own_tests.collected) == (2, 3)
    assert stream.own_tests.coverage == 81.5


@pytest.mark.parametrize(
    "events",
    [
        (COLLECTED, JUDGE_OWN, RESULT, FINISHED),  # before finished
        (COLLECTED, RESULT, FINISHED, JUDGE_OWN, JUDGE_OWN),  # twice
        (COLLECTED, RESULT, FINISHED, JUDGE_OWN, RESULT),  # a result after it
        (COLLECTED, RESULT, FINISHED, {**JUDGE_OWN, "coverage": 101.0}),
        (COLLECTED, RESULT, FINISHED, {**JUDGE_OWN, "passed": -1}),
        (COLLECTED, RESULT, FINISHED, {**JUDGE_OWN, "extra": 1}),
    ],
)
def test_misplaced_or_malformed_own_tests_events_are_refused(
    events: tuple[Mapping[str, Any], ...],
) -> None:
    with pytest.raises(JudgeError):
        parse_stream(_stream(*events), killed=False)


def test_report_sentence_says_how_many_pass_and_the_coverage() -> None:
    assert OwnTests(3, 2, 1, 0, 81.5, "").text == (
        "2 of 3 of the candidate's own tests pass; coverage 82%."
    )
    counts_only = OwnTests(3, 3, 0, 0, None, "coverage is not installed in the image")
    assert counts_only.text.endswith("pass; coverage is not installed in the image.")
    none = OwnTests(note="no test files (test_*.py, *_test.py) in the repository")
    assert none.text.startswith("No tests of the candidate's own ran (no test files")


@pytest.fixture
def base() -> Iterator[Path]:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    with sandbox_base() as folder:
        yield folder


def _submission(tmp_path: Path, *, own: bool) -> Path:
    folder = tmp_path / ("with-tests" if own else "plain")
    shutil.copytree(FIXTURES / "functions" / "submissions" / "good", folder)
    if own:
        for source in OWN.iterdir():
            shutil.copy(source, folder / source.name)
    return folder


def test_judge_runs_the_candidates_tests_and_a_forging_conftest_changes_nothing(
    base: Path, tmp_path: Path
) -> None:
    tests = FIXTURES / "functions" / "tests"
    with sandbox_base() as plain_base:
        plain = run_judge(plain_base, tests, _submission(tmp_path, own=False))
    run = run_judge(base, tests, _submission(tmp_path, own=True))
    raw = (base / "judge" / "out" / "results.jsonl").read_bytes()
    stream = parse_stream(raw, killed=False)  # the host's schema and order checks
    assert run.statuses == plain.statuses, run.log
    assert run.of("finished") == plain.of("finished")
    assert stream.own_tests is not None, run.log
    own = stream.own_tests
    assert (own.collected, own.passed, own.failed, own.errors) == (3, 2, 1, 0), run.log
    assert own.note != "forged"
    # scripts/setup installs Debian's python3-coverage: the candidate's python3 can measure.
    assert own.coverage is not None and 0 < own.coverage < 100, own
    assert own.note == "line coverage measured"
    assert len(run.of("own_tests")) == 1
    assert plain.of("own_tests")[0]["collected"] == 0
    assert plain.of("own_tests")[0]["note"].startswith("no test files")


def test_switched_off_own_tests_say_so(base: Path, tmp_path: Path) -> None:
    tests = FIXTURES / "functions" / "tests"
    env = {"GRADER_OWN_TESTS_SECONDS": "0"}
    run = run_judge(base, tests, _submission(tmp_path, own=True), env=env)
    assert run.of("own_tests")[0]["note"] == "not run: switched off for this run"


def test_collect_carries_own_tests_and_the_score_ignores_them(tmp_path: Path) -> None:
    tests = {"test_a.py::test_one": "core", "test_a.py::test_two": "core"}
    challenge = write_challenge(tmp_path / "ch", categories={"core": 1}, manifest=tests)
    raw = results_jsonl(
        tests, {"test_a.py::test_one": "passed", "test_a.py::test_two": "failed"}, finished=1
    )
    hostile = {**JUDGE_OWN, "passed": 3, "failed": 0, "note": "all \x1b[2Jgreen\u202e"}
    without = collect(sandbox_run(raw, exit_code=1), challenge)
    with_own = collect(sandbox_run(raw + _stream(hostile), exit_code=1), challenge)
    assert without.own_tests is None
    own = with_own.own_tests
    assert own is not None and (own.collected, own.passed, own.coverage) == (3, 3, 81.5)
    assert "\x1b" not in own.note and "\u202e" not in own.note  # shown escaped, not obeyed
    assert with_own.tests == without.tests
    assert score(with_own, challenge) == score(without, challenge)


def test_own_tests_past_their_time_are_stopped_and_leave_no_process(
    base: Path, tmp_path: Path
) -> None:
    submission = _submission(tmp_path, own=False)
    (submission / "test_slow.py").write_text(
        "import subprocess, time\n\n\ndef test_hangs():\n"
        "    subprocess.Popen(['sleep', '300'])\n    time.sleep(300)\n",
        encoding="utf-8",
    )
    tests = FIXTURES / "functions" / "tests"
    run = run_judge(base, tests, submission, env={"GRADER_OWN_TESTS_SECONDS": "6"})
    assert set(run.statuses.values()) == {"passed"}, run.log
    assert run.of("own_tests")[0]["note"] == "stopped: they did not finish within 6 s"
    assert candidate_processes() == []
