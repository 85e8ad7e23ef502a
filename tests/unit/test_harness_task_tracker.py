"""The devops/task-tracker challenge, graded by the real judge on the host.

Reference scores 100, the starter scores low, every sample lands in its band, and the suite
collects exactly its manifest. Candidate code runs as another uid, as in the container.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.challenge import load_challenge
from tests.conftest import need
from tests.unit.harness_support import FIXTURES, REPO, JudgeRun, manifest, run_judge, sandbox_base

ROOT = REPO / "challenges" / "devops" / "task-tracker"
BANDS = tomllib.loads((ROOT / "samples" / "bands.toml").read_text(encoding="utf-8"))


def score(run: JudgeRun) -> float:
    """Weighted share of passed tests per category, as the rubric in challenge.toml says."""
    weights = {c.name: c.weight for c in load_challenge(ROOT).spec.categories}
    category = {t["id"]: t["category"] for t in run.of("collected")[0]["tests"]}
    passed: dict[str, list[bool]] = {name: [] for name in weights}
    for event in run.of("test"):
        passed[category[event["id"]]].append(event["status"] == "passed")
    total = sum(weights[name] * sum(seen) / len(seen) for name, seen in passed.items() if seen)
    return round(100 * total / sum(weights.values()), 1)


@pytest.fixture(scope="module")
def grade() -> Callable[[Path], JudgeRun]:
    """Runs the judge once per submission folder for this module."""
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    done: dict[Path, JudgeRun] = {}

    def run(submission: Path) -> JudgeRun:
        if submission not in done:
            with sandbox_base() as base:
                done[submission] = run_judge(base, ROOT / "tests", submission)
        return done[submission]

    return run


@pytest.mark.parametrize(
    "root",
    [ROOT, *(FIXTURES / name for name in ("functions", "cli", "service"))],
    ids=lambda p: p.name,
)
def test_challenge_folders_load_with_the_graders_schema(root: Path) -> None:
    challenge = load_challenge(root)
    assert challenge.manifest()
    assert all(c.weight > 0 for c in challenge.spec.categories)


def test_reference_passes_every_test(grade: Callable[[Path], JudgeRun]) -> None:
    run = grade(ROOT / "reference")
    assert set(run.statuses.values()) == {"passed"}, run.messages
    assert score(run) == 100


def test_suite_collects_exactly_the_manifest_with_a_category_each(
    grade: Callable[[Path], JudgeRun],
) -> None:
    run = grade(ROOT / "reference")
    assert run.collected == manifest(ROOT / "tests")
    categories = {t["category"] for t in run.of("collected")[0]["tests"]}
    assert categories == {"commands", "persistence", "listing", "errors"}


def test_starter_runs_but_scores_low(grade: Callable[[Path], JudgeRun]) -> None:
    run = grade(ROOT / "starter")
    assert score(run) < 10
    assert run.of("fact") == [
        {"event": "fact", "key": "entry_point", "value": "README: python task_cli.py"}
    ]


@pytest.mark.slow
@pytest.mark.parametrize("sample", sorted(BANDS))
def test_sample_lands_in_its_band(grade: Callable[[Path], JudgeRun], sample: str) -> None:
    low, high = BANDS[sample]
    assert low <= score(grade(ROOT / "samples" / sample)) <= high


def test_pyproject_script_is_preferred_and_recorded(grade: Callable[[Path], JudgeRun]) -> None:
    (fact,) = grade(ROOT / "samples" / "strong").of("fact")
    assert fact["value"] == "pyproject.toml [project.scripts] task-cli = task_tracker.cli:main"


def test_submission_without_an_entry_point_fails_every_test_with_the_reason(
    tmp_path: Path,
) -> None:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    (tmp_path / "README.md").write_text("nothing to run\n", encoding="utf-8")
    with sandbox_base() as base:
        run = run_judge(base, ROOT / "tests", tmp_path)
    assert set(run.statuses.values()) <= {"failed", "error"}
    assert all("could not find how to start task-cli" in m for m in run.messages.values())
    assert run.of("fact")[0]["value"] == "none found"


@pytest.fixture
def find_entry_point(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], Any]]:
    """The suite's own discovery function, imported from its conftest (and forgotten after)."""
    monkeypatch.syspath_prepend(str(REPO / "grader" / "harness"))
    monkeypatch.syspath_prepend(str(ROOT / "tests"))
    before = set(sys.modules)
    spec = importlib.util.spec_from_file_location(
        "task_tracker_conftest", ROOT / "tests" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module.find_entry_point
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_entry_point_search_order(tmp_path: Path, find_entry_point: Callable[[Path], Any]) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "cli.py").write_text("", encoding="utf-8")
    found = find_entry_point(tmp_path)
    assert (found.argv, found.how) == (("python3", "{code}/src/cli.py"), "src/cli.py")
    (tmp_path / "main.py").write_text("", encoding="utf-8")
    assert find_entry_point(tmp_path).how == "main.py"
    (tmp_path / "README.md").write_text("Run `python3 main.py add x`\n", encoding="utf-8")
    assert find_entry_point(tmp_path).how == "README: python main.py"
    scripts = '[project.scripts]\ntask-cli = "tracker_app.cli:run"\n'
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n{scripts}", encoding="utf-8")
    found = find_entry_point(tmp_path)
    assert (
        found.argv[:2] == ("python3", "-c") and "from tracker_app.cli import run" in found.argv[2]
    )
    assert found.how.endswith("tracker_app.cli:run")
    (tmp_path / "pyproject.toml").write_text(
        '[project.scripts]\ntask-cli = "os; import evil:x"\n', encoding="utf-8"
    )
    assert find_entry_point(tmp_path).how == "README: python main.py"


def test_a_committed_tasks_json_is_not_the_starting_state(
    grade: Callable[[Path], JudgeRun], tmp_path: Path
) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "reference", reference)
    when = "2024-01-01T00:00:00"
    sample = {"id": 1, "description": "Old", "status": "todo", "createdAt": when, "updatedAt": when}
    (reference / "tasks.json").write_text(json.dumps([sample]), encoding="utf-8")
    run = grade(reference)
    assert set(run.statuses.values()) == {"passed"}, run.messages
