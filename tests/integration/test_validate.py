"""``grader challenges validate`` and ``manifest`` through the real pipeline: git over loopback,
real Docker, the real judge."""

from __future__ import annotations

import shutil
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from grader.challenge import Challenge, load_challenge
from grader.cli import main
from grader.settings import get_settings
from grader.validate import validate, write_manifest

pytestmark = pytest.mark.docker

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "challenges" / "fixture" / "cli"
# Text only a human reads: no hidden test can, or should, notice it changed.
EQUIVALENT_MUTANT = """\
[[mutant]]
name = "usage text"
file = "greet.py"
find = "usage: greet.py NAME"
replace = "usage: greet NAME"
"""


def greet_challenge(root: Path) -> Challenge:
    """The greeting fixture as a full challenge: reference, starter, samples, variants, bands."""
    folder = root / "fixture" / "greet"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("submissions"))
    good, bad = FIXTURE / "submissions" / "good", FIXTURE / "submissions" / "bad"
    shutil.copytree(good, folder / "reference")
    shutil.copytree(bad, folder / "starter")
    samples = [("strong", good), ("partial", bad), ("broken", bad), ("cheating", bad)]
    samples += [(f"variant-{n}", good) for n in ("one", "two", "three")]  # need no band
    for name, source in samples:
        shutil.copytree(source, folder / "samples" / name)
    (folder / "samples" / "bands.toml").write_text(
        "strong = [100, 100]\npartial = [0, 10]\nbroken = [0, 10]\ncheating = [0, 10]\n"
    )
    return load_challenge(folder)


@pytest.mark.slow
def test_task_tracker_passes_every_check_from_the_command_line(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    result = CliRunner().invoke(
        main, ["challenges", "validate", "devops/task-tracker", "--mutants", "2"]
    )
    assert result.exit_code == 0, result.output
    lines = ("reference scores 100", "with committed data files", "sample cheating", "variant ")
    for line in lines:
        assert line in result.stdout
    assert "all passed" in result.stdout


def test_a_mutant_the_suite_does_not_notice_fails_validation(
    tmp_path: Path, docker_client: docker.DockerClient, base_image: str
) -> None:
    challenge = greet_challenge(tmp_path)
    (challenge.root / "mutants.toml").write_text(EQUIVALENT_MUTANT)
    result = validate(challenge, get_settings(), mutants=1)
    failed = [check for check in result.checks if not check.ok]
    assert [check.name for check in failed] == ["mutant usage text"], failed
    assert failed[0].detail.startswith("the suite does not notice greet.py")
    # reference, repeats, starter, samples present, 4 samples, 3 variants, data, one mutant
    assert len(result.checks) == 13


def test_manifest_is_written_from_what_the_judge_collects(
    tmp_path: Path, docker_client: docker.DockerClient, base_image: str
) -> None:
    challenge = greet_challenge(tmp_path)
    expected = (FIXTURE / "tests" / "manifest.txt").read_text()
    (challenge.tests_dir / "manifest.txt").unlink()
    path = write_manifest(challenge, get_settings())
    assert path.read_text() == expected


def test_a_broken_challenge_fails_its_own_validation_with_the_reason(
    tmp_path: Path, docker_client: docker.DockerClient, base_image: str
) -> None:
    challenge = greet_challenge(tmp_path)
    (challenge.root / "samples" / "bands.toml").unlink()
    result = validate(challenge, get_settings())
    assert not result.ok
    assert [check.name for check in result.checks] == ["challenge loads, builds and runs"]
    assert "bands.toml does not exist" in result.checks[0].detail
