"""Tamper indicators: signs that a submission probes or tries to rewrite the grader.

In this grader candidate code never shares a process with the judge, so these cannot change a
result; they are still evidence of intent, and a human reviews them (outcome ``flagged``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from grader.analyse.rules import Hit
from grader.analyse.source import PyFile, dotted, is_main_guard

# Hooks that can rewrite what a test's outcome says. Hooks with common honest uses
# (pytest_collection_modifyitems for --runslow, pytest_sessionfinish for clean-up) are left out:
# the judge never loads a candidate's conftest.py, so only intent is evidence here.
_OUTCOME_HOOKS = frozenset(
    {
        "pytest_pyfunc_call",
        "pytest_report_teststatus",
        "pytest_runtest_call",
        "pytest_runtest_logreport",
        "pytest_runtest_makereport",
        "pytest_runtest_protocol",
    }
)
_PYTEST_MODULES = frozenset({"pytest", "_pytest", "pluggy"})
_FRAME_CALLS = frozenset(
    {
        "sys._getframe",
        "sys._current_frames",
        "inspect.currentframe",
        "inspect.stack",
        "inspect.getouterframes",
        "inspect.trace",
        "gc.get_objects",
        "gc.get_referrers",
    }
)
_STARTUP_FILES = frozenset({"sitecustomize.py", "usercustomize.py"})
_PYTEST_SECTION = {
    "pytest.ini": re.compile(r"^\[pytest\]", re.MULTILINE),
    "tox.ini": re.compile(r"^\[pytest\]", re.MULTILINE),
    "setup.cfg": re.compile(r"^\[tool:pytest\]", re.MULTILINE),
    "pyproject.toml": re.compile(r"^\[tool\.pytest", re.MULTILINE),
}
_PROBES = re.compile(r"PYTEST_CURRENT_TEST|grader_harness|/judge\b")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PLUGIN_FILES = frozenset({"entry_points.txt", "setup.py", "setup.cfg", "pyproject.toml"})
_PLUGIN_GROUP = re.compile(r"pytest11")
# Strings only code that hunts for test files or snoops on other processes needs (its own
# environ too: that is where an "erased" secret can still be read).
_HUNTED = re.compile(
    r"(?:^|[/*])test_\*\.py$|\*_test\.py$|(?:^|/)conftest\.py$|(?:^|/)manifest\.txt$"
    r"|/proc/(?:\d+|\*|\{[^}]*\})/(?:environ|cwd|fd|mem|root)\b|/proc/self/environ"
)
_WALKERS = frozenset({"os.walk", "os.scandir", "os.listdir", "glob.glob", "glob.iglob", "Path"})
_EXITS = frozenset({"os._exit", "posix._exit"})


def tamper_files(path: str, text: str | None) -> Iterator[Hit]:
    """Files that matter only to Python's start-up or to pytest, judged by name (and section)."""
    name = PurePosixPath(path).name
    if name in _STARTUP_FILES or name.endswith(".pth"):
        yield Hit(
            "startup-hook",
            f"{name} is run automatically when Python starts; no solution needs one",
            path,
        )
    if name == "conftest.py":
        yield Hit("pytest-config", "conftest.py configures pytest; the judge never loads it", path)
    plugin = _PLUGIN_GROUP.search(text) if name in _PLUGIN_FILES and text is not None else None
    if plugin is not None and text is not None:
        line = text.count("\n", 0, plugin.start()) + 1
        yield Hit(
            "pytest-plugin",
            f"{name} registers a pytest plugin (entry point group pytest11), which pytest "
            "would load into every test run",
            path,
            line,
        )
    section = _PYTEST_SECTION.get(name)
    if section is not None and text is not None:
        match = section.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            yield Hit(
                "pytest-config", f"{name} configures pytest: the judge ignores it", path, line
            )


