"""Remove sandbox containers that outlived their run (a crashed or killed worker leaves them)."""

from __future__ import annotations

import logging
import time

import docker
import docker.errors

from grader.sandbox.docker.container import DOCKER_FAULTS, LABEL_CREATED, LABEL_RUN, list_managed
from grader.sandbox.port import ReapedSandbox

log = logging.getLogger(__name__)


def reap(
    client: docker.DockerClient, *, older_than_seconds: int, now: float | None = None
) -> list[ReapedSandbox]:
    """Force-remove (with volumes) every grader container older than ``older_than_seconds``."""
    now = time.time() if now is None else now
    reaped: list[ReapedSandbox] = []
    for container in list_managed(client):
        labels = container.get("Labels") or {}
        try:
            created = int(labels.get(LABEL_CREATED, container.get("Created", now)))
        except ValueError:
            created = int(container.get("Created", now))
        age = int(now - created)
        if age < older_than_seconds:
            continue
        try:
            client.api.remove_container(container["Id"], v=True, force=True)
        except docker.errors.NotFound:
            continue
        except DOCKER_FAULTS as exc:
            log.warning("could not reap %s: %s", container["Id"][:12], exc)
            continue
        log.info(
            "reaped container %s of run %s (%ss old)",
            container["Id"][:12],
            labels.get(LABEL_RUN),
            age,
        )
        reaped.append(ReapedSandbox(container["Id"], labels.get(LABEL_RUN, ""), age))
    return reaped
