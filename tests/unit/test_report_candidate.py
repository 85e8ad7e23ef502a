"""The candidate's view of a run: exactly what the feedback policy allows, nothing more."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.models import Feedback, Outcome
from grader.report import (
    candidate_view,
    from_json_dict,
    render_candidate_html,
    render_candidate_markdown,
    to_json_dict,
)
from grader.testing import SAMPLE_TESTS, flagged_report, graded_report, rejected_report

FAILURE = "AssertionError: expected status 404, got 500"
TEST_NAME = "test_api.py::test_delete_missing_task"
NEVER = ("Timings", "Limits", "sandbox", "image", "run-0001", "bare-except", "todo/store.py")


def _pages(feedback: Feedback) -> list[str]:
    report = graded_report()
    return [render_candidate_html(report, feedback), render_candidate_markdown(report, feedback)]


@pytest.mark.parametrize(
    ("feedback", "score", "names", "messages"),
    [
        (Feedback.NONE, False, False, False),
        (Feedback.SUMMARY, True, False, False),
        (Feedback.TEST_NAMES, True, True, False),
        (Feedback.MESSAGES, True, True, True),
    ],
)
def test_each_policy_shows_exactly_what_it_names(
    feedback: Feedback, score: bool, names: bool, messages: bool
) -> None:
    for page in _pages(feedback):
        assert ("54.2" in page) is score
        assert (TEST_NAME in page or TEST_NAME.replace("_", "\\_") in page) is names
        assert (FAILURE in page) is messages
        assert not [word for word in NEVER if word in page.split("</style>")[-1]]


def test_no_policy_ever_shows_timings_or_durations() -> None:
    view = candidate_view(graded_report(), Feedback.MESSAGES)
    assert not hasattr(view.tests[0], "duration")
    for feedback in Feedback:
        for page in _pages(feedback):
            assert "30.0 s" not in page and "0.21 s" not in page


def test_messages_are_cut_shorter_than_the_recruiters() -> None:
    long = replace(SAMPLE_TESTS[3], message="x" * 3000)
    view = candidate_view(graded_report(tests=(long,)), Feedback.MESSAGES)
    assert len(view.tests[0].message) == 500 + len("… [truncated]")


@pytest.mark.parametrize("feedback", list(Feedback))
def test_a_flagged_run_is_only_under_review_for_the_candidate(feedback: Feedback) -> None:
    view = candidate_view(flagged_report(), feedback)
    assert "reviewed by the hiring team" in view.state
    assert (view.score, view.total, view.tests, view.categories) == ("", 0, (), ())
    for page in (render_candidate_html(flagged_report(), feedback),):
        assert "conftest.py" not in page and "integrity" not in page.split("</style>")[-1]


def test_a_rejected_submission_says_why_under_every_policy() -> None:
    for feedback in Feedback:
        view = candidate_view(rejected_report(), feedback)
        assert "240 MB" in view.reason


def test_the_policy_recorded_with_the_run_is_used_and_survives_the_store() -> None:
    recorded = graded_report(feedback=Feedback.TEST_NAMES)
    assert candidate_view(recorded).feedback is Feedback.TEST_NAMES
    assert candidate_view(recorded).tests and not candidate_view(recorded).tests[0].message
    assert from_json_dict(to_json_dict(recorded)).feedback is Feedback.TEST_NAMES


def test_candidate_text_is_escaped_on_the_candidates_page_too() -> None:
    hostile = replace(SAMPLE_TESTS[3], id="test_x.py::test_<script>", message="<img src=x>\x1b[2J")
    report = graded_report(tests=(hostile,))
    html = render_candidate_html(report, Feedback.MESSAGES)
    assert "<script>" not in html and "<img src=x>" not in html and "\x1b" not in html
    assert "&lt;img src=x&gt;\\x1b[2J" in html
    assert report.outcome is Outcome.GRADED
