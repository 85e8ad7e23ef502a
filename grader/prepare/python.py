"""Which Python the candidate's code runs on: the challenge offers versions, the submission asks.

A submission asks in the places Python tools look, most specific first: ``.python-version``
(pyenv, uv), ``runtime.txt`` (``python-3.13.1``), then ``requires-python`` in
``pyproject.toml``. The first place that names a version decides. Among the offered versions
it allows, the challenge's default wins, else the newest. A request the challenge cannot
meet runs on the default, and the report says so: the code may still work.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from grader.models import PythonChoice
from grader.text import clean_text
from grader.untrusted import load_toml

MAX_SPEC_CHARS = 100
_SERIES = re.compile(r"(?<![\d.])(3)\.(\d{1,2})(?:\.\d+)?")
_PATCHES = range(100)  # a series is allowed when any of its releases is


def choose_python(
    files: Mapping[str, bytes], offered: tuple[str, ...], default: str
) -> PythonChoice:
    """The version (``"3.13"``) the submission runs on, and why, in plain words."""
    for source, text, spec in _requests(files):
        if spec is None:
            return PythonChoice(
                default, f"{source} ({text}) is not readable; the default {default}"
            )
        allowed = [v for v in offered if any(spec.contains(f"{v}.{p}") for p in _PATCHES)]
        if not allowed:
            return PythonChoice(
                default,
                f"{source} asks for {text}, which this challenge does not offer "
                f"({', '.join(offered)}); ran on its default {default}",
            )
        chosen = default if default in allowed else max(allowed, key=_key)
        return PythonChoice(chosen, f"{source} asks for {text}")
    return PythonChoice(default, "the submission names no Python version: the challenge's default")


def _requests(files: Mapping[str, bytes]) -> Iterator[tuple[str, str, SpecifierSet | None]]:
    """(where, what it says, as a specifier) for each place that names a version, in order."""
    for name in (".python-version", "runtime.txt"):
        if name in files:
            text = _first_line(files[name])
            series = _SERIES.search(text)
            yield name, repr(text), SpecifierSet(f"=={series[1]}.{series[2]}.*") if series else None
    if "pyproject.toml" in files:
        wanted = _requires_python(files["pyproject.toml"])
        if wanted is not None:
            yield "requires-python in pyproject.toml", repr(wanted), _specifier(wanted)


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").splitlines()
    text = next((line.strip() for line in lines if line.strip() and line[0] != "#"), "")
    return clean_text(text, MAX_SPEC_CHARS)


def _requires_python(data: bytes) -> str | None:
    try:
        project = load_toml(data.decode("utf-8", "replace")).get("project", {})
    except (tomllib.TOMLDecodeError, RecursionError, MemoryError):
        # Broken or hostile (deep nesting makes tomllib recurse): analyse reports the file,
        # and the default Python runs.
        return None
    wanted = project.get("requires-python") if isinstance(project, dict) else None
    return clean_text(wanted, MAX_SPEC_CHARS) if isinstance(wanted, str) else None


def _specifier(text: str) -> SpecifierSet | None:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
