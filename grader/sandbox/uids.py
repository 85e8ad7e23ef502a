"""Candidate uids: a range no host service uses, leased so no two live runs share one.

Without a user namespace a candidate uid is a real host uid: RLIMIT_NPROC counts its processes
across the whole host and the judge kills "every process of the candidate uid" after each
test, so two live runs sharing one would starve or kill each other. The range 70000-89999
lies in what systemd documents as unused (65536-524287): above its dynamic users
(61184-65519) and Debian's reserved 60000-64999, below the 100000 where ``useradd`` starts
``/etc/subuid`` ranges for rootless containers.

The lease is an exclusive ``flock`` on ``<LEASE_DIR>/<uid>.lock``, held while the run's
container lives. The kernel drops it when the holder exits, so a killed worker frees its
uid at once; every worker process on the host sees the same folder, whatever its settings.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader.errors import InfrastructureError

log = logging.getLogger(__name__)

CANDIDATE_UID_BASE = 70_000
CANDIDATE_UID_SPAN = 20_000
LEASE_DIR = Path("/run/lock/grader-uids")


def candidate_uid(run_id: str) -> int:
    """The uid a run prefers (from its id); the lease moves on when another run holds it."""
    digest = hashlib.sha256(run_id.encode()).digest()
    return CANDIDATE_UID_BASE + int.from_bytes(digest[:4], "big") % CANDIDATE_UID_SPAN


@contextmanager
def leased_uid(run_id: str, directory: Path = LEASE_DIR) -> Iterator[int]:
    """Hold a candidate uid no other live run on this host holds, for the ``with`` block."""
    start = candidate_uid(run_id) - CANDIDATE_UID_BASE
    try:
        directory.mkdir(mode=0o755, parents=True, exist_ok=True)
        for step in range(CANDIDATE_UID_SPAN):
            uid = CANDIDATE_UID_BASE + (start + step) % CANDIDATE_UID_SPAN
            fd = _try_lock(directory / f"{uid}.lock")
            if fd is None:
                continue
            try:
                yield uid
            finally:
                os.close(fd)  # closing the only descriptor releases the lock
            return
    except OSError as exc:
        raise InfrastructureError(
            f"cannot lease a candidate uid in {directory}: {exc}",
            hint="the worker needs write access to that folder (root runs the sandbox)",
        ) from exc
    raise InfrastructureError(
        f"all {CANDIDATE_UID_SPAN} candidate uids are leased by live runs on this host",
        hint="lower the worker concurrency or wait for runs to finish",
    )


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
