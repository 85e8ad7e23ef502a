"""Candidate files parsed by recursive parsers: no garbage collection runs inside the parse."""

from __future__ import annotations

import gc
import json
import sys
import tomllib

import pytest

from grader.untrusted import load_json, load_toml

DEEP_TOML = "a = " + "[" * 20_000 + "]" * 20_000
DEEP_JSON = "[" * 200_000 + "]" * 200_000
DEEP_FRAMES = 200  # deeper than any caller of the parsers; the limit is 1,000


def _depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


def _collections_during(parse: object) -> list[int]:
    """The stack depth of every collection that started deep inside ``parse``."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and (depth := _depth()) > DEEP_FRAMES:
            seen.append(depth)

    gc.callbacks.append(note)
    try:
        with pytest.raises(RecursionError):
            parse()  # type: ignore[operator]
    finally:
        gc.callbacks.remove(note)
    return seen


def test_a_deeply_nested_file_fails_without_a_collection_at_the_recursion_limit() -> None:
    assert gc.isenabled()
    assert _collections_during(lambda: load_toml(DEEP_TOML)) == []
    assert _collections_during(lambda: load_json(DEEP_JSON)) == []
    assert gc.isenabled()  # held only for the parse


def test_the_unguarded_parse_would_collect_there() -> None:
    """The property above is not vacuous: the same parse, unguarded, runs collections."""
    assert _collections_during(lambda: tomllib.loads(DEEP_TOML)) != []


def test_ordinary_files_parse_as_the_standard_library_does() -> None:
    text = '[project]\nname = "x"\ndependencies = ["requests>=2"]\n'
    assert load_toml(text) == tomllib.loads(text)
    assert load_json('{"default": {"requests": "*"}}') == json.loads(
        '{"default": {"requests": "*"}}'
    )
    with pytest.raises(tomllib.TOMLDecodeError):
        load_toml("[project")
    assert gc.isenabled()
