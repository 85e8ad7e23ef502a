"""The judge's file layout and environment inside any sandbox, whatever backend runs it.

Every backend gives the judge the same picture (explained in ``docs/sandbox.md``):

    /judge        judge-only (0700 root): harness/, tests/, wheels/
    /submission   the candidate's tree, read-only for the candidate uid
    /work         writable scratch (size-limited), where candidate programs run
    /deps         writable, executable: the candidate's wheels are installed here
    /tmp          small writable scratch

and starts :func:`judge_command` as root with :func:`judge_env`, writing :func:`judge_input`
to its stdin. The judge's stdout carries only the results stream, its stderr the log. The
harness (``grader/harness``) reads the same names on the other side.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from grader.harness import HARNESS_PACKAGE
from grader.models import Limits

JUDGE_DIR = "/judge"
SUBMISSION_DIR = "/submission"
WORK_DIR = "/work"
DEPS_DIR = "/deps"
SCRATCH_DIR = "/tmp"  # noqa: S108 (inside the sandbox)
HARNESS_FOLDER = "harness"  # judge files are keyed relative to JUDGE_DIR: "harness/...", ...
TESTS_FOLDER = "tests"
WHEELS_FOLDER = "wheels"
RUN_NONCE_VARIABLE = "GRADER_RUN_NONCE"  # the judge's canary echoes it; candidates never see it
CANDIDATE_ENV_VARIABLE = "GRADER_CANDIDATE_ENV"  # JSON object the harness adds to candidate envs


def judge_env(candidate_uid: int, limits: Limits, extra: Mapping[str, str]) -> dict[str, str]:
    """The judge process's whole environment: nothing of the worker's leaks in."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": SCRATCH_DIR,
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "GRADER_TEST_SECONDS": str(limits.test_seconds),
        "GRADER_WALL_SECONDS": str(limits.wall_seconds),
        "GRADER_CANDIDATE_NPROC": str(max(8, limits.pids // 2)),
        "GRADER_MEMORY_MB": str(limits.memory_mb),
        "GRADER_CANDIDATE_UID": str(candidate_uid),  # leased per run: grader/sandbox/uids.py
        **extra,
    }


@functools.cache
def _boot_source() -> str:
    return (HARNESS_PACKAGE / "boot.py").read_text(encoding="utf-8")


def judge_command() -> tuple[str, ...]:
    """``python3 -I -B -c <grader_harness/boot.py>``: it unpacks :func:`judge_input` from
    stdin into ``/judge`` and ``/submission``, then runs the judge (``-I``: no candidate
    start-up file or environment variable reaches the judge's interpreter)."""
    return ("python3", "-I", "-B", "-c", _boot_source())


def judge_input(judge_tar: bytes, submission_tar: bytes) -> tuple[bytes, bytes, bytes]:
    """The judge's stdin, in the parts to send one after another (never joined: the judge
    files may be hundreds of MB of wheels): the judge tar's length on one line, that tar, the
    submission tar."""
    return b"%d\n" % len(judge_tar), judge_tar, submission_tar
