"""``parse_in_child``: candidate-produced files are parsed as the candidate uid, never in the
judge's process, and only JSON comes back (row G6 of docs/security.md)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import need
from tests.unit.harness_support import CANDIDATE_UID, JudgeRun, run_judge, sandbox_base

NONCE = "5eed" * 8
SUITE = '''
import json

import pytest
from grader_harness import CandidateError, CandidateTimeout, parse_in_child, record_fact

pytestmark = pytest.mark.category("core")

WHO = """
import json, os, sys
data = sys.stdin.buffer.read()
print(json.dumps({"uid": os.getuid(), "euid": os.geteuid(), "bytes": len(data),
                  "nonce": "GRADER_RUN_NONCE" in os.environ}))
"""


def test_who_parses():
    seen = parse_in_child(WHO, b"PAR1" + bytes(range(256)) + b"PAR1")
    record_fact("seen", json.dumps(seen))


def test_a_parser_that_crashes_is_a_candidate_error():
    with pytest.raises(CandidateError, match="could not be parsed"):
        parse_in_child("import sys; sys.exit('bad magic bytes')", b"not parquet")


def test_a_parser_that_prints_no_json_is_a_candidate_error():
    with pytest.raises(CandidateError, match="not JSON"):
        parse_in_child("print('{not json')", b"")


def test_a_parser_that_hangs_is_a_timeout():
    with pytest.raises(CandidateTimeout):
        parse_in_child("import time; time.sleep(30)", b"", timeout=1)
'''


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> JudgeRun:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    folder = tmp_path_factory.mktemp("parse")
    tests, submission = folder / "tests", folder / "submission"
    tests.mkdir()
    submission.mkdir()
    (tests / "test_parse.py").write_text(SUITE, encoding="utf-8")
    with sandbox_base() as base:
        return run_judge(base, tests, submission, env={"GRADER_RUN_NONCE": NONCE})


def test_the_parser_runs_as_the_candidate_without_the_nonce(judged: JudgeRun) -> None:
    assert judged.statuses["test_who_parses"] == "passed", judged.log
    (fact,) = [e for e in judged.of("fact") if e["key"] == "seen"]
    assert fact["value"] == (
        f'{{"uid": {CANDIDATE_UID}, "euid": {CANDIDATE_UID}, "bytes": 264, "nonce": false}}'
    )


def test_parser_failures_are_the_candidates_and_never_hang_the_judge(judged: JudgeRun) -> None:
    assert judged.statuses == {
        "test_who_parses": "passed",
        "test_a_parser_that_crashes_is_a_candidate_error": "passed",
        "test_a_parser_that_prints_no_json_is_a_candidate_error": "passed",
        "test_a_parser_that_hangs_is_a_timeout": "passed",
    }
    assert NONCE not in judged.log
