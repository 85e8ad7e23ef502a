"""Why a run lost its points, in one sentence with the fix, when most failures share a cause.

A recruiter reading "0" must see at once whether the program was wrong or never ran: the app
never started, no entry point was found, an import failed everywhere, or the repository holds
no Python at all. The score stands; this only explains it. Pure functions of the results.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grader.models import TestResult, TestStatus

MOST = 0.6  # the share of failed tests one cause must explain
MAX_DETAIL = 200
_MISSING = re.compile(r"No module named '?(?P<name>[\w.]+)'?")
_SYNTAX = re.compile(r"(?P<kind>SyntaxError|IndentationError|TabError): (?P<detail>[^\n]*)")
_NOT_STARTED = (
    "before it accepted connections",
    "did not accept connections",
    "could not be started",
    "could not start `",
)
_NO_ENTRY = ("could not find how to start", "no way to start")
_OTHER_LANGUAGES = {
    "package.json": "Node.js",
    "go.mod": "Go",
    "Cargo.toml": "Rust",
    "pom.xml": "Java",
    "build.gradle": "Java",
    "Gemfile": "Ruby",
    "composer.json": "PHP",
}


@dataclass(frozen=True, slots=True)
class _Cause:
    key: str
    sentence: str


def explain_failures(
    tests: Sequence[TestResult], facts: Mapping[str, str], paths: Sequence[str]
) -> str:
    """One sentence naming the shared cause of most failures, with the fix; '' if none."""
    failed = [t for t in tests if t.status is not TestStatus.PASSED]
    if not failed or len(failed) * 2 < len(tests):
        return ""
    if not any(path.endswith(".py") for path in paths):
        return _not_python(paths, len(failed), len(tests))
    causes = [_cause_of(t.message, facts) for t in failed]
    counts = Counter(c.key for c in causes if c.key)
    if counts:
        key, seen = counts.most_common(1)[0]
        if seen >= MOST * len(failed):
            sentence = next(c.sentence for c in causes if c.key == key)
            return f"{sentence} ({seen} of {len(tests)} hidden tests failed this way)"
    if len(failed) == len(tests):
        return _most_common(failed)
    return ""


def _not_python(paths: Sequence[str], failed: int, total: int) -> str:
    names = {path.rsplit("/", 1)[-1] for path in paths}
    language = next((lang for name, lang in _OTHER_LANGUAGES.items() if name in names), "")
    what = f"a {language} project" if language else "no Python code"
    return (
        f"The repository holds {what}, not a Python program, so nothing could be run "
        f"({failed} of {total} hidden tests failed); fix: submit the Python implementation "
        "the brief asks for."
    )


def _cause_of(message: str, facts: Mapping[str, str]) -> _Cause:
    if any(marker in message for marker in _NO_ENTRY) or facts.get("entry_point") == "none found":
        return _Cause(
            "entry",
            "No way to start the program was found; fix: add a Procfile `web:` line, a "
            "[project.scripts] entry or a run command in the README",
        )
    if match := _MISSING.search(message):
        name = match["name"]
        return _Cause(
            f"missing:{name}",
            f"The program could not import `{name}`, so it never ran; fix: declare it in "
            "requirements.txt or pyproject.toml (or use a package the challenge allows)",
        )
    if match := _SYNTAX.search(message):
        detail = match["detail"][:MAX_DETAIL]
        return _Cause(
            "syntax",
            f"The code does not compile on the grader's Python ({match['kind']}: {detail}); "
            "fix: use syntax the challenge's Python version accepts",
        )
    if any(marker in message for marker in _NOT_STARTED):
        return _Cause(
            "start",
            f"The app never started ({_last_line(message)}); fix: make the documented start "
            "command work from a fresh clone with only the brief's environment",
        )
    return _Cause("", "")


def _most_common(failed: Sequence[TestResult]) -> str:
    lines = Counter(_last_line(t.message) or t.status.value for t in failed)
    line, seen = lines.most_common(1)[0]
    return f"No hidden test passed; the most common failure ({seen} of {len(failed)}): {line}"


def _last_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:MAX_DETAIL]
