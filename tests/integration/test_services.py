"""Sidecar services for real: PostgreSQL and Redis beside the judge, reachable and nothing else.

The fixture challenge ``fixture/services`` declares both services; its candidate reaches them
with the standard library only (a RESP ``PING`` to Redis, a TCP connect to PostgreSQL), and a
hidden test checks the judge's network namespace has nothing but loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from grader.challenge import Challenge, load_challenge
from grader.errors import InfrastructureError
from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport, Outcome, TestStatus
from grader.pipeline import GradeRequest, grade
from grader.sandbox.docker.container import LABEL_RUN
from grader.sandbox.docker.images import ensure_service_image
from grader.sandbox.docker.services import running_services, usage_summary
from grader.settings import get_settings

pytestmark = pytest.mark.docker

CHALLENGE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "challenges" / "fixture" / "services"
)


@pytest.fixture(scope="module")
def service_images(docker_client: docker.DockerClient, base_image: str) -> dict[str, str]:
    """Both service images, built offline from Debian packages when missing (~1.5 min)."""
    return {
        name: ensure_service_image(docker_client, name, get_settings())
        for name in ("postgres", "redis")
    }


@pytest.fixture(scope="module")
def challenge() -> Challenge:
    return load_challenge(CHALLENGE)


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory, challenge: Challenge, service_images: dict[str, str]
) -> Iterator[GradeReport]:
    root = tmp_path_factory.mktemp("git")
    make_bare_repo(challenge.root / "submissions" / "good", root, "good")
    with GitServer(root) as server:
        settings = get_settings().model_copy(update={"repo_allowlist": (server.base_url + "/",)})
        yield grade(GradeRequest(url=server.url_for("good"), challenge=challenge), settings)


def _left_behind(client: docker.DockerClient, run_id: str) -> list[object]:
    """Containers of this run still there (other runs may share the daemon meanwhile)."""
    found: list[object] = client.api.containers(
        all=True, filters={"label": f"{LABEL_RUN}={run_id}"}
    )
    return found


def _status(report: GradeReport, name: str) -> TestStatus:
    return next(t.status for t in report.tests if t.id.endswith(f"::{name}"))


def test_candidate_reaches_both_services_with_the_settings_it_was_given(
    report: GradeReport,
) -> None:
    assert report.outcome is Outcome.GRADED, report.reason
    assert report.score == 100.0, [t for t in report.tests if t.status is not TestStatus.PASSED]
    assert _status(report, "test_candidate_gets_pong_from_redis") is TestStatus.PASSED
    assert _status(report, "test_candidate_connects_to_postgres") is TestStatus.PASSED


def test_judge_has_no_network_but_loopback(report: GradeReport) -> None:
    assert _status(report, "test_judge_has_no_network_but_loopback") is TestStatus.PASSED


def test_report_says_which_services_ran_and_which_the_candidate_used(report: GradeReport) -> None:
    # A RESP PING is a Redis command; a bare TCP connect is no PostgreSQL transaction.
    assert report.run_facts is not None
    assert report.run_facts.services == "postgres (not used), redis (used)"


def test_nothing_is_left_behind_after_a_run(
    report: GradeReport, docker_client: docker.DockerClient
) -> None:
    assert report.outcome is Outcome.GRADED
    assert _left_behind(docker_client, report.run_id) == []


def test_a_postgres_transaction_counts_as_use(
    docker_client: docker.DockerClient, service_images: dict[str, str]
) -> None:
    with running_services(docker_client, "test-services-used", service_images) as services:
        assert services.candidate_env["DATABASE_URL"].startswith("postgresql://app:")
        postgres = services.sidecars[0].container_id
        command = 'PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U app -d app -c "SELECT 1"'
        exec_id = docker_client.api.exec_create(postgres, ["sh", "-c", command], user="postgres")
        docker_client.api.exec_start(exec_id)
        assert docker_client.api.exec_inspect(exec_id)["ExitCode"] == 0
        assert usage_summary(docker_client, services) == "postgres (used), redis (not used)"
    assert _left_behind(docker_client, "test-services-used") == []


def test_a_service_that_cannot_start_is_an_infrastructure_fault_and_is_removed(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    # The runner base has no service entrypoint: the sidecar cannot start.
    with (
        pytest.raises(InfrastructureError),
        running_services(docker_client, "test-services-broken", {"redis": base_image}),
    ):
        pass
    assert _left_behind(docker_client, "test-services-broken") == []
