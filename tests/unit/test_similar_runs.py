"""Similarity across stored runs: a near-copy finished after an original marks both reports."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from grader.analyse import fingerprints
from grader.challenge import find_challenge
from grader.models import Fingerprint, GradeReport
from grader.pipeline import GradeRequest, Observer
from grader.record import grade_here
from grader.report import from_json_dict
from grader.sandbox import Sandbox
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.similar import with_similarity
from grader.store import Overlap, open_store
from grader.testing import graded_report
from tests.unit.test_similarity import REFERENCE, STARTER, _renamed

ROOTS = (PROJECT_ROOT / "tests" / "fixtures" / "challenges",)
ORIGINAL = fingerprints(REFERENCE, [STARTER])
COPY = fingerprints(_renamed(REFERENCE), [STARTER])
OTHER = fingerprints(
    {
        p.name: p.read_bytes()
        for p in (PROJECT_ROOT / "challenges/devops/task-tracker/samples/strong").rglob("*.py")
    },
    [STARTER],
)


def _grading(marks: tuple[Fingerprint, ...], url: str) -> Callable[..., GradeReport]:
    def canned(
        request: GradeRequest,
        settings: Settings,
        *,
        sandbox: Sandbox | None = None,
        observer: Observer | None = None,
    ) -> GradeReport:
        return graded_report(
            run_id=request.run_id,
            challenge=request.challenge.ref,
            repo_url=url,
            fingerprints=marks,
            comparison=None,
        )

    return canned


def _grade(settings: Settings, marks: tuple[Fingerprint, ...], url: str) -> str:
    challenge = find_challenge("fixture/functions", ROOTS)
    request = GradeRequest(url=url, challenge=challenge, ref="main", commit="c" * 40)
    _report, finished = grade_here(request, settings, grade_fn=_grading(marks, url))
    assert finished.run_id is not None
    return finished.run_id


def _similar(settings: Settings, run_id: str) -> list[str]:
    with open_store(settings.effective_database_url) as store:
        report = from_json_dict(store.get_run(run_id).report)
    return [f.message for f in report.findings if f.rule == "similar-submission"]


def test_a_near_copy_marks_both_stored_reports_and_an_independent_one_marks_none(
    tmp_path: Path,
) -> None:
    settings = get_settings().model_copy(update={"home": tmp_path, "challenges_dir": ROOTS[0]})
    first = _grade(settings, ORIGINAL, "https://github.com/ann/tracker")
    independent = _grade(settings, OTHER, "https://github.com/bob/tracker")
    copy = _grade(settings, COPY, "https://github.com/cy/tracker")
    (on_copy,) = _similar(settings, copy)
    (on_first,) = _similar(settings, first)
    assert f"run {first[:12]} (https://github.com/ann/tracker)" in on_copy
    assert f"run {copy[:12]} (https://github.com/cy/tracker)" in on_first
    assert "here: src/" in on_copy and "there: src/" in on_first
    assert _similar(settings, independent) == []


def test_runs_whose_counts_rule_them_out_are_never_read_and_unreadable_ones_never_match() -> None:
    report = graded_report(fingerprints=ORIGINAL)
    mine = len({mark.digest for mark in report.fingerprints})
    read: list[str] = []

    class Cohort:
        def cohort_overlaps(
            self,
            challenge_id: str,
            version: str,
            digests: Collection[int],
            *,
            exclude_repo: str = "",
        ) -> list[Overlap]:
            assert len(digests) == mine
            return [
                Overlap("few", "https://x/few", shared=mine // 3, total=mine),  # 33 %: ruled out
                Overlap("tiny", "https://x/tiny", shared=10, total=10),  # too small to judge
                Overlap("bad", "https://x/bad", shared=mine, total=mine),  # unreadable marks
            ]

        def fingerprints_of(self, run_id: str) -> object:
            read.append(run_id)
            return [1]

    assert with_similarity(report, Cohort()) == (report, ())
    assert read == ["bad"]
    assert with_similarity(graded_report(), Cohort()) == (graded_report(), ())
