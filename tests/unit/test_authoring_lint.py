"""``grader challenges lint``: every problem at once, with file and line, without Docker."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.authoring import challenge_schema, lint_challenge, lint_folders
from grader.authoring.collect import collect_on_host
from grader.authoring.tomlpos import line_of
from grader.cli import main
from grader.settings import PROJECT_ROOT, get_settings

TRACKER = PROJECT_ROOT / "challenges" / "devops" / "task-tracker"


def _copy_tracker(base: Path) -> Path:
    root = base / "devops" / "task-tracker"
    shutil.copytree(TRACKER, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _where(problem_path: Path, line: int, root: Path) -> str:
    return f"{problem_path.relative_to(root).as_posix()}:{line}"


def test_a_shipped_challenge_has_no_problems() -> None:
    assert lint_challenge(TRACKER) == ()


def test_five_seeded_mistakes_are_all_reported_at_once_with_file_and_line(tmp_path: Path) -> None:
    root = _copy_tracker(tmp_path)
    _edit(root / "challenge.toml", "weight = 25", "weight = 0")  # 1: schema
    shutil.rmtree(root / "samples" / "broken")  # 2: a required sample
    _edit(root / "brief.md", "2-3 hours", "an afternoon")  # 3: time budget
    with (root / "tests" / "manifest.txt").open("a", encoding="utf-8") as manifest:
        manifest.write("test_gone.py::test_renamed\n")  # 4: manifest
    (root / "image").mkdir()
    shutil.copy(root / "tests" / "tracker.py", root / "image" / "tracker.py")  # 5: an answer

    problems = lint_challenge(root)

    found = {_where(p.path, p.line, root): p.message for p in problems}
    assert "weight" in found["challenge.toml:29"]
    assert "missing samples/broken" in found["samples/bands.toml:0"]
    assert "2-3 hours" in found["brief.md:1"]
    assert "test_gone.py::test_renamed" in found["tests/manifest.txt:27"]
    assert "copy of tests/tracker.py" in found["image/tracker.py:0"]


def test_a_test_outside_the_declared_categories_points_at_its_line(tmp_path: Path) -> None:
    root = _copy_tracker(tmp_path)
    _edit(root / "tests" / "test_listing.py", '.category("listing")', '.category("lists")')

    found = [(_where(p.path, p.line, root), p.message) for p in lint_challenge(root)]

    first = next(m for where, m in found if where.startswith("tests/test_listing.py:"))
    assert 'category "lists" is not in challenge.toml' in first
    assert (
        "challenge.toml:33",
        'category "listing" has no test: its weight could never be earned',
    ) in found


def test_an_unlisted_test_and_a_hidden_test_in_the_image_are_named(tmp_path: Path) -> None:
    root = _copy_tracker(tmp_path)
    _edit(root / "tests" / "manifest.txt", "test_errors.py::test_unknown_command_is_refused\n", "")
    (root / "image").mkdir()
    (root / "image" / "test_leak.py").write_text("def test_x() -> None: ...\n", encoding="utf-8")

    messages = [p.message for p in lint_challenge(root)]

    assert any("test_unknown_command_is_refused is collected but not in" in m for m in messages)
    assert any("looks like a hidden test" in m for m in messages)


def test_a_wrong_id_and_specialty_are_reported_even_with_schema_errors(tmp_path: Path) -> None:
    root = _copy_tracker(tmp_path)
    _edit(root / "challenge.toml", 'id = "devops/task-tracker"', 'id = "data/task-tracker"')
    _edit(root / "challenge.toml", "memory_mb = 512", "memory_mb = 1")

    messages = [p.message for p in lint_challenge(root)]

    assert any(m.startswith("runtime.memory_mb") for m in messages)
    assert any(
        'id is "data/task-tracker" but the folder is devops/task-tracker' in m for m in messages
    )


def test_a_toml_syntax_error_points_at_its_line(tmp_path: Path) -> None:
    root = _copy_tracker(tmp_path)
    _edit(root / "challenge.toml", 'title = "Task Tracker CLI"', "title = Task Tracker")

    (problem, *_) = lint_challenge(root)

    assert (problem.path.name, problem.line) == ("challenge.toml", 4)


def test_the_same_id_in_two_roots_is_a_problem(tmp_path: Path) -> None:
    copy = _copy_tracker(tmp_path)

    found = lint_folders([TRACKER, copy])

    assert found[TRACKER] == ()
    assert "ids must be unique" in found[copy][0].message


def test_lint_command_exits_1_and_lists_problems_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_tracker(tmp_path)
    _edit(root / "brief.md", "2-3 hours", "an afternoon")
    monkeypatch.setenv("GRADER_CHALLENGES_DIR", str(tmp_path))
    get_settings.cache_clear()

    result = CliRunner().invoke(main, ["challenges", "lint", "--all", "--json"])

    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["problems"] == [
        {
            "file": str(root / "brief.md"),
            "line": 1,
            "message": 'does not mention the time budget "2-3 hours"',
        }
    ]


def test_lint_command_says_when_there_is_nothing_to_fix() -> None:
    result = CliRunner().invoke(main, ["challenges", "lint", "devops/task-tracker"])

    assert result.exit_code == 0, result.output
    assert "1 challenge(s) linted: no problems" in result.output


def test_published_schema_is_current() -> None:
    published = (PROJECT_ROOT / "docs" / "challenge.schema.json").read_text(encoding="utf-8")
    assert published == challenge_schema(), (
        "regenerate: grader challenges schema > docs/challenge.schema.json"
    )


def test_schema_refuses_unknown_keys_and_knows_the_candidate_kinds() -> None:
    schema = json.loads(challenge_schema())
    assert schema["additionalProperties"] is False
    kinds = schema["$defs"]["CandidateSpec"]["properties"]["kind"]["enum"]
    assert kinds == ["cli", "service", "functions"]


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("id",), 1),
        (("runtime", "memory_mb"), 4),
        (("categories", 1, "weight"), 10),
        (("categories", 1), 8),
        (("runtime", "cpus"), 3),
        (("missing",), 1),
    ],
)
def test_line_of_finds_keys_sections_and_array_items(loc: tuple[str | int, ...], line: int) -> None:
    text = (
        "\n".join(
            ('id = "a/b"', "", "[runtime]", "memory_mb = 1", "", "[[categories]]", 'name = "x"')
        )
        + '\n[[categories]]\nname = "y"\nweight = 0\n'
    )
    assert line_of(text, loc) == line


def test_a_package_only_the_image_has_gets_a_stand_in_for_collection(tmp_path: Path) -> None:
    (tmp_path / "test_image_only.py").write_text(
        "import pytest\n"
        "import image_only_package as np\n"
        "from image_only_package.sub import thing\n\n"
        'pytestmark = pytest.mark.category("core")\n\n\n'
        "@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_uses_it(n: int) -> None:\n"
        "    assert np.array(n) is not thing\n",
        encoding="utf-8",
    )

    found = collect_on_host(tmp_path)

    assert [(t.id, t.category, t.line) for t in found.tests] == [  # line of its decorator
        ("test_image_only.py::test_uses_it[1]", "core", 8),
        ("test_image_only.py::test_uses_it[2]", "core", 8),
    ]
    assert (found.stand_ins, found.errors) == (("image_only_package",), ())


def test_a_module_that_cannot_be_collected_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = _copy_tracker(tmp_path)
    (root / "tests" / "test_broken.py").write_text("def test_x(:\n", encoding="utf-8")

    messages = [p.message for p in lint_challenge(root)]

    assert any(m.startswith("pytest cannot collect test_broken.py") for m in messages), messages
