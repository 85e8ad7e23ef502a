"""The seams of docs/architecture.md hold: stages stay apart, Docker stays behind the port."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader.settings import PROJECT_ROOT

GRADER = PROJECT_ROOT / "grader"
STAGES = ("fetch", "analyse", "prepare", "sandbox", "collect", "score", "report")
DOCKER_BACKEND = GRADER / "sandbox" / "docker"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "harness" not in p.relative_to(GRADER).parts)


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_imports_another_stage(stage: str) -> None:
    others = {f"grader.{other}" for other in STAGES if other != stage}
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(
            name for name in _imports(path) if _within(name, others)
        )
        for path in _modules(GRADER / stage)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def _within(name: str, packages: set[str]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def test_only_the_docker_backend_imports_the_docker_sdk() -> None:
    users = [
        str(path.relative_to(PROJECT_ROOT))
        for path in _modules(GRADER)
        if DOCKER_BACKEND not in path.parents and _within_any(_imports(path), {"docker"})
    ]
    assert users == []


def test_only_the_port_opens_the_docker_backend() -> None:
    port = GRADER / "sandbox" / "__init__.py"
    users = [
        str(path.relative_to(PROJECT_ROOT))
        for path in _modules(GRADER)
        if DOCKER_BACKEND not in path.parents
        and path != port
        and _within_any(_imports(path), {"grader.sandbox.docker"})
    ]
    assert users == []


def test_grader_never_imports_the_worker_package() -> None:
    users = [
        str(path.relative_to(PROJECT_ROOT))
        for path in _modules(GRADER)
        if _within_any(_imports(path), {"worker"})
    ]
    assert users == []


def _within_any(names: set[str], packages: set[str]) -> bool:
    return any(_within(name, packages) for name in names)
