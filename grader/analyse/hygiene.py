"""Code-hygiene rules on parsed Python: what a senior reviewer would ask the candidate to change.

One function per rule family; each takes a :class:`PyFile` and yields :class:`Hit` values.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from grader.analyse.rules import Hit
from grader.analyse.source import PyFile, dotted

MAX_FUNCTION_LINES = 60
_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_DANGEROUS = frozenset({"eval", "exec", "os.system", "os.popen", "builtins.eval", "builtins.exec"})
_MUTABLE_CALLS = frozenset(
    {"list", "dict", "set", "bytearray", "defaultdict", "deque", "OrderedDict", "Counter"}
)
_MUTABLE_NODES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|secret|secret_key|api_?key|access_key|private_key|"
    r"token|auth_token|access_token|client_secret)$",
    re.IGNORECASE,
)
_PLACEHOLDERS = frozenset(
    {"changeme", "change-me", "password", "secret", "example", "dummy", "placeholder", "your-key"}
)
MIN_SECRET_CHARS = 8


def print_calls(f: PyFile) -> Iterator[Hit]:
    if f.is_test or f.is_entry_point:
        return
    for node in ast.walk(f.tree):
        if _calls_name(node, "print"):
            yield Hit(
                "print-call",
                "print() in library code: use logging, or return the value to the caller",
                f.path,
                getattr(node, "lineno", 0),
            )


def _calls_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def except_handlers(f: PyFile) -> Iterator[Hit]:
    for node in ast.walk(f.tree):
        if not isinstance(node, ast.ExceptHandler):
            continue
        if node.type is None:
            yield Hit(
                "bare-except",
                "bare `except:` also catches KeyboardInterrupt and SystemExit; "
                "catch the exceptions you expect",
                f.path,
                node.lineno,
            )
        elif _is_broad(node.type) and all(_ignores(stmt) for stmt in node.body):
            yield Hit(
                "swallowed-exception",
                "a broad exception is caught and ignored, so failures pass silently",
                f.path,
                node.lineno,
            )


def _is_broad(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple):
        return any(_is_broad(e) for e in node.elts)
    return dotted(node) in _BROAD


def _ignores(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass | ast.Continue | ast.Break):
        return True
    if isinstance(stmt, ast.Expr):
        return isinstance(stmt.value, ast.Constant)  # `...` or a string
    if isinstance(stmt, ast.Return):
        return stmt.value is None or isinstance(stmt.value, ast.Constant)
    return False


def mutable_defaults(f: PyFile) -> Iterator[Hit]:
    for node in ast.walk(f.tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        name = getattr(node, "name", "<lambda>")
        defaults = [*node.args.defaults, *node.args.kw_defaults]
        if any(d is not None and _is_mutable(d) for d in defaults):
            yield Hit(
                "mutable-default",
                f"`{name}` has a mutable default argument, created once and shared by every "
                "call; default to None and create it inside",
                f.path,
                node.lineno,
            )


def _is_mutable(node: ast.expr) -> bool:
    if isinstance(node, _MUTABLE_NODES):
        return True
    return isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] in _MUTABLE_CALLS


def dangerous_calls(f: PyFile) -> Iterator[Hit]:
    for node in ast.walk(f.tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        if name in _DANGEROUS:
            yield Hit(
                "dangerous-call",
                f"`{name}()` runs arbitrary code or shell commands; almost never needed",
                f.path,
                node.lineno,
            )
        elif any(_is_true_keyword(k, "shell") for k in node.keywords):
            yield Hit(
                "dangerous-call",
                f"`{name or 'a call'}(..., shell=True)` passes a string to the shell: "
                "an injection risk; pass an argument list instead",
                f.path,
                node.lineno,
            )


def _is_true_keyword(keyword: ast.keyword, name: str) -> bool:
    return (
        keyword.arg == name
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
    )


def hardcoded_secrets(f: PyFile) -> Iterator[Hit]:
    if f.is_test:
        return
    for node in ast.walk(f.tree):
        for name, value in _named_values(node):
            if _SECRET_NAME.search(name) and _looks_secret(value):
                yield Hit(
                    "hardcoded-secret",
                    f"`{name}` is set to a literal that looks like a secret; "
                    "read it from the environment or a secret store",
                    f.path,
                    getattr(node, "lineno", 0),
                )


def _named_values(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) pairs: assignments, annotated assignments, keyword arguments, dict items."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield dotted(target).rsplit(".", 1)[-1], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        yield dotted(node.target).rsplit(".", 1)[-1], node.value
    elif isinstance(node, ast.Call):
        yield from ((k.arg, k.value) for k in node.keywords if k.arg)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value, value


def _looks_secret(node: ast.expr) -> bool:
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return False
    value = node.value.strip()
    return (
        len(value) >= MIN_SECRET_CHARS
        and " " not in value
        and value.lower() not in _PLACEHOLDERS
        and not value.startswith(("<", "${", "{{", "$"))
        and len(set(value)) > 2  # "xxxxxxxx", "********"
    )


_KEY_FORMATS = re.compile(
    r"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9_-]{20,}"
    r"|AIza[0-9A-Za-z_-]{35}|-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"
)


def key_formats(path: str, text: str) -> Iterator[Hit]:
    """Any text file: strings shaped like real cloud keys, tokens or private keys."""
    for number, line in enumerate(text.split("\n"), 1):
        if _KEY_FORMATS.search(line):
            yield Hit(
                "hardcoded-secret",
                "holds a value shaped like a real key or token; if it is real, it has leaked "
                "and must be revoked",
                path,
                number,
            )


def long_functions(f: PyFile) -> Iterator[Hit]:
    for node in ast.walk(f.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                yield Hit(
                    "long-function",
                    f"`{node.name}` is {lines} lines long (over {MAX_FUNCTION_LINES}): "
                    "hard to read and to test; split it",
                    f.path,
                    node.lineno,
                )


HYGIENE_RULES: tuple[Callable[[PyFile], Iterator[Hit]], ...] = (
    print_calls,
    except_handlers,
    mutable_defaults,
    dangerous_calls,
    hardcoded_secrets,
    long_functions,
)
