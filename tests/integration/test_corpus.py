"""The corpus (tests/corpus): real-world layouts graded end to end, started as their authors do.

Each repository is committed, served over loopback git and graded by the real pipeline in
real Docker against the task-tracker or url-shortener challenge. Every one must be started
the way its author documents (the ``entry_point`` fact), land in its score band, and every
score of 0 must come with a top-level reason that says why.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import docker
import pytest

from grader.challenge import load_challenge
from grader.models import GradeReport, Outcome
from grader.settings import get_settings
from grader.validate.loopback import LoopbackGrader, loopback_grader

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "expected.toml").read_text(encoding="utf-8")
)
JOBS = 2


@pytest.fixture(scope="module")
def graders(
    docker_client: docker.DockerClient, base_image: str
) -> Iterator[dict[str, LoopbackGrader]]:
    """One loopback grader per challenge the corpus uses."""
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(
                loopback_grader(load_challenge(ROOT / "challenges" / name), get_settings())
            )
            for name in sorted({spec["challenge"] for spec in EXPECTED.values()})
        }


@pytest.fixture(scope="module")
def reports(graders: dict[str, LoopbackGrader]) -> dict[str, GradeReport]:
    """Every corpus repository, graded once (two at a time)."""

    def one(name: str) -> tuple[str, GradeReport]:
        return name, graders[EXPECTED[name]["challenge"]](CORPUS / name)

    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        return dict(pool.map(one, sorted(EXPECTED)))


def test_the_corpus_covers_every_folder_with_an_expectation() -> None:
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert folders == set(EXPECTED)
    assert len(folders) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_repository_starts_as_its_author_does_and_lands_in_its_band(
    reports: dict[str, GradeReport], name: str
) -> None:
    spec, report = EXPECTED[name], reports[name]
    assert report.outcome is Outcome.GRADED, report.reason
    facts = report.run_facts.recorded if report.run_facts else {}
    assert spec["start"] in facts.get("entry_point", ""), facts
    low, high = spec["band"]
    failures = [(t.id, t.message[:300]) for t in report.tests if t.status.value != "passed"]
    assert report.score is not None and low <= report.score <= high, (report.score, failures)
    if report.score == 0:
        assert report.reason, "a score of 0 must say why at the top"
    assert spec.get("reason", "") in report.reason
    for key, words in spec.get("facts", {}).items():
        assert words in facts.get(key, ""), facts


def test_a_committed_tasks_json_changes_nothing(
    reports: dict[str, GradeReport], graders: dict[str, LoopbackGrader], tmp_path: Path
) -> None:
    name = "task-committed-tasks-json"
    without = shutil.copytree(CORPUS / name, tmp_path / name)
    (without / "tasks.json").unlink()
    clean = graders[EXPECTED[name]["challenge"]](without)
    assert clean.score == reports[name].score == 100.0
