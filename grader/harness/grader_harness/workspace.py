"""Workspaces: fresh copies of the submission under the work folder, owned by the candidate.

The copy is made *by* the candidate uid (``cp -a`` run as the candidate), so the candidate can
write there and the judge, lacking ``CAP_DAC_OVERRIDE``, only reads what the candidate leaves
readable. Each test gets its own workspace, created on first use; it is the helpers' default
``cwd`` and is removed (again by the candidate uid) when the test ends.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

from . import _config
from ._proc import CandidateProcess

log = logging.getLogger(__name__)

_COPY_SECONDS = 120.0
_numbers = itertools.count(1)
_current: Path | None = None


def _run_as_candidate(argv: list[str], cwd: Path, seconds: float) -> tuple[int | None, str, str]:
    proc = CandidateProcess(argv, cwd=cwd)
    try:
        finished = proc.wait(seconds)
    finally:
        proc.stop()
    assert proc.stdout is not None
    code = proc.proc.returncode if finished else None
    return code, proc.stdout.text(), proc.stderr.text()


def new_workspace() -> Path:
    """A new ``ws-<n>`` folder holding a copy of the submission, created by the candidate uid."""
    base = _config.work_dir()
    path = next(p for p in (base / f"ws-{n}" for n in _numbers) if not p.exists())
    source = str(_config.submission_dir())
    code, _out, err = _run_as_candidate(["cp", "-a", "--", source, str(path)], base, _COPY_SECONDS)
    if code != 0:
        msg = f"could not copy the submission into {path}: {err.strip()[-500:] or 'timed out'}"
        raise RuntimeError(msg)
    return path


def current_workspace() -> Path:
    """The running test's workspace, created on first use."""
    global _current  # noqa: PLW0603 - one test runs at a time in the judge
    if _current is None:
        _current = new_workspace()
    return _current


def reset_workspace() -> None:
    """Forget the current workspace and delete it as the candidate (called between tests)."""
    global _current
    path, _current = _current, None
    if path is None:
        return
    code, _out, err = _run_as_candidate(["rm", "-rf", "--", str(path)], path.parent, _COPY_SECONDS)
    if code != 0:
        log.warning("could not remove workspace %s: %s", path, err.strip()[-500:])


def read_file(path: str | Path, *, cwd: str | Path | None = None) -> str:
    """A file's text as the *candidate* can read it (relative to ``cwd``, default: workspace).

    Reading through the candidate uid means a symlink the candidate planted cannot make the
    judge read, and leak, a file only the judge may see. Output is capped like ``run_cli``'s.
    """
    folder = Path(cwd) if cwd is not None else current_workspace()
    code, text, err = _run_as_candidate(["cat", "--", str(path)], folder, _config.test_seconds())
    if code != 0:
        raise FileNotFoundError(f"{path} could not be read in {folder}: {err.strip()[-300:]}")
    return text
