"""compose.yaml and the Dockerfile, checked as data (``docker compose config`` is not here)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from grader.settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "compose.yaml"
DOCKER_SOCKET = "/var/run/docker.sock"
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]+\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def _workers(services: dict[str, dict[str, Any]]) -> list[str]:
    return [name for name, spec in services.items() if "worker" in spec.get("command", [])]


def test_the_stack_has_the_database_the_broker_the_web_app_workers_and_flower(
    services: dict[str, dict[str, Any]],
) -> None:
    assert {"postgres", "redis", "web", "flower"} <= set(services)
    assert _workers(services)


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    for name, spec in services.items():
        check = spec.get("healthcheck", {}).get("test")
        assert check and check[0] in {"CMD", "CMD-SHELL"}, name


@pytest.mark.parametrize("service", ["web", "flower", "worker", "worker-ml"])
def test_services_wait_for_a_healthy_database_and_broker(
    services: dict[str, dict[str, Any]], service: str
) -> None:
    depends = services[service]["depends_on"]
    assert depends["redis"] == {"condition": "service_healthy"}
    if service != "flower":
        assert depends["postgres"] == {"condition": "service_healthy"}


def test_only_workers_get_the_docker_socket(services: dict[str, dict[str, Any]]) -> None:
    workers = _workers(services)
    for name, spec in services.items():
        mounted = any(DOCKER_SOCKET in str(volume) for volume in spec.get("volumes", []))
        assert mounted is (name in workers), name
    assert "docker" not in str(services["web"]).lower().replace("dockerfile", "")


def test_workers_cover_every_specialty_queue(services: dict[str, dict[str, Any]]) -> None:
    queues: set[str] = set()
    for name in _workers(services):
        command = services[name]["command"]
        queues |= set(command[command.index("--queues") + 1].split(","))
    assert queues >= {"backend", "ml", "data", "devops", "default"}


def test_secrets_are_required_never_defaulted(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    required = set(REQUIRED.findall(text))
    assert {"POSTGRES_PASSWORD", "REDIS_PASSWORD", "FLOWER_PASSWORD", "DOCKER_GID"} <= required
    for secret in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "FLOWER_PASSWORD"):
        assert f"${{{secret}:-" not in text and f"${{{secret}}}" not in text


def test_the_app_services_point_the_grader_at_postgres_and_redis(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in ["web", "flower", *_workers(services)]:
        env = services[name]["environment"]
        assert env["GRADER_DATABASE_URL"].startswith("postgresql+psycopg://grader:")
        assert env["GRADER_BROKER_URL"].startswith("redis://:")


def test_the_grader_image_installs_this_project_and_runs_unprivileged() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", dockerfile, re.MULTILINE)
    assert "pip install --no-cache-dir ." in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
