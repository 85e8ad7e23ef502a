"""grade() end to end: real git over loopback, real Docker, the real harness and fixtures."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from grader.challenge import Challenge, load_challenge
from grader.cli import main
from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport, Outcome, TestStatus
from grader.pipeline import GradeRequest, grade
from grader.sandbox.docker.container import LABEL_RUN, list_managed
from grader.sandbox.uids import candidate_uid
from grader.settings import Settings, get_settings

pytestmark = pytest.mark.docker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "challenges"


@pytest.fixture(scope="module")
def functions_challenge() -> Challenge:
    return load_challenge(FIXTURES / "fixture" / "functions")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitServer]:
    """Every fixture submission as a bare repo named ``<challenge>-<submission>``."""
    root = tmp_path_factory.mktemp("git")
    for folder in sorted(FIXTURES.glob("fixture/*/submissions/*")):
        make_bare_repo(folder, root, f"{folder.parent.parent.name}-{folder.name}")
    with GitServer(root) as git_server:
        yield git_server


@pytest.fixture
def settings(server: GitServer, docker_client: docker.DockerClient, base_image: str) -> Settings:
    return get_settings().model_copy(update={"repo_allowlist": (server.base_url + "/",)})


def _grade(server: GitServer, settings: Settings, challenge: Challenge, name: str) -> GradeReport:
    url = server.url_for(f"{challenge.root.name}-{name}")
    return grade(GradeRequest(url=url, challenge=challenge), settings)


def _status(report: GradeReport) -> dict[str, TestStatus]:
    return {t.id.split("::")[-1]: t.status for t in report.tests}


def _candidate_processes_on_host(uid: int) -> list[int]:
    """Host pids running as ``uid`` (candidate uids are host uids: there is no user namespace)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid_line = next(
                line for line in status.read_text().splitlines() if line.startswith("Uid:")
            )
        except (OSError, StopIteration):
            continue
        if int(uid_line.split()[1]) == uid:
            found.append(int(status.parent.name))
    return found


def test_good_submission_scores_100(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    report = _grade(server, settings, functions_challenge, "good")
    assert report.outcome is Outcome.GRADED, report.reason
    assert report.score == 100.0
    assert report.commit and len(report.commit) == 40
    assert report.image_digest.startswith("sha256:")
    assert set(report.timings) >= {"fetch", "prepare", "sandbox", "collect", "score"}


def test_wrong_submission_scores_low_with_reasons(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    report = _grade(server, settings, functions_challenge, "wrong")
    failed = [t for t in report.tests if t.status is TestStatus.FAILED]
    assert report.outcome is Outcome.GRADED
    assert report.score is not None and report.score < 100
    assert failed and all(t.message for t in failed)


def test_infinite_loop_times_out_that_test_and_the_rest_are_graded(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    report = _grade(server, settings, functions_challenge, "loop")
    statuses = _status(report)
    assert statuses["test_slugify_joins_lowercase_words"] is TestStatus.TIMEOUT
    assert statuses["test_add_returns_the_sum"] is TestStatus.PASSED
    assert sum(s is TestStatus.PASSED for s in statuses.values()) == len(statuses) - 1


@pytest.mark.parametrize("name", ["forkbomb", "memhog"])
def test_resource_hogs_hit_a_limit_and_leave_the_next_run_unaffected(
    server: GitServer,
    settings: Settings,
    functions_challenge: Challenge,
    docker_client: docker.DockerClient,
    name: str,
) -> None:
    report = _grade(server, settings, functions_challenge, name)
    assert _status(report)["test_slugify_joins_lowercase_words"] is TestStatus.RESOURCE_LIMIT
    assert report.outcome is Outcome.GRADED
    assert [
        c for c in list_managed(docker_client) if c["Labels"].get(LABEL_RUN) == report.run_id
    ] == []
    assert _candidate_processes_on_host(candidate_uid(report.run_id)) == []
    after = _grade(server, settings, functions_challenge, "good")
    assert after.score == 100.0


def test_candidate_code_gets_permission_error_on_the_hidden_tests(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    report = _grade(server, settings, functions_challenge, "peek")
    # The hidden test asserts the candidate's open() of /judge/tests raised PermissionError.
    assert _status(report)["test_hidden_tests_are_out_of_the_candidates_reach"] is TestStatus.PASSED
    # Code that hunts for the hidden tests is integrity evidence for a human to review.
    assert report.outcome is Outcome.FLAGGED
    assert any(f.severity == "integrity" for f in report.findings)


def test_values_cross_as_json_so_an_always_equal_object_fails(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    report = _grade(server, settings, functions_challenge, "alwaysequal")
    assert _status(report)["test_add_returns_the_sum"] is TestStatus.FAILED


@pytest.mark.parametrize("slug", ["cli", "service"])
def test_cli_and_service_helpers_grade_good_and_bad_apart(
    server: GitServer, settings: Settings, slug: str
) -> None:
    challenge = load_challenge(FIXTURES / "fixture" / slug)
    good = _grade(server, settings, challenge, "good")
    bad = _grade(server, settings, challenge, "bad")
    assert good.score == 100.0, [t for t in good.tests if t.status is not TestStatus.PASSED]
    assert bad.score is not None and bad.score < 50


def test_bad_url_is_rejected_before_any_clone(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    before = len(server.requests)
    for url in (
        "file:///etc",
        "/srv/repo",
        "ext::sh -c touch% /tmp/pwned",
        "http://169.254.169.254/x/y.git",
    ):
        report = grade(GradeRequest(url=url, challenge=functions_challenge), settings)
        assert report.outcome is Outcome.REJECTED
        assert report.reason and report.score is None and report.tests == ()
    assert len(server.requests) == before


def test_unknown_repository_is_rejected_with_what_to_fix(
    server: GitServer, settings: Settings, functions_challenge: Challenge
) -> None:
    report = grade(
        GradeRequest(url=server.url_for("nobody-here"), challenge=functions_challenge), settings
    )
    assert report.outcome is Outcome.REJECTED
    assert "public" in report.reason or "not found" in report.reason.lower()


@pytest.fixture
def dead_docker_socket(tmp_path: Path) -> Iterator[str]:
    """A daemon socket nobody answers on: what the worker sees when dockerd is stopped."""
    path = tmp_path / "docker.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))  # bound, never listening: connections are refused
    yield f"unix://{path}"
    listener.close()


# docker-py leaks the socket of a failed connect (closed by gc in connect()); not ours.
@pytest.mark.filterwarnings("ignore:unclosed:ResourceWarning")
def test_docker_down_is_not_gradable_shows_no_failed_test_and_exits_5(
    server: GitServer, functions_challenge: Challenge, dead_docker_socket: str, tmp_path: Path
) -> None:
    env = {
        "GRADER_DOCKER_HOST": dead_docker_socket,
        "GRADER_REPO_ALLOWLIST": server.base_url + "/",
        "GRADER_CHALLENGES_DIR": str(FIXTURES),
        "GRADER_HOME": os.environ["GRADER_HOME"],
    }
    get_settings.cache_clear()
    result = CliRunner().invoke(
        main,
        [
            "grade",
            server.url_for("functions-good"),
            "-c",
            "fixture/functions",
            "--json",
            "--out",
            str(tmp_path),
        ],
        env=env,
    )
    get_settings.cache_clear()
    assert result.exit_code == 5, result.output
    payload = json.loads(result.stdout)
    assert payload["outcome"] == "not_gradable"
    assert payload["score"] is None
    assert payload["tests"] == []
    assert "Docker" in payload["reason"]
    assert (tmp_path / "report.html").is_file()
