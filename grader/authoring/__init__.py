"""Tools for challenge authors: lint a folder without Docker, scaffold a new challenge, and
publish the ``challenge.toml`` JSON Schema. See ``docs/authoring.md``."""

from __future__ import annotations

import json
from pathlib import Path

from grader.authoring.lint import lint_challenge
from grader.authoring.problem import Problem
from grader.challenge import ChallengeSpec, challenge_folders
from grader.errors import ChallengeError

__all__ = ["Problem", "challenge_schema", "lint_challenge", "lint_folders", "lint_roots"]


def challenge_schema() -> str:
    """The JSON Schema of ``challenge.toml``, as published in ``docs/challenge.schema.json``."""
    schema = ChallengeSpec.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "challenge.toml",
        "description": "A grader challenge (challenges/README.md). Generated from "
        "grader.challenge.ChallengeSpec by `grader challenges schema`; do not edit.",
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def lint_folders(folders: list[Path]) -> dict[Path, tuple[Problem, ...]]:
    """Every problem of each challenge folder, by folder; an id in two folders is one too."""
    first: dict[str, Path] = {}
    found = {}
    for folder in folders:
        challenge_id = f"{folder.parent.name}/{folder.name}"
        problems = lint_challenge(folder)
        if challenge_id in first:
            message = f"{challenge_id} is also at {first[challenge_id]}: ids must be unique"
            problems = (Problem(folder / "challenge.toml", 0, message), *problems)
        first.setdefault(challenge_id, folder)
        found[folder] = problems
    return found


def lint_roots(roots: tuple[Path, ...], challenge_id: str | None) -> list[Path]:
    """The folders to lint: the one holding ``challenge_id``, or every one under ``roots``."""
    folders = challenge_folders(roots)
    if challenge_id is None:
        return folders
    chosen = [f for f in folders if f"{f.parent.name}/{f.name}" == challenge_id]
    if not chosen:
        known = ", ".join(f"{f.parent.name}/{f.name}" for f in folders) or "none"
        raise ChallengeError(f"no challenge folder called {challenge_id!r}", hint=f"known: {known}")
    return chosen
