"""Challenges from more than one folder: GRADER_CHALLENGE_PATHS beside this repository's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.challenge import discover, find_challenge, survey
from grader.cli import main
from grader.errors import ChallengeError, ConfigError
from grader.queue.intake import queue_for
from grader.settings import PROJECT_ROOT, get_settings

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "challenges" / "fixture" / "cli"
REPO = PROJECT_ROOT / "challenges"


def _private(base: Path, challenge_id: str) -> Path:
    """A copy of the CLI fixture as ``challenge_id`` in a hiring team's own folder."""
    root = base / challenge_id
    shutil.copytree(FIXTURE, root)
    toml = root / "challenge.toml"
    specialty = challenge_id.partition("/")[0]
    text = toml.read_text(encoding="utf-8").replace('"fixture/cli"', f'"{challenge_id}"')
    toml.write_text(text.replace('"fixture"', f'"{specialty}"'), encoding="utf-8")
    return root


def _use_paths(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    monkeypatch.setenv("GRADER_CHALLENGE_PATHS", os.pathsep.join(str(p) for p in paths))
    get_settings.cache_clear()


def test_the_path_list_is_searched_after_the_repositorys_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _use_paths(monkeypatch, tmp_path / "a", tmp_path / "b")

    assert get_settings().challenge_roots == (REPO, tmp_path / "a", tmp_path / "b")


def test_a_path_that_is_not_a_folder_fails_fast_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_paths(monkeypatch, tmp_path / "missing")

    with pytest.raises(ConfigError, match="GRADER_CHALLENGE_PATHS"):
        get_settings()


def test_challenges_of_both_folders_are_found_and_routed_alike(tmp_path: Path) -> None:
    _private(tmp_path, "backend/team-orders")

    found = {c.id: c for c in discover((REPO, tmp_path))}

    private = found["backend/team-orders"]
    assert "backend/url-shortener" in found
    assert private.root == tmp_path / "backend" / "team-orders"
    assert queue_for(private) == queue_for(found["backend/url-shortener"]) == "backend"
    assert find_challenge("backend/team-orders", (REPO, tmp_path)).root == private.root


def test_an_id_in_two_folders_is_an_error_naming_both(tmp_path: Path) -> None:
    copy = _private(tmp_path, "devops/task-tracker")

    for attempt in (
        lambda: discover((REPO, tmp_path)),
        lambda: find_challenge("devops/task-tracker", (REPO, tmp_path)),
    ):
        with pytest.raises(ChallengeError) as caught:
            attempt()
        assert str(copy) in caught.value.message
        assert str(REPO / "devops" / "task-tracker") in caught.value.message


def test_the_same_folder_given_twice_is_not_a_duplicate() -> None:
    assert len(discover((REPO, REPO / "."))) == len(discover((REPO,)))


def test_challenges_list_shows_a_private_challenge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _private(tmp_path, "data/team-etl")
    _use_paths(monkeypatch, tmp_path)

    result = CliRunner().invoke(main, ["challenges", "list"])

    assert result.exit_code == 0, result.output
    assert "data/team-etl" in result.output
    assert "data/orders-etl" in result.output  # from this repository


def test_a_listing_shows_the_second_holder_of_an_id_as_broken(tmp_path: Path) -> None:
    copy = _private(tmp_path, "devops/task-tracker")

    found = survey((REPO, tmp_path))

    assert "devops/task-tracker" in {c.id for c in found.challenges}
    assert [b.path for b in found.broken] == [copy]
    assert "more than one folder" in found.broken[0].problem
