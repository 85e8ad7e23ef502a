"""The four journeys of the web app in a real browser, with screenshots and an accessibility
check (labels, contrast, headings) of every page on the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import A11Y, ARTIFACTS, Live
from tests.web_support import PASSWORD

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning"),
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Any, name: str, *, check: bool = True) -> None:
    """Save a full-page screenshot, and fail on any accessibility problem of the page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if check:
        problems = page.evaluate(A11Y)
        assert problems == [], f"{name}: {problems}"


def sign_in(page: Any, live: Live, role: str) -> None:
    page.goto(f"{live.base_url}/login")
    page.get_by_label("Email address").fill(live.world.emails[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_candidate_submits_watches_progress_and_sees_feedback(live: Live, page: Any) -> None:
    page.goto(f"{live.base_url}/i/{live.world.token}")
    shot(page, "candidate-1-invitation")
    box = page.get_by_label("Repository address")
    box.fill("http://10.1.2.3/private.git")
    page.locator("#repo_url-check.bad").wait_for()
    shot(page, "candidate-2-url-refused")
    box.fill(live.repo_url)
    page.locator("#repo_url-check.ok").wait_for()
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url("**/s/*")
    shot(page, "candidate-3-progress")
    seen = set()
    for _ in range(100):
        seen.add(page.locator("[aria-current=step]").first.get_attribute("data-name") or "")
        if page.get_by_role("heading", name="Your feedback").count():
            break
        page.wait_for_timeout(200)
    assert page.get_by_role("heading", name="Your feedback").is_visible()
    # the steps moved at least once before the end, without a reload (polling may skip one)
    assert len(seen & {"queued", "fetching", "testing"}) >= 2, seen
    assert "AssertionError" not in page.content()  # summary policy: no test messages
    shot(page, "candidate-4-feedback")
    page.set_viewport_size(PHONE)
    page.goto(f"{live.base_url}/i/{live.world.token}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "candidate-5-phone")


def test_a_recruiter_finds_a_submission_opens_its_report_and_compares(
    live: Live, page: Any
) -> None:
    page.goto(f"{live.base_url}/login")
    shot(page, "recruiter-0-sign-in")
    sign_in(page, live, "recruiter")
    page.get_by_label("Challenge").select_option("devops/task-tracker")
    page.get_by_role("button", name="Apply").click()
    shot(page, "recruiter-1-submissions")
    page.get_by_role("link", name="Grace Graded").click()
    page.wait_for_load_state()
    assert "grade report" in page.title()
    shot(page, "recruiter-2-report", check=False)  # the report document is the report stage's
    page.go_back()
    page.get_by_label("Compare Grace Graded").check()
    page.get_by_label("Compare Fred Flagged").check()
    page.get_by_role("button", name="Compare ticked").click()
    page.wait_for_load_state()
    assert page.get_by_role("columnheader", name="Grace Graded").is_visible()
    shot(page, "recruiter-3-compare")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this comparison as PDF").click()
    assert download.value.suggested_filename == "comparison.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.set_viewport_size(PHONE)
    page.goto(f"{live.base_url}/team/submissions")
    shot(page, "recruiter-4-phone")


def test_a_reviewer_clears_a_flagged_run_with_a_note(live: Live, page: Any) -> None:
    sign_in(page, live, "reviewer")
    shot(page, "reviewer-1-queue")
    page.get_by_role("link", name="Fred Flagged").click()
    page.wait_for_load_state()
    page.get_by_label("Clear: the evidence is innocent, the score stands").check()
    page.get_by_label("Note (required when overriding)").fill("The hook only times tests.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    trail = page.locator(".gtrail").inner_text()
    assert "clear by Ann Reviewer" in trail and "only times tests" in trail
    shot(page, "reviewer-2-decided", check=False)
    page.goto(f"{live.base_url}/team/review")
    assert page.get_by_text("Nothing to review").is_visible()


def test_an_admin_disables_a_challenge_and_its_invitation_stops_accepting(
    live: Live, page: Any, browser: Any
) -> None:
    sign_in(page, live, "admin")
    page.goto(f"{live.base_url}/admin/challenges")
    shot(page, "admin-1-challenges")
    page.get_by_role("button", name="Disable Task tracker", exact=False).first.click()
    page.wait_for_load_state()
    for path, name in (
        ("/admin/challenges/devops/task-tracker", "admin-2-statistics"),
        ("/admin/users", "admin-3-people"),
        ("/admin/tokens", "admin-4-tokens"),
        ("/admin/webhooks", "admin-5-webhooks"),
        ("/team/invitations", "admin-6-invitations"),
        ("/api/docs", "admin-8-api-docs"),
    ):
        page.goto(live.base_url + path)
        shot(page, name)
    candidate = browser.new_page()
    candidate.goto(f"{live.base_url}/i/{live.world.token}")
    assert candidate.get_by_text("closed by the hiring team").is_visible()
    assert candidate.get_by_label("Repository address").count() == 0
    shot(candidate, "admin-7-invitation-closed")
    candidate.close()
