"""Run git with everything that could reach out, prompt, or run a program switched off.

GitPython drives the git binary. Its ``execute`` always merges ``os.environ`` into the
child's environment, so git is started through ``env -i``: git sees exactly the variables
chosen here (plus proxy and CA settings passed through from the worker), never a stray
``GIT_DIR``, ``GIT_CONFIG_PARAMETERS``, ``GIT_SSL_NO_VERIFY`` or ``GIT_ASKPASS``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from pathlib import Path

import git

from grader.errors import ConfigError, GitHostError
from grader.fetch.classify import HOST_HINT, classify, summarise

logger = logging.getLogger(__name__)

_PASSTHROUGH = (
    "PATH",
    "http_proxy",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "GIT_SSL_CAINFO",
    "GIT_SSL_CAPATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "CURL_CA_BUNDLE",
)
_LOOPBACK = "localhost,127.0.0.1,::1"
_LOW_SPEED_BYTES_PER_SECOND = "1000"
_LOW_SPEED_SECONDS = "30"


def hardened_env(home: Path, scheme: str) -> dict[str, str]:
    """The whole environment git runs with; only ``scheme`` (https, or http) may be spoken."""
    inherited = {name: os.environ[name] for name in _PASSTHROUGH if name in os.environ}
    no_proxy = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    return {
        **inherited,
        "no_proxy": f"{no_proxy},{_LOOPBACK}".lstrip(","),
        "HOME": str(home),
        "LC_ALL": "C",
        "LANGUAGE": "C",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_ALLOW_PROTOCOL": scheme,
        "GIT_HTTP_LOW_SPEED_LIMIT": _LOW_SPEED_BYTES_PER_SECOND,
        "GIT_HTTP_LOW_SPEED_TIME": _LOW_SPEED_SECONDS,
    }


def hardened_config(scheme: str) -> list[str]:
    """``-c`` options for every git command: one protocol, no redirects, hooks or helpers."""
    options = {
        "protocol.allow": "never",
        f"protocol.{scheme}.allow": "always",
        "http.followRedirects": "false",
        "http.sslVerify": "true",
        "core.hooksPath": os.devnull,
        "core.symlinks": "false",
        "core.fsmonitor": "false",
        "core.askPass": "",
        "credential.helper": "",
        "transfer.bundleURI": "false",
        "submodule.recurse": "false",
        "fetch.recurseSubmodules": "false",
        "fetch.fsckObjects": "true",
        "fetch.fsck.zeroPaddedFilemode": "ignore",
        "fetch.fsck.badTimezone": "ignore",
        "fetch.writeCommitGraph": "false",
        "gc.auto": "0",
        "maintenance.auto": "false",
    }
    return [arg for key, value in options.items() for arg in ("-c", f"{key}={value}")]


class Deadline:
    """One time budget shared by every git command of a fetch."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self, url: str) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            msg = f"fetching {url} took longer than {self.seconds:g} seconds"
            raise GitHostError(msg, hint=HOST_HINT)
        return left


class GitRunner:
    """Runs hardened git commands in one scratch folder for one repository URL."""

    def __init__(self, workdir: Path, *, url: str, deadline: Deadline) -> None:
        self.workdir = workdir
        self.url = url
        self.git_dir = workdir / "repo.git"
        self._deadline = deadline
        scheme = url.split("://", 1)[0]
        git_bin, env_bin = shutil.which("git"), shutil.which("env")
        if git_bin is None or env_bin is None:
            raise ConfigError("git is not installed", hint="install git on the worker")
        pairs = [f"{k}={v}" for k, v in hardened_env(workdir, scheme).items()]
        self._prefix = [env_bin, "-i", *pairs, git_bin, *hardened_config(scheme)]
        self._git = git.Git(str(workdir))

    def run(self, *args: str, stdin: Path | None = None, in_repo: bool = True) -> bytes:
        """Run ``git [--git-dir=...] <args>``; raise the classified error when it fails."""
        timeout = self._deadline.remaining(self.url)
        command = [*self._prefix, *([f"--git-dir={self.git_dir}"] if in_repo else []), *args]
        with stdin.open("rb") if stdin else contextlib.nullcontext() as stream:
            status, out, err = self._git.execute(
                command,
                istream=stream,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
                kill_after_timeout=timeout,
            )
        if status != 0:
            logger.info("git %s failed for %s: %s", args[0], self.url, summarise(str(err)))
            raise classify(str(err), url=self.url, timeout_seconds=self._deadline.seconds)
        return bytes(out)
