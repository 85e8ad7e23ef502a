"""The judge's results stream stays under the host's 1 MiB cap whatever the messages hold.

Messages used to be cut at 2,000 characters but written as ASCII-escaped JSON, where one
emoji takes 12 bytes: ~45 failing tests with emoji exception text filled the cap and the run
was lost as ``not_gradable``, on every regrade. They are now cut in bytes after encoding, and
past a stream budget candidate text is replaced by a note.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader.collect.schema import MAX_RESULTS_BYTES, parse_stream
from grader.harness.grader_harness import results
from tests.conftest import need
from tests.unit.harness_support import run_judge, sandbox_base

EMOJI = "\U0001f600"
SUITE = f"""
import pytest

pytestmark = pytest.mark.category("core")


@pytest.mark.parametrize("n", range({{count}}))
def test_fails_with_emoji(n):
    raise AssertionError("{EMOJI}" * 3000)
"""


@pytest.mark.parametrize("text", [EMOJI * 3000, "\x00" * 3000, "é" * 5000, "a" * 5000])
def test_a_message_is_cut_in_bytes_as_written(text: str) -> None:
    short = results.shorten(text)
    written = json.dumps(short, ensure_ascii=True)
    assert len(written) - 2 <= results.MESSAGE_CAP * results.BYTES_PER_CHAR
    assert short.endswith("…") and text.startswith(short[:-1])
    assert len(short) > 300  # still a useful message, not a stub


def test_short_messages_are_kept_whole() -> None:
    assert results.shorten(EMOJI * 10) == EMOJI * 10


@pytest.mark.parametrize("count", [49, 400])
def test_many_failing_tests_with_emoji_messages_fit_the_hosts_cap(
    count: int, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    tests, submission = tmp_path / "tests", tmp_path / "submission"
    tests.mkdir()
    submission.mkdir()
    (tests / "test_emoji.py").write_text(SUITE.format(count=count), encoding="utf-8")
    with sandbox_base() as base:
        run = run_judge(base, tests, submission)
        raw = (base / "judge" / "out" / "results.jsonl").read_bytes()
    assert len(raw) <= MAX_RESULTS_BYTES
    stream = parse_stream(raw, killed=False)
    assert len(stream.results) == count
    assert all(event.status == "failed" for event in stream.results.values())
    messages = [event.message for event in stream.results.values()]
    assert EMOJI in messages[0]
    if count > 100:
        assert messages[-1] == results.DROPPED
    assert run.exit_code == 1
