"""Mutants of a reference solution: small deliberate bugs the hidden suite must notice.

Automatic mutants are chosen deterministically from the reference's ``.py`` files by walking
their syntax trees, inside functions only (module-level set-up breaks everything at once and
proves nothing): flip a comparison (``==`` to ``!=``, ``<`` to ``>=``...), add one to an
integer constant, make a ``return <value>`` return ``None``, or replace a call or an augmented
assignment with ``pass``. Listed mutants come from the challenge's optional ``mutants.toml``,
which can also exclude sites that are equivalent (a change no test could or should notice):

    skip = ["task_cli.py:37"]          # file:line the automatic mutants leave alone

    [[mutant]]
    name = "next id ignores deleted tasks"
    file = "task_cli.py"
    find = "max(ids, default=0) + 1"   # must occur exactly once in the file
    replace = "len(ids) + 1"

A line ending in the comment ``# no-mutate`` is left alone too.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.errors import ChallengeError

MUTANTS_FILE = "mutants.toml"
NO_MUTATE = "# no-mutate"
KINDS = ("compare", "return", "constant", "delete")
_FLIPPED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_LOGGERS = ("log", "logger", "logging")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True, slots=True)
class Mutant:
    """One change to one file of the reference: ``before`` (exactly once) becomes ``after``."""

    name: str
    file: str  # relative to the reference folder
    line: int
    before: str
    after: str
    kind: str  # one of KINDS, or "listed"
    start: int = -1  # byte offsets of ``before`` in the file; -1: find it by text
    end: int = -1

    def change(self) -> str:
        return f"`{_short(self.before)}` -> `{_short(self.after)}`"

    def describe(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.change()}"

    def apply(self, source: bytes) -> bytes:
        """The mutated file; a ChallengeError if ``before`` is not where it should be."""
        old, new = self.before.encode(), self.after.encode()
        if self.start >= 0:
            if source[self.start : self.end] != old:
                raise ChallengeError(f"mutant {self.name}: the reference changed under it")
            return source[: self.start] + new + source[self.end :]
        count = source.count(old)
        if count != 1:
            raise ChallengeError(
                f"mutant {self.name!r}: `{_short(self.before)}` occurs {count} times in "
                f"{self.file}, not once",
                hint=f"make `find` in {MUTANTS_FILE} unique (add surrounding code)",
            )
        return source.replace(old, new)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _Listed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    file: str = Field(min_length=1)
    find: str = Field(min_length=1)
    replace: str


class MutantsFile(BaseModel):
    """``mutants.toml``: listed mutants and sites the automatic ones must skip."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    skip: tuple[str, ...] = ()
    mutant: tuple[_Listed, ...] = ()


def load_mutants_file(challenge_root: Path) -> MutantsFile:
    path = challenge_root / MUTANTS_FILE
    if not path.is_file():
        return MutantsFile()
    try:
        return MutantsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ChallengeError(
            f"{path} is invalid: {exc}", hint="see the mutants section of challenges/README.md"
        ) from exc


def listed_mutants(config: MutantsFile, reference: Path) -> list[Mutant]:
    found = []
    for item in config.mutant:
        if not (reference / item.file).is_file():
            raise ChallengeError(f"mutant {item.name!r} names {item.file}, not in reference/")
        found.append(Mutant(item.name, item.file, 0, item.find, item.replace, "listed"))
    return found


def plan_mutants(reference: Path, count: int) -> list[Mutant]:
    """Up to ``count`` mutants: every listed one first, then automatic ones, spread evenly."""
    config = load_mutants_file(reference.parent)
    chosen = listed_mutants(config, reference)[:count]
    sites = [m for m in auto_sites(reference) if f"{m.file}:{m.line}" not in set(config.skip)]
    return chosen + spread(sites, count - len(chosen))


