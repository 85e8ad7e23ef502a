"""How a reviewer would start the candidate's program, read from the submission (never run).

Discovery only reads files: the Procfile, ``pyproject.toml``'s ``[project.scripts]``, run
commands in the README, ``__main__.py`` packages, and app objects or factories in the code.
Every candidate command is built here from a recognised form; text from a candidate's file
is never run as a command except a Procfile line (the declared way to start an app).
Candidates come back ranked, best first: declared beats guessed, an app with routes beats
one without, the README's command beats a bare ``Flask(__name__)``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import appscan
from .appscan import HOST, python_files

README_NAMES = ("README.md", "README.rst", "README.txt", "README", "readme.md", "Readme.md")
MAX_TEXT = 256 * 1024
_PROCFILE = re.compile(r"^(?P<name>[A-Za-z0-9_-]{1,50}):[ \t]*(?P<command>[^\n]*)", re.MULTILINE)
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
# Every repetition is bounded, so no README makes these backtrack for long.
_PY = r"(?:python3?(?:\.\d{1,2})?|py)[ \t]{1,5}"
_SPAN = r"[^\n`]{0,200}?"
_TARGET = r"(?P<target>[\w./:()'\"-]{1,200})"
_README_FORMS = (
    ("flask", re.compile(rf"\bflask[ \t]{{1,5}}(?:--app|-A)[ \t=]{{1,5}}{_TARGET}{_SPAN}\brun\b")),
    ("flask", re.compile(rf"\bFLASK_APP={_TARGET}{_SPAN}\bflask[ \t]{{1,5}}run\b")),
    (
        "uvicorn",
        re.compile(
            r"\buvicorn[ \t]{1,5}(?:--[\w-]{1,30}(?:=\S{0,100})?[ \t]{1,5}){0,10}"
            r"(?P<target>[\w.]{1,200}:\w{1,100})(?P<rest>[^\n`]{0,200})"
        ),
    ),
    ("gunicorn", re.compile(rf"\bgunicorn\b{_SPAN}[ \t'\"](?P<target>[\w.]{{1,200}}:\w{{1,100}})")),
    (
        "fastapi",
        re.compile(r"\bfastapi[ \t]{1,5}(?:run|dev)[ \t]{1,5}(?P<target>[\w./-]{1,200}\.py)"),
    ),
    ("django", re.compile(rf"\b{_PY}(?:\./)?manage\.py[ \t]{{1,5}}runserver\b")),
    ("module", re.compile(rf"\b{_PY}-m[ \t]{{1,5}}(?P<target>[A-Za-z_][\w.]{{0,200}})")),
    ("script", re.compile(rf"\b{_PY}(?P<target>(?:\./)?[\w/.-]{{1,200}}\.py)\b")),
)
_NOT_RUN_MODULES = {"pip", "venv", "pytest", "unittest", "virtualenv", "http.server", "build"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One way to start the program: a shell command (``$PORT`` set) and why it was chosen.

    ``command`` runs through ``/bin/sh -c`` in a copy of the submission; ``argv`` is the same
    for CLIs, relative to that copy (``{code}`` stands for its absolute path).
    """

    rank: int
    how: str
    command: str = ""
    argv: tuple[str, ...] = ()


def read_text(path: Path) -> str:
    """A candidate file's text (capped), or '' when it is missing or not a regular file."""
    if not path.is_file() or path.is_symlink():
        return ""
    with path.open("rb") as handle:
        return handle.read(MAX_TEXT).decode("utf-8", errors="replace")


def procfile(root: Path) -> dict[str, str]:
    """The Procfile's processes, name -> command, in file order."""
    text = read_text(root / "Procfile")
    found = {m["name"]: m["command"].strip() for m in _PROCFILE.finditer(text)}
    return {name: command for name, command in found.items() if command}


def project_scripts(root: Path) -> dict[str, str]:
    """``[project.scripts]`` name -> ``module:function`` (only well-formed targets)."""
    try:
        data = tomllib.loads(read_text(root / "pyproject.toml"))
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
    scripts = data.get("project", {}).get("scripts", {})
    if not isinstance(scripts, dict):
        return {}
    found = {}
    for name, target in scripts.items():
        module, _, func = str(target).replace(" ", "").partition(":")
        if _DOTTED.match(module) and _DOTTED.match(func):
            found[str(name)] = f"{module}:{func}"
    return found


def readme_commands(root: Path) -> list[tuple[str, str]]:
    """Run commands the README shows, as (form, target), in the order they appear."""
    text = next((t for name in README_NAMES if (t := read_text(root / name))), "")
    found: list[tuple[int, str, str]] = []
    for form, pattern in _README_FORMS:
        for match in pattern.finditer(text):
            target = match.groupdict().get("target") or ""
            factory = form == "uvicorn" and "--factory" in (match.groupdict().get("rest") or "")
            if form == "module" and target in _NOT_RUN_MODULES:
                continue
            kind = "uvicorn-factory" if factory else form
            found.append((match.start(), kind, target.strip("'\"")))
    return [(form, target) for _pos, form, target in sorted(found)]


