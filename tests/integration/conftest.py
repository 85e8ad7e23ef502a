"""Fixtures that reach real components: the Docker daemon and the runner base image."""

from __future__ import annotations

from collections.abc import Iterator

import docker
import pytest

from grader.errors import GraderError
from grader.sandbox.docker.container import connect
from grader.sandbox.docker.images import ensure_base_image
from grader.settings import get_settings
from tests.conftest import need


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    try:
        client = connect(get_settings().docker_host)
    except GraderError as exc:
        need("Docker daemon", str(exc))
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client: docker.DockerClient) -> str:
    """The runner base, built offline if missing (about a minute the first time)."""
    return ensure_base_image(docker_client, get_settings())
