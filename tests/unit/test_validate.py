"""``grader challenges validate``: mutant generation, bands and checks, with a fake grader."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from grader.challenge import Challenge, load_challenge
from grader.cli import main
from grader.cli.challenges import _table
from grader.errors import ChallengeError
from grader.models import GradeReport, Outcome, TestResult, TestStatus
from grader.settings import Settings, get_settings
from grader.testing import flagged_report, graded_report, not_gradable_report, write_challenge
from grader.validate import Validation, recorded, run_checks
from grader.validate.checks import (
    Check,
    check_mutant,
    check_reference,
    check_repeats,
    check_sample,
    check_samples_present,
    check_starter,
    check_variant,
    load_bands,
    variant_design,
    with_sample_data,
)
from grader.validate.mutants import Mutant, auto_sites, plan_mutants

SOURCE = '''"""A tiny module."""
import logging

log = logging.getLogger(__name__)
LIMIT = 10


def clamp(value):
    """Keep value at or below LIMIT."""
    if value > LIMIT:
        log.info("clamped %s", value)
        return LIMIT
    return value


def total(items):
    result = 0
    for item in items:
        result += item
    print(result)
    return result


def nothing():
    return None
'''


def reference(tmp_path: Path, source: str = SOURCE) -> Path:
    folder = tmp_path / "challenge" / "reference"
    folder.mkdir(parents=True)
    (folder / "calc.py").write_text(source)
    return folder


def scored(score: float, *, failed: int = 0, outcome: Outcome = Outcome.GRADED) -> GradeReport:
    tests = tuple(
        TestResult(
            f"test_x.py::test_{n}", TestStatus.FAILED if n < failed else TestStatus.PASSED, "core"
        )
        for n in range(4)
    )
    return graded_report(score=score, outcome=outcome, tests=tests, reason="")


# --- mutants ---------------------------------------------------------------------------


def test_automatic_sites_are_inside_functions_and_of_every_kind(tmp_path: Path) -> None:
    sites = auto_sites(reference(tmp_path))
    assert {site.kind for site in sites} == {"compare", "constant", "return", "delete"}
    assert all(site.line >= 8 for site in sites)  # nothing from the module-level set-up


def test_docstrings_logging_calls_and_returns_of_none_are_never_mutated(tmp_path: Path) -> None:
    befores = [site.before for site in auto_sites(reference(tmp_path))]
    assert not any("log.info" in before or "Keep value" in before for before in befores)
    assert "return None" not in befores
    assert "print(result)" in befores and "result += item" in befores


def test_mutants_are_chosen_the_same_way_every_time(tmp_path: Path) -> None:
    folder = reference(tmp_path)
    assert plan_mutants(folder, 4) == plan_mutants(folder, 4)
    assert [m.kind for m in plan_mutants(folder, 4)] == ["compare", "return", "constant", "delete"]


def test_applying_a_mutant_changes_only_its_site_and_still_parses(tmp_path: Path) -> None:
    folder = reference(tmp_path)
    flip = next(m for m in auto_sites(folder) if m.kind == "compare")
    mutated = flip.apply((folder / "calc.py").read_bytes()).decode()
    assert "if value <= LIMIT:" in mutated
    assert mutated.replace("if value <= LIMIT:", "if value > LIMIT:") == SOURCE
    ast.parse(mutated)


def test_a_statement_mutant_becomes_pass(tmp_path: Path) -> None:
    folder = reference(tmp_path)
    deletion = next(m for m in auto_sites(folder) if m.before == "result += item")
    mutated = deletion.apply((folder / "calc.py").read_bytes()).decode()
    assert "        pass\n" in mutated and "result += item" not in mutated


def test_no_mutate_comment_and_skip_list_leave_sites_alone(tmp_path: Path) -> None:
    folder = reference(
        tmp_path, SOURCE.replace("    print(result)", "    print(result)  # no-mutate")
    )
    assert not any(m.before == "print(result)" for m in auto_sites(folder))
    (folder.parent / "mutants.toml").write_text('skip = ["calc.py:10"]\n')
    assert not any(m.line == 10 for m in plan_mutants(folder, 50))


def test_listed_mutants_come_first_and_count_towards_the_limit(tmp_path: Path) -> None:
    folder = reference(tmp_path)
    (folder.parent / "mutants.toml").write_text(
        '[[mutant]]\nname = "off by one"\nfile = "calc.py"\n'
        'find = "result = 0"\nreplace = "result = 1"\n'
    )
    planned = plan_mutants(folder, 3)
    assert planned[0].name == "off by one"
    assert len(planned) == 3
    assert b"result = 1" in planned[0].apply((folder / "calc.py").read_bytes())


def test_listed_mutant_that_does_not_match_exactly_once_is_an_error(tmp_path: Path) -> None:
    folder = reference(tmp_path)
    mutant = Mutant("twice", "calc.py", 0, "return", "yield", "listed")
    with pytest.raises(ChallengeError, match="occurs 4 times"):
        mutant.apply((folder / "calc.py").read_bytes())


def test_mutants_file_with_unknown_keys_is_refused(tmp_path: Path) -> None:
    folder = reference(tmp_path)
    (folder.parent / "mutants.toml").write_text('skips = ["calc.py:1"]\n')
    with pytest.raises(ChallengeError, match=r"mutants\.toml is invalid"):
        plan_mutants(folder, 5)


# --- bands and checks ------------------------------------------------------------------


def test_bands_are_read_and_bad_ones_refused_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "bands.toml").write_text("strong = [90, 100]\nbroken = [0, 5.5]\n")
    assert load_bands(tmp_path) == {"strong": (90.0, 100.0), "broken": (0.0, 5.5)}
    (tmp_path / "bands.toml").write_text("strong = [100, 90]\n")
    with pytest.raises(ChallengeError) as caught:
        load_bands(tmp_path)
    assert "strong" in caught.value.message and "strong = [90, 100]" in caught.value.hint


def test_missing_bands_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ChallengeError, match=r"bands\.toml does not exist"):
        load_bands(tmp_path)


def test_honest_sample_must_be_graded_within_its_band() -> None:
    assert check_sample("partial", scored(55), (40, 80)).ok
    assert not check_sample("partial", scored(85), (40, 80)).ok
    assert not check_sample("strong", flagged_report(score=95.0), (90, 100)).ok
    assert not check_sample("strong", scored(95), None).ok


def test_cheating_sample_is_caught_when_flagged_or_kept_within_its_band() -> None:
    assert check_sample("cheating", flagged_report(score=100.0), (0, 20)).ok
    assert check_sample("cheating-forged", scored(10), (0, 20)).ok
    above = check_sample("cheating", scored(60), (0, 20))
    assert not above.ok and "not in 0-20" in above.detail


def test_samples_must_include_strong_partial_broken_and_a_cheat_each_with_a_band() -> None:
    bands = dict.fromkeys(("strong", "partial", "broken", "cheating"), (0.0, 100.0))
    assert check_samples_present(["broken", "cheating", "partial", "strong", *VARIANTS], bands).ok
    missing = check_samples_present(["strong", "partial"], {**bands, "extra": (0, 1)})
    assert not missing.ok
    assert "samples/broken" in missing.detail and "cheating*" in missing.detail
    assert "extra" in missing.detail


def test_three_variants_are_required_and_none_may_be_banded_below_the_floor() -> None:
    bands = dict.fromkeys(("strong", "partial", "broken", "cheating"), (0.0, 100.0))
    names = ["broken", "cheating", "partial", "strong"]
    two = check_samples_present([*names, "variant-a", "variant-b"], bands)
    assert not two.ok and "only 2 variant-* samples, at least 3 needed" in two.detail
    lax = check_samples_present([*names, *VARIANTS], {**bands, "variant-src": (80.0, 100.0)})
    assert not lax.ok and "lets variant-src score below 95" in lax.detail


def test_a_variant_must_be_graded_at_95_or_more_and_names_its_design() -> None:
    ok = check_variant("variant-uuid", scored(96), "FastAPI with UUID ids")
    assert ok.ok and ok.name == "variant variant-uuid scores at least 95"
    assert ok.detail == "FastAPI with UUID ids: scored 96"
    near = check_variant("variant-uuid", scored(96, failed=1), "")
    assert near.ok and near.detail == "scored 96 (lost test_x.py::test_0)"
    low = check_variant("variant-uuid", scored(75, failed=1), "")
    assert not low.ok and "test_x.py::test_0" in low.detail
    assert not check_variant("variant-uuid", flagged_report(score=100.0), "").ok


def test_a_variants_design_is_the_first_heading_of_its_readme(tmp_path: Path) -> None:
    assert variant_design(tmp_path) == ""
    (tmp_path / "README.md").write_text("run it like this\n## Flask app factory, src/ layout\n")
    assert variant_design(tmp_path) == "Flask app factory, src/ layout"


def test_reference_must_score_100_and_says_which_tests_it_lost() -> None:
    assert check_reference(scored(100)).ok
    short = check_reference(scored(75, failed=1))
    assert not short.ok and "test_x.py::test_0" in short.detail
    assert "not_gradable" in check_reference(not_gradable_report()).detail


def test_starter_must_stay_at_or_under_the_ceiling() -> None:
    assert check_starter(scored(20)).ok
    assert not check_starter(scored(20.1)).ok


def test_repeated_runs_that_disagree_name_the_flaky_test() -> None:
    steady = scored(100)
    wobbly = scored(75, failed=1)
    assert check_repeats([steady, steady, steady]).ok
    result = check_repeats([steady, wobbly, steady])
    assert not result.ok and "test_x.py::test_0 (passed, failed, passed)" in result.detail


def test_mutant_that_scores_100_is_reported_as_unnoticed() -> None:
    mutant = Mutant("compare calc.py:10", "calc.py", 10, "a > b", "a <= b", "compare")
    missed = check_mutant(mutant, scored(100))
    assert not missed.ok and missed.detail.startswith("the suite does not notice calc.py:10")
    caught = check_mutant(mutant, scored(75, failed=1))
    assert caught.ok and "caught by 1 test, e.g. test_x.py::test_0" in caught.detail
    assert not check_mutant(mutant, not_gradable_report()).ok


# --- run_checks with a fake grader -----------------------------------------------------


class FakeGrader:
    """Scores folders by name; records every call (folder, wall limit)."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.calls: list[tuple[Path, int | None]] = []
        self.pythons: list[str | None] = []

    def __call__(
        self, folder: Path, *, wall_seconds: int | None = None, python: str | None = None
    ) -> GradeReport:
        self.calls.append((folder, wall_seconds))
        self.pythons.append(python)
        if folder.name.startswith("m"):  # a mutant copy
            return scored(50, failed=2)
        default = 100.0 if folder.name.startswith("variant-") else None
        report = scored(
            self.scores.get(folder.name, default) if default else self.scores[folder.name]
        )
        return dataclasses.replace(report, timings={"sandbox": 4.0})


