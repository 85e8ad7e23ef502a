"""``serve_app``: start a long-running candidate server and wait until its port accepts."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import _config, _proc
from ._proc import CandidateProcess
from .errors import CandidateError, CandidateStartupTimeout, CandidateTimeout, CandidateVerdict
from .workspace import current_workspace


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_until_ready(proc: CandidateProcess, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not _accepts(port):
        if proc.proc.poll() is not None:
            proc.stop()
            verdict = proc.verdict(timed_out=False, seconds=seconds, failed=True)
            if verdict is not None:
                raise verdict
            tail = proc.stderr.tail(1500).strip() or "(no output on stderr)"
            msg = (
                f"{_proc.describe(proc.argv)} exited with code {proc.proc.returncode} before it "
                f"accepted connections on port {port}: {tail}"
            )
            raise CandidateError(msg)
        if time.monotonic() > deadline:
            proc.stop()
            verdict = proc.verdict(timed_out=True, seconds=seconds, failed=True)
            if verdict is not None and not isinstance(verdict, CandidateTimeout):
                raise verdict
            msg = f"{_proc.describe(proc.argv)} did not accept connections on port {port}"
            msg += f" within {seconds:g} s"
            raise CandidateStartupTimeout(msg)
        time.sleep(0.05)


@contextmanager
def serve_app(
    command: Sequence[str] | str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    port: int | None = None,
    ready_timeout: float | None = None,
) -> Iterator[str]:
    """Run ``command`` as the candidate with ``PORT`` set; yield ``http://127.0.0.1:PORT``.

    A string command runs through ``/bin/sh -c`` (so ``$PORT`` expands); a list runs as is.
    On exit every process of the server is killed. If the test fails because the server was
    OOM-killed or hit the process limit, that verdict replaces the test's own error.
    """
    argv = ["/bin/sh", "-c", command] if isinstance(command, str) else list(command)
    port = port or free_port()
    seconds = ready_timeout if ready_timeout is not None else _config.test_seconds()
    folder = Path(cwd) if cwd is not None else current_workspace()
    proc = CandidateProcess(argv, cwd=folder, env={**(env or {}), "PORT": str(port)}, session=True)
    try:
        _wait_until_ready(proc, port, seconds)
        yield f"http://127.0.0.1:{port}"
    except Exception as exc:
        proc.stop()
        verdict = proc.verdict(timed_out=False, seconds=seconds, failed=True)
        if verdict is not None and not isinstance(exc, CandidateVerdict):
            raise verdict from exc
        raise
    finally:
        proc.stop()
