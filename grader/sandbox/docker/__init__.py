"""The Docker backend of the sandbox port: containers, sidecars, images, recipes and reaping.

This sub-package is the only part of the grader that talks to the Docker SDK; everything
else goes through :class:`grader.sandbox.Sandbox` and :func:`grader.sandbox.open_sandbox`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable

import docker

from grader.challenge import Challenge
from grader.health import HealthCheck
from grader.models import SandboxRun
from grader.sandbox.docker.container import DOCKER_FAULTS, connect, run_container
from grader.sandbox.docker.images import (
    base_tag,
    challenge_tag,
    ensure_base_image,
    ensure_challenge_image,
    image_exists,
)
from grader.sandbox.docker.reap import reap
from grader.sandbox.docker.services import run_with_services
from grader.sandbox.port import LiveRuns, Progress, ReapedSandbox, SandboxJob, WheelDownloader
from grader.settings import Settings

__all__ = ["DockerSandbox"]


def _quiet(_message: str) -> None:
    return None


class DockerSandbox:
    """The local (or configured) Docker daemon, connected on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        progress: Progress | None = None,
        downloader: WheelDownloader | None = None,
    ) -> None:
        self._settings = settings
        self._progress = progress or _quiet
        self._downloader = downloader
        self._client: docker.DockerClient | None = None
        self._present: set[str] = set()  # image tags seen present since connecting

    @property
    def client(self) -> docker.DockerClient:
        if self._client is None:
            self._client = connect(self._settings.docker_host)
        return self._client

    def image_for(self, challenge: Challenge, python: str) -> str:
        """The challenge's image, built when missing. Tags name their content, so a tag found
        once is not looked up again until :meth:`close` (which a worker calls after an
        infrastructure fault, in case the image went away)."""
        tag = challenge_tag(challenge, self._settings, python)
        if tag not in self._present:
            tag = ensure_challenge_image(
                self.client,
                challenge,
                self._settings,
                self._progress,
                self._downloader,
                python=python,
            )
            self._present.add(tag)
        return tag

    def prepare_base(self, python: str) -> str:
        return ensure_base_image(self.client, self._settings, self._progress, python=python)

    def run(self, job: SandboxJob) -> SandboxRun:
        runtime = self._settings.sandbox_runtime
        if job.services:
            return run_with_services(self.client, job, self._settings, runtime=runtime)
        return run_container(self.client, job, runtime=runtime)

    def health(self, challenges: Iterable[Challenge]) -> tuple[HealthCheck, ...]:
        client = self.client  # raises DockerUnavailableError with the fix when none answers
        try:
            info = client.info()
        except DOCKER_FAULTS as exc:
            return (HealthCheck("docker daemon", False, str(exc)[:200], "check the daemon"),)
        settings = self._settings
        runtime = settings.sandbox_runtime
        checks = [
            HealthCheck("docker daemon", True, f"Docker {info.get('ServerVersion', '?')}"),
            _runtime_check(runtime, sorted(info.get("Runtimes") or {})),
        ]
        base = base_tag(settings)
        has_base = image_exists(client, base)
        checks.append(
            HealthCheck("runner base image", has_base, base, "" if has_base else "grader setup")
        )
        if not has_base and not settings.runner_base_image and shutil.which("debootstrap") is None:
            checks.append(
                HealthCheck(
                    "debootstrap",
                    False,
                    "needed to build the base offline",
                    "apt-get install debootstrap",
                )
            )
        for challenge in challenges:
            for python in challenge.spec.runtime.pythons:
                tag = challenge_tag(challenge, settings, python)
                present = image_exists(client, tag)
                fix = "" if present else "grader setup"
                checks.append(HealthCheck(f"image {challenge.id} ({python})", present, tag, fix))
        return tuple(checks)

    def reap(
        self, older_than_seconds: int, *, live: LiveRuns | None = None, dry_run: bool = False
    ) -> tuple[ReapedSandbox, ...]:
        found = reap(self.client, older_than_seconds=older_than_seconds, live=live, dry_run=dry_run)
        return tuple(found)

    def close(self) -> None:
        self._present.clear()
        if self._client is not None:
            self._client.close()
            self._client = None


def _runtime_check(runtime: str, known: list[str]) -> HealthCheck:
    ok = runtime in known
    fix = "" if ok else f"register {runtime} with dockerd (scripts/setup, docs/sandbox.md)"
    return HealthCheck("sandbox runtime", ok, f"{runtime} (daemon has {', '.join(known)})", fix)
