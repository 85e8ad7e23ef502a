"""Where things are and how much candidates may use, read from the environment on every call.

The defaults are the container layout of ``docs/sandbox.md``; the ``GRADER_*`` variables let the
host run the judge against temporary folders (tests) and let the worker pass the run's limits.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

CANDIDATE_UID = 70000  # the worker passes each run its own leased uid (grader/sandbox/uids.py)
DEFAULT_TEST_SECONDS = 30.0
DEFAULT_NPROC = 256
DEFAULT_OWN_TESTS_SECONDS = 60.0
DEFAULT_WALL_SECONDS = 600.0
FSIZE_BYTES = 256 * 1024 * 1024
CANDIDATE_PATH = "/usr/local/bin:/usr/bin:/bin"


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name, "")
    return Path(value) if value else default


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    try:
        return float(value) if value else default
    except ValueError:
        return default


def judge_dir() -> Path:
    return _path("GRADER_JUDGE_DIR", Path("/judge"))


def tests_dir() -> Path:
    return _path("GRADER_TESTS_DIR", judge_dir() / "tests")


def out_dir() -> Path:
    return _path("GRADER_OUT_DIR", judge_dir() / "out")


def wheels_dir() -> Path:
    return _path("GRADER_WHEELS_DIR", judge_dir() / "wheels")


def submission_dir() -> Path:
    return _path("GRADER_SUBMISSION_DIR", Path("/submission"))


def work_dir() -> Path:
    return _path("GRADER_WORK_DIR", Path("/work"))


def deps_dir() -> Path:
    return _path("GRADER_DEPS_DIR", Path("/deps"))


def scratch_dirs() -> list[Path]:
    """Shared writable folders besides the work folder, emptied between tests.

    In the container ``/tmp`` and ``/dev/shm``; on a host run (``GRADER_WORK_DIR`` set) only
    what ``GRADER_SCRATCH_DIRS`` names, so a developer's ``/tmp`` is never touched.
    """
    default = "" if os.environ.get("GRADER_WORK_DIR") else "/tmp:/dev/shm"  # noqa: S108
    value = os.environ.get("GRADER_SCRATCH_DIRS", default)
    return [Path(part) for part in value.split(":") if part]


def results_file() -> Path:
    """Where the results stream goes: in the container a private copy of the judge's stdout
    (``/dev/fd/N``, set by ``boot``), on a host run a file in the out folder."""
    return _path("GRADER_RESULTS_FILE", out_dir() / "results.jsonl")


def test_seconds() -> float:
    """The per-call time limit the helpers enforce (the challenge's ``test_seconds``)."""
    return max(_number("GRADER_TEST_SECONDS", DEFAULT_TEST_SECONDS), 0.1)


def own_tests_seconds() -> float:
    """Time for the candidate's own tests after the hidden suite (0 switches them off)."""
    return max(_number("GRADER_OWN_TESTS_SECONDS", DEFAULT_OWN_TESTS_SECONDS), 0.0)


def wall_seconds() -> float:
    """The run's wall-clock limit: the own tests must end well before it."""
    return _number("GRADER_WALL_SECONDS", DEFAULT_WALL_SECONDS)


def memory_mb() -> int:
    """The container's memory limit, for messages only (0: unknown)."""
    return int(_number("GRADER_MEMORY_MB", 0))


def candidate_nproc() -> int:
    return max(int(_number("GRADER_CANDIDATE_NPROC", DEFAULT_NPROC)), 8)


def candidate_uid() -> int:
    return int(_number("GRADER_CANDIDATE_UID", CANDIDATE_UID))


def candidate_path() -> str:
    """Console scripts of the candidate's dependencies (and ``python``) first, then the image's."""
    return os.environ.get("GRADER_CANDIDATE_PATH", "") or f"{deps_dir()}/bin:{CANDIDATE_PATH}"


def service_env() -> dict[str, str]:
    """Connection settings of the run's sidecar services (``DATABASE_URL``, ``REDIS_URL``...).

    The worker passes them as one JSON object in ``GRADER_CANDIDATE_ENV``; anything else there
    (not an object, not strings) is ignored.
    """
    try:
        data = json.loads(os.environ.get("GRADER_CANDIDATE_ENV", "") or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
