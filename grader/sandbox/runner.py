"""The sandbox as the pipeline sees it: a Protocol, and the real Docker-backed implementation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import docker

from grader.challenge import Challenge
from grader.models import SandboxRun
from grader.sandbox.docker import SandboxJob, connect, run_sandbox
from grader.sandbox.images import ensure_challenge_image
from grader.sandbox.services import run_with_services
from grader.settings import Settings


class Sandbox(Protocol):
    """Runs a judge job in isolation. Real: :class:`DockerSandbox`; fake: ``grader.testing``."""

    def image_for(self, challenge: Challenge) -> str: ...

    def run(self, job: SandboxJob) -> SandboxRun: ...


class DockerSandbox:
    """The real sandbox: the local (or configured) Docker daemon, connected on first use."""

    def __init__(self, settings: Settings, progress: Callable[[str], None] | None = None) -> None:
        self._settings = settings
        self._progress = progress or (lambda _message: None)
        self._client: docker.DockerClient | None = None

    @property
    def client(self) -> docker.DockerClient:
        if self._client is None:
            self._client = connect(self._settings.docker_host)
        return self._client

    def image_for(self, challenge: Challenge) -> str:
        return ensure_challenge_image(self.client, challenge, self._settings, self._progress)

    def run(self, job: SandboxJob) -> SandboxRun:
        if job.services:
            return run_with_services(self.client, job)
        return run_sandbox(self.client, job)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