def script_command(root: Path, target: str) -> str:
    """``module:function`` run the way its console script would, with src/ on the path."""
    module, _, func = target.partition(":")
    code = f"import sys; sys.argv[0] = {module!r}; from {module} import {func} as main; "
    code += "sys.exit(main())"
    return f"{_pythonpath(root)}exec python3 -c {_quote(code)}"


def _pythonpath(root: Path) -> str:
    return 'PYTHONPATH="$PWD/src:$PWD:$PYTHONPATH" ' if (root / "src").is_dir() else ""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def main_packages(root: Path) -> list[str]:
    """Packages with a ``__main__.py`` (``python -m pkg``), at the top or under ``src/``."""
    found = []
    for base in (root, root / "src"):
        if base.is_dir():
            found += [
                p.parent.name
                for p in sorted(base.glob("*/__main__.py"))
                if _DOTTED.match(p.parent.name) and not p.is_symlink()
            ]
    return found


def service_entries(root: Path) -> list[Entry]:
    """Every way a reviewer would try to start the web app, best first (may be empty)."""
    entries: list[Entry] = []
    web = procfile(root).get("web")
    if web:
        entries.append(Entry(100, f"Procfile `web:` line: {web}", web))
    entries += _readme_service_entries(root)
    if (root / "manage.py").is_file():
        entries.append(Entry(80, "Django manage.py: migrate, then runserver", appscan.django()))
    entries += [
        Entry(
            60, f"pyproject.toml [project.scripts] {name} = {target}", script_command(root, target)
        )
        for name, target in project_scripts(root).items()
        if re.search(r"serve|run|start|web|api|app", name)
    ]
    entries += [
        Entry(
            55,
            f"`python -m {pkg}` ({pkg}/__main__.py)",
            f"{_pythonpath(root)}exec python3 -m {pkg}",
        )
        for pkg in main_packages(root)
    ]
    entries += [
        Entry(app.rank, app.how, app.command) for app in appscan.find_apps(root, python_files(root))
    ]
    return _distinct(entries)


def _readme_service_entries(root: Path) -> list[Entry]:
    entries = []
    for form, target in readme_commands(root):
        found = appscan.from_readme(root, form, target)
        if found is not None:
            entries.append(Entry(90, f"README: {found.how}", found.command))
    return entries


def _distinct(entries: list[Entry]) -> list[Entry]:
    """Best first (stable within a rank), each command once."""
    seen: set[str] = set()
    ranked = []
    for entry in sorted(entries, key=lambda e: -e.rank):
        key = entry.command or " ".join(entry.argv)
        if key not in seen:
            seen.add(key)
            ranked.append(entry)
    return ranked


def cli_entries(root: Path, name: str, scripts: tuple[str, ...]) -> list[Entry]:
    """Ways to run the CLI called ``name`` (e.g. ``task-cli``), best first.

    ``argv`` uses ``{code}`` for the copy of the submission the program is reachable in;
    the program itself runs in a fresh, empty folder, as a user would run it.
    """
    entries = []
    declared = project_scripts(root)
    for script, target in declared.items():
        rank = 100 if script == name else 70
        how = f"pyproject.toml [project.scripts] {script} = {target}"
        entries.append(Entry(rank, how, argv=_script_argv(target)))
    for form, target in readme_commands(root):
        if form == "script" and (root / target).is_file():
            entries.append(
                Entry(
                    90,
                    f"README: python {target}",
                    argv=("python3", f"{{code}}/{target.removeprefix('./')}"),
                )
            )
        elif form == "module":
            entries.append(Entry(85, f"README: python -m {target}", argv=_module_argv(target)))
    entries += [
        Entry(80, f"`python -m {pkg}` ({pkg}/__main__.py)", argv=_module_argv(pkg))
        for pkg in main_packages(root)
    ]
    for folder in ("", "src/"):
        entries += [
            Entry(60, f"{folder}{script}", argv=("python3", f"{{code}}/{folder}{script}"))
            for script in scripts
            if (root / folder / script).is_file()
        ]
    return _distinct(entries)


def _path_code() -> str:
    return "import sys; sys.path[:0] = [{code!r} + '/src', {code!r}]; "


def _script_argv(target: str) -> tuple[str, ...]:
    module, _, func = target.partition(":")
    code = _path_code() + f"sys.argv[0] = {module!r}; from {module} import {func} as main; "
    return ("python3", "-c", code + "sys.exit(main())")


def _module_argv(module: str) -> tuple[str, ...]:
    code = (
        _path_code()
        + f"import runpy; runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return ("python3", "-c", code)


def resolve_argv(entry: Entry, code: Path) -> list[str]:
    """A CLI entry's argv with ``{code}`` replaced by the folder holding the program."""
    return [
        part.replace("{code!r}", repr(str(code))).replace("{code}", str(code))
        for part in entry.argv
    ]


__all__ = ["HOST", "Entry", "cli_entries", "procfile", "resolve_argv", "service_entries"]
