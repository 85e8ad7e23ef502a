"""Fuzzing every host-side parser of candidate bytes: none may raise, whatever it is fed.

A parser that raises on a candidate's file crashes the grading (``grader grade`` dies with a
traceback, a worker's claim ends ``not_gradable`` on every regrade), so the candidate avoids
being scored. Each parser here turns any input into a result or a finding. Hypothesis feeds
random and pathological inputs (deep nesting, huge repetition, control bytes); the examples
are bounded so the job stays part of ``scripts/test``.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.analyse import analyse
from grader.analyse.rules import Hit
from grader.analyse.source import parse_python
from grader.collect.schema import parse_stream
from grader.errors import JudgeError
from grader.fetch.tree import parse_commit
from grader.models import Dependency
from grader.prepare.declared import Wanted, find_declared, parse_requirement
from grader.prepare.python import choose_python

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Shapes that break recursive parsers: long runs of one opener, and deep nests of brackets.
_OPENERS = ("-", "(", "[", "{", "not ", "~", "lambda:", "a.", "await ", "*")
deep = st.builds(
    lambda opener, depth, tail: opener * depth + tail,
    st.sampled_from(_OPENERS),
    st.integers(min_value=50, max_value=20_000),
    st.sampled_from(("1", "", "x", ")", "]")),
)
hostile_text = st.one_of(st.text(max_size=2000), deep)
hostile_bytes = st.one_of(st.binary(max_size=2000), hostile_text.map(str.encode))


def _nested(depth: int, opener: str, closer: str, inner: str = "1") -> str:
    return opener * depth + inner + closer * depth


# The inputs from the issue, kept as named regressions beside the random ones.
KNOWN = {
    "unary-minus": ("app.py", ("-" * 10_000 + "1").encode()),
    "toml-array": ("pyproject.toml", f"[project]\ndependencies = {_nested(50_000, '[', ']')}\n"),
    "toml-table": ("pyproject.toml", "a = " + _nested(50_000, "{b = ", "}")),
    "pipfile-json": ("Pipfile.lock", '{"default": ' + _nested(100_000, "[", "]") + "}"),
    "pipfile-extras": ("Pipfile.lock", '{"default": {"x": {"version": "==1", "extras": 5}}}'),
    "requirement-marker": ("requirements.txt", "x; " + _nested(5_000, "(", ")", "os_name=='a'")),
}


@pytest.mark.parametrize("case", sorted(KNOWN))
def test_known_parser_bombs_become_findings(case: str) -> None:
    path, content = KNOWN[case]
    data = content if isinstance(content, bytes) else content.encode()
    findings = analyse({path: data})
    declared = find_declared({path: data})
    assert findings  # at least "no-tests"; above all: no exception
    if path.endswith(".py"):
        assert [f.rule for f in findings if f.path == path] == ["syntax-error"]
    else:
        assert [d.status for d in declared.entries if isinstance(d, Dependency)] == ["refused"]


@FUZZ
@given(path=st.sampled_from(("app.py", "tests/test_x.py", "setup.py")), data=hostile_bytes)
def test_python_parsing_never_raises(path: str, data: bytes) -> None:
    parsed = parse_python(path, data)
    assert isinstance(parsed, Hit) or parsed.path == path


@FUZZ
@given(
    files=st.dictionaries(
        st.sampled_from(("app.py", "pyproject.toml", "setup.cfg", ".env", "x.pth", "README.md")),
        hostile_bytes,
        max_size=4,
    )
)
def test_the_analyser_never_raises(files: dict[str, bytes]) -> None:
    for finding in analyse(files):
        assert finding.rule and len(finding.message) <= 500


@FUZZ
@given(
    name=st.sampled_from(("requirements.txt", "pyproject.toml", "Pipfile.lock")),
    data=hostile_bytes,
)
def test_the_dependency_reader_never_raises(name: str, data: bytes) -> None:
    declared = find_declared({name: data})
    assert all(isinstance(e, (Wanted, Dependency)) for e in declared.entries)


@FUZZ
@given(
    name=st.sampled_from((".python-version", "runtime.txt", "pyproject.toml")),
    data=hostile_bytes,
)
def test_the_python_version_reader_never_raises(name: str, data: bytes) -> None:
    chosen = choose_python({name: data}, ("3.11", "3.13"), "3.11")
    assert chosen.version in ("3.11", "3.13")


def test_a_deeply_nested_pyproject_runs_on_the_default_python() -> None:
    nested = b"[project]\nrequires-python = " + b"[" * 20_000 + b"]" * 20_000 + b"\n"
    assert choose_python({"pyproject.toml": nested}, ("3.11", "3.13"), "3.11").version == "3.11"


@FUZZ
@given(
    deps=st.lists(st.one_of(hostile_text, st.integers(), st.none(), st.booleans()), max_size=5),
    extras=st.one_of(st.none(), st.integers(), st.lists(st.text(max_size=5), max_size=3)),
)
def test_pyproject_and_pipfile_values_of_any_type_are_refused_not_raised(
    deps: list[object], extras: object
) -> None:
    pipfile = {"default": {str(n): {"version": d, "extras": extras} for n, d in enumerate(deps)}}
    for files in (
        {"Pipfile.lock": json.dumps(pipfile).encode()},
        {"pyproject.toml": f"[project]\ndependencies = {json.dumps(deps)}\n".encode()},
    ):
        find_declared(files)


@FUZZ
@given(text=hostile_text)
def test_a_single_requirement_never_raises(text: str) -> None:
    assert isinstance(parse_requirement(text), (Wanted, Dependency))


@FUZZ
@given(
    head=st.binary(max_size=300),
    committer=st.one_of(
        st.binary(max_size=80),
        st.builds(
            lambda s, z: f"committer a <a@b> {s} {z}".encode(),
            st.integers(min_value=-(10**30), max_value=10**30),
            st.from_regex(r"[+-]\d{4}", fullmatch=True),
        ),
    ),
    body=hostile_bytes,
)
def test_commit_objects_never_break_the_parser(head: bytes, committer: bytes, body: bytes) -> None:
    message, _ = parse_commit(head + b"\n" + committer + b"\n\n" + body)
    assert isinstance(message, str)


@FUZZ
@given(raw=st.one_of(hostile_bytes, st.lists(hostile_bytes, max_size=5).map(b"\n".join)))
def test_a_damaged_results_stream_is_a_judge_error_never_a_crash(raw: bytes) -> None:
    for killed in (False, True):
        with contextlib.suppress(JudgeError):
            parse_stream(raw, killed=killed)
