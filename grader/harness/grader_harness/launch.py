"""Start the candidate's web app the way its author does, falling back as a reviewer would.

``Launcher(entries, probes)`` tries the ranked start commands from :mod:`entry` in order: one
that exits before it listens, never listens, or answers 404 on every route of the public
spec is stopped and the next is tried, within a bounded time. The command that worked is
kept for the rest of the run, and the report says which one it was and what was tried first.
Every other Procfile process (``worker:``) runs beside the app; ``release:`` runs before it.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from . import _config
from ._proc import CandidateProcess
from .entry import Entry, procfile
from .errors import CandidateError, CandidateTimeout
from .results import record_fact
from .service import serve_app
from .workspace import new_workspace

MAX_TRIES = 3
BUDGET_FACTOR = 1.5  # all tries together: at most this many per-test time limits
NO_ROUTES = "answered 404 on every route of the spec"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _status(base: str, method: str, path: str) -> int:
    data = b"{}" if method != "GET" else None
    request = urllib.request.Request(base + path, data, method=method)  # noqa: S310 - our http URL
    request.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


class Launcher:
    """Serves the app with the first start command that works; remembers it for the run."""

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        root: Path | None = None,
        probes: Sequence[tuple[str, str]] = (),
        ready_timeout: float | None = None,
    ) -> None:
        self.entries = list(entries)[:MAX_TRIES]
        self.probes = tuple(probes)
        self.ready_timeout = ready_timeout or _config.test_seconds()
        declared = procfile(root or _config.submission_dir())
        self.release = declared.get("release", "")
        self.processes = {k: v for k, v in declared.items() if k not in {"web", "release"}}
        self.chosen: Entry | None = None
        self.failure: Exception | None = None  # nothing started: later tests fail at once

    @contextmanager
    def serve(self, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Iterator[str]:
        """Yield the app's base URL; ``cwd`` (default: a new workspace) is where it runs."""
        folder = cwd or new_workspace()
        with ExitStack() as stack:
            yield self._start(stack, folder, env or {})

    def _start(self, stack: ExitStack, folder: Path, extra: Mapping[str, str]) -> str:
        env = {"PYTHONPATH": f"{folder}/src:{folder}:{_config.deps_dir()}", **extra}
        self._run_release(folder, env)
        if self.chosen is not None:
            return self._enter(stack, self.chosen, folder, env, self.ready_timeout)
        if self.failure is not None:
            raise CandidateError(f"the app did not start earlier in this run: {self.failure}")
        if not self.entries:
            raise CandidateError("no way to start the app was found")
        deadline = time.monotonic() + BUDGET_FACTOR * max(
            self.ready_timeout, _config.test_seconds()
        )
        tried: list[str] = []
        first: Exception | None = None
        for index, entry in enumerate(self.entries):
            last = index == len(self.entries) - 1
            seconds = min(self.ready_timeout, max(1.0, deadline - time.monotonic()))
            attempt = ExitStack()
            try:
                base = self._enter(attempt, entry, folder, env, seconds)
            except (CandidateError, CandidateTimeout) as exc:
                attempt.close()
                first = first or exc
                tried.append(f"{entry.how}: {_last_line(exc)}")
                if last or time.monotonic() >= deadline:
                    self._say(None, tried)
                    self.failure = first
                    raise first from None
                continue
            if not last and self.probes and self._no_routes(base):
                attempt.close()
                tried.append(f"{entry.how}: {NO_ROUTES}")
                continue
            stack.push(attempt.pop_all())
            self.chosen = entry
            self._say(entry, tried)
            return base
        raise first or CandidateError("no way to start the app worked")  # pragma: no cover

    def _enter(
        self, stack: ExitStack, entry: Entry, folder: Path, env: dict[str, str], seconds: float
    ) -> str:
        for name, command in self.processes.items():
            proc = CandidateProcess(["/bin/sh", "-c", command], cwd=folder, env=env, session=True)
            stack.callback(proc.stop)
            record_fact(f"procfile_{name}", f"Procfile `{name}:` process started: {command}")
        return stack.enter_context(
            serve_app(entry.command, env=env, cwd=folder, ready_timeout=seconds)
        )

    def _run_release(self, folder: Path, env: dict[str, str]) -> None:
        if not self.release:
            return
        proc = CandidateProcess(["/bin/sh", "-c", self.release], cwd=folder, env=env)
        try:
            proc.wait(self.ready_timeout)
        finally:
            proc.stop()

    def _no_routes(self, base: str) -> bool:
        return all(_status(base, method, path) == 404 for method, path in self.probes)

    def _say(self, chosen: Entry | None, tried: list[str]) -> None:
        if chosen is not None:
            record_fact("entry_point", chosen.how)
        else:
            record_fact("entry_point", f"{self.entries[0].how} (it did not start)")
        if tried:
            record_fact(
                "entry_point_tried", "; ".join(tried) + ("" if chosen else "; nothing else to try")
            )


def _last_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[-1] if lines else type(exc).__name__)[-200:]
