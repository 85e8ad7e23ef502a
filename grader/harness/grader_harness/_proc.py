"""One candidate process: started as the candidate uid, output drained, stopped, judged.

Output is read by background threads into bounded buffers (the rest is counted and dropped),
so a candidate that prints forever neither blocks on a full pipe nor fills the judge's memory.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from . import _config, _uid
from .errors import CandidateError, CandidateResourceLimit, CandidateTimeout, CandidateVerdict

OUTPUT_CAP = 1024 * 1024
LINE_CAP = 16 * 1024 * 1024
FORK_FAILURES = ("BlockingIOError", "Resource temporarily unavailable", "Cannot fork")
LIMIT_GRACE = 1.0  # seconds a command may sit at the process limit before it is stopped
POLL = 0.25  # seconds between looks at the candidate's process count while waiting
_active_sessions = 0  # long-lived helpers running now (serve_app, functions)


class _CandidateClock:
    """Wall time with at least one counted candidate process alive, per hidden test.

    Each counted process is live from spawn (just before ``Popen``) until the judge has reaped
    it. Overlapping processes (a server and a CLI call beside it) count once: the clock runs
    while *any* is alive, so a test's candidate time never exceeds its own duration. A server
    that outlives a test (module scope) is split at test boundaries: each test gets the time
    it spent with the server running.
    """

    def __init__(self) -> None:
        self.live = 0
        self.since = 0.0
        self.total = 0.0

    def started(self) -> None:
        if self.live == 0:
            self.since = time.monotonic()
        self.live += 1

    def ended(self) -> None:
        self.live = max(0, self.live - 1)
        if self.live == 0:
            self.total += time.monotonic() - self.since

    def take(self) -> float:
        """The time counted since the last ``take`` (a live process's time so far included)."""
        now = time.monotonic()
        if self.live:
            self.total += now - self.since
            self.since = now
        total, self.total = self.total, 0.0
        return total


_clock = _CandidateClock()


def take_candidate_seconds() -> float:
    """Seconds with a counted candidate process alive since the last call (the plugin calls it
    when a test starts, to forget the time between tests, and when its teardown is reported)."""
    return _clock.take()


def enter_session() -> None:
    global _active_sessions  # noqa: PLW0603 - one judge process, one counter
    _active_sessions += 1


def leave_session() -> None:
    global _active_sessions  # noqa: PLW0603
    _active_sessions = max(0, _active_sessions - 1)


def sessions_active() -> bool:
    return _active_sessions > 0


def home() -> Path:
    """``$HOME`` for candidate processes: a shared, sticky folder under the work dir."""
    path = _config.work_dir() / "home"
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o1777)
    return path


