"""History signals from crafted repositories: real git, commits with chosen dates and authors."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from grader.analyse import history_of
from grader.fetch.history import _LOG_FORMAT, parse_log
from grader.models import CommitInfo

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
JANE = ("Jane Doe", "jane@example.com")
BUDGET = "2-3 hours"
ACCUSING = ("cheat", "fraud", "dishonest", "plagiar", "copied")


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, env=env
    ).stdout


def crafted(tmp_path: Path, commits: list[tuple[timedelta, int, tuple[str, str]]]) -> Path:
    """A repository with one commit per (time after START, lines added, author)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for n, (after, lines, (name, email)) in enumerate(commits):
        (repo / f"part{n}.py").write_text("".join(f"x{i} = {i}\n" for i in range(lines)))
        when = (START + after).isoformat()
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        _git(repo, "add", "-A", env=env)
        _git(repo, "commit", "-q", "-m", f"step {n}", env=env)
    return repo


def statements(repo: Path, deadline: str = "") -> tuple[str, ...]:
    raw = _git(repo, "log", "--first-parent", "--shortstat", "--no-renames", _LOG_FORMAT)
    history = history_of(parse_log(raw), time_budget=BUDGET, deadline=deadline)
    assert history is not None
    said = history.statements
    assert not any(word in " ".join(said).lower() for word in ACCUSING)
    return said


def test_a_one_commit_dump_says_the_history_shows_no_progress(tmp_path: Path) -> None:
    said = statements(crafted(tmp_path, [(timedelta(0), 400, JANE)]))
    assert said == (
        "The history holds one commit ("
        + said[0].split("(", 1)[1].split(",", 1)[0]
        + ", 2024-03-01 09:00): it does not show how the work progressed.",
    )


def test_steady_work_within_the_budget_says_so_and_nothing_else(tmp_path: Path) -> None:
    steps = [(timedelta(minutes=30 * n), 40, JANE) for n in range(5)]
    said = statements(crafted(tmp_path, steps))
    assert said == (
        "5 commits over 2 h, on 1 day, from 2024-03-01 09:00 to 2024-03-01 11:00.",
        "First to last commit took 2 h, within the 2-3 hours time budget.",
    )


def test_one_giant_commit_among_small_ones_is_named(tmp_path: Path) -> None:
    steps = [
        (timedelta(0), 5, JANE),
        (timedelta(minutes=10), 900, JANE),
        (timedelta(hours=1), 3, JANE),
    ]
    said = statements(crafted(tmp_path, steps))
    assert any(
        s.startswith("One commit holds 99% of all changed lines") and "step 1" in s for s in said
    )


def test_work_spread_past_the_budget_is_described_not_judged(tmp_path: Path) -> None:
    steps = [(timedelta(0), 20, JANE), (timedelta(days=3), 20, JANE)]
    said = statements(crafted(tmp_path, steps))
    assert said[1] == (
        "First to last commit took 3 days, longer than the 2-3 hours time budget; "
        "commit times show when work was saved, not how long it took."
    )


def test_an_author_change_mid_history_is_reported_with_both_identities(tmp_path: Path) -> None:
    other = ("J. Smith", "smith@example.org")
    steps = [(timedelta(minutes=n * 20), 30, JANE if n < 3 else other) for n in range(4)]
    said = statements(crafted(tmp_path, steps))
    assert (
        "Commits come from 2 author identities: Jane Doe <jane@example.com> (3), "
        "J. Smith <smith@example.org> (1). This is often one person on two machines; "
        "ask whether anyone else contributed."
    ) in said


def test_commits_after_the_deadline_are_stated_from_the_fetch(tmp_path: Path) -> None:
    repo = crafted(tmp_path, [(timedelta(0), 10, JANE), (timedelta(hours=1), 10, JANE)])
    fetched = "graded commit 0123456789ab (2024-03-01 10:00 UTC), the last one before ...; 1 later"
    assert statements(repo, deadline=fetched)[-1] == f"Deadline: {fetched}."


def test_no_history_means_no_statements() -> None:
    assert history_of(()) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"garbage\n",
        b"\x1enot\x1ffields\n",
        b"\x1e" + b"a" * 40 + b"\x1fx\x1fnot-a-time\x1fs\n",
    ],
)
def test_junk_log_output_is_skipped(raw: bytes) -> None:
    assert parse_log(raw) == ()


def test_author_names_and_subjects_are_cleaned() -> None:
    raw = b"\x1e" + b"a" * 40 + b"\x1fEvil \x1b[2J <e@x>\x1f1709283600\x1fsubject \xe2\x80\xae\n"
    (commit,) = parse_log(raw)
    assert commit == CommitInfo(
        "a" * 40, "Evil \\x1b[2J <e@x>", datetime(2024, 3, 1, 9, tzinfo=UTC), 0, "subject \\u202e"
    )
