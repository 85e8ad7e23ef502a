"""Workspaces: fresh copies of the submission under the work folder, owned by the candidate.

The copy is made *by* the candidate uid (``cp -a`` run as the candidate), so the candidate can
write there and the judge, lacking ``CAP_DAC_OVERRIDE``, only reads what the candidate leaves
readable. Runtime data the candidate committed (``*.db``, ``*.sqlite*``, ``.env``) is left out
of every copy: a program starts from a clean state, as on a user's machine. Each test gets its
own workspace, created on first use; it is the helpers' default ``cwd``. After
:func:`use_empty_workspace` (CLIs), the workspace is a fresh, empty folder and the program
lives in :func:`current_code`, as a user runs a tool from their own folder. Between tests
:func:`reset_writable` empties every place the candidate could write.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

from . import _config
from ._proc import CandidateProcess

log = logging.getLogger(__name__)

_COPY_SECONDS = 120.0
DATA_FILES = ("*.db", "*.sqlite", "*.sqlite3", ".env")
_numbers = itertools.count(1)
_current: Path | None = None
_code: Path | None = None
_empty = False


def _run_as_candidate(
    argv: list[str], cwd: Path, seconds: float, *, counted: bool = False
) -> tuple[int | None, str, str]:
    """Run a command as the candidate; ``counted``: its time is candidate time (``read_file``),
    not the judge's own (copies, resets)."""
    proc = CandidateProcess(argv, cwd=cwd, counted=counted, threads=False)
    try:
        finished = proc.wait(seconds)
    finally:
        proc.stop()
    assert proc.stdout is not None
    code = proc.proc.returncode if finished else None
    return code, proc.stdout.text(), proc.stderr.text()


def _new_folders(prefixes: tuple[str, ...], script: str) -> list[Path]:
    """New ``<prefix>-<n>`` paths, made by ``script`` run as the candidate in one process
    (``$1``: the submission, ``$2``...: the paths, in ``prefixes`` order)."""
    base = _config.work_dir()
    paths = [
        next(p for p in (base / f"{prefix}-{n}" for n in _numbers) if not p.exists())
        for prefix in prefixes
    ]
    argv = ["sh", "-c", script, "sh", str(_config.submission_dir()), *map(str, paths)]
    code, _out, err = _run_as_candidate(argv, base, _COPY_SECONDS)
    if code != 0:
        where = " and ".join(map(str, paths))
        msg = f"could not make {where}: {err.strip()[-500:] or 'timed out'}"
        raise RuntimeError(msg)
    return paths


def _copy_script(target: str) -> str:
    """Shell words copying the submission (``$1``) to ``target`` without runtime data files."""
    names = " -o ".join(f"-name '{pattern}'" for pattern in DATA_FILES)
    return f'cp -a -- "$1" "{target}" && exec find "{target}" \\( {names} \\) -type f -delete'


def new_workspace() -> Path:
    """A new ``ws-<n>`` copy of the submission without committed runtime data files."""
    return _new_folders(("ws",), _copy_script("$2"))[0]


def _new_run_folder() -> Path:
    return _new_folders(("run",), 'exec mkdir -m 0755 -- "$2"')[0]


def _new_run_folder_and_code() -> None:
    """Empty mode, a test's first use: its empty folder and its code copy, in one process."""
    global _current, _code
    script = 'mkdir -m 0755 -- "$3" && ' + _copy_script("$2")
    _code, _current = _new_folders(("ws", "run"), script)


def use_empty_workspace() -> None:
    """From now on each test's workspace is an empty folder; the program is in ``current_code``."""
    global _empty  # noqa: PLW0603 - set once by a challenge's conftest
    _empty = True


def current_code() -> Path:
    """The running test's copy of the submission (the workspace itself, unless it is empty)."""
    global _code  # noqa: PLW0603 - one test runs at a time in the judge
    if not _empty:
        return current_workspace()
    if _code is None and _current is None:
        _new_run_folder_and_code()  # a test that runs the code needs both: one process
    elif _code is None:
        _code = new_workspace()
    assert _code is not None
    return _code


def current_workspace() -> Path:
    """The running test's workspace (its working folder), created on first use.

    With an empty workspace the code copy is made with it, in the same candidate process:
    the tests that use a folder run the program.
    """
    global _current  # noqa: PLW0603 - one test runs at a time in the judge
    if _current is None and _empty and _code is None:
        _new_run_folder_and_code()  # a test that runs the code needs both: one process
    elif _current is None:
        _current = _new_run_folder() if _empty else new_workspace()
    assert _current is not None
    return _current


def reset_workspace(*, remove: bool = True) -> None:
    """Forget the current workspace and code copy, deleting them as the candidate.

    ``remove=False`` only forgets them, for a caller that empties the whole work folder next
    (:func:`reset_writable`): one candidate process per test instead of two.
    """
    global _current, _code  # noqa: PLW0603
    paths = [p for p in (_current, _code) if p is not None and remove]
    _current = _code = None
    if paths:  # both in one process
        argv = ["rm", "-rf", "--", *map(str, paths)]
        code, _out, err = _run_as_candidate(argv, paths[0].parent, _COPY_SECONDS)
        if code != 0:
            where = " and ".join(map(str, paths))
            log.warning("could not remove workspace %s: %s", where, err.strip()[-500:])


def reset_writable() -> None:
    """Delete everything the candidate left in the work folder, ``/tmp`` and ``/dev/shm``.

    Run as the candidate uid once no candidate process is left: it removes exactly what the
    candidate may remove (its own files; the judge's stay, thanks to the sticky bit), so no
    file, counter or cache survives from one hidden test into the next.
    """
    folders = [str(f) for f in (_config.work_dir(), *_config.scratch_dirs()) if f.is_dir()]
    if not folders:
        return  # find without a folder would search its working folder
    # One find over every folder (no shell), its rm in batches: two programs, not seven.
    argv = ["find", *folders, "-mindepth", "1", "-maxdepth", "1", "-exec", "rm", "-rf", "--"]
    argv += ["{}", "+"]
    code, _out, err = _run_as_candidate(argv, _config.work_dir(), _COPY_SECONDS)
    if code not in (0, 1):  # 1: some entries were the judge's, as expected
        log.warning("could not empty the candidate's writable folders: %s", err.strip()[-500:])


def read_file(path: str | Path, *, cwd: str | Path | None = None) -> str:
    """A file's text as the *candidate* can read it (relative to ``cwd``, default: workspace).

    Reading through the candidate uid means a symlink the candidate planted cannot make the
    judge read, and leak, a file only the judge may see. Output is capped like ``run_cli``'s.
    """
    folder = Path(cwd) if cwd is not None else current_workspace()
    argv = ["cat", "--", str(path)]
    code, text, err = _run_as_candidate(argv, folder, _config.test_seconds(), counted=True)
    if code != 0:
        raise FileNotFoundError(f"{path} could not be read in {folder}: {err.strip()[-300:]}")
    return text
