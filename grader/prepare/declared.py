"""Find the requirements a candidate's repository declares, from its files in memory.

The first of these at the repository root wins: ``requirements.txt``, ``pyproject.toml``
``[project] dependencies``, ``Pipfile.lock``. Anything pip would need a network, a path or
an option for is refused here, with the reason in plain words.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from packaging.markers import UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from grader.models import DEFAULT_PYTHON, Dependency, DependencyStatus
from grader.untrusted import load_json, load_toml

log = logging.getLogger(__name__)

# The sandbox's interpreter: environment markers are evaluated for it, not for the host.
TARGET_ENVIRONMENT = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.9",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.11.9",
    "python_version": "3.11",
    "sys_platform": "linux",
    "extra": "",
}


def target_environment(python: str) -> dict[str, str]:
    """The marker environment of the sandbox's CPython ``python`` (e.g. "3.13")."""
    if python == TARGET_ENVIRONMENT["python_version"]:
        return TARGET_ENVIRONMENT
    full = f"{python}.0"
    versions = {"python_version": python, "python_full_version": full}
    return {**TARGET_ENVIRONMENT, **versions, "implementation_version": full}


UNUSED_LOCKS = ("poetry.lock", "uv.lock")
_DECLARING = ("requirements.txt", "pyproject.toml", "Pipfile.lock")
MAX_REQUIREMENT_CHARS = 500
_COMMENT = re.compile(r"(^|\s)#.*$")
_HASH = re.compile(r"\s--hash[=\s]\S+")
_OPTION_REASONS = {
    ("-r", "--requirement", "-c", "--constraint"): "other requirement files are not followed",
    ("-e", "--editable"): "editable installs are not supported",
    ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-index"): (
        "packages come only from the grader's package index"
    ),
}


@dataclass(frozen=True, slots=True)
class Wanted:
    """One requirement that applies to the sandbox and may be installed."""

    text: str  # as the candidate wrote it, without comments or hashes
    name: str  # canonical project name
    pip_spec: str  # normalised and marker-free: what pip is asked for


Entry = Wanted | Dependency  # a Dependency here is always a refusal or a note
Parse = Callable[[str], Entry]  # one requirement, markers evaluated for the sandbox
LineReader = Callable[[str, str, Parse], Iterator[Entry]]


@dataclass(frozen=True, slots=True)
class Declared:
    source: str  # the file the requirements came from, "" when none
    entries: tuple[Entry, ...]  # in the order the file lists them


def find_declared(files: Mapping[str, bytes], *, python: str = DEFAULT_PYTHON) -> Declared:
    """The candidate's requirements from the first declaring file at the repository root,
    environment markers evaluated for the sandbox's CPython ``python``.

    Never raises on candidate bytes: a file that makes a parser give up (deeply nested TOML
    or JSON raise RecursionError, odd values TypeError) is refused with the reason.
    """
    try:
        return _first_declared(files, functools.partial(parse_requirement, python=python))
    except Exception as error:
        path = next((p for p in _DECLARING if p in files), "")
        log.exception("could not read the dependencies declared in %s", path)
        return Declared(source=path, entries=(_refused(path, _unreadable(error)),))


def _first_declared(files: Mapping[str, bytes], parse: Parse) -> Declared:
    if "requirements.txt" in files:
        return _from_text("requirements.txt", files, _requirement_lines, parse)
    pyproject = _pyproject_dependencies(files, parse)
    if pyproject is not None:
        return pyproject
    if "Pipfile.lock" in files:
        return _from_text("Pipfile.lock", files, _pipfile_lines, parse)
    notes = [_unused(name, "lock file") for name in UNUSED_LOCKS if name in files]
    return Declared(source="", entries=tuple(notes))


def parse_requirement(text: str, *, python: str = DEFAULT_PYTHON) -> Entry:
    """One PEP 508 requirement, checked and normalised; markers evaluated for the sandbox's
    CPython ``python``."""
    try:
        return _parse_requirement(text, python)
    except Exception as error:  # packaging's parser recurses: nested markers can break it
        log.exception("could not parse the requirement %.80r", text)
        return _refused(text[:MAX_REQUIREMENT_CHARS], _unreadable(error))


