"""The sandbox port: what the rest of the grader may ask of a sandbox, whatever runs it.

A backend (today :mod:`grader.sandbox.docker`) implements :class:`SandboxBackend`; the pipeline,
``grader challenges validate``, the CLI and the worker's reaper only ever see this protocol
and :func:`grader.sandbox.open_sandbox`. The fake is ``grader.testing.FakeSandbox``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from grader.challenge import Challenge
from grader.health import HealthCheck
from grader.models import Limits, SandboxRun

Progress = Callable[[str], None]
LiveRuns = Callable[[Collection[str]], Collection[str]]  # run ids -> those with a live claim


@dataclass(frozen=True, slots=True)
class SandboxJob:
    """One judge run, in backend-neutral terms: the image, the files, the limits, the services.

    ``judge_files`` are keyed relative to the judge's folder (see :mod:`grader.sandbox.layout`),
    e.g. ``tests/test_x.py``; ``services`` names the sidecars the challenge declares
    (``postgres``, ``redis``), which the backend starts beside the judge on loopback only.
    """

    run_id: str
    image: str  # what :meth:`Sandbox.image_for` returned for the challenge
    limits: Limits
    judge_files: Mapping[str, bytes]
    submission_tar: bytes = field(repr=False)  # the candidate tree, already normalised
    env: Mapping[str, str] = field(default_factory=dict)  # added to the judge's environment
    services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReapedSandbox:
    """A sandbox (or sidecar) that outlived its run and was removed."""

    sandbox_id: str
    run_id: str
    age_seconds: int


class WheelResult(Protocol):
    """How a wheel download went (``grader.prepare.Download`` fits)."""

    @property
    def ok(self) -> bool: ...

    @property
    def error(self) -> str: ...


class WheelDownloader(Protocol):
    """Puts wheels for pinned ``requirements`` and one Python into ``dest``: a challenge
    image's own wheels.

    Passed in by the caller (``grader.prepare.pip_download``), so the sandbox stage does not
    import the prepare stage.
    """

    def __call__(self, requirements: Sequence[str], dest: Path, *, python: str) -> WheelResult: ...


class Sandbox(Protocol):
    """What grading needs: a challenge's image, and a judge run in a fresh sandbox."""

    def image_for(self, challenge: Challenge, python: str) -> str:
        """The image the challenge runs in on ``python`` (one of its offered versions),
        prepared (built) first when it is missing."""
        ...

    def run(self, job: SandboxJob) -> SandboxRun:
        """Run the judge once, in a fresh sandbox that is gone when this returns."""
        ...


class SandboxBackend(Sandbox, Protocol):
    """A whole backend: grading, plus the operations that look after it (images, orphans)."""

    def prepare_base(self, python: str) -> str:
        """The runner base for ``python`` challenge images start from, prepared when missing."""
        ...

    def health(self, challenges: Iterable[Challenge]) -> tuple[HealthCheck, ...]:
        """Whether this backend can grade: reachable, base and challenge images present."""
        ...

    def reap(
        self, older_than_seconds: int, *, live: LiveRuns | None = None, dry_run: bool = False
    ) -> tuple[ReapedSandbox, ...]:
        """Remove every sandbox of this backend older than ``older_than_seconds`` (0 or more),
        except those of runs ``live`` says still hold a claim; ``dry_run`` only lists them."""
        ...

    def close(self) -> None: ...
