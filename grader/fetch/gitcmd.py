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
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import git

from grader.errors import ConfigError, GitHostError
from grader.fetch.classify import HOST_HINT, classify, summarise
from grader.fetch.credentials import Credential, helper_config

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
_POLL_SECONDS = 0.05
_CHUNK_BYTES = 64 * 1024


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

    def __init__(
        self,
        workdir: Path,
        *,
        url: str,
        deadline: Deadline,
        credential: Credential | None = None,
        scheme: str | None = None,
    ) -> None:
        self.workdir = workdir
        self.url = url
        self.git_dir = workdir / "repo.git"
        self._deadline = deadline
        scheme = scheme or url.split("://", 1)[0]
        git_bin, env_bin = shutil.which("git"), shutil.which("env")
        if git_bin is None or env_bin is None:
            raise ConfigError("git is not installed", hint="install git on the worker")
        pairs = [f"{k}={v}" for k, v in hardened_env(workdir, scheme).items()]
        config = hardened_config(scheme)
        if credential is not None:  # the secret stays in a 0600 file; only its path is argv
            config += helper_config(credential, workdir)
        self._prefix = [env_bin, "-i", *pairs, git_bin, *config]
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

    @contextlib.contextmanager
    def popen(self, *args: str, in_repo: bool = True) -> Iterator[subprocess.Popen[bytes]]:
        """Start ``git <args>`` with its output on a pipe, for callers that may stop it early.

        When the block raises, git is killed and the error stands; otherwise git is awaited
        (killed at the fetch deadline) and a non-zero exit raises the classified error."""
        timeout = self._deadline.remaining(self.url)
        command = [*self._prefix, *([f"--git-dir={self.git_dir}"] if in_repo else []), *args]
        errors = self.workdir / "stderr.txt"
        with errors.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr
            )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            yield process
        except BaseException:
            process.kill()
            raise
        finally:
            if process.stdout is not None:
                process.stdout.close()
            status = process.wait()
            timer.cancel()
        if status != 0:
            text = errors.read_text(encoding="utf-8", errors="replace")
            if status < 0 and self._deadline_passed():
                text = f"timeout: the command git {args[0]} did not complete in time\n{text}"
            logger.info("git %s failed for %s: %s", args[0], self.url, summarise(text))
            raise classify(text, url=self.url, timeout_seconds=self._deadline.seconds)

    def watch(self, *args: str, check: Callable[[], None]) -> None:
        """Run ``git <args>``, calling ``check`` every few milliseconds until it ends;
        ``check`` raises to stop it (e.g. when the objects it writes pass a size cap)."""
        with self.popen(*args) as process:
            exited = _pidfd(process.pid)
            try:
                while process.poll() is None:
                    check()
                    if exited is None:
                        time.sleep(_POLL_SECONDS)
                    else:  # wakes the moment git exits, not up to a poll interval later
                        select.select([exited], [], [], _POLL_SECONDS)
                check()
            finally:
                if exited is not None:
                    os.close(exited)

    def _deadline_passed(self) -> bool:
        try:
            self._deadline.remaining(self.url)
        except GitHostError:
            return True
        return False


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when ``pid`` exits (Linux 5.3+), or ``None``."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def records(process: subprocess.Popen[bytes]) -> Iterator[bytes]:
    """The NUL-terminated records a running git command writes, one at a time."""
    if process.stdout is None:
        return
    pending = b""
    while chunk := os.read(process.stdout.fileno(), _CHUNK_BYTES):
        pending += chunk
        *done, pending = pending.split(b"\0")
        yield from done
    if pending:
        yield pending
