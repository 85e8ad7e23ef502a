"""Pipeline pieces that need no Docker: the comparison with earlier runs."""

from __future__ import annotations

from grader.models import Outcome
from grader.record import with_comparison
from grader.testing import graded_report


def test_comparison_places_the_score_among_earlier_graded_runs() -> None:
    report = with_comparison(graded_report(score=80.0), [50.0, 70.0, 80.0, 90.0])
    text = report.facts["compared with others"]
    assert "above 2 of 4" in text
    assert "percentile 63" in text
    assert "median 75.0" in text


def test_no_comparison_without_earlier_runs_or_for_ungraded_outcomes() -> None:
    assert "compared with others" not in with_comparison(graded_report(), []).facts
    flagged = graded_report(outcome=Outcome.FLAGGED)
    assert "compared with others" not in with_comparison(flagged, [10.0]).facts