def text_probes(path: str, text: str) -> Iterator[Hit]:
    """Mentions of the judge, and invisible characters that make code read unlike it runs."""
    for number, line in enumerate(text.split("\n"), 1):
        probe = _PROBES.search(line)
        if probe:
            yield Hit(
                "judge-probe",
                f"mentions `{probe.group()}`, which is only useful for probing the grader",
                path,
                number,
            )
        bidi = _BIDI.search(line)
        if bidi:
            yield Hit(
                "bidi-control",
                f"hides a bidirectional control character (U+{ord(bidi.group()):04X}) that "
                "makes code display differently from how it runs",
                path,
                number,
            )


def pytest_hooks(f: PyFile) -> Iterator[Hit]:
    for node in ast.walk(f.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in _OUTCOME_HOOKS:
            yield Hit(
                "pytest-hooks",
                f"defines the pytest hook `{node.name}`, which can change test outcomes",
                f.path,
                node.lineno,
            )


def pytest_imports(f: PyFile) -> Iterator[Hit]:
    if f.is_test:
        return
    for node in ast.walk(f.tree):
        for module in _imported(node):
            if module.split(".", 1)[0] in _PYTEST_MODULES:
                yield Hit(
                    "pytest-internals",
                    f"non-test code imports `{module}`; a solution has no use for it",
                    f.path,
                    node.lineno if isinstance(node, ast.stmt) else 0,
                )


def _imported(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        yield node.module


def frame_walking(f: PyFile) -> Iterator[Hit]:
    for node in ast.walk(f.tree):
        if isinstance(node, ast.Attribute) and node.attr == "f_back":
            name = "frame.f_back"
        elif isinstance(node, ast.Call) and dotted(node.func) in _FRAME_CALLS:
            name = f"{dotted(node.func)}()"
        else:
            continue
        yield Hit(
            "frame-walking",
            f"uses `{name}` to inspect its callers' frames or objects, as code that spies "
            "on its tests does",
            f.path,
            node.lineno,
        )


def test_hunting(f: PyFile) -> Iterator[Hit]:
    """Looking for test files, or at other processes' environment, from non-test code."""
    if f.is_test:
        return
    for node in ast.walk(f.tree):
        text = _string_of(node)
        if text is not None:
            match = _HUNTED.search(text)
            if match:
                yield Hit(
                    "test-hunting",
                    f"looks for `{match.group().lstrip('/')}`, as code that hunts for hidden "
                    "tests or snoops on other processes does",
                    f.path,
                    getattr(node, "lineno", 0),
                )
        elif isinstance(node, ast.Call) and _walks_root(node):
            yield Hit(
                "test-hunting",
                f"`{dotted(node.func)}('/')` searches the whole file system",
                f.path,
                node.lineno,
            )


def _string_of(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with ``{}`` for each placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = (v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        return "".join(str(part) for part in parts)
    return None


def _walks_root(call: ast.Call) -> bool:
    name = dotted(call.func).removeprefix("pathlib.")
    first = call.args[0] if call.args else None
    if name not in _WALKERS or not isinstance(first, ast.Constant):
        return False
    return isinstance(first.value, str) and (first.value == "/" or first.value.startswith("/**"))


def early_exit(f: PyFile) -> Iterator[Hit]:
    """``os._exit`` run on import: ends the process before any result can be reported."""
    for node in _module_level(f.tree.body):
        if isinstance(node, ast.Call) and dotted(node.func) in _EXITS:
            yield Hit(
                "early-exit",
                f"calls `{dotted(node.func)}()` when imported, which ends the process before "
                "any test result is reported",
                f.path,
                node.lineno,
            )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node that runs on import: not inside functions, lambdas or a __main__ guard."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and is_main_guard(node):
            pending.extend(node.orelse)
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


INTEGRITY_RULES: tuple[Callable[[PyFile], Iterator[Hit]], ...] = (
    pytest_hooks,
    pytest_imports,
    frame_walking,
    test_hunting,
    early_exit,
)
