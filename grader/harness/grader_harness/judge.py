"""The judge: ``boot`` runs it once the run's files are unpacked (``-I -B``: see ``boot``).

Installs the candidate's wheels into the deps folder (before any candidate code runs), then
runs the hidden tests with the grader's own pytest configuration and exits with pytest's
status. Paths come from ``_config`` (``GRADER_*`` variables override the container layout).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HARNESS_ROOT = Path(__file__).resolve().parent.parent
PIP_SECONDS = 300


def install_wheels(wheels: list[Path], target: Path) -> str:
    """Install ``wheels`` into ``target`` with pip, offline; return a problem in words, or ''."""
    if not wheels:
        return ""
    command = [sys.executable, "-I", "-m", "pip", "install", "--no-index", "--no-deps"]
    command += ["--no-compile", "--disable-pip-version-check", "--no-cache-dir"]
    command += ["--target", str(target), *map(str, wheels)]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PIP_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"pip could not install the dependencies: {exc}"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-1500:]
        return f"pip install failed with exit code {done.returncode}: {tail}"
    return ""


def link_python(deps: Path) -> None:
    """``python`` on the candidate's PATH, as on a developer's machine (images ship python3)."""
    folder = deps / "bin"
    folder.mkdir(parents=True, exist_ok=True)
    target = shutil.which("python3") or sys.executable
    if shutil.which("python") is None and not (folder / "python").exists():
        (folder / "python").symlink_to(target)


def pytest_args(tests: Path) -> list[str]:
    return [
        *("-c", str(HARNESS_ROOT / "grader_harness" / "pytest.ini")),
        *("--rootdir", str(tests), "--confcutdir", str(tests)),
        *("-p", "grader_harness.plugin", "-p", "no:cacheprovider", "-q", "--tb=native"),
        str(tests),
    ]


def main() -> int:
    started = time.monotonic()
    sys.path.insert(0, str(HARNESS_ROOT))
    from grader_harness import _config, results  # noqa: PLC0415 - needs the path set above

    out = _config.results_file()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("", encoding="utf-8")
    wheels = sorted(_config.wheels_dir().glob("*.whl"))
    problem = install_wheels(wheels, _config.deps_dir())
    link_python(_config.deps_dir())
    if problem:
        results.append(out, {"event": "prepare", "ok": False, "message": results.shorten(problem)})
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    import pytest  # noqa: PLC0415 - only after autoload is disabled

    status = int(pytest.main(pytest_args(_config.tests_dir())))
    if status in (0, 1):  # after `finished`, every candidate process killed: a signal only
        from grader_harness import owntests  # noqa: PLC0415

        results.append(out, owntests.run(started).event())
    return status


if __name__ == "__main__":
    sys.exit(main())
