"""Which Python a submission runs on: what it asks for, what the challenge offers."""

from __future__ import annotations

import pytest

from grader.challenge import RuntimeSpec
from grader.prepare import choose_python

OFFERED = ("3.11", "3.13")


def _pyproject(requires: str) -> dict[str, bytes]:
    return {"pyproject.toml": f'[project]\nrequires-python = "{requires}"\n'.encode()}


@pytest.mark.parametrize(
    ("files", "version"),
    [
        pytest.param({}, "3.11", id="nothing-named"),
        pytest.param(_pyproject(">=3.12"), "3.13", id="requires-newer"),
        pytest.param(_pyproject(">=3.9"), "3.11", id="both-allowed-default-wins"),
        pytest.param(_pyproject("~=3.11.4"), "3.11", id="compatible-release"),
        pytest.param({".python-version": b"# pinned\n3.13.1\n"}, "3.13", id="python-version"),
        pytest.param({"runtime.txt": b"python-3.13.0\n"}, "3.13", id="runtime-txt"),
        pytest.param(
            {".python-version": b"3.13\n", **_pyproject(">=3.9,<3.12")}, "3.13", id="pin-first"
        ),
    ],
)
def test_the_most_specific_request_picks_among_the_offered_versions(
    files: dict[str, bytes], version: str
) -> None:
    assert choose_python(files, OFFERED, "3.11").version == version


def test_the_reason_names_the_file_and_what_it_asks() -> None:
    choice = choose_python(_pyproject(">=3.12"), OFFERED, "3.11")
    assert choice.reason == "requires-python in pyproject.toml asks for '>=3.12'"
    assert "names no Python version" in choose_python({}, OFFERED, "3.11").reason


@pytest.mark.parametrize(
    ("files", "words"),
    [
        pytest.param(_pyproject("==3.12.*"), "which this challenge does not offer", id="unmet"),
        pytest.param(_pyproject("3.12 please"), "is not readable", id="bad-specifier"),
        pytest.param({"runtime.txt": b"pypy"}, "is not readable", id="no-version"),
    ],
)
def test_a_request_that_cannot_be_met_runs_on_the_default_and_says_so(
    files: dict[str, bytes], words: str
) -> None:
    choice = choose_python(files, OFFERED, "3.11")
    assert choice.version == "3.11" and words in choice.reason and "3.11" in choice.reason


def test_a_broken_pyproject_is_ignored_and_hostile_text_is_cleaned() -> None:
    assert choose_python({"pyproject.toml": b"[project"}, OFFERED, "3.13").version == "3.13"
    choice = choose_python({".python-version": b"3.13\x1b[2J\n"}, OFFERED, "3.11")
    assert choice.version == "3.13" and "\x1b" not in choice.reason


def test_a_challenge_offers_known_versions_with_its_default_first() -> None:
    assert RuntimeSpec().pythons == ("3.11",)
    assert RuntimeSpec(python=("3.11", "3.13"), default_python="3.13").pythons == ("3.13", "3.11")
    with pytest.raises(ValueError, match="unknown"):
        RuntimeSpec(python=("3.12",))
    with pytest.raises(ValueError, match="not in python"):
        RuntimeSpec(python=("3.11",), default_python="3.13")
