"""Deadlines: which commit is graded, what is said about later and rewritten commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from grader.errors import RejectedError
from grader.fetch.history import Commit, choose, parse_deadline, parse_rev_list, rewritten

DAY = timedelta(days=1)
START = datetime(2024, 3, 1, 12, tzinfo=UTC)


def commits(*days: int) -> list[Commit]:
    """Newest first, as ``git rev-list`` lists them; sha ``n`` repeated 40 times."""
    return [Commit(str(n % 10) * 40, START + day * DAY) for n, day in enumerate(days)]


def test_the_last_commit_before_the_deadline_is_chosen_and_later_ones_are_counted() -> None:
    chosen = choose(commits(3, 2, 0), START + 2.5 * DAY)
    assert chosen.sha == "1" * 40
    assert chosen.deadline.startswith("graded commit 111111111111 (2024-03-03 12:00 UTC)")
    assert "1 later commit exists (newest 000000000000, 2024-03-04 12:00 UTC)" in chosen.deadline
    assert chosen.rewritten == ""


def test_a_deadline_in_another_time_zone_is_compared_as_a_moment() -> None:
    paris = datetime(2024, 3, 3, 14, 30, tzinfo=timezone(timedelta(hours=1)))  # 13:30 UTC
    assert choose(commits(2, 0), paris).sha == "0" * 40


def test_no_commit_before_the_deadline_is_the_candidates_to_fix() -> None:
    with pytest.raises(RejectedError, match="no commit in the last 2") as caught:
        choose(commits(2, 1), START)
    assert "branch" in caught.value.hint


def test_dates_going_backwards_are_described_without_accusing() -> None:
    said = rewritten(commits(1, 5, 0))
    assert "000000000000 was committed at 2024-03-02 12:00 UTC, before its parent" in said
    assert "rewritten" in said
    assert not any(word in said.lower() for word in ("cheat", "fraud", "dishonest"))
    assert rewritten(commits(5, 1, 0)) == ""
    assert "rewritten" in choose(commits(1, 5, 0), START + 2 * DAY).rewritten


def test_rev_list_output_is_parsed_and_junk_ignored() -> None:
    raw = f"1709294400 {'a' * 40}\nnot a line\n1709208000 {'b' * 40}\n".encode()
    assert parse_rev_list(raw) == [
        Commit("a" * 40, datetime(2024, 3, 1, 12, tzinfo=UTC)),
        Commit("b" * 40, datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("text", ["2024-03-01T12:00:00Z", "2024-03-01 13:00+01:00"])
def test_deadlines_need_a_time_zone(text: str) -> None:
    assert parse_deadline(text) == START


@pytest.mark.parametrize(
    ("text", "why"), [("2024-03-01T12:00", "no time zone"), ("friday", "not a date")]
)
def test_a_deadline_without_a_zone_or_date_is_refused_with_an_example(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as caught:
        parse_deadline(text)
    assert "+00:00" in str(caught.value)
