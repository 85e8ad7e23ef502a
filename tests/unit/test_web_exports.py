"""Recruiters' PDF downloads, and the validation status the admin catalogue reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.challenge import find_challenge
from grader.settings import get_settings
from grader.validate import recorded
from grader.validate.checks import Check
from tests.web_support import WebClient, World, build_world, sign_in

pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")
CHALLENGE = "devops/task-tracker"


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def clients(world: World) -> Iterator[dict[str, WebClient]]:
    opened = {role: WebClient() for role in ("recruiter", "reviewer", "admin", "other")}
    for role, client in opened.items():
        sign_in(client, world.emails[role])
    yield opened
    for client in opened.values():
        client.close()


def test_recruiters_download_their_own_reports_as_pdf_and_nobody_elses(
    world: World, clients: dict[str, WebClient]
) -> None:
    report = f"/team/submissions/{world.graded}/report.pdf"
    compare = f"/team/compare.pdf?ids={world.graded}&ids={world.flagged}"
    for path in (report, compare):
        mine = clients["recruiter"].get(path)
        assert mine.status_code == 200, mine.text
        assert mine.headers["content-type"] == "application/pdf"
        assert mine.headers["content-disposition"].startswith("attachment;")
        assert mine.content.startswith(b"%PDF-")
        assert clients["other"].get(path).status_code == 404
        assert clients["reviewer"].get(path).status_code == 403
    theirs = clients["recruiter"].get(f"/team/submissions/{world.other}/report.pdf")
    assert theirs.status_code == 404
    mixed = clients["other"].get(f"/team/compare.pdf?ids={world.graded}&ids={world.other}")
    assert mixed.status_code == 400 and "two or more" in mixed.text


def test_the_report_and_compare_pages_link_their_pdf_for_recruiters_only(
    world: World, clients: dict[str, WebClient]
) -> None:
    link = f"/team/submissions/{world.graded}/report.pdf"
    assert link in clients["recruiter"].get(f"/team/submissions/{world.graded}").text
    assert link not in clients["reviewer"].get(f"/team/submissions/{world.graded}").text
    page = clients["recruiter"].get(f"/team/compare?ids={world.graded}&ids={world.flagged}").text
    assert f"/team/compare.pdf?ids={world.graded}&amp;ids={world.flagged}" in page or (
        f"/team/compare.pdf?ids={world.flagged}&amp;ids={world.graded}" in page
    )
    reviewer = clients["reviewer"].get(f"/team/compare?ids={world.graded}&ids={world.flagged}")
    assert "/team/compare.pdf" not in reviewer.text


def test_the_catalogue_shows_what_validate_recorded_under_grader_home(
    world: World, clients: dict[str, WebClient]
) -> None:
    admin = clients["admin"]
    assert "not validated here" in admin.get(f"/admin/challenges/{CHALLENGE}").text
    validations = get_settings().validations_dir
    checks = (Check("reference scores 100", True, "100"), Check("starter", False, "scored 60"))
    recorded.save(validations, CHALLENGE, "0.0.1-old", checks, 12.0)
    page = admin.get("/admin/challenges").text
    assert "failed " in page and "(1 of 2 checks failed)" in page
    assert "version 0.0.1-old" in page and "validate again" in page
    current = find_challenge(CHALLENGE, get_settings().challenge_roots).spec.version
    recorded.save(validations, CHALLENGE, current, checks[:1], 3.0)
    page = admin.get(f"/admin/challenges/{CHALLENGE}").text
    assert "passed " in page and "validate again" not in page
    assert "Last validation" in page and "reference scores 100" in page
    (validations / f"{CHALLENGE}.json").write_text("{not json", encoding="utf-8")
    assert "unreadable record" in admin.get("/admin/challenges").text
