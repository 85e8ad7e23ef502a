"""How to start the candidate's web app (judge side: reads the submission, runs nothing).

In order: a ``Procfile`` ``web:`` line (run through ``/bin/sh`` with ``$PORT`` set), else the
first FastAPI app, Flask app, or app factory (``create_app`` / ``make_app`` callable without
arguments, FastAPI's run with ``uvicorn --factory``) found in the repository's Python files
(shallow files and usual names first), else a Django ``manage.py``. Each answer carries the
command and a sentence for the report saying how it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
PREFERRED = ("main.py", "app.py", "server.py", "api.py", "application.py", "asgi.py", "wsgi.py")
IGNORED_DIRS = {
    ".git",
    ".venv",
    "venv",
    "env",
    "node_modules",
    "site-packages",
    "tests",
    "test",
    "migrations",
    "__pycache__",
}
MAX_DEPTH = 4
MAX_FILES = 400
_PROCFILE_WEB = re.compile(r"^web:\s*(\S.*?)\s*$", re.MULTILINE)
_ASSIGNED = r"^(?P<var>[A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*(?:{module}\.)?{cls}\("
_FASTAPI = re.compile(_ASSIGNED.format(module="fastapi", cls="FastAPI"), re.MULTILINE)
_FLASK = re.compile(_ASSIGNED.format(module="flask", cls="Flask"), re.MULTILINE)
# a factory callable without arguments: none, or every one defaulted (`config=None`, `**kw`)
_FACTORY = re.compile(
    r"^(?:async )?def (?P<var>create_app|make_app)\((?P<params>[^)]*)\)", re.MULTILINE
)

NOT_FOUND = (
    "could not find how to start the app: no `web:` line in a Procfile, no FastAPI or Flask "
    "app (`app = FastAPI()`, `app = Flask(__name__)`, `def create_app()`) in the repository's "
    "Python files, and no Django manage.py"
)


@dataclass(frozen=True)
class Startup:
    command: str  # for /bin/sh -c, with $PORT
    how: str  # one sentence for the report


def find_startup(root: Path) -> Startup | None:
    """The command that starts the candidate's app, or ``None`` when nothing fits."""
    return _from_procfile(root) or _from_python(root) or _from_django(root)


def _from_procfile(root: Path) -> Startup | None:
    path = root / "Procfile"
    if not path.is_file():
        return None
    match = _PROCFILE_WEB.search(path.read_text(encoding="utf-8", errors="replace"))
    if match is None:
        return None
    command = match.group(1)
    return Startup(command, f"Procfile `web:` line: {command}")


def _from_python(root: Path) -> Startup | None:
    for path in _python_files(root):
        rel = path.relative_to(root)
        module, pythonpath = _module_of(rel)
        if module is None:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        prefix = f'PYTHONPATH="{pythonpath}:$PYTHONPATH" ' if pythonpath else ""
        if match := _FASTAPI.search(text):
            target = f"{module}:{match['var']}"
            command = f"{prefix}exec python3 -m uvicorn {target} --host {HOST} --port $PORT"
            return Startup(command, f"FastAPI app `{match['var']}` in {rel}: uvicorn {target}")
        if "fastapi" in text.lower() and (factory := _factory(text)):
            target = f"{module}:{factory}"
            command = (
                f"{prefix}exec python3 -m uvicorn --factory {target} --host {HOST} --port $PORT"
            )
            return Startup(command, f"FastAPI factory in {rel}: uvicorn --factory {target}")
        target = _flask_target(module, text)
        if target:
            command = (
                f"{prefix}exec python3 -m flask --app {target} run --host {HOST} --port $PORT "
                "--no-reload --no-debugger"
            )
            return Startup(command, f"Flask app in {rel}: flask --app {target} run")
    return None


def _flask_target(module: str, text: str) -> str | None:
    if "flask" not in text.lower():
        return None
    if match := _FLASK.search(text):
        return f"{module}:{match['var']}"
    if factory := _factory(text):
        return f"'{module}:{factory}()'"
    return None


def _factory(text: str) -> str | None:
    """The name of an app factory that can be called without arguments, if the file has one."""
    for match in _FACTORY.finditer(text):
        params = [p.strip() for p in _top_level_commas(match["params"]) if p.strip()]
        if all("=" in p or p.startswith("*") for p in params):
            return match["var"]
    return None


def _top_level_commas(params: str) -> list[str]:
    """``a: dict[str, int] = {}, b=1`` -> the two parameters (commas in brackets kept)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(params):
        depth += (char in "[({") - (char in "])}")
        if char == "," and depth == 0:
            parts.append(params[start:index])
            start = index + 1
    return [*parts, params[start:]]


def _from_django(root: Path) -> Startup | None:
    if not (root / "manage.py").is_file():
        return None
    command = (
        "python3 manage.py migrate --noinput && "
        f"exec python3 manage.py runserver {HOST}:$PORT --noreload"
    )
    return Startup(command, "Django manage.py: migrate, then runserver")


def _python_files(root: Path) -> list[Path]:
    """Python files, shallow ones first, usual app file names first at each depth."""
    found: list[Path] = []
    folders = [root]
    for _depth in range(MAX_DEPTH):
        next_folders: list[Path] = []
        for folder in folders:
            entries = sorted(folder.iterdir()) if folder.is_dir() else []
            files = [p for p in entries if p.suffix == ".py" and p.is_file() and not p.is_symlink()]
            files.sort(
                key=lambda p: (PREFERRED.index(p.name) if p.name in PREFERRED else 99, p.name)
            )
            found += files
            next_folders += [
                p
                for p in entries
                if p.is_dir()
                and not p.is_symlink()
                and p.name not in IGNORED_DIRS
                and not p.name.startswith(".")
            ]
        folders = next_folders
        if len(found) > MAX_FILES:
            break
    return found[:MAX_FILES]


def _module_of(rel: Path) -> tuple[str | None, str]:
    """``app/main.py`` -> ``app.main``; under ``src/`` the module is relative to ``src``."""
    parts = list(rel.with_suffix("").parts)
    pythonpath = ""
    if parts[0] == "src" and len(parts) > 1:
        parts, pythonpath = parts[1:], "src"
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(re.fullmatch(r"[A-Za-z_]\w*", part) for part in parts):
        return None, ""
    return ".".join(parts), pythonpath
