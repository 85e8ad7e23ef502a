"""How the analyser sees files: test or not, entry point or library, text or binary."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import PurePosixPath

from grader.analyse.rules import Hit

MAX_SCAN_BYTES = 2 * 1024 * 1024
_TEST_DIRS = frozenset({"tests", "test", "testing"})
_ENTRY_FILES = frozenset({"__main__.py", "cli.py", "main.py", "manage.py", "setup.py"})
_ENTRY_DIRS = frozenset({"scripts", "bin", "examples"})


@dataclass(frozen=True, slots=True)
class PyFile:
    """A parsed Python file and what kind of code it holds."""

    path: str
    tree: ast.Module
    is_test: bool
    is_entry_point: bool


def is_test_path(path: str) -> bool:
    """Test code by pytest's conventions: test_*.py, *_test.py, conftest.py, or under tests/."""
    p = PurePosixPath(path)
    if p.suffix != ".py":
        return False
    name = p.name
    in_test_dir = any(part in _TEST_DIRS for part in p.parts[:-1])
    return (
        in_test_dir
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def is_test_module(path: str) -> bool:
    """A module pytest would collect tests from by default: test_*.py or *_test.py."""
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def is_entry_point(path: str, tree: ast.Module) -> bool:
    """A script rather than a library: where printing is how the program talks."""
    p = PurePosixPath(path)
    if p.name in _ENTRY_FILES or any(part in _ENTRY_DIRS for part in p.parts[:-1]):
        return True
    return any(is_main_guard(node) for node in tree.body)


def is_main_guard(node: ast.AST) -> bool:
    """``if __name__ == "__main__":`` (either way round)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def as_text(data: bytes) -> str | None:
    """The file as text, or None when it looks binary (a NUL byte near the start)."""
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def parse_python(path: str, data: bytes) -> PyFile | Hit:
    """Parse ``data`` (never executed); a file that does not parse becomes a finding."""
    try:
        tree = ast.parse(data, filename=path)
    except SyntaxError as exc:
        return Hit("syntax-error", f"does not parse as Python: {exc.msg}", path, exc.lineno or 0)
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes; absurd nesting
        # CPython's parser gives up on pathological input (``"-" * 10000 + "1"`` raises
        # MemoryError after a few KB): the candidate's file, so a finding, never a crash.
        reason = str(exc) or type(exc).__name__
        return Hit("syntax-error", f"could not be parsed as Python: {reason}", path)
    return PyFile(path, tree, is_test_path(path), is_entry_point(path, tree))


def dotted(node: ast.expr) -> str:
    """``os.path.join`` for an attribute chain on a plain name, else ``""``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))
