"""Binary wheels for the sandbox, downloaded on the host into a cache keyed by content.

A cache entry is a folder named after the sha256 of the normalised requirement list and the
target platform; it is complete once it holds ``.complete``, and a complete entry is used
without any network. Downloads land in a temporary sibling folder that is renamed into
place, so a crash or a concurrent worker never leaves a half-filled entry behind.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.errors import ConfigError, InfrastructureError
from grader.models import DEFAULT_PYTHON

log = logging.getLogger(__name__)

MARKER = ".complete"
PIP_TIMEOUT_SECONDS = 600
PLATFORMS = (
    "--only-binary=:all:",
    *("--platform", "manylinux2014_x86_64"),
    *("--platform", "manylinux_2_17_x86_64"),
    *("--platform", "manylinux_2_28_x86_64"),
    *("--platform", "any"),
)


def target(python: str = DEFAULT_PYTHON) -> tuple[str, ...]:
    """pip's options for binary wheels that load in the sandbox's CPython ``python``."""
    abi = "cp" + python.replace(".", "")
    return (*PLATFORMS, "--python-version", python, "--implementation", "cp", "--abi", abi)


TARGET = target()  # the default Python's
UNREACHABLE = "package index unreachable"
_NETWORK_SIGNS = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "ConnectTimeoutError",
    "ProxyError",
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Download:
    """How one download went: the wheels, or pip's reason for failing."""

    wheels: tuple[Path, ...] = ()
    error: str = ""  # empty when it worked
    unreachable: bool = False  # the package index could not be reached at all

    @property
    def ok(self) -> bool:
        return not self.error


class Downloader(Protocol):
    """Puts wheels for ``requirements`` (and their dependencies) into the folder ``dest``."""

    def __call__(self, requirements: Sequence[str], dest: Path) -> Download: ...


def pip_download(
    requirements: Sequence[str], dest: Path, *, python: str = DEFAULT_PYTHON
) -> Download:
    """The real downloader: ``pip download`` for Linux x86_64 / CPython ``python``, wheels only."""
    if importlib.util.find_spec("pip") is None:
        raise ConfigError(
            f"pip is not installed for {sys.executable}",
            hint="install pip into the grader's environment, or set "
            "GRADER_ALLOW_DEPENDENCY_DOWNLOAD=false",
        )
    argv = [sys.executable, "-m", "pip", "download", *target(python), "--disable-pip-version-check"]
    argv += ["--no-input", "--progress-bar", "off", "--retries", "2", "--timeout", "30"]
    argv += ["-d", str(dest), *requirements]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=PIP_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Download(error=f"pip download took longer than {PIP_TIMEOUT_SECONDS} s")
    if done.returncode == 0:
        return Download()
    output = done.stdout + "\n" + done.stderr
    if any(sign in output for sign in _NETWORK_SIGNS):
        return Download(error=UNREACHABLE, unreachable=True)
    return Download(error=error_line(output))


def error_line(output: str) -> str:
    """pip's first ``ERROR:`` line (where it states the cause), else its last line; cleaned."""
    lines = [_CONTROL.sub("", _ANSI.sub("", line)).strip() for line in output.splitlines()]
    errors = [line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")]
    chosen = errors[0] if errors else next((line for line in reversed(lines) if line), "")
    return (chosen or "pip download failed without a message")[:300]


def cache_key(requirements: Sequence[str], python: str = DEFAULT_PYTHON) -> str:
    """sha256 of the sorted, de-duplicated requirements and the target platform."""
    text = "\n".join(sorted(set(requirements))) + "\n" + " ".join(target(python))
    return hashlib.sha256(text.encode()).hexdigest()


class WheelCache:
    """Wheels per requirement set under ``root``; downloads only on a miss, when allowed."""

    def __init__(
        self,
        root: Path,
        downloader: Downloader,
        *,
        allow_download: bool,
        python: str = DEFAULT_PYTHON,
    ) -> None:
        self.root = root
        self._downloader = downloader  # already downloads for ``python``
        self._allow_download = allow_download
        self._python = python

    def fetch(self, requirements: Sequence[str]) -> Download:
        entry = self.root / cache_key(requirements, self._python)
        if (entry / MARKER).is_file():
            log.debug("wheel cache hit %s", entry.name)
            return Download(wheels=_wheels_in(entry))
        if not self._allow_download:
            return Download(
                error="downloads disabled (GRADER_ALLOW_DEPENDENCY_DOWNLOAD) and not in the cache"
            )
        log.info("downloading wheels for %d requirement(s) into %s", len(requirements), entry)
        try:
            return self._download(sorted(set(requirements)), entry)
        except OSError as error:
            raise InfrastructureError(
                f"wheel cache {self.root} is not usable: {error}",
                hint="make GRADER_HOME writable and check free disk space",
            ) from error

    def _download(self, requirements: list[str], entry: Path) -> Download:
        self.root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{entry.name[:16]}-", dir=self.root))
        try:
            result = self._downloader(requirements, scratch)
            if not result.ok:
                return result
            (scratch / MARKER).write_text(json.dumps(requirements) + "\n", encoding="utf-8")
            _publish(scratch, entry)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return Download(wheels=_wheels_in(entry))


def _publish(scratch: Path, entry: Path) -> None:
    if entry.is_dir() and not (entry / MARKER).is_file():
        shutil.rmtree(entry)  # an incomplete entry someone left by hand: replace it
    try:
        scratch.rename(entry)
    except OSError:
        if not (entry / MARKER).is_file():  # not a concurrent worker finishing first
            raise


def _wheels_in(entry: Path) -> tuple[Path, ...]:
    return tuple(sorted(path.resolve() for path in entry.glob("*.whl")))
