"""The authoring kit end to end: ``grader challenges new`` writes a challenge that passes
``validate`` as generated, in a hiring team's folder outside this repository, where it is
listed and graded like the repository's own (real Docker, real git over loopback)."""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from grader.authoring.scaffold import KINDS
from grader.cli import main
from grader.gitserve import GitServer, make_bare_repo
from grader.settings import PROJECT_ROOT, get_settings

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hiring team's challenges folder, outside the repository, on GRADER_CHALLENGE_PATHS."""
    folder = tmp_path / "team-challenges"
    folder.mkdir()
    monkeypatch.setenv("GRADER_CHALLENGE_PATHS", str(folder))
    get_settings.cache_clear()
    return folder


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_challenge_passes_lint_and_validate_as_generated(
    kind: str, private: Path, docker_client: docker.DockerClient, base_image: str
) -> None:
    runner = CliRunner()

    made = runner.invoke(main, ["challenges", "new", "x/demo", "--kind", kind])
    linted = runner.invoke(main, ["challenges", "lint", "x/demo"])
    validated = runner.invoke(main, ["challenges", "validate", "x/demo"])

    assert made.exit_code == 0, made.output
    assert (private / "x" / "demo" / "challenge.toml").is_file()
    assert not (PROJECT_ROOT / "challenges" / "x").exists()
    assert linted.exit_code == 0, linted.output
    assert validated.exit_code == 0, validated.output
    for line in ("reference scores 100", "starter scores at most 20", "mutant", "all passed"):
        assert line in validated.stdout


def test_a_challenge_outside_the_repository_is_listed_and_graded(
    private: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    docker_client: docker.DockerClient,
    base_image: str,
) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["challenges", "new", "team/count", "--kind", "cli"]).exit_code == 0
    reference = private / "team" / "count" / "reference"

    with GitServer(tmp_path / "git") as server:
        make_bare_repo(reference, server.root, "candidate")
        monkeypatch.setenv("GRADER_REPO_ALLOWLIST", server.base_url + "/")
        get_settings.cache_clear()
        listed = runner.invoke(main, ["challenges", "list"])
        graded = runner.invoke(
            main, ["grade", server.url_for("candidate"), "-c", "team/count", "--json"]
        )

    assert "team/count" in listed.output
    assert graded.exit_code == 0, graded.output
    report = json.loads(graded.stdout)
    assert (report["outcome"], report["score"]) == ("graded", 100.0)
    assert report["challenge"]["id"] == "team/count"
    assert Path(report["reports"]["html"]).is_file()