VARIANTS = ("variant-flask", "variant-src", "variant-uuid")


def a_challenge(tmp_path: Path, folder: str = "demo") -> Challenge:
    challenge = write_challenge(tmp_path / folder, categories={"core": 1}, manifest=["t::a"])
    (challenge.root / "reference").mkdir()
    (challenge.root / "reference" / "calc.py").write_text(SOURCE)
    (challenge.root / "starter").mkdir()
    for name in ("strong", "partial", "broken", "cheating", *VARIANTS):
        (challenge.root / "samples" / name).mkdir(parents=True)
    (challenge.root / "samples" / "variant-uuid" / "README.md").write_text(
        "Intro\n\n# FastAPI with UUID ids\n"
    )
    (challenge.root / "samples" / "bands.toml").write_text(
        "strong = [90, 100]\npartial = [30, 70]\nbroken = [0, 5]\ncheating = [0, 10]\n"
    )
    return challenge


def test_every_check_runs_in_order_and_passes_for_a_sound_challenge(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    grader = FakeGrader(
        {
            "reference": 100,
            "data": 100,
            "starter": 0,
            "strong": 95,
            "partial": 50,
            "broken": 0,
            "cheating": 5,
        }
    )
    checks = run_checks(challenge, grader, mutants=2, jobs=2)
    assert [c.name for c in checks][:4] == [
        "reference scores 100",
        "3 runs of the reference agree",
        "starter scores at most 20",
        "samples and bands",
    ]
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert sum(1 for c in checks if c.name.startswith("mutant ")) == 2
    graded = [folder.name for folder, _wall in grader.calls]
    assert graded.count("reference") == 3  # the first run is reused as the first repeat


def test_the_reference_must_score_100_on_every_python_the_challenge_offers(
    tmp_path: Path,
) -> None:
    challenge = a_challenge(tmp_path)
    toml = challenge.root / "challenge.toml"
    toml.write_text(toml.read_text() + '\n[runtime]\npython = ["3.11", "3.13"]\n')
    grader = FakeGrader(
        {
            "reference": 100,
            "data": 100,
            "starter": 0,
            "strong": 95,
            "partial": 50,
            "broken": 0,
            "cheating": 5,
        }
    )
    checks = run_checks(load_challenge(challenge.root), grader, mutants=0)
    assert [c.name for c in checks][:2] == [
        "reference scores 100",
        "reference scores 100 on Python 3.13",
    ]
    assert grader.pythons.count("3.13") == 1 and set(grader.pythons) == {None, "3.13"}


def test_mutants_run_under_a_wall_limit_from_the_references_own_time(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    grader = FakeGrader(
        {
            "reference": 100,
            "data": 100,
            "starter": 0,
            "strong": 95,
            "partial": 50,
            "broken": 0,
            "cheating": 5,
        }
    )
    run_checks(challenge, grader, mutants=1, jobs=1)
    walls = {folder.name: wall for folder, wall in grader.calls}
    assert walls["m1"] == 30  # max(30 s, 3 x the reference's 4 s)
    assert walls["reference"] is None and walls["strong"] is None


def test_a_sample_out_of_band_fails_only_its_own_check(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    grader = FakeGrader(
        {
            "reference": 100,
            "data": 100,
            "starter": 0,
            "strong": 80,
            "partial": 50,
            "broken": 0,
            "cheating": 5,
        }
    )
    failed = [c.name for c in run_checks(challenge, grader, mutants=0) if not c.ok]
    assert failed == ["sample strong in band 90-100"]


def test_every_variant_is_listed_in_the_report_and_a_low_one_fails(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    scores = {"reference": 100, "data": 100, "starter": 0, "strong": 95, "partial": 50}
    grader = FakeGrader({**scores, "broken": 0, "cheating": 5, "variant-src": 60})
    checks = {c.name: c for c in run_checks(challenge, grader, mutants=0)}
    listed = sorted(name for name in checks if name.startswith("variant "))
    assert listed == [f"variant {v} scores at least 95" for v in VARIANTS]
    assert not checks["variant variant-src scores at least 95"].ok
    assert checks["variant variant-uuid scores at least 95"].detail.startswith("FastAPI with UUID")


def test_a_challenge_without_a_starter_is_a_clear_error(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    (challenge.root / "starter").rmdir()
    with pytest.raises(ChallengeError, match="has no starter/ folder"):
        run_checks(challenge, FakeGrader({}), mutants=0)


def test_two_mutants_on_one_line_are_graded_apart(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    (challenge.root / "reference" / "calc.py").write_text("def f(x):\n    return x + 1 - 2\n")
    grader = FakeGrader(
        {
            "reference": 100,
            "data": 100,
            "starter": 0,
            "strong": 95,
            "partial": 50,
            "broken": 0,
            "cheating": 5,
        }
    )
    checks = [c for c in run_checks(challenge, grader, mutants=3) if c.name.startswith("mutant")]
    assert [c.name for c in checks].count("mutant constant calc.py:2") == 2
    assert sorted(folder.name for folder, _ in grader.calls if folder.name.startswith("m")) == [
        "m1",
        "m2",
        "m3",
    ]


def test_the_table_prints_names_as_written() -> None:
    console = Console(width=200, record=True)
    check = Check("mutant constant app.py:100: [bold]", False, "a [red]b")
    result = Validation("x/y", (check,), 1.0)
    console.print(_table(result))
    text = console.export_text()
    assert "mutant constant app.py:100: [bold]" in text and "a [red]b" in text and "FAIL" in text


def test_the_reference_with_committed_data_files_must_still_score_100(tmp_path: Path) -> None:
    challenge = a_challenge(tmp_path)
    scores = {"reference": 100, "data": 60, "starter": 0, "strong": 95, "partial": 50}
    grader = FakeGrader({**scores, "broken": 0, "cheating": 5})
    checks = {c.name: c for c in run_checks(challenge, grader, mutants=0)}
    check = checks["reference with committed data files scores 100"]
    assert not check.ok and check.detail.startswith("scored 60")
    (data,) = [folder for folder, _wall in grader.calls if folder.name == "data"]
    assert data.name == "data"


def test_sample_data_is_laid_over_a_copy_of_the_reference(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "tasks.json").write_text("[]")
    copy = with_sample_data(reference, tmp_path / "copy")
    assert (copy / "tasks.json").read_text() == "[]"  # the reference's own file is kept
    assert {p.name for p in copy.iterdir()} == {"tasks.json", ".env", "app.db", "db.sqlite3"}
    assert (copy / "app.db").read_bytes().startswith(b"SQLite format 3")
    assert not (reference / ".env").exists()


# --- what validate records for the web catalogue ------------------------------------------

SOUND = {
    "reference": 100,
    "data": 100,
    "starter": 0,
    "strong": 95,
    "partial": 50,
    "broken": 0,
    "cheating": 5,
}


def _validate_with(grader: FakeGrader) -> object:
    def fake(challenge: Challenge, settings: Settings, **options: object) -> Validation:
        return Validation(challenge.id, run_checks(challenge, grader, mutants=1), 7.5)

    return fake


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(("strong", "ok", "exit_code"), [(95, True, 0), (80, False, 1)])
def test_validate_records_each_result_under_grader_home_not_in_the_challenge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strong: float, ok: bool, exit_code: int
) -> None:
    challenge = a_challenge(tmp_path, "lib/backend/sample")
    before = _files(challenge.root)
    monkeypatch.setattr(
        "grader.cli.challenges.validate", _validate_with(FakeGrader({**SOUND, "strong": strong}))
    )
    result = CliRunner().invoke(
        main,
        ["challenges", "validate", "backend/sample", "--challenges-dir", str(tmp_path / "lib")],
    )
    assert result.exit_code == exit_code, result.output
    assert _files(challenge.root) == before  # the source tree stays clean
    found = recorded.load(get_settings().validations_dir, "backend/sample")
    assert found is not None
    assert (found.ok, found.challenge_version, found.seconds) == (ok, "1.0.0", 7.5)
    assert found.grader_version and found.validated_at.tzinfo is not None
    verdicts = {c.name: c.ok for c in found.checks}
    assert verdicts["reference scores 100"] is True
    assert verdicts["sample strong in band 90-100"] is ok
    assert sum(name.startswith("mutant ") for name in verdicts) == 1


def test_a_record_reads_back_and_says_when_the_challenge_moved_on(tmp_path: Path) -> None:
    assert recorded.load(tmp_path, "backend/sample") is None
    assert "not validated here" in recorded.status(None, "1.0.0")
    checks = (Check("reference scores 100", True, "100"), Check("starter", False, "scored 60"))
    path = recorded.save(tmp_path, "backend/sample", "1.0.0", checks, 2.0)
    assert path == tmp_path / "backend" / "sample.json"
    found = recorded.load(tmp_path, "backend/sample")
    assert found is not None and not found.ok and found.checks[1].detail == "scored 60"
    assert "failed" in recorded.status(found, "1.0.0") and "again" not in recorded.status(
        found, "1.0.0"
    )
    assert "now version 1.1.0: validate again" in recorded.status(found, "1.1.0")
    path.write_text('{"challenge": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="is not a validation record"):
        recorded.load(tmp_path, "backend/sample")
