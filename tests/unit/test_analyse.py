"""Stage analyse: each rule fires on a small snippet and stays quiet on clean code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.analyse import RULES, analyse, code_stats_of, core, lint, scan_checks
from grader.analyse.rules import Hit
from grader.models import Finding
from grader.testing import found

TESTS = {
    "tests/test_app.py": b"def test_add():\n    assert True\n",
    "README.md": b"# App\n\nRun `python -m app`.\n",
}

CLEAN = {
    **TESTS,
    "app/__init__.py": b"",
    "app/core.py": b'''"""A tidy module."""
import logging
import os
import subprocess

logger = logging.getLogger(__name__)
TOKEN_TYPE = "bearer"
PASSWORD = os.environ["APP_PASSWORD"]


def add(items: list[int] | None = None, *, extra: tuple[int, ...] = ()) -> int:
    try:
        return sum(items or []) + sum(extra)
    except TypeError:
        logger.exception("bad items")
        raise


def run(argv: list[str]) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout
''',
    "app/__main__.py": b"from app.core import add\n\nprint(add([1, 2]))\n",
    "scripts/report.py": b'print("report")\n',
    "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


def _rules(findings: tuple[Finding, ...]) -> list[str]:
    return [f.rule for f in findings]


def test_clean_code_with_tests_has_no_findings() -> None:
    assert analyse(CLEAN) == ()


# (rule, file path, content, line the finding points at)
FIRES = [
    ("print-call", "app/util.py", b"def f():\n    print('debug')\n", 2),
    ("bare-except", "app/util.py", b"try:\n    x = 1\nexcept:\n    x = 2\n", 3),
    ("swallowed-exception", "app/util.py", b"try:\n    x = 1\nexcept Exception:\n    pass\n", 3),
    (
        "swallowed-exception",
        "app/util.py",
        b"try:\n    x = 1\nexcept (ValueError, BaseException):\n    return None\n",
        3,
    ),
    ("mutable-default", "app/util.py", b"def f(x=[]):\n    return x\n", 1),
    ("mutable-default", "app/util.py", b"async def f(*, x=dict()):\n    return x\n", 1),
    ("mutable-default", "app/util.py", b"import time\ndef f(x=time.time()):\n    return x\n", 2),
    (
        "blocking-async",
        "app/api.py",
        b"import time\n\nasync def handler():\n    time.sleep(1)\n",
        4,
    ),
    (
        "sql-injection",
        "app/db.py",
        b"def q(db, name):\n    return db.execute(f'SELECT * FROM t WHERE n = {name}')\n",
        2,
    ),
    ("undefined-name", "app/util.py", b"def f():\n    return missing_name\n", 2),
    ("committed-env", ".env", b"DEBUG=1\n", 0),
    (
        "any-annotation",
        "app/util.py",
        b"from typing import Any\n\ndef f(x: Any) -> None:\n    pass\n",
        3,
    ),
    (
        "security-smell",
        "app/util.py",
        b"import pickle\n\ndef f(b):\n    return pickle.loads(b)\n",
        4,
    ),
    ("unused-code", "app/util.py", b"import os\n", 1),
    ("unpinned-dependencies", "requirements.txt", b"# web\nfastapi==0.115.0\nrequests\n", 3),
    ("no-lock-file", "pyproject.toml", b"[project]\ndependencies = ['fastapi']\n", 0),
    ("committed-build", "app/__pycache__/x.cpython-311.pyc", b"\x00", 0),
    ("committed-build", ".venv/pyvenv.cfg", b"home = /usr\n", 0),
    ("dangerous-call", "app/util.py", b"import os\nos.system('ls')\n", 2),
    ("dangerous-call", "app/util.py", b"x = eval(input())\n", 1),
    ("dangerous-call", "app/util.py", b"import subprocess\nsubprocess.run('ls', shell=True)\n", 2),
    ("hardcoded-secret", "app/settings.py", b"DB_PASSWORD = 'hunter2-real'\n", 1),
    (
        "hardcoded-secret",
        "app/settings.py",
        b"connect(api_key='a8f5f167f44f4964e6c998dee827110c')\n",
        1,
    ),
    ("hardcoded-secret", ".env", b"AWS=AKIAIOSFODNN7EXAMPLE\n", 1),
    ("hardcoded-secret", "deploy/key", b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", 1),
    ("complex-function", "app/util.py", b"def f(x):\n" + b"    if x:\n        x += 1\n" * 11, 1),
    ("syntax-error", "app/util.py", b"def f(:\n    pass\n", 1),
    ("syntax-error", "app/util.py", b"x = 1\x00\n", 0),
    ("pytest-config", "tests/conftest.py", b"import pytest\n", 0),
    ("pytest-config", "pytest.ini", b"[pytest]\naddopts = -q\n", 1),
    ("pytest-config", "setup.cfg", b"[metadata]\nname = x\n\n[tool:pytest]\n", 4),
    ("pytest-config", "tox.ini", b"[tox]\n[pytest]\n", 2),
    ("pytest-config", "pyproject.toml", b"[project]\nname = 'x'\n[tool.pytest.ini_options]\n", 3),
    ("pytest-hooks", "conftest.py", b"def pytest_runtest_makereport(item, call):\n    pass\n", 1),
    ("startup-hook", "sitecustomize.py", b"", 0),
    ("startup-hook", "app/usercustomize.py", b"", 0),
    ("startup-hook", "evil.pth", b"import os\n", 0),
    ("pytest-internals", "app/util.py", b"from _pytest.reports import TestReport\n", 1),
    ("pytest-internals", "app/util.py", b"import pytest\n", 1),
    ("judge-probe", "app/util.py", b"import os\nT = os.environ.get('PYTEST_CURRENT_TEST')\n", 2),
    ("judge-probe", "app/util.py", b"open('/judge/tests/test_api.py')\n", 1),
    ("judge-probe", "run.sh", b"#!/bin/sh\ncat /judge/out/results.jsonl\n", 2),
    ("frame-walking", "app/util.py", b"import sys\nf = sys._getframe(1)\n", 2),
    ("frame-walking", "app/util.py", b"import inspect\nfor fr in inspect.stack():\n    pass\n", 2),
    ("frame-walking", "app/util.py", b"def f(frame):\n    return frame.f_back\n", 2),
    ("bidi-control", "app/util.py", "x = 1  # \u202e } \u2066\n".encode(), 1),
    ("pytest-plugin", "pyproject.toml", b"[project.entry-points.pytest11]\nx = 'x'\n", 1),
    ("pytest-plugin", "x-1.0.dist-info/entry_points.txt", b"[console]\n[pytest11]\nx = x\n", 2),
    (
        "test-hunting",
        "app/util.py",
        b"import glob\nglob.glob('/**/test_*.py', recursive=True)\n",
        2,
    ),
    (
        "test-hunting",
        "app/util.py",
        b"import os\nfor top, _, names in os.walk('/'):\n    pass\n",
        2,
    ),
    ("test-hunting", "app/util.py", b"def f(pid):\n    return open(f'/proc/{pid}/environ')\n", 2),
    ("test-hunting", "app/util.py", b"import os\nx = os.path.exists('conftest.py')\n", 2),
    ("early-exit", "solution.py", b"import os\nif True:\n    os._exit(0)\n", 3),
]


@pytest.mark.parametrize(("rule", "path", "content", "line"), FIRES)
def test_rule_fires_on_a_small_snippet(rule: str, path: str, content: bytes, line: int) -> None:
    findings = [f for f in analyse({**TESTS, path: content}) if f.rule == rule]
    assert len(findings) == 1, findings
    finding = findings[0]
    assert (finding.path, finding.line) == (path, line)
    assert finding.severity == RULES[rule].severity
    assert finding.message


def test_every_rule_in_the_table_is_exercised() -> None:
    exercised = {rule for rule, *_ in FIRES} | {
        "no-tests",
        "too-large",
        "leaked-tests",
        "no-readme",
        "missing-file",
        "lint-unavailable",
        "similar-submission",  # tests/unit/test_similarity.py
        "not-analysed",
    }
    assert exercised == set(RULES)


def test_a_repository_without_tests_gets_one_info_finding() -> None:
    findings = analyse({"app.py": b"x = 1\n", "tests/conftest.py": b""})
    assert [(f.rule, f.severity) for f in findings if f.rule == "no-tests"] == [
        ("no-tests", "info")
    ]


def test_tamper_indicators_are_integrity_findings() -> None:
    severities = {
        f.rule: f.severity
        for f in analyse({**TESTS, "x.pth": b"", "a.py": b"import _pytest\n\n_pytest.x()\n"})
    }
    assert severities == {"startup-hook": "integrity", "pytest-internals": "integrity"}


def test_print_is_fine_in_tests_entry_points_and_scripts() -> None:
    files = {
        **TESTS,
        "tests/test_app.py": b"def test_x():\n    print('x')\n",
        "app/cli.py": b"print('hi')\n",
        "app/tool.py": b"def main():\n    print('x')\n\nif __name__ == '__main__':\n    main()\n",
        "bin/run.py": b"print('x')\n",
    }
    assert "print-call" not in _rules(analyse(files))


def test_pytest_imports_in_test_code_are_fine() -> None:
    assert (
        analyse(
            {
                **TESTS,
                "tests/test_app.py": b"import pytest\nfrom _pytest.monkeypatch import MonkeyPatch\n"
                b"\n@pytest.fixture\ndef patch() -> MonkeyPatch:\n    return MonkeyPatch()\n",
            }
        )
        == ()
    )


def test_secrets_are_never_repeated_in_the_message() -> None:
    findings = analyse({**TESTS, "app.py": b"API_KEY = 'sk-live-0123456789abcdefghij'\n"})
    assert findings
    assert all("0123456789" not in f.message for f in findings)


@pytest.mark.parametrize(
    "source",
    [
        b"PASSWORD = ''\n",
        b"PASSWORD = 'changeme'\n",
        b"API_KEY = '<your key here>'\n",
        b"TOKEN = '${TOKEN}'\n",
        b"SECRET = 'xxxxxxxxxxxx'\n",
        b"token_type = 'bearer-token-abc'\n",
    ],
)
def test_placeholders_and_lookalike_names_are_not_secrets(source: bytes) -> None:
    assert "hardcoded-secret" not in _rules(analyse({**TESTS, "app.py": source}))


def test_narrow_excepts_that_handle_the_error_are_fine() -> None:
    source = (
        b"import logging\ntry:\n    x = 1\nexcept Exception:\n"
        b"    logging.exception('x')\n    raise\n"
        b"except ValueError:\n    pass\n"
    )
    assert analyse({**TESTS, "app.py": source}) == ()


def test_a_file_that_does_not_parse_gives_one_finding_and_other_files_still_count() -> None:
    findings = analyse({**TESTS, "bad.py": b"def (:\n", "good.py": b"def f(x=[]):\n    return x\n"})
    assert sorted(_rules(findings)) == ["mutable-default", "syntax-error"]


def test_absurdly_nested_code_does_not_crash_the_analyser() -> None:
    findings = analyse({**TESTS, "deep.py": b"x = " + b"(" * 5000 + b")" * 5000 + b"\n"})
    assert _rules(findings) == ["syntax-error"]


def test_binary_files_are_ignored() -> None:
    assert analyse({**TESTS, "data.bin": b"\x00\x01/judge\xff\xfe" * 10}) == ()


def test_huge_files_are_reported_not_analysed() -> None:
    findings = analyse({**TESTS, "big.py": b"print(1)\n" * 300_000})
    assert _rules(findings) == ["too-large"]


def test_each_rule_is_capped_with_a_summary() -> None:
    source = b"def f():\n" + b"    print(1)\n" * 25
    findings = [f for f in analyse({**TESTS, "app.py": source}) if f.rule == "print-call"]
    assert len(findings) == 21
    assert [f.line for f in findings[:20]] == list(range(2, 22))
    assert findings[-1].message == "5 more findings of this kind not listed"


def test_findings_come_integrity_first_then_warnings_then_info() -> None:
    files = {"app.py": b"import pytest\n\ndef f(x=[]):\n    print(pytest, x)\n", "README": b"$ run"}
    assert [f.severity for f in analyse(files)] == ["integrity", "warning", "info", "info"]


def test_paths_and_messages_are_cleaned_for_display() -> None:
    findings = analyse({**TESTS, "evil\x1b[2J.pth": b""})
    assert findings[0].path == "evil\\x1b[2J.pth"
    assert "\x1b" not in findings[0].message


def test_pytest_hooks_with_honest_uses_are_only_config_notes() -> None:
    conftest = (
        b"def pytest_collection_modifyitems(config, items):\n    pass\n\n"
        b"def pytest_sessionfinish(session, exitstatus):\n    pass\n"
    )
    findings = analyse({**TESTS, "tests/conftest.py": conftest})
    assert [(f.rule, f.severity) for f in findings] == [("pytest-config", "info")]


def test_honest_exits_and_proc_reads_are_not_tamper_evidence() -> None:
    honest = {
        **TESTS,
        "app/run.py": b"import os\n\ndef child():\n    os._exit(0)\n\n"
        b"if __name__ == '__main__':\n    os._exit(0)\n",
        "app/mem.py": b"def rss():\n    return open('/proc/self/status').read()\n",
        "pyproject.toml": b"[tool.pytest.ini_options]\npython_files = ['test_*.py']\n",
        "tests/test_files.py": b"import glob\n\ndef test_x():\n    glob.glob('test_*.py')\n",
    }
    assert [f for f in analyse(honest) if f.severity == "integrity"] == []


HIDDEN = {
    "tests/test_hidden.py": b"# grader-canary: 5d1f0c7e-9a4b-4c61-8e2f-0b7d3a9c1e55\n"
    + b"def test_secret():\n    assert 1 + 1 == 2\n" * 5,
    "tests/__init__.py": b"",
}


def test_a_hidden_test_canary_string_anywhere_in_the_repo_is_flagged() -> None:
    files = {**TESTS, "notes.md": b"seen: 5d1f0c7e-9a4b-4c61-8e2f-0b7d3a9c1e55 in the tests\n"}
    findings = [f for f in analyse(files, hidden=HIDDEN) if f.rule == "leaked-tests"]
    assert [(f.path, f.line, f.severity) for f in findings] == [("notes.md", 1, "integrity")]


def test_a_copy_of_a_hidden_test_file_is_flagged_but_tiny_files_are_not() -> None:
    files = {**TESTS, "copied.py": HIDDEN["tests/test_hidden.py"], "pkg/__init__.py": b""}
    findings = [f for f in analyse(files, hidden=HIDDEN) if f.rule == "leaked-tests"]
    assert [f.path for f in findings] == ["copied.py"]
    assert "tests/test_hidden.py" in findings[0].message


def test_scan_checks_say_what_was_checked_and_found() -> None:
    files = {**TESTS, "x.pth": b""}
    checks = found(scan_checks(files, analyse(files, hidden=HIDDEN), hidden=True))
    assert checks["tamper scan"].startswith("3 files checked against ")
    assert checks["tamper scan"].endswith(": 1 finding, flagged")
    assert checks["hidden-test leak scan"] == "no hidden-test canary string or copy found"


def test_files_the_challenge_asks_for_are_missing_findings_only_when_asked() -> None:
    asked = [(f.path, f.message) for f in analyse(TESTS, expects=("dockerfile", "compose"))]
    assert asked == [
        ("Dockerfile", "no Dockerfile: the challenge asks for one"),
        ("compose.yaml", "no compose.yaml: the challenge asks for one"),
    ]
    assert [f for f in analyse(TESTS) if f.rule == "missing-file"] == []
    shipped = {**TESTS, "Dockerfile": b"FROM python\n", "compose.yaml": b"services: {}\n"}
    assert analyse(shipped, expects=("dockerfile", "compose")) == ()


@pytest.mark.parametrize(
    ("readme", "expected"),
    [
        ({}, ["no README at the top of the repository"]),
        ({"README.md": b"# My app\n\nIt tracks tasks.\n"}, ["the README does not say how"]),
        ({"README.md": b"# My app\n\n```\npython -m app\n```\n"}, []),
    ],
)
def test_a_readme_must_say_how_to_run_it(readme: dict[str, bytes], expected: list[str]) -> None:
    files = {"tests/test_app.py": TESTS["tests/test_app.py"], **readme}
    found_messages = [f.message for f in analyse(files) if f.rule == "no-readme"]
    assert [m[: len(e)] for m, e in zip(found_messages, expected, strict=False)] == expected
    assert len(found_messages) == len(expected)


def test_an_env_example_and_pinned_requirements_are_fine() -> None:
    files = {**TESTS, ".env.example": b"TOKEN=\n", "requirements.txt": b"fastapi==0.115.0\n"}
    assert analyse(files) == ()


def test_snippets_show_the_flagged_line_but_never_a_secret() -> None:
    findings = analyse(
        {**TESTS, "app.py": b"API_KEY = 'a8f5f167f44f4964e6'\n\ndef f(x=[]):\n    ...\n"}
    )
    assert {f.rule: f.snippet for f in findings} == {
        "hardcoded-secret": "",
        "mutable-default": "def f(x=[]):",
    }


def test_a_failing_linter_is_a_finding_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lint, "TIMEOUT_SECONDS", 0.000001)
    findings = analyse({**TESTS, "app.py": b"x = 1\n"})
    assert [(f.rule, f.message) for f in findings] == [
        (
            "lint-unavailable",
            "code signals could not be computed: ruff did not finish within 1e-06 s",
        )
    ]


def test_the_candidates_ruff_config_is_never_read() -> None:
    config = b"[tool.ruff]\nexclude = ['app']\n[tool.ruff.lint]\nignore = ['B006']\n"
    files = {**TESTS, "pyproject.toml": config, "app/x.py": b"def f(x=[]):\n    return x\n"}
    assert [f.rule for f in analyse(files)] == ["mutable-default"]


@pytest.mark.parametrize(
    ("source", "functions", "annotated", "with_any"),
    [
        (b"def f(x: int) -> int:\n    return x\n", 1, 1, 0),
        (b"def f(x) -> int:\n    return x\n", 1, 0, 0),
        (b"def f(x: int):\n    return x\n", 1, 0, 0),
        (b"from typing import Any\ndef f(x: Any) -> None: ...\n", 1, 0, 1),
        (b"def f(x: 'dict[str, Any]') -> None: ...\n", 1, 0, 1),
        (b"class A:\n    def m(self, *a: int, **k: str) -> None: ...\n", 1, 1, 0),
        (b"x = 1\n", 0, 0, 0),
    ],
)
def test_type_hint_coverage_counts_complete_annotations_without_any(
    source: bytes, functions: int, annotated: int, with_any: int
) -> None:
    stats = code_stats_of({"app.py": source, "tests/test_x.py": b"def test_x(): ...\n"})
    assert (stats.functions, stats.annotated, stats.with_any) == (functions, annotated, with_any)


def test_type_hint_coverage_is_a_percentage_or_none() -> None:
    assert code_stats_of({"a.py": b"def f(x: int) -> None: ...\ndef g(x): ...\n"}).coverage == 50
    assert code_stats_of({}).coverage is None


def test_a_rule_that_breaks_on_a_file_becomes_a_finding_and_the_other_files_are_analysed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(f: object) -> Iterator[Hit]:
        raise RecursionError("maximum recursion depth exceeded")
        yield  # pragma: no cover - makes this a generator like every rule family

    monkeypatch.setattr(core, "INTEGRITY_RULES", (broken,))
    files = {**TESTS, "app.py": b"x = 1\n", "notes.txt": b"\xe2\x80\xae hidden\n"}
    findings = analyse(files)
    broken_files = [f.path for f in findings if f.rule == "not-analysed"]
    assert broken_files == ["app.py", "tests/test_app.py"]
    assert all("RecursionError" in f.message for f in findings if f.rule == "not-analysed")
    assert "bidi-control" in {f.rule for f in findings}  # the text scan still ran
