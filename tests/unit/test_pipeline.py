"""Pipeline pieces that need no Docker: the comparison with earlier runs."""

from __future__ import annotations

from grader.models import Comparison, Outcome
from grader.record import MIN_COHORT, with_comparison
from grader.report import render_html, render_markdown
from grader.testing import graded_report

COHORT = [50.0, 70.0, 80.0, 90.0, 100.0, 20.0, 35.0, 61.0, 64.0, 99.0]


def test_comparison_places_the_score_in_its_cohort_with_a_histogram() -> None:
    report = with_comparison(graded_report(score=80.0), COHORT)
    assert report.comparison == Comparison(
        earlier=10, below=6, percentile=65, median=67.0, histogram=(0, 0, 1, 1, 0, 1, 2, 1, 1, 3)
    )
    text = "scored above 6 of 10 earlier graded runs of this challenge (percentile 65); median 67.0"
    assert f"| compared with others | {text} |" in render_markdown(report)
    html = render_html(report)
    assert "Scored above 6 of 10 other candidates" in html
    assert html.count("this candidate</text>") == 1


def test_below_the_minimum_cohort_the_report_says_there_are_not_enough_yet() -> None:
    report = with_comparison(graded_report(), COHORT[: MIN_COHORT - 1])
    assert report.comparison is None
    assert "Not enough graded submissions of this challenge version yet" in render_html(report)


def test_no_comparison_without_earlier_runs_or_for_ungraded_outcomes() -> None:
    assert with_comparison(graded_report(), []).comparison is None
    flagged = graded_report(outcome=Outcome.FLAGGED)
    assert with_comparison(flagged, COHORT).comparison is None
