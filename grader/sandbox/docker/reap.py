"""Remove sandbox containers that outlived their run (a crashed or killed worker leaves them).

Two small steps, so callers can look before they remove: :func:`stale` lists the grader
containers older than a limit, :func:`reap` removes them, except those whose run still holds
a live claim (``live``: the store's answer) and everything when ``dry_run`` is set.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import docker
import docker.errors

from grader.sandbox.docker.container import DOCKER_FAULTS, LABEL_CREATED, LABEL_RUN, list_managed
from grader.sandbox.port import LiveRuns, ReapedSandbox

log = logging.getLogger(__name__)


def stale(
    client: docker.DockerClient, *, older_than_seconds: int, now: float | None = None
) -> list[ReapedSandbox]:
    """Every grader container created at least ``older_than_seconds`` ago (0 or more)."""
    if older_than_seconds < 0:
        raise ValueError(f"older_than_seconds must be 0 or more, got {older_than_seconds}")
    now = time.time() if now is None else now
    found = [_describe(container, now) for container in list_managed(client)]
    return [item for item in found if item.age_seconds >= older_than_seconds]


def reap(
    client: docker.DockerClient,
    *,
    older_than_seconds: int,
    now: float | None = None,
    live: LiveRuns | None = None,
    dry_run: bool = False,
) -> list[ReapedSandbox]:
    """Force-remove (with volumes) stale grader containers whose run holds no live claim.

    Returns what was removed, or with ``dry_run`` what would have been.
    """
    found = stale(client, older_than_seconds=older_than_seconds, now=now)
    busy = set(live({item.run_id for item in found})) if live and found else set()
    chosen = [item for item in found if item.run_id not in busy]
    if busy:
        log.info("not reaping %d container(s) of runs still being graded", len(found) - len(chosen))
    if dry_run:
        return chosen
    return [item for item in chosen if _remove(client, item)]


def _describe(container: dict[str, Any], now: float) -> ReapedSandbox:
    labels = container.get("Labels") or {}
    try:
        created = int(labels.get(LABEL_CREATED, container.get("Created", now)))
    except ValueError:
        created = int(container.get("Created", now))
    return ReapedSandbox(container["Id"], labels.get(LABEL_RUN, ""), int(now - created))


def _remove(client: docker.DockerClient, item: ReapedSandbox) -> bool:
    try:
        client.api.remove_container(item.sandbox_id, v=True, force=True)
    except docker.errors.NotFound:
        return False
    except DOCKER_FAULTS as exc:
        log.warning("could not reap %s: %s", item.sandbox_id[:12], exc)
        return False
    log.info(
        "reaped container %s of run %s (%ss old)",
        item.sandbox_id[:12],
        item.run_id,
        item.age_seconds,
    )
    return True
