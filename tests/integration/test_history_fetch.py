"""History signals end to end: a crafted repository served over loopback, fetched, described."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from grader.analyse import history_of
from grader.fetch import fetch
from grader.gitserve import GitServer
from grader.settings import Settings
from tests.conftest import need
from tests.unit.test_history_signals import JANE, crafted


@pytest.fixture(autouse=True)
def _git_installed() -> None:
    if shutil.which("git") is None:
        need("git", "the git binary is not on PATH")


def test_fetched_history_gives_the_statements_of_the_crafted_repository(tmp_path: Path) -> None:
    other = ("J. Smith", "smith@example.org")
    steps = [(timedelta(minutes=20 * n), 30, JANE if n < 3 else other) for n in range(4)]
    work = crafted(tmp_path, steps)
    served = tmp_path / "served"
    served.mkdir()
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(served / "steady.git")], check=True
    )
    with GitServer(served) as server:
        settings = Settings(repo_allowlist=(server.base_url + "/",), home=tmp_path / "home")
        repo = fetch(f"{server.base_url}/steady.git", None, settings)
    assert [c.changed_lines for c in repo.history] == [30, 30, 30, 30]
    assert [c.subject for c in repo.history] == ["step 3", "step 2", "step 1", "step 0"]
    history = history_of(repo.history, time_budget="2-3 hours")
    assert history is not None
    assert history.statements[0].startswith("4 commits over 1 h")
    assert "2 author identities" in history.statements[-1]
