"""Candidate uids: outside every range host services use, and never shared by two live runs."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from grader.errors import InfrastructureError
from grader.sandbox import uids
from grader.sandbox.uids import CANDIDATE_UID_BASE, CANDIDATE_UID_SPAN, candidate_uid, leased_uid

SYSTEMD_DYNAMIC_USERS = range(61184, 65520)
DEBIAN_RESERVED = range(60000, 65000)
SUBUID_START = 100_000  # useradd's SUB_UID_MIN: rootless containers' ranges start here


def test_the_range_overlaps_no_host_service() -> None:
    ours = range(CANDIDATE_UID_BASE, CANDIDATE_UID_BASE + CANDIDATE_UID_SPAN)
    for taken in (SYSTEMD_DYNAMIC_USERS, DEBIAN_RESERVED, range(0, 60000), range(65534, 65536)):
        assert not set(ours) & set(taken)
    assert ours.stop <= SUBUID_START
    assert all(candidate_uid(f"run-{n}") in ours for n in range(200))


def test_two_live_runs_never_share_a_uid_even_when_their_ids_collide(tmp_path: Path) -> None:
    run_id = "same-run-id"
    with leased_uid(run_id, tmp_path) as first, leased_uid(run_id, tmp_path) as second:
        assert first == candidate_uid(run_id)
        assert second != first
    with leased_uid(run_id, tmp_path) as again:
        assert again == first  # released when the first run ended


def test_a_lease_held_by_another_process_is_respected(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from grader.sandbox.uids import leased_uid\n"
            f"with leased_uid('busy', Path({str(tmp_path)!r})) as uid:\n"
            "    print(uid, flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        held = int(holder.stdout.readline())
        with leased_uid("busy", tmp_path) as mine:
            assert mine != held
    finally:
        holder.communicate("", timeout=30)
    with leased_uid("busy", tmp_path) as freed:
        assert freed == held  # the kernel dropped the lock with the process


def test_concurrent_threads_get_distinct_uids(tmp_path: Path) -> None:
    got: list[int] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        with leased_uid("hot", tmp_path) as uid:
            got.append(uid)
            barrier.wait(timeout=30)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(set(got)) == 8


def test_no_free_uid_is_an_infrastructure_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uids, "CANDIDATE_UID_SPAN", 2)
    with (
        leased_uid("a", tmp_path),
        leased_uid("a", tmp_path),
        pytest.raises(InfrastructureError, match="all 2 candidate uids are leased"),
        leased_uid("a", tmp_path),
    ):
        pass