def _unreadable(error: BaseException) -> str:
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"could not be read ({reason[:200]}); simplify it"


def _parse_requirement(text: str, python: str) -> Entry:
    try:
        req = Requirement(text)
    except InvalidRequirement as error:
        if "://" in text or text.startswith((".", "/", "~")):
            return _refused(text, "URL and path requirements are not allowed; name a package")
        return _refused(text, f"not a valid requirement: {error}")
    if req.url:
        return _refused(text, "direct URL requirements are not allowed; name a package version")
    try:
        applies = req.marker is None or req.marker.evaluate(target_environment(python))
    except (UndefinedComparison, UndefinedEnvironmentName) as error:
        return _refused(text, f"environment marker cannot be evaluated: {error}")
    if not applies:
        return _refused(text, f"skipped: its environment marker excludes Linux / CPython {python}")
    extras = ",".join(sorted(canonicalize_name(e) for e in req.extras))
    name = canonicalize_name(req.name)
    spec = f"{name}[{extras}]{req.specifier}" if extras else f"{name}{req.specifier}"
    return Wanted(text=text, name=name, pip_spec=spec)


def _from_text(path: str, files: Mapping[str, bytes], lines: LineReader, parse: Parse) -> Declared:
    try:
        text = files[path].decode("utf-8-sig")
    except UnicodeDecodeError:
        return Declared(source=path, entries=(_refused(path, "not UTF-8 text"),))
    return Declared(source=path, entries=tuple(lines(path, text, parse)))


def _requirement_lines(path: str, text: str, parse: Parse) -> Iterator[Entry]:
    for line in _logical_lines(text):
        if line.startswith("-"):
            yield _refused(line, _option_reason(line))
        else:
            yield parse(_HASH.sub("", line).strip())


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with backslash continuations joined and comments removed, as pip reads them."""
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield line
    if line := _COMMENT.sub("", pending).strip():
        yield line


def _option_reason(line: str) -> str:
    option = re.split(r"[\s=]", line, maxsplit=1)[0]
    for options, reason in _OPTION_REASONS.items():
        if option in options:
            return f"pip option {option} refused: {reason}"
    return f"pip option {option} refused: requirements.txt may list only package requirements"


def _pyproject_dependencies(files: Mapping[str, bytes], parse: Parse) -> Declared | None:
    if "pyproject.toml" not in files:
        return None
    try:
        data = load_toml(files["pyproject.toml"].decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Declared("pyproject.toml", (_refused("pyproject.toml", f"unreadable: {error}"),))
    project = data.get("project")
    deps = project.get("dependencies") if isinstance(project, dict) else None
    if deps is None:
        if isinstance(data.get("tool"), dict) and "poetry" in data["tool"]:
            return Declared("", (_unused("pyproject.toml", "[tool.poetry] section"),))
        return None
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        detail = "[project] dependencies must be a list of strings"
        return Declared("pyproject.toml", (_refused("pyproject.toml", detail),))
    return Declared("pyproject.toml", tuple(parse(d.strip()) for d in deps))


def _pipfile_lines(path: str, text: str, parse: Parse) -> Iterator[Entry]:
    try:
        data = load_json(text)
    except json.JSONDecodeError as error:
        yield _refused(path, f"not valid JSON: {error}")
        return
    default = data.get("default") if isinstance(data, dict) else None
    if not isinstance(default, dict):
        yield _refused(path, 'has no "default" section of packages')
        return
    for name, pin in sorted(default.items()):
        if not isinstance(pin, dict) or "version" not in pin:
            yield _refused(
                str(name), "only index packages with a version are used from Pipfile.lock"
            )
            continue
        extras = f"[{','.join(pin['extras'])}]" if pin.get("extras") else ""
        markers = f"; {pin['markers']}" if pin.get("markers") else ""
        yield parse(f"{name}{extras}{pin['version']}{markers}")


def _refused(text: str, detail: str) -> Dependency:
    return Dependency(requirement=text, status=DependencyStatus.REFUSED, detail=detail)


def _unused(path: str, what: str) -> Dependency:
    return _refused(
        path, f"{what} found but not used; declare your dependencies in requirements.txt"
    )
