"""Class C: hidden-test leakage. Nothing of the hidden tests reaches the candidate."""

from __future__ import annotations

import re

import pytest

from grader.gitserve import GitServer
from grader.models import Feedback, Outcome, TestStatus
from grader.report import candidate_view, render_candidate_html, render_html
from grader.testing import found
from grader.text import TRUNCATED
from tests.redteam.conftest import Grader
from tests.redteam.support import integrity_rules, message, seen, status

pytestmark = pytest.mark.docker


def test_hidden_tests_cannot_be_found_or_read(grade_repo: Grader) -> None:
    report = grade_repo("C1")
    probe = seen(report)
    assert probe["found"] == [], probe  # /judge cannot even be listed
    assert probe["judge"] == "PermissionError" and probe["cwd_refused"] >= 1
    assert report.outcome is Outcome.FLAGGED and "test-hunting" in integrity_rules(report)


@pytest.mark.parametrize(
    ("repo", "marker"),
    [pytest.param("C3", "EXFIL-C3", id="C3"), pytest.param("C4", "EXFIL-C4", id="C4")],
)
def test_failure_text_reaches_only_the_recruiter(
    grade_repo: Grader, repo: str, marker: str
) -> None:
    report = grade_repo(repo)
    assert status(report, "add") is not TestStatus.PASSED
    recruiter = message(report, "add")
    assert marker in recruiter and len(recruiter) <= 2000 + len(TRUNCATED)
    assert marker in render_html(report)
    for policy in (Feedback.NONE, Feedback.SUMMARY, Feedback.TEST_NAMES):
        page = render_candidate_html(report, policy)
        assert marker not in page and "PermissionError" not in page
        assert ("test_add_returns_the_sum" in page) is (policy is Feedback.TEST_NAMES)
    shown = candidate_view(report, Feedback.MESSAGES)
    add = next(t for t in shown.tests if t.name.endswith("test_add_returns_the_sum"))
    assert add.message.removesuffix(TRUNCATED) == recruiter[:500]  # a shorter cut, if allowed
    html = render_candidate_html(report, Feedback.MESSAGES) + render_html(report)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert report.feedback is Feedback.SUMMARY  # the challenge's default


def test_the_candidate_never_sees_timings_limits_or_run_facts(grade_repo: Grader) -> None:
    report = grade_repo("C3")
    hidden = ["wall", "memory", "MiB", "judge", "image", report.run_id, "sandbox", "integrity"]
    hidden += [f"{t.duration:.2f}" for t in report.tests if t.duration >= 0.01]
    for policy in Feedback:
        page = render_candidate_html(report, policy)
        body = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
        assert not [word for word in hidden if word in body], policy


def test_no_git_metadata_or_credentials_reach_the_sandbox(
    grade_repo: Grader, server: GitServer
) -> None:
    probe = seen(grade_repo("C7"))
    assert probe["found"] == [] and probe["git_env"] == [], probe
    before = len(server.requests)
    with_token = server.url_for("C7").replace("http://", "http://oauth2:ghp_secret@")
    report = grade_repo("C7", url=with_token)
    assert report.outcome is Outcome.REJECTED and "ghp_secret" not in report.reason
    assert "ghp_secret" not in report.repo_url
    assert len(server.requests) == before


@pytest.mark.parametrize(
    "repo", [pytest.param("C9", id="C9"), pytest.param("C9-copy", id="C9-copy")]
)
def test_leaked_hidden_tests_in_a_submission_are_flagged(grade_repo: Grader, repo: str) -> None:
    report = grade_repo(repo)
    assert report.outcome is Outcome.FLAGGED
    assert "leaked-tests" in integrity_rules(report)
    assert found(report.integrity)["hidden-test leak scan"].endswith("flagged")
