"""Pipeline pieces that need no Docker: the comparison with earlier runs."""

from __future__ import annotations

from grader.models import Comparison, Outcome
from grader.record import with_comparison
from grader.report import render_markdown
from grader.testing import graded_report


def test_comparison_places_the_score_among_earlier_graded_runs() -> None:
    report = with_comparison(graded_report(score=80.0), [50.0, 70.0, 80.0, 90.0])
    assert report.comparison == Comparison(earlier=4, below=2, percentile=63, median=75.0)
    text = "scored above 2 of 4 earlier graded runs of this challenge (percentile 63); median 75.0"
    assert f"| compared with others | {text} |" in render_markdown(report)


def test_no_comparison_without_earlier_runs_or_for_ungraded_outcomes() -> None:
    assert with_comparison(graded_report(), []).comparison is None
    flagged = graded_report(outcome=Outcome.FLAGGED)
    assert with_comparison(flagged, [10.0]).comparison is None
