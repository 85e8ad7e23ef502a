"""Sidecar services (PostgreSQL, Redis) beside the judge, in one loopback-only network namespace.

A challenge that declares ``services = ["postgres", "redis"]`` gets one sidecar container per
service for each run. The first sidecar is created with ``network_mode="none"`` (loopback only)
and every other container of the run, the judge included, joins its network namespace
(``network_mode="container:<id>"``): the services listen on ``127.0.0.1`` and nothing has a
route anywhere else. (A Docker ``internal`` bridge network was tried first and refused: on
the Docker versions the grader runs on, a container on it reaches every address of the host
through the bridge gateway.) Sidecars are labelled like sandboxes, limited, health-waited
through ``exec`` and removed with their volumes in ``finally``. See docs/sandbox.md.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import docker
import docker.errors
from docker.types import LogConfig

from grader.errors import DockerUnavailableError, ImageError, InfrastructureError
from grader.models import SandboxRun
from grader.sandbox.docker.container import (
    DOCKER_FAULTS,
    ISOLATED,
    LABEL_CREATED,
    LABEL_MANAGED,
    LABEL_RUN,
    remove_container,
    run_container,
)
from grader.sandbox.docker.images import service_tag
from grader.sandbox.docker.recipes import ENTRYPOINT, READY, RECIPES, USAGE
from grader.sandbox.layout import CANDIDATE_ENV_VARIABLE
from grader.sandbox.port import SandboxJob
from grader.settings import Settings

log = logging.getLogger(__name__)

READY_SECONDS = 60.0
EXEC_SECONDS = 10
USAGE_SETTLE_SECONDS = 0.5
SIDECAR_MEMORY_MB = 512  # the data tmpfs counts against it too
SIDECAR_PIDS = 128


@dataclass(frozen=True, slots=True)
class Sidecar:
    """One running service of a run, and its activity counter when the judge started."""

    name: str
    container_id: str
    baseline: int = 0


@dataclass(frozen=True, slots=True)
class Services:
    """What a run's judge needs: the network namespace to join and the candidate's settings."""

    network_mode: str
    candidate_env: dict[str, str]
    sidecars: tuple[Sidecar, ...]


def run_with_services(
    client: docker.DockerClient, job: SandboxJob, settings: Settings, *, runtime: str
) -> SandboxRun:
    """Start ``job.services``, run the judge beside them, say which ones the candidate used."""
    images = {name: service_tag(name, settings) for name in job.services}
    with running_services(client, job.run_id, images) as services:
        env = {
            **job.env,
            CANDIDATE_ENV_VARIABLE: json.dumps(services.candidate_env, sort_keys=True),
        }
        judged = dataclasses.replace(job, env=env)
        run = run_container(client, judged, runtime=runtime, network_mode=services.network_mode)
        used = usage_summary(client, services)
    return dataclasses.replace(run, services=used)


@contextmanager
def running_services(
    client: docker.DockerClient, run_id: str, images: Mapping[str, str]
) -> Iterator[Services]:
    """Start one healthy sidecar per service (name -> image tag); remove them all on exit."""
    password = secrets.token_hex(16)
    started: list[Sidecar] = []
    try:
        for name, image in images.items():
            # The first sidecar owns the namespace; the others join it once it is running.
            network_mode = f"container:{started[0].container_id}" if started else ISOLATED
            container_id = _create(client, run_id, name, image, network_mode, password)
            started.append(Sidecar(name, container_id))
            _start(client, container_id)
            started[-1] = _ready(client, started[-1])
        env: dict[str, str] = {}
        for sidecar in started:
            env.update(RECIPES[sidecar.name].candidate_env(password))
        yield Services(f"container:{started[0].container_id}", env, tuple(started))
    finally:
        for sidecar in reversed(started):
            remove_container(client, sidecar.container_id)


def usage_summary(client: docker.DockerClient, services: Services) -> str:
    """``postgres (used), redis (not used)``: whether each counter moved during the run.

    Read after the judge's container is gone; a counter that has not moved is read once more
    after a short pause, since a server records a closed connection's work as it notices.
    """
    used = {s.name: _moved(client, s, probes=1) for s in services.sidecars}
    if not all(used.values()):
        time.sleep(USAGE_SETTLE_SECONDS)
        used |= {s.name: _moved(client, s, probes=2) for s in services.sidecars if not used[s.name]}
    return ", ".join(f"{name} ({'used' if was else 'not used'})" for name, was in used.items())


def _moved(client: docker.DockerClient, sidecar: Sidecar, *, probes: int) -> bool:
    """Whether the counter moved by more than our own ``probes`` reads since the baseline."""
    try:
        now = _counter(client, sidecar.container_id)
    except InfrastructureError as exc:
        log.warning("cannot tell whether %s was used: %s", sidecar.name, exc)
        return False
    return now - sidecar.baseline > probes * RECIPES[sidecar.name].probe_overhead


def _create(
    client: docker.DockerClient,
    run_id: str,
    name: str,
    image: str,
    network_mode: str,
    password: str,
) -> str:
    recipe = RECIPES[name]
    host_config = client.api.create_host_config(
        network_mode=network_mode,
        read_only=True,
        tmpfs={
            "/tmp": "rw,nosuid,nodev,size=64m,mode=1777",  # noqa: S108 (inside the sidecar)
            **dict.fromkeys(recipe.data, f"rw,nosuid,nodev,size={recipe.disk_mb}m,mode=1777"),
        },
        mem_limit=f"{SIDECAR_MEMORY_MB}m",
        memswap_limit=f"{SIDECAR_MEMORY_MB}m",
        nano_cpus=int(1e9),
        pids_limit=SIDECAR_PIDS,
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        init=True,
        log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
    )
    try:
        created = client.api.create_container(
            image,
            command=[ENTRYPOINT],
            user=recipe.user,
            environment=recipe.sidecar_env(password),
            host_config=host_config,
            labels={
                LABEL_MANAGED: "1",
                LABEL_RUN: run_id,
                LABEL_CREATED: str(int(time.time())),
                "grader.service": name,
            },
        )
    except docker.errors.ImageNotFound as exc:
        raise ImageError(
            f"the {name} service image {image} is missing",
            hint="run `grader setup` to build the images",
        ) from exc
    except DOCKER_FAULTS as exc:
        raise DockerUnavailableError(f"Docker could not create the {name} service: {exc}") from exc
    return str(created["Id"])


def _start(client: docker.DockerClient, container_id: str) -> None:
    try:
        client.api.start(container_id)
    except DOCKER_FAULTS as exc:
        raise DockerUnavailableError(f"Docker could not start a service: {exc}") from exc


def _ready(client: docker.DockerClient, sidecar: Sidecar) -> Sidecar:
    """Wait (bounded) until the service answers its health probe; read its counter then."""
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            state = client.api.inspect_container(sidecar.container_id)["State"]
            if not state.get("Running"):
                raise InfrastructureError(
                    f"the {sidecar.name} service exited (code {state.get('ExitCode')}) before "
                    f"it was ready: {_log_tail(client, sidecar.container_id)}",
                    hint="check the service image (`grader setup` rebuilds it when missing)",
                )
            if _exec(client, sidecar.container_id, [READY])[0] == 0:
                baseline = _counter(client, sidecar.container_id)
                return dataclasses.replace(sidecar, baseline=baseline)
        except DOCKER_FAULTS as exc:
            raise DockerUnavailableError(f"Docker failed while starting services: {exc}") from exc
        if time.monotonic() >= deadline:
            raise InfrastructureError(
                f"the {sidecar.name} service was not ready within {READY_SECONDS:g} s: "
                f"{_log_tail(client, sidecar.container_id)}",
                hint="the machine may be overloaded; the run is safe to retry",
            )
        time.sleep(0.1)


def _counter(client: docker.DockerClient, container_id: str) -> int:
    """The service's activity counter (transactions, commands), read inside the sidecar."""
    try:
        code, output = _exec(client, container_id, [USAGE])
    except DOCKER_FAULTS as exc:
        raise DockerUnavailableError(f"Docker failed while reading a service: {exc}") from exc
    text = output.strip()
    if code != 0 or not text.isdigit():
        raise InfrastructureError(f"a service's usage probe failed (exit {code}): {text[:300]}")
    return int(text)


def _exec(client: docker.DockerClient, container_id: str, argv: list[str]) -> tuple[int, str]:
    exec_id = client.api.exec_create(container_id, ["timeout", str(EXEC_SECONDS), *argv])["Id"]
    output = client.api.exec_start(exec_id)
    code = client.api.exec_inspect(exec_id).get("ExitCode")
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else str(output)
    return (-1 if code is None else int(code)), text


def _log_tail(client: docker.DockerClient, container_id: str) -> str:
    try:
        raw = client.api.logs(container_id, stdout=True, stderr=True, tail=20)
    except DOCKER_FAULTS:
        return "(no log)"
    return raw.decode("utf-8", "replace").strip()[-1500:] or "(no output)"
