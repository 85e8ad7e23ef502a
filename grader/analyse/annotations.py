"""Type-hint coverage: the share of the candidate's functions with complete annotations.

A function counts as annotated when its return and every parameter (``self``/``cls`` aside)
carry a hint and none of the hints is ``Any``: `Any` everywhere is not typing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from grader.analyse.source import PyFile
from grader.models import CodeStats

_IMPLICIT = frozenset({"self", "cls"})


def code_stats(files: Iterable[PyFile]) -> CodeStats:
    """How many functions the non-test code defines and how many are fully annotated."""
    functions = annotated = with_any = 0
    for f in files:
        if f.is_test:
            continue
        for node in ast.walk(f.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions += 1
                hints = _hints(node)
                complete = None not in hints
                uses_any = any(h is not None and _mentions_any(h) for h in hints)
                with_any += uses_any
                annotated += complete and not uses_any
    return CodeStats(functions=functions, annotated=annotated, with_any=with_any)


def _hints(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr | None]:
    a = node.args
    positional = [*a.posonlyargs, *a.args]
    if positional and positional[0].arg in _IMPLICIT:
        positional = positional[1:]
    params = [*positional, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x is not None)]
    return [p.annotation for p in params] + [node.returns]


def _mentions_any(hint: ast.expr) -> bool:
    for node in ast.walk(hint):
        if isinstance(node, ast.Name) and node.id == "Any":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Any":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (
                _mentions_any(ast.parse(node.value, mode="eval").body)
                if _parses(node.value)
                else False
            )
    return False


def _parses(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return False
    return True
