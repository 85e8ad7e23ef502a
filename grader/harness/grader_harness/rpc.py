"""``functions``: call the candidate's functions in a long-lived candidate process.

Requests and replies are JSON lines over the process's stdin/stdout (see ``_shim``). The judge
side enforces a per-call timeout, caps reply size, and turns every way the process can fail
into ``CandidateError``, ``CandidateTimeout`` or ``CandidateResourceLimit``.
"""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import _config
from ._proc import FORK_FAILURES, POLL, CandidateProcess, oom_words
from ._shim import SHIM_SOURCE
from .errors import CandidateError, CandidateResourceLimit, CandidateTimeout, CandidateVerdict
from .workspace import current_workspace


class FunctionsClient:
    """Calls ``module.<name>(*args, **kwargs)`` in the candidate process; values cross as JSON."""

    def __init__(self, module: str, *, cwd: Path, timeout: float) -> None:
        self.module, self.cwd, self.timeout = module, cwd, timeout
        self._proc: CandidateProcess | None = None
        self._next_id = 0

    def __repr__(self) -> str:  # shows in assertion messages: keep it short and stable
        return f"functions({self.module!r})"

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Run one candidate function and return its JSON-decoded result."""
        proc = self._started()
        self._next_id += 1
        ident = self._next_id
        request = json.dumps({"id": ident, "name": name, "args": args, "kwargs": kwargs})
        assert proc.proc.stdin is not None
        try:
            proc.proc.stdin.write(request.encode("utf-8") + b"\n")
            proc.proc.stdin.flush()
        except OSError:
            pass  # it died: the reply loop below reports how
        what = f"{self.module}.{name}()"
        reply = self._reply(proc, ident, what)
        if reply.get("ok"):
            return reply.get("value")
        raise self._error(reply, what)

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stop()
            self._proc = None

    def _started(self) -> CandidateProcess:
        if self._proc is not None:
            return self._proc
        argv = ["python3", "-I", "-S", "-B", "-u", "-c", SHIM_SOURCE, self.module]
        argv.append(str(_config.deps_dir()))
        proc = CandidateProcess(argv, cwd=self.cwd, keep_stdin=True, line_stdout=True, session=True)
        self._proc = proc
        self._next_id = 0
        reply = self._reply(proc, 0, f"import {self.module}")
        if not reply.get("ok"):
            self.close()
            error = self._error(reply, f"import {self.module}")
            if isinstance(error, CandidateVerdict):
                raise error
            raise CandidateError(
                f"could not import {self.module}: {error}", exc_type=error.exc_type
            )
        return proc

    def _reply(self, proc: CandidateProcess, ident: int, what: str) -> dict[str, Any]:
        assert proc.lines is not None
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = proc.lines.queue.get(timeout=max(0.0, min(POLL, remaining)))
            except queue.Empty:
                if remaining <= POLL or proc.at_limit():
                    raise self._dead(proc, what, timed_out=True) from None
                continue
            if line is None:
                raise self._dead(proc, what, timed_out=False)
            if not line:
                self.close()
                raise CandidateError(f"{what} returned a value larger than the reply limit")
            try:
                reply = json.loads(line)
            except ValueError:
                continue  # not ours: candidate code wrote to the protocol pipe
            if isinstance(reply, dict) and reply.get("id") == ident:
                return reply

    def _dead(self, proc: CandidateProcess, what: str, *, timed_out: bool) -> Exception:
        """The process hung or ended mid-call: stop it and say why."""
        if not timed_out:
            proc.wait(1.0)  # it closed its end: let it finish exiting so its status is known
        self._proc = None
        proc.stop()
        verdict = proc.verdict(timed_out=timed_out, seconds=self.timeout, failed=True)
        if verdict is not None:
            return _reworded(verdict, what, self.timeout)
        tail = proc.stderr.tail(1500).strip() or "(no output on stderr)"
        code = proc.proc.returncode
        return CandidateError(
            f"the candidate process exited with code {code} during {what}: {tail}"
        )

    def _error(self, reply: dict[str, Any], what: str) -> CandidateError | CandidateVerdict:
        if "not_json" in reply:
            return CandidateError(f"{what} returned a value that is not JSON: {reply['not_json']}")
        exc_type, text = str(reply.get("type", "")), str(reply.get("error", ""))
        if any(marker in f"{exc_type}: {text}" for marker in FORK_FAILURES):
            self.close()
            return CandidateResourceLimit(
                f"{what} hit the process limit ({_config.candidate_nproc()} processes)"
            )
        return CandidateError(f"{exc_type}: {text}" if exc_type else text, exc_type=exc_type)


def _reworded(verdict: CandidateVerdict, what: str, seconds: float) -> CandidateVerdict:
    """Name the function call, not the shim's command line, in verdict messages."""
    if isinstance(verdict, CandidateTimeout):
        return CandidateTimeout(f"{what} did not finish within {seconds:g} s")
    if "process limit" in str(verdict):
        nproc = _config.candidate_nproc()
        return CandidateResourceLimit(f"{what} hit the process limit ({nproc} processes)")
    return CandidateResourceLimit(f"{what} was {oom_words()}")


@contextmanager
def functions(
    module: str, *, cwd: str | Path | None = None, timeout: float | None = None
) -> Iterator[FunctionsClient]:
    """A client for ``module`` imported from ``cwd`` (default: the test's workspace).

    ``timeout`` is per call (default: the challenge's per-test seconds). After a timeout or
    a crash the next call starts a fresh process.
    """
    folder = Path(cwd) if cwd is not None else current_workspace()
    seconds = timeout if timeout is not None else _config.test_seconds()
    client = FunctionsClient(module, cwd=folder, timeout=seconds)
    try:
        yield client
    finally:
        client.close()