def spread(sites: list[Mutant], count: int) -> list[Mutant]:
    """``count`` sites, taking kinds in turn and, within a kind, the middles of equal slices."""
    by_kind = {kind: [s for s in sites if s.kind == kind] for kind in KINDS}
    quota = dict.fromkeys(KINDS, 0)
    while count > 0 and any(quota[k] < len(by_kind[k]) for k in KINDS):
        for kind in KINDS:
            if count > 0 and quota[kind] < len(by_kind[kind]):
                quota[kind] += 1
                count -= 1
    chosen = []
    for kind in KINDS:
        pool, picks = by_kind[kind], quota[kind]
        chosen += [pool[(2 * j + 1) * len(pool) // (2 * picks)] for j in range(picks)]
    return sorted(chosen, key=lambda m: (KINDS.index(m.kind), m.file, m.start))


def auto_sites(reference: Path) -> list[Mutant]:
    """Every automatic mutation site in the reference's Python files, in a stable order."""
    sites: list[Mutant] = []
    for path in sorted(reference.rglob("*.py")):
        rel = path.relative_to(reference).as_posix()
        if "tests" in path.relative_to(reference).parts or path.name.startswith("test_"):
            continue
        source = path.read_bytes()
        try:
            tree = ast.parse(source, filename=rel)
        except SyntaxError as exc:
            raise ChallengeError(f"reference/{rel} does not parse: {exc}") from exc
        sites += _FileSites(rel, source).collect(tree)
    return sites


class _FileSites:
    """Finds the mutation sites of one file (positions in bytes, as ``ast`` reports them)."""

    def __init__(self, rel: str, source: bytes) -> None:
        self.rel = rel
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line))

    def collect(self, tree: ast.Module) -> list[Mutant]:
        found: list[Mutant] = []
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                for statement in func.body:
                    if not isinstance(statement, _SCOPES):  # walked on their own
                        found += [m for node in _own_nodes(statement) if (m := self._site(node))]
        return found

    def _site(self, node: ast.AST) -> Mutant | None:
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIPPED:
            flipped = ast.Compare(
                node.left, [_FLIPPED[type(node.ops[0])](), *node.ops[1:]], node.comparators
            )
            return self._mutant(node, "compare", ast.unparse(flipped))
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return self._mutant(node, "constant", str(node.value + 1))
        if isinstance(node, ast.Return) and _returns_something(node):
            return self._mutant(node, "return", "return None")
        if isinstance(node, ast.AugAssign | ast.Expr) and _deletable(node):
            return self._mutant(node, "delete", "pass")
        return None

    def _mutant(self, node: ast.AST, kind: str, after: str) -> Mutant | None:
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        if any(
            self.lines[n - 1].rstrip().endswith(NO_MUTATE.encode())
            for n in range(line, end_line + 1)
        ):
            return None
        start = self.offsets[line - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self.offsets[end_line - 1] + (node.end_col_offset or 0)  # type: ignore[attr-defined]
        before = self.source[start:end].decode("utf-8", "replace")
        name = f"{kind} {self.rel}:{line}"
        return Mutant(name, self.rel, line, before, after, kind, start, end)


def _own_nodes(statement: ast.stmt) -> Iterator[ast.AST]:
    """Every node of a function's statement, not descending into nested functions/classes."""
    yield statement
    for child in ast.iter_child_nodes(statement):
        if not isinstance(child, _SCOPES):
            yield from _own_nodes(child)  # type: ignore[arg-type]


def _returns_something(node: ast.Return) -> bool:
    """``return <value>``, unless the value is a falsy constant (``None``, ``0``: equivalent)."""
    return node.value is not None and not (
        isinstance(node.value, ast.Constant) and not node.value.value
    )


def _deletable(node: ast.AugAssign | ast.Expr) -> bool:
    """Side effects: ``x += ...`` and calls, never docstrings, ``...``, or logging calls.

    Plain assignments are left alone: deleting one mostly raises a NameError, which any
    suite notices and which proves little.
    """
    if not isinstance(node, ast.Expr):
        return True
    call = node.value
    if not isinstance(call, ast.Call):
        return False
    target = call.func
    while isinstance(target, ast.Attribute):
        target = target.value
    return not (isinstance(target, ast.Name) and target.id in _LOGGERS)
