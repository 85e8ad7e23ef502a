"""The candidate uid: dropping to it, limiting it, counting and killing its processes.

Every candidate process starts through :func:`preexec`, which runs in the forked child before
``exec``: it raises the OOM score, sets the rlimits, drops to the candidate uid/gid with no
supplementary groups, and only then enters the working folder, so the candidate's own
permissions decide whether it may. When the judge does not run as root (a developer's host)
nothing is dropped and a warning is logged once: the code still runs, unprotected.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import resource
import signal
import time
from collections.abc import Callable
from pathlib import Path

from . import _config

log = logging.getLogger(__name__)

_OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")
_PR_SET_CHILD_SUBREAPER = 36
_warned = False
_subreaper = False


def can_switch() -> bool:
    """Whether candidate code really runs as the candidate uid (the judge is root)."""
    global _warned  # noqa: PLW0603 - warn once per judge process
    if os.geteuid() == 0:
        return True
    if not _warned:
        _warned = True
        log.warning("the judge is not root: candidate code runs as uid %s", os.geteuid())
    return False


def _capped(which: int, value: int) -> tuple[int, int]:
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    return value, value


CANDIDATE_NICENESS = 19  # the judge runs at 0; without CAP_SYS_NICE the candidate cannot lower it


def preexec(cwd: Path) -> Callable[[], None]:
    """The function the child runs between fork and exec (it must not touch locks or threads)."""
    switch = can_switch()
    uid = _config.candidate_uid()
    limits = [
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_FSIZE, _capped(resource.RLIMIT_FSIZE, _config.FSIZE_BYTES)),
    ]
    if switch:
        nproc = _config.candidate_nproc()
        limits.append((resource.RLIMIT_NPROC, _capped(resource.RLIMIT_NPROC, nproc)))
    folder = str(cwd)

    def run() -> None:
        with contextlib.suppress(OSError):  # best effort: the memory limit still holds
            Path("/proc/self/oom_score_adj").write_text("1000", encoding="ascii")
        # Below the judge on the sandbox's CPU share: a candidate busy-looping in many
        # processes cannot starve the judge's clock, and cannot take the priority back.
        os.setpriority(os.PRIO_PROCESS, 0, CANDIDATE_NICENESS)
        for which, value in limits:
            resource.setrlimit(which, value)
        if switch:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        os.chdir(folder)

    return run


def oom_kills() -> int:
    """How many processes the OOM killer has killed in this cgroup (0 when unknown)."""
    for name in _OOM_COUNTERS:
        try:
            text = Path(name).read_text(encoding="ascii")
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
    return 0


def count_tasks(*, live_only: bool = False) -> int:
    """Tasks (processes and threads: what RLIMIT_NPROC counts) of the candidate's real uid.

    It runs after every candidate command, so it reads each ``/proc/<pid>/status`` once and
    looks up only the three fields it needs.
    """
    uid = str(_config.candidate_uid())
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # the process ended while we looked
        if _field(status, "Uid").split()[:1] != [uid]:
            continue
        if live_only and _field(status, "State").startswith("Z"):
            continue
        total += int(_field(status, "Threads") or 1)
    return total


def _field(status: str, name: str) -> str:
    """The value of ``name:`` in a ``/proc/<pid>/status`` text, stripped ('' when absent)."""
    start = status.find(f"\n{name}:")
    if start < 0:
        return ""
    end = status.find("\n", start + 1)
    return status[start + len(name) + 2 : end if end >= 0 else len(status)].strip()


def become_subreaper() -> None:
    """Adopt orphaned candidate processes, so :func:`kill_all` can reap them at once.

    Zombies count against RLIMIT_NPROC until reaped; reaping them ourselves (rather than
    waiting for init) means a fork bomb in one test leaves nothing behind for the next.
    """
    global _subreaper  # noqa: PLW0603 - set once, when the judge starts
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0:
        _subreaper = True
    else:
        log.warning("could not become a subreaper: errno %s", ctypes.get_errno())


def _reap() -> None:
    """Collect every exited child (only as a subreaper, when no helper holds a live child)."""
    while _subreaper:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_all() -> None:
    """SIGKILL every process of the candidate uid until none is left (at most 5 s).

    Call it only when no helper's own child is still running: it reaps every exited child.
    """
    if not can_switch():
        return
    deadline = time.monotonic() + 5
    while count_tasks(live_only=not _subreaper) and time.monotonic() < deadline:
        _kill_as_candidate(_config.candidate_uid())
        _reap()
        time.sleep(0.002)


def _kill_as_candidate(uid: int) -> None:
    """A throwaway child drops to the uid and kills everything that uid may signal."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
