"""Python runtimes end to end: real git, real Docker, bookworm's 3.11 and trixie's 3.13.

A challenge that offers both runs a submission on the Python it asks for; the hidden tests
and the harness run on every offered version.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from grader.challenge import Challenge, load_challenge
from grader.gitserve import GitServer, make_bare_repo
from grader.models import Outcome, PythonChoice, TestStatus
from grader.pipeline import GradeRequest, grade
from grader.settings import Settings, get_settings

pytestmark = pytest.mark.docker

FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "challenges" / "fixture" / "functions"
)
# PEP 695 generics and a type alias: a SyntaxError before Python 3.12.
PEP_695 = """
type Number = int | float


def first[T](items: list[T]) -> T:
    return items[0]


def add(a: Number, b: Number) -> Number:
    return first([a + b])
"""


@pytest.fixture(scope="module")
def challenge(tmp_path_factory: pytest.TempPathFactory) -> Challenge:
    """fixture/functions, offering 3.11 (its default) and 3.13."""
    root = tmp_path_factory.mktemp("challenge") / "functions"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("submissions"))
    toml = root / "challenge.toml"
    text = toml.read_text().replace("[runtime]\n", '[runtime]\npython = ["3.11", "3.13"]\n', 1)
    toml.write_text(text)
    return load_challenge(root)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GitServer, Path]]:
    root = tmp_path_factory.mktemp("git")
    good = FIXTURE / "submissions" / "good"
    modern = tmp_path_factory.mktemp("modern") / "modern"
    shutil.copytree(good, modern)
    solution = (modern / "solution.py").read_text()
    (modern / "solution.py").write_text(
        solution.split("def add", 1)[0] + PEP_695 + _after_add(solution)
    )
    (modern / "pyproject.toml").write_text(
        '[project]\nname = "modern"\nrequires-python = ">=3.12"\n'
    )
    make_bare_repo(good, root, "good")
    make_bare_repo(modern, root, "modern")
    with GitServer(root) as server:
        yield server, root


def _after_add(solution: str) -> str:
    """The good solution from its second function on."""
    return "\n\ndef slugify" + solution.split("def slugify", 1)[1]


@pytest.fixture
def settings(
    served: tuple[GitServer, Path], docker_client: docker.DockerClient, base_image: str
) -> Settings:
    server, _root = served
    return get_settings().model_copy(update={"repo_allowlist": (server.base_url + "/",)})


def test_pep_695_code_asking_for_python_3_12_grades_on_3_13(
    challenge: Challenge, served: tuple[GitServer, Path], settings: Settings
) -> None:
    server, _root = served
    report = grade(GradeRequest(url=server.url_for("modern"), challenge=challenge), settings)
    assert report.outcome is Outcome.GRADED, report.reason
    assert report.python == PythonChoice(
        "3.13", "requires-python in pyproject.toml asks for '>=3.12'"
    )
    statuses = {t.id.split("::")[-1]: t.status for t in report.tests}
    assert statuses["test_add_returns_the_sum"] is TestStatus.PASSED, report.tests
    assert report.score == 100.0
    assert report.image.startswith("grader-runner-base:trixie-")


@pytest.mark.parametrize("python", ["3.11", "3.13"])
def test_the_hidden_tests_and_the_harness_run_on_every_offered_python(
    challenge: Challenge, served: tuple[GitServer, Path], settings: Settings, python: str
) -> None:
    server, _root = served
    request = GradeRequest(url=server.url_for("good"), challenge=challenge, python=python)
    report = grade(request, settings)
    assert report.outcome is Outcome.GRADED, report.reason
    assert report.score == 100.0
    assert report.python == PythonChoice(python, "requested for this run")
