"""The candidate's own tests through the real pipeline: git over loopback, Docker, the judge.

A submission with three tests of its own (one failing) and a conftest that tries to forge the
judge's results: the hidden tests' results and the score stay those of the same code without
them, and the report says how many of the candidate's own tests pass.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from grader.challenge import load_challenge
from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport, Outcome
from grader.pipeline import GradeRequest, grade
from grader.report.view import build_view
from grader.settings import Settings, get_settings

pytestmark = pytest.mark.docker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FUNCTIONS = FIXTURES / "challenges" / "fixture" / "functions"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitServer]:
    root, work = tmp_path_factory.mktemp("git"), tmp_path_factory.mktemp("trees")
    plain = work / "plain"
    shutil.copytree(FUNCTIONS / "submissions" / "good", plain)
    tested, hostile = work / "tested", work / "hostile"
    shutil.copytree(plain, tested)
    shutil.copy(FIXTURES / "owntests" / "test_own.py", tested)
    shutil.copytree(tested, hostile)
    shutil.copy(FIXTURES / "owntests" / "conftest.py", hostile)
    for name, folder in (("plain", plain), ("tested", tested), ("hostile", hostile)):
        make_bare_repo(folder, root, name)
    with GitServer(root) as git_server:
        yield git_server


@pytest.fixture
def settings(server: GitServer, docker_client: docker.DockerClient, base_image: str) -> Settings:
    return get_settings().model_copy(update={"repo_allowlist": (server.base_url + "/",)})


def _grade(server: GitServer, settings: Settings, name: str) -> GradeReport:
    request = GradeRequest(url=server.url_for(name), challenge=load_challenge(FUNCTIONS))
    return grade(request, settings)


def _own(report: GradeReport) -> tuple[int, int, int, int]:
    assert report.run_facts is not None and report.run_facts.own_tests is not None, report
    own = report.run_facts.own_tests
    return own.collected, own.passed, own.failed, own.errors


def _results(report: GradeReport) -> list[tuple[str, str]]:
    return [(t.id, t.status.value) for t in report.tests]


def test_own_tests_are_counted_and_shown_without_changing_the_score(
    server: GitServer, settings: Settings
) -> None:
    plain = _grade(server, settings, "plain")
    tested = _grade(server, settings, "tested")
    assert tested.outcome is plain.outcome is Outcome.GRADED, tested.reason
    assert tested.score == plain.score == 100.0
    assert _results(tested) == _results(plain)
    assert _own(tested) == (3, 2, 1, 0)
    own = tested.run_facts.own_tests if tested.run_facts else None
    assert own is not None and (own.coverage is not None or "pass counts only" in own.note)
    assert build_view(tested).own_tests.startswith("2 of 3 of the candidate's own tests pass")
    assert _own(plain) == (0, 0, 0, 0)
    assert build_view(plain).own_tests.startswith("No tests of the candidate's own ran")


def test_a_conftest_that_forges_results_changes_no_hidden_result(
    server: GitServer, settings: Settings
) -> None:
    plain = _grade(server, settings, "plain")
    hostile = _grade(server, settings, "hostile")
    # The static scan flags the `/judge` path for review; the judge's results are untouched.
    assert hostile.outcome is Outcome.FLAGGED, hostile.reason
    assert "/judge" in hostile.reason
    assert hostile.score == plain.score
    assert _results(hostile) == _results(plain)
    assert _own(hostile) == (3, 2, 1, 0)  # not the 99 its forged lines claim
