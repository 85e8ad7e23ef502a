"""Lint checks of the hidden suite and the image, without Docker.

The suite is collected on the host (:mod:`grader.authoring.collect`) and compared with
``tests/manifest.txt`` and the categories of ``challenge.toml``. The image's build context is
readable by candidates, so it must hold no hidden test and no copy of a hidden or reference
file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from grader.authoring.collect import Collection, collect_on_host
from grader.authoring.problem import Facts, Problem
from grader.authoring.tomlpos import line_of
from grader.challenge import MANIFEST_FILE, TOML
from grader.errors import ChallengeError

MAX_HASHED_BYTES = 1_000_000  # bigger files in image/ (wheels, data) are not compared
_TEST_NAMES = ("conftest.py", MANIFEST_FILE)


def check_suite(root: Path, spec: Facts) -> list[Problem]:
    """The collected test IDs match the manifest; every test has a declared category."""
    tests = root / "tests"
    if not tests.is_dir():
        return []
    try:
        collection = collect_on_host(tests)
    except ChallengeError as exc:
        return [Problem(tests, 0, exc.message)]
    problems = [Problem(tests, 0, f"pytest cannot collect {error}") for error in collection.errors]
    return problems + _against_manifest(tests, collection) + _categories(root, spec, collection)


def _against_manifest(tests: Path, collection: Collection) -> list[Problem]:
    path = tests / MANIFEST_FILE
    hint = f"run `grader challenges manifest <id>` to rewrite {MANIFEST_FILE}"
    if not path.is_file():
        return [Problem(path, 0, f"{MANIFEST_FILE} is missing: {hint}")]
    listed: dict[str, int] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            listed.setdefault(line, number)
    collected = {test.id for test in collection.tests}
    stand_ins = (
        f" (collected with stand-ins for {', '.join(collection.stand_ins)})"
        if collection.stand_ins
        else ""
    )
    problems = [
        Problem(path, number, f"{test_id} is listed but not collected{stand_ins}; {hint}")
        for test_id, number in listed.items()
        if test_id not in collected
    ]
    problems += [
        Problem(tests / test.file, test.line, f"{test.id} is collected but not in {MANIFEST_FILE}")
        for test in collection.tests
        if test.id not in listed
    ]
    return problems


def _categories(root: Path, spec: Facts, collection: Collection) -> list[Problem]:
    declared = list(spec.categories)
    problems = []
    for test in collection.tests:
        where = root / "tests" / test.file
        if not test.category:
            example = declared[0] if declared else "name"
            message = f'{test.id} has no category: add pytest.mark.category("{example}")'
            problems.append(Problem(where, test.line, message))
        elif test.category not in declared:
            message = f'{test.id}: category "{test.category}" is not in {TOML} ({declared})'
            problems.append(Problem(where, test.line, message))
    used = {test.category for test in collection.tests}
    text = (root / TOML).read_text(encoding="utf-8")
    for index, name in enumerate(declared):
        if collection.tests and name not in used:
            line = line_of(text, ["categories", index, "name"])
            message = f'category "{name}" has no test: its weight could never be earned'
            problems.append(Problem(root / TOML, line, message))
    return problems


def check_image(root: Path, spec: Facts) -> list[Problem]:
    """The Dockerfile exists; its build context holds no hidden test and no answer."""
    problems = []
    context = root / "image"
    if spec.dockerfile is not None:
        dockerfile = root / spec.dockerfile
        context = dockerfile.parent
        if not dockerfile.is_file():
            line = line_of((root / TOML).read_text(encoding="utf-8"), ["runtime", "dockerfile"])
            message = f"runtime.dockerfile {spec.dockerfile} does not exist"
            problems.append(Problem(root / TOML, line, message))
    if root.resolve().is_relative_to(context.resolve()):
        message = "the Dockerfile's folder is the image's build context: move it into image/"
        return [*problems, Problem(root / TOML, 0, f"{message}, away from the hidden tests")]
    if not context.is_dir():
        return problems
    secret = _digests(root / "tests") | _digests(root / "reference")
    for path in sorted(context.rglob("*")):
        if not path.is_file() or path.relative_to(context).parts[0] == "wheels":
            continue
        if path.name in _TEST_NAMES or path.name.startswith("test_"):
            message = "looks like a hidden test: everything in the image is readable by candidates"
            problems.append(Problem(path, 0, message))
        elif (copy := secret.get(_digest(path))) is not None:
            message = f"is a copy of {copy.relative_to(root)}: the image is readable by candidates"
            problems.append(Problem(path, 0, message))
    return problems


def _digests(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and "__pycache__" not in path.parts and (digest := _digest(path)):
            found.setdefault(digest, path)
    return found


def _digest(path: Path) -> str:
    """The file's SHA-256, or '' for empty and big files (never worth comparing)."""
    size = path.stat().st_size
    if size == 0 or size > MAX_HASHED_BYTES:
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()
