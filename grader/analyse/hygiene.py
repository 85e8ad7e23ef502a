"""Secrets in the code: what ruff's S105-S107 miss (token and key names, real key formats).

The other code red flags (print, bare and swallowed excepts, mutable defaults, dangerous calls,
complexity) come from ruff: see :mod:`grader.analyse.lint`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from grader.analyse.rules import Hit
from grader.analyse.source import PyFile, dotted

_SECRET_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|secret|secret_key|api_?key|access_key|private_key|"
    r"token|auth_token|access_token|client_secret)$",
    re.IGNORECASE,
)
_PLACEHOLDERS = frozenset(
    {"changeme", "change-me", "password", "secret", "example", "dummy", "placeholder", "your-key"}
)
MIN_SECRET_CHARS = 8


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


HYGIENE_RULES: tuple[Callable[[PyFile], Iterator[Hit]], ...] = (hardcoded_secrets,)