def candidate_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {
        **_config.service_env(),  # DATABASE_URL, REDIS_URL... when the challenge has services
        "PATH": _config.candidate_path(),
        "HOME": str(home()),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(_config.deps_dir()),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.update({str(key): str(value) for key, value in (extra or {}).items()})
    return env


def describe(argv: Sequence[str]) -> str:
    text = shlex.join(argv)
    return f"`{text[:200]}...`" if len(text) > 200 else f"`{text}`"


class Drain:
    """Reads a pipe to its end, keeping the first ``cap`` bytes.

    With ``thread`` a background thread reads it; without, the pipe is non-blocking and the
    owner calls :meth:`feed` when it is readable (``CandidateProcess.wait``), and
    :meth:`text` reads the rest: no thread to start per command.
    """

    def __init__(self, stream: IO[bytes], cap: int = OUTPUT_CAP, *, thread: bool = True) -> None:
        self._stream, self._cap = stream, cap
        self.fd = stream.fileno()
        self._chunks: list[bytes] = []
        self._kept = self._dropped = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if thread:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        else:
            os.set_blocking(self.fd, False)

    def _keep(self, chunk: bytes) -> None:
        with self._lock:
            keep = chunk[: max(0, self._cap - self._kept)]
            self._chunks.append(keep)
            self._kept += len(keep)
            self._dropped += len(chunk) - len(keep)

    def _run(self) -> None:
        while chunk := os.read(self.fd, 65536):
            self._keep(chunk)
        self._stream.close()

    def feed(self) -> bool:
        """Keep what the pipe holds now (threadless mode); ``False`` once it has ended."""
        if self._stream.closed:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except BlockingIOError:
            return True
        if chunk:
            self._keep(chunk)
            return True
        self._stream.close()
        return False

    def finish(self, wait: float = 5.0) -> None:
        """Threadless mode: read to the end of the stream, for at most ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while not self._stream.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._stream.close()  # a process that escaped the kill holds it: stop here
                return
            readable, _w, _x = select.select([self.fd], [], [], remaining)
            if readable:
                self.feed()

    def text(self, wait: float = 5.0) -> str:
        """Everything kept, once the stream ended (or ``wait`` seconds passed)."""
        if self._thread is not None:
            self._thread.join(wait)
        else:
            self.finish(wait)
        with self._lock:
            data, dropped = b"".join(self._chunks), self._dropped
        text = data.decode("utf-8", errors="replace")
        if dropped:
            text += f"\n[grader: {dropped} more bytes discarded, output capped at {self._cap}]"
        return text

    def tail(self, size: int = 2000) -> str:
        with self._lock:
            data = b"".join(self._chunks)[-size:]
        return data.decode("utf-8", errors="replace")


class Lines:
    """Reads newline-terminated messages from a pipe into a queue; ``None`` marks the end."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.queue: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        fd, pending, oversized = self._stream.fileno(), b"", False
        while chunk := os.read(fd, 65536):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                self.queue.put(b"" if oversized else line)
                oversized = False
            if len(pending) > LINE_CAP:
                pending, oversized = b"", True
        self._stream.close()
        self.queue.put(None)


class CandidateProcess:
    """A running candidate command, with its output drained and its fate recorded."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        keep_stdin: bool = False,
        line_stdout: bool = False,
        session: bool = False,
        counted: bool = True,
        threads: bool = True,
    ) -> None:
        """``counted=False`` for the judge's own chores run as the candidate (workspace copies
        and resets): their time is the harness's, not the candidate's.

        ``threads=False`` for a command the caller waits for at once (:meth:`wait`, then
        :meth:`stop`): :meth:`wait` reads its output and feeds its stdin itself, so no thread
        is started for it. Long-lived helpers (``session``, ``line_stdout``, ``keep_stdin``)
        always use threads: their output must flow while the test does other things.
        """
        self.argv = list(argv)
        self._oom_before = _uid.oom_kills()
        self._stopped = False
        self.killed = False
        self.tasks_seen = 0
        self._limit_since: float | None = None  # when the candidate was seen at its limit
        self._counted = False
        if counted:
            _clock.started()
        try:
            self.proc = _start(self.argv, cwd, env, piped_stdin=stdin is not None or keep_stdin)
        except BaseException:
            if counted:
                _clock.ended()
            raise
        self._counted = counted
        self._pidfd = _pidfd(self.proc.pid)
        self._session = session  # a long-lived helper: others must not kill it meanwhile
        if session:
            enter_session()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        inline = not (threads or session or line_stdout or keep_stdin) and self._pidfd is not None
        self.lines = Lines(self.proc.stdout) if line_stdout else None
        self.stdout = None if line_stdout else Drain(self.proc.stdout, thread=not inline)
        self.stderr = Drain(self.proc.stderr, thread=not inline)
        self._poller: select.poll | None = None
        self._handlers: dict[int, Callable[[], bool]] = {}
        self._stdin_left = b""
        if inline:
            self._inline(stdin)
        elif stdin is not None and not keep_stdin:
            threading.Thread(target=self._feed, args=(stdin,), daemon=True).start()

    def _inline(self, stdin: bytes | None) -> None:
        """Threadless mode: one poll over the pidfd, stdout, stderr and stdin (``wait``)."""
        assert self.stdout is not None and self._pidfd is not None
        self._poller = select.poll()
        self._poller.register(self._pidfd, select.POLLIN)
        for drain in (self.stdout, self.stderr):
            self._poller.register(drain.fd, select.POLLIN)
            self._handlers[drain.fd] = drain.feed
        if self.proc.stdin is not None:
            self._stdin_left = stdin or b""
            if self._stdin_left:
                os.set_blocking(self.proc.stdin.fileno(), False)
                self._poller.register(self.proc.stdin.fileno(), select.POLLOUT)
                self._handlers[self.proc.stdin.fileno()] = self._write_some
            else:
                self.proc.stdin.close()

    def _write_some(self) -> bool:
        """Threadless mode: give the candidate's stdin what it takes now; ``False`` when done."""
        assert self.proc.stdin is not None
        try:
            written = os.write(self.proc.stdin.fileno(), self._stdin_left[:65536])
        except BlockingIOError:
            return True
        except OSError:  # the candidate closed its stdin or exited: nothing more to give
            written = len(self._stdin_left)
        self._stdin_left = self._stdin_left[written:]
        if self._stdin_left:
            return True
        self.proc.stdin.close()
        return False

    def _feed(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.close()
        except (OSError, ValueError):
            pass  # the candidate closed its stdin or exited, or we closed it: nothing to give

    def wait(self, seconds: float) -> bool:
        """Whether the process exited within ``seconds``.

        A command that stays at the process limit (:meth:`at_limit`) is not waited for any
        longer: nothing it does from there on can succeed, and :meth:`verdict` will call it a
        resource limit, not a timeout.
        """
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if self._exited_within(max(0.0, min(POLL, remaining))):
                self._reaped()
                return True
            if remaining <= POLL or self.at_limit():
                return False

    def _exited_within(self, seconds: float) -> bool:
        """Whether the process exited (and was reaped) within ``seconds``.

        With a pidfd the judge wakes the moment the process exits; ``Popen.wait(timeout)``
        alone polls with sleeps of up to 50 ms, which every short command would pay.
        """
        if self._poller is not None and self.proc.returncode is None:
            if not self._pump(seconds):
                return False
        elif self._pidfd is not None and self.proc.returncode is None:
            poller = select.poll()
            poller.register(self._pidfd, select.POLLIN)
            if not poller.poll(seconds * 1000):
                return False
        try:
            self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    def _pump(self, seconds: float) -> bool:
        """Threadless mode: move output and input until the process exits or ``seconds`` pass.

        Whether it exited. Output still in the pipes then is read by ``Drain.text``.
        """
        assert self._poller is not None and self._pidfd is not None
        deadline = time.monotonic() + seconds
        while True:
            remaining = max(0.0, deadline - time.monotonic())
            events = self._poller.poll(remaining * 1000)
            for fd, _mask in events:
                if fd == self._pidfd:
                    return True
                if not self._handlers[fd]():
                    self._poller.unregister(fd)
            if time.monotonic() >= deadline:
                return False

    def _reaped(self) -> None:
        """Stop the candidate clock for this process (once) and close its pidfd."""
        if self._counted:
            self._counted = False
            _clock.ended()
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def at_limit(self) -> bool:
        """Whether the candidate has been at its process limit for :data:`LIMIT_GRACE` seconds.

        Call it every :data:`POLL` seconds while waiting; each call counts the candidate's tasks.
        """
        if not _uid.can_switch():
            return False
        now = time.monotonic()
        if not at_process_limit(_uid.count_tasks()):
            self._limit_since = None
            return False
        self._limit_since = self._limit_since or now
        return now - self._limit_since >= LIMIT_GRACE

    def stop(self) -> None:
        """Kill the process group, and every candidate process unless a session still runs."""
        if self._stopped:
            return
        self._stopped = True
        if self._session:
            leave_session()
        if self.proc.poll() is None:
            self.killed = True
        self.tasks_seen = _uid.count_tasks() if _uid.can_switch() else 0
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._reaped()
        if not sessions_active():
            _uid.kill_all()
        if self._poller is not None:  # threadless: read what is left, then close the pipes
            assert self.stdout is not None
            self.stdout.finish()
            self.stderr.finish()
        if self.proc.stdin is not None:
            self.proc.stdin.close()

    def verdict(self, *, timed_out: bool, seconds: float, failed: bool) -> CandidateVerdict | None:
        """Timeout or resource limit, judged after :meth:`stop`; ``None`` for neither."""
        what = describe(self.argv)
        nproc = _config.candidate_nproc()
        if at_process_limit(self.tasks_seen) or (
            (failed or timed_out) and any(m in self.stderr.text()[-4000:] for m in FORK_FAILURES)
        ):
            return CandidateResourceLimit(f"{what} hit the process limit ({nproc} processes)")
        if self.oom_killed():
            return CandidateResourceLimit(f"{what} was {oom_words()}")
        if timed_out:
            return CandidateTimeout(f"{what} did not finish within {seconds:g} s")
        return None

    def oom_killed(self) -> bool:
        ours = self.killed and self.proc.returncode == -9
        return _uid.oom_kills() > self._oom_before or (self.proc.returncode == -9 and not ours)


def at_process_limit(tasks: int) -> bool:
    """Whether ``tasks`` candidate tasks means the process limit was reached (or nearly)."""
    nproc = _config.candidate_nproc()
    return tasks >= nproc - max(2, nproc // 32)


def oom_words() -> str:
    limit = _config.memory_mb()
    return "killed by the out-of-memory killer" + (f" (memory limit {limit} MB)" if limit else "")


def _pidfd(pid: int) -> int | None:
    """A pidfd for ``pid`` (Linux 5.3+), or ``None``: then waits fall back to polling."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _start(
    argv: list[str], cwd: Path, env: Mapping[str, str] | None, *, piped_stdin: bool
) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            argv,
            env=candidate_env(env),
            stdin=subprocess.PIPE if piped_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
            preexec_fn=_uid.preexec(cwd),  # noqa: PLW1509 - it drops privileges, takes no locks
        )
    except (FileNotFoundError, PermissionError) as exc:
        raise CandidateError(f"could not start {describe(argv)}: {exc.strerror}") from exc
    except subprocess.SubprocessError as exc:
        msg = f"could not start {describe(argv)} as the candidate in {cwd}: {exc}"
        raise RuntimeError(msg) from exc
