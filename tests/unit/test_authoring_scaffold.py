"""``grader challenges new``: a complete folder that lints clean, written where it belongs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.authoring import lint_challenge
from grader.authoring.scaffold import KINDS, Kind, scaffold
from grader.challenge import load_challenge
from grader.cli import main
from grader.errors import ChallengeError
from grader.settings import PROJECT_ROOT, get_settings

REPO = PROJECT_ROOT / "challenges"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_a_complete_challenge_that_lints_clean(kind: Kind, tmp_path: Path) -> None:
    folder = scaffold("team/demo", kind, tmp_path, (REPO,))

    challenge = load_challenge(folder)
    assert (challenge.id, challenge.spec.candidate.kind) == ("team/demo", kind)
    assert challenge.spec.specialty == "team"
    for part in ("brief.md", "reference", "starter", "samples/bands.toml", "mutants.toml"):
        assert (folder / part).exists(), part
    assert not list(folder.rglob("*.tmpl"))
    assert lint_challenge(folder) == ()


def test_an_id_that_exists_in_any_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ChallengeError, match=r"already exists at .*devops/task-tracker"):
        scaffold("devops/task-tracker", "cli", tmp_path, (REPO,))
    assert not (tmp_path / "devops").exists()


@pytest.mark.parametrize("bad", ["demo", "x/Demo", "x/demo/more", "../x/demo"])
def test_an_id_that_is_not_specialty_slug_is_refused(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ChallengeError, match="is not a challenge id"):
        scaffold(bad, "cli", tmp_path, ())


def test_new_writes_into_the_first_private_folder_and_says_what_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_CHALLENGE_PATHS", str(tmp_path))
    get_settings.cache_clear()

    result = CliRunner().invoke(main, ["challenges", "new", "x/demo", "--kind", "functions"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "demo" / "challenge.toml").is_file()
    assert "grader challenges validate x/demo" in result.output
    again = CliRunner().invoke(main, ["challenges", "new", "x/demo", "--kind", "cli"])
    assert again.exit_code == 1
    assert "already exists" in again.stderr
