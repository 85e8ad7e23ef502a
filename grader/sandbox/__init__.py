"""The sandbox stage, as a port: one fresh, isolated sandbox per run, judge and candidate in
separate uids.

At its face: the :class:`Sandbox` protocol, the backend-neutral :class:`SandboxJob`, the
judge's file layout (:mod:`grader.sandbox.layout`) and :func:`open_sandbox`. Backends live in
sub-packages (``grader/sandbox/docker/``) and are imported only when opened.
"""

from __future__ import annotations

from grader.sandbox.port import (
    Progress,
    ReapedSandbox,
    Sandbox,
    SandboxBackend,
    SandboxJob,
    WheelDownloader,
    WheelResult,
)
from grader.settings import Settings

__all__ = [
    "Progress",
    "ReapedSandbox",
    "Sandbox",
    "SandboxBackend",
    "SandboxJob",
    "WheelDownloader",
    "WheelResult",
    "open_sandbox",
]


def open_sandbox(
    settings: Settings,
    *,
    progress: Progress | None = None,
    downloader: WheelDownloader | None = None,
) -> SandboxBackend:
    """The configured backend (Docker, with ``GRADER_SANDBOX_RUNTIME``), connected on first use.

    ``downloader`` fetches the pinned wheels a challenge image installs; without one, a
    challenge image that needs wheels not yet downloaded fails to build with a clear error.
    """
    from grader.sandbox.docker import DockerSandbox  # noqa: PLC0415 - load the backend on use

    return DockerSandbox(settings, progress=progress, downloader=downloader)
