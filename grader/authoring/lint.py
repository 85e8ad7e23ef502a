"""``grader challenges lint``: every problem a challenge folder has that needs no Docker.

Each check returns :class:`Problem` values naming the file and line to fix; nothing stops at
the first one, so an author sees the whole list at once. The checks that need the hidden
suite collected (manifest, categories) and the image are in :mod:`grader.authoring.suite`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from grader.authoring.problem import Facts, Problem
from grader.authoring.suite import check_image, check_suite
from grader.authoring.tomlpos import line_of
from grader.challenge import TOML, ChallengeSpec
from grader.errors import ChallengeError
from grader.validate.checks import BANDS_FILE, check_samples_present, load_bands
from grader.validate.mutants import load_mutants_file

_TOML_POSITION = re.compile(r"at line (\d+)")


def lint_challenge(root: Path) -> tuple[Problem, ...]:
    """Every problem of the challenge folder ``root``, in file order."""
    facts, problems = load_spec(root)
    problems += check_folders(root)
    problems += check_samples(root)
    problems += check_mutants(root)
    if facts is not None:
        problems += check_identity(root, facts)
        problems += check_brief(root, facts)
        problems += check_suite(root, facts)
        problems += check_image(root, facts)
    return tuple(problems)


def load_spec(root: Path) -> tuple[Facts | None, list[Problem]]:
    """What ``challenge.toml`` says (``None``: unreadable), and every schema problem."""
    path = root / TOML
    if not path.is_file():
        return None, [Problem(path, 0, f"{TOML} is missing")]
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        return None, [Problem(path, int(found.group(1)) if found else 0, f"not TOML: {exc}")]
    try:
        ChallengeSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = ".".join(str(p) for p in error["loc"]) or "(top)"
            line = line_of(text, error["loc"])
            problems.append(Problem(path, line, f"{loc}: {error['msg']}"))
        return Facts.of(raw), problems
    return Facts.of(raw), []


def check_identity(root: Path, spec: Facts) -> list[Problem]:
    """The id is the folder's own path, and its specialty the id's first part."""
    path = root / TOML
    text = path.read_text(encoding="utf-8")
    folder = f"{root.parent.name}/{root.name}"
    problems = []
    if spec.id != folder:
        problems.append(
            Problem(path, line_of(text, ["id"]), f'id is "{spec.id}" but the folder is {folder}')
        )
    if spec.specialty != spec.id.partition("/")[0]:
        problems.append(
            Problem(
                path,
                line_of(text, ["specialty"]),
                f'specialty is "{spec.specialty}" but the id starts with '
                f'"{spec.id.partition("/")[0]}"',
            )
        )
    return problems


def check_folders(root: Path) -> list[Problem]:
    """brief.md, reference/, starter/ and tests/ exist and are not empty."""
    problems = []
    if not (root / "brief.md").is_file():
        problems.append(Problem(root / "brief.md", 0, "brief.md is missing"))
    for name in ("reference", "starter", "tests"):
        folder = root / name
        if not folder.is_dir() or not any(folder.iterdir()):
            problems.append(Problem(folder, 0, f"{name}/ is missing or empty"))
    return problems


def check_brief(root: Path, spec: Facts) -> list[Problem]:
    """The brief states the time budget challenge.toml gives (the candidate reads only it)."""
    brief = root / "brief.md"
    if not spec.time_budget:
        text = (root / TOML).read_text(encoding="utf-8")
        line = line_of(text, ["time_budget"])
        return [Problem(root / TOML, line, 'time_budget is empty: set it, e.g. "2-3 hours"')]
    if brief.is_file() and spec.time_budget.lower() not in brief.read_text("utf-8").lower():
        return [Problem(brief, 1, f'does not mention the time budget "{spec.time_budget}"')]
    return []


def check_samples(root: Path) -> list[Problem]:
    """The samples ``validate`` needs, each with a band (the rules of ``validate`` itself)."""
    folder = root / "samples"
    bands_path = folder / BANDS_FILE
    if not folder.is_dir():
        return [Problem(folder, 0, "samples/ is missing: add strong, partial, broken, cheating")]
    try:
        bands = load_bands(folder)
    except ChallengeError as exc:
        found = _TOML_POSITION.search(exc.message)
        return [Problem(bands_path, int(found.group(1)) if found else 0, exc.message)]
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    check = check_samples_present(names, bands)
    return [] if check.ok else [Problem(bands_path, 0, check.detail)]


def check_mutants(root: Path) -> list[Problem]:
    """mutants.toml parses, and each listed mutant's ``find`` occurs once in its file."""
    path = root / "mutants.toml"
    try:
        config = load_mutants_file(root)
    except ChallengeError as exc:
        return [Problem(path, 0, exc.message)]
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    problems = []
    for index, mutant in enumerate(config.mutant):
        target = root / "reference" / mutant.file
        line = line_of(text, ["mutant", index, "find"])
        if not target.is_file():
            problems.append(Problem(path, line, f"{mutant.name}: no reference/{mutant.file}"))
        elif (count := target.read_text(encoding="utf-8").count(mutant.find)) != 1:
            message = f"{mutant.name}: `find` occurs {count} times in {mutant.file}, not once"
            problems.append(Problem(path, line, message))
    return problems
