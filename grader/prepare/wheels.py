"""Binary wheels for the sandbox: ``pip download`` for the sandbox's platform, wheels only.

The cache that keeps them between runs is :mod:`grader.prepare.cache`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.errors import ConfigError
from grader.models import DEFAULT_PYTHON

log = logging.getLogger(__name__)

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
    """Puts wheels for ``requirements`` (and their dependencies) into the folder ``dest``,
    giving up after ``timeout`` seconds."""

    def __call__(
        self, requirements: Sequence[str], dest: Path, *, timeout: float = ...
    ) -> Download: ...


def pip_download(
    requirements: Sequence[str],
    dest: Path,
    *,
    timeout: float = PIP_TIMEOUT_SECONDS,
    python: str = DEFAULT_PYTHON,
) -> Download:
    """The real downloader: ``pip download`` for Linux x86_64 / CPython ``python``, wheels only."""
    timeout = min(timeout, PIP_TIMEOUT_SECONDS)
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
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Download(error=f"pip download took longer than {timeout:.0f} s")
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
