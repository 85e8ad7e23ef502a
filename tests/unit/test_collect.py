"""Stage collect: the judge's results stream, checked against the challenge's manifest."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from pathlib import Path

import pytest

from grader.challenge import Challenge
from grader.collect import collect
from grader.errors import InfrastructureError, JudgeError
from grader.models import TestStatus
from grader.testing import results_jsonl, sandbox_run, write_challenge
from grader.text import TRUNCATED

TESTS = {"test_a.py::test_one": "core", "test_a.py::test_two": "core", "test_b.py::test_x": "extra"}


@pytest.fixture
def challenge(tmp_path: Path) -> Challenge:
    return write_challenge(tmp_path / "ch", categories={"core": 2, "extra": 1}, manifest=TESTS)


def test_every_collected_test_gets_its_result_in_collection_order(challenge: Challenge) -> None:
    raw = results_jsonl(
        TESTS,
        {
            "test_b.py::test_x": "failed",
            "test_a.py::test_one": "passed",
            "test_a.py::test_two": "error",
        },
        finished=1,
    )
    collected = collect(sandbox_run(raw, exit_code=1), challenge)
    assert [(t.id, t.status, t.category) for t in collected.tests] == [
        ("test_a.py::test_one", TestStatus.PASSED, "core"),
        ("test_a.py::test_two", TestStatus.ERROR, "core"),
        ("test_b.py::test_x", TestStatus.FAILED, "extra"),
    ]
    assert collected.expected == tuple(TESTS)
    assert collected.problems == ()


def test_messages_lose_control_characters_but_keep_newlines_and_tabs(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, messages={"test_a.py::test_one": "a\x1b[2J\n\tb\u202ec"})
    message = collect(sandbox_run(raw), challenge).tests[0].message
    assert message == "a\\x1b[2J\n\tb\\u202ec"


def test_long_messages_are_truncated_with_a_marker(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, messages={"test_a.py::test_one": "x" * 10_000})
    message = collect(sandbox_run(raw), challenge).tests[0].message
    assert message.endswith(TRUNCATED)
    assert len(message) == 2000 + len(TRUNCATED)


def test_results_over_one_mebibyte_are_a_judge_error(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, messages={"test_a.py::test_one": "x" * (1024 * 1024)})
    with pytest.raises(JudgeError, match="over the 1048576-byte cap"):
        collect(sandbox_run(raw), challenge)


def test_a_malformed_line_is_a_judge_error_naming_the_line(challenge: Challenge) -> None:
    lines = results_jsonl(TESTS).splitlines(keepends=True)
    lines[2] = b'{"event": "test", "id": \n'
    with pytest.raises(JudgeError, match="results line 3 is malformed"):
        collect(sandbox_run(b"".join(lines)), challenge)


@pytest.mark.parametrize(
    "event",
    [
        {"event": "test", "id": "test_a.py::test_one", "status": "great", "duration": 0.1},
        {"event": "test", "id": "test_a.py::test_one", "status": "passed", "extra": 1},
        {"event": "test", "id": "test_a.py::test_one", "status": "passed", "duration": "1"},
        {"event": "test", "id": "test_a.py::test_one", "status": "passed", "duration": -1},
        {"event": "test", "id": "test_a.py::test_one", "status": "passed", "candidate_seconds": -1},
        {"event": "unknown"},
    ],
    ids=[
        "unknown status",
        "unknown key",
        "string duration",
        "negative duration",
        "negative candidate seconds",
        "unknown event",
    ],
)
def test_a_line_outside_the_schema_is_a_judge_error(challenge: Challenge, event: object) -> None:
    lines = results_jsonl(TESTS).splitlines(keepends=True)
    lines[1] = json.dumps(event).encode() + b"\n"
    with pytest.raises(JudgeError, match="results line 2 is malformed"):
        collect(sandbox_run(b"".join(lines)), challenge)


def test_empty_results_are_a_judge_error_and_an_infrastructure_fault(challenge: Challenge) -> None:
    with pytest.raises(JudgeError, match="never reported which tests it collected") as caught:
        collect(sandbox_run(b""), challenge)
    assert isinstance(caught.value, InfrastructureError)
    assert caught.value.hint


def test_a_collection_differing_from_the_manifest_is_a_judge_error(challenge: Challenge) -> None:
    collected = {**TESTS, "test_b.py::test_new": "extra"}
    del collected["test_a.py::test_two"]
    with pytest.raises(JudgeError) as caught:
        collect(sandbox_run(results_jsonl(collected)), challenge)
    message = str(caught.value)
    assert "hidden suite collected 3 tests but the manifest lists 3" in message
    assert "missing test_a.py::test_two" in message
    assert "not in the manifest test_b.py::test_new" in message


def test_an_undeclared_category_is_a_judge_error_naming_it(tmp_path: Path) -> None:
    challenge = write_challenge(tmp_path, categories={"core": 1}, manifest=TESTS)
    with pytest.raises(JudgeError, match=r"category 'extra', which challenge\.toml does not"):
        collect(sandbox_run(results_jsonl(TESTS)), challenge)


def test_missing_results_after_a_wall_clock_kill_become_timeouts(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {"test_a.py::test_one": "passed"}, finished=None)
    tests = collect(sandbox_run(raw, exit_code=None, timed_out=True), challenge).tests
    assert [t.status for t in tests] == [TestStatus.PASSED, TestStatus.TIMEOUT, TestStatus.TIMEOUT]
    assert tests[1].message == "not run: the whole run hit the wall-clock limit"
    assert tests[1].category == "core"


def test_missing_results_after_an_oom_kill_become_resource_limits(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {"test_a.py::test_one": "passed"}, finished=None)
    tests = collect(sandbox_run(raw, exit_code=137, oom_killed=True), challenge).tests
    assert [t.status for t in tests][1:] == [TestStatus.RESOURCE_LIMIT] * 2


def test_missing_results_without_a_kill_are_a_judge_error(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {"test_a.py::test_one": "passed"}, finished=None)
    with pytest.raises(JudgeError, match=r"exit code 3.*2 collected tests have no result"):
        collect(sandbox_run(raw, exit_code=3), challenge)


def test_a_finished_run_missing_results_is_a_judge_error(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {"test_a.py::test_one": "passed"})
    with pytest.raises(
        JudgeError, match=re.escape("finished without results for test_a.py::test_two")
    ):
        collect(sandbox_run(raw), challenge)


def test_a_line_cut_off_by_a_kill_is_dropped(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {"test_a.py::test_one": "passed"}, finished=None)
    raw += b'{"event": "test", "id": "test_a.py::te'
    tests = collect(sandbox_run(raw, exit_code=None, timed_out=True), challenge).tests
    assert tests[1].status is TestStatus.TIMEOUT


def test_a_cut_off_line_without_a_kill_is_a_judge_error(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS) + b'{"event": "te'
    with pytest.raises(JudgeError, match="malformed"):
        collect(sandbox_run(raw), challenge)


def test_a_skipped_hidden_test_is_recorded_as_a_problem(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, {**dict.fromkeys(TESTS, "passed"), "test_b.py::test_x": "skipped"})
    collected = collect(sandbox_run(raw), challenge)
    assert collected.tests[2].status is TestStatus.SKIPPED
    assert collected.problems == (
        "hidden test test_b.py::test_x was skipped; hidden tests never skip legitimately",
    )


def test_a_second_result_for_one_test_is_a_judge_error(challenge: Challenge) -> None:
    lines = results_jsonl(TESTS, finished=None).splitlines(keepends=True)
    raw = b"".join([*lines, lines[1], b'{"event": "finished", "exitstatus": 0}\n'])
    with pytest.raises(JudgeError, match=re.escape("a second result for test_a.py::test_one")):
        collect(sandbox_run(raw), challenge)


def test_a_result_for_an_uncollected_test_is_a_judge_error(challenge: Challenge) -> None:
    raw = results_jsonl(
        TESTS, {**dict.fromkeys(TESTS, "passed"), "test_c.py::test_ghost": "passed"}
    )
    with pytest.raises(JudgeError, match=re.escape("never collected: test_c.py::test_ghost")):
        collect(sandbox_run(raw), challenge)


def test_a_pytest_internal_error_is_a_judge_error(challenge: Challenge) -> None:
    with pytest.raises(JudgeError, match="exit status 3"):
        collect(sandbox_run(results_jsonl(TESTS, finished=3)), challenge)


def test_events_after_finished_are_a_judge_error(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS) + b'{"event": "finished", "exitstatus": 0}\n'
    with pytest.raises(JudgeError, match="line 6: a 'finished' event after the finished event"):
        collect(sandbox_run(raw), challenge)


def test_a_result_before_the_collection_is_a_judge_error(challenge: Challenge) -> None:
    lines = results_jsonl(TESTS).splitlines(keepends=True)
    raw = b"".join([lines[1], *lines])
    with pytest.raises(JudgeError, match="line 1: a 'test' event before the collected event"):
        collect(sandbox_run(raw), challenge)


def test_a_test_without_a_category_is_a_judge_error_saying_how_to_fix_it(tmp_path: Path) -> None:
    collected = {**TESTS, "test_b.py::test_x": ""}
    challenge = write_challenge(tmp_path, categories={"core": 1}, manifest=collected)
    with pytest.raises(JudgeError, match=re.escape("test_b.py::test_x has no category")) as caught:
        collect(sandbox_run(results_jsonl(collected)), challenge)
    assert "pytest.mark.category" in caught.value.hint


def test_facts_recorded_by_hidden_tests_reach_collected_cleaned(challenge: Challenge) -> None:
    facts = [
        {"event": "fact", "key": "entry_point", "value": "main.py"},
        {"event": "fact", "key": "entry_point", "value": "app/\x1b.py"},
        {"event": "fact", "key": "port", "value": "8000"},
    ]
    lines = results_jsonl(TESTS).splitlines(keepends=True)
    extra = [json.dumps(f).encode() + b"\n" for f in facts]
    raw = b"".join([lines[0], *extra, *lines[1:]])
    assert collect(sandbox_run(raw), challenge).recorded == {
        "entry_point": "app/\\x1b.py",
        "port": "8000",
    }


def test_a_failed_dependency_install_is_reported(challenge: Challenge) -> None:
    prepare = {"event": "prepare", "ok": False, "message": "pip install failed with exit code 1"}
    raw = json.dumps(prepare).encode() + b"\n" + results_jsonl(TESTS)
    collected = collect(sandbox_run(raw), challenge)
    assert collected.dependency_install == "failed: pip install failed with exit code 1"
    assert collected.recorded == {}
    assert collected.problems == ()


def test_a_lone_surrogate_in_a_message_does_not_break_the_stream(challenge: Challenge) -> None:
    raw = results_jsonl(TESTS, messages={"test_a.py::test_one": "bad \udc80 \ud83d\ude00 \\ud800"})
    message = collect(sandbox_run(raw), challenge).tests[0].message
    assert message == "bad \ufffd \U0001f600 \\ud800"


def test_candidate_seconds_are_summed_and_absent_ones_count_as_none(challenge: Challenge) -> None:
    lines = [json.loads(line) for line in results_jsonl(TESTS).splitlines()]
    lines[1]["candidate_seconds"] = 0.25
    lines[2]["candidate_seconds"] = 0.5  # the third test's event has none (an older judge)
    raw = "".join(json.dumps(line) + "\n" for line in lines).encode()
    assert collect(sandbox_run(raw), challenge).candidate_seconds == 0.75


def test_a_judge_error_logs_the_judges_own_output_for_operators(
    challenge: Challenge, caplog: pytest.LogCaptureFixture
) -> None:
    run = dataclasses.replace(
        sandbox_run(b"", exit_code=2), log_tail="ERROR collecting tests/test_x.py\nboom"
    )
    with pytest.raises(JudgeError) as error, caplog.at_level(logging.WARNING):
        collect(run, challenge)
    assert "ERROR collecting tests/test_x.py\nboom" in caplog.text
    assert "boom" not in str(error.value)  # the report's reason never quotes the judge's log
