"""The recruiter's report in a real browser: Chromium renders every golden report, the pictures
are kept in ``tests/artifacts/`` for a human to look at, and nothing runs a script."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.models import Outcome
from grader.report import render_html
from grader.settings import PROJECT_ROOT
from grader.testing import golden_reports
from tests.conftest import need

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts" / "report"

try:
    from playwright.sync_api import Browser, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if sync_playwright is None or not Path(CHROMIUM).exists():
        need("Chromium with Playwright", f"needs the playwright package and {CHROMIUM}")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.mark.parametrize("name", sorted(golden_reports()))
def test_the_report_renders_in_chromium_and_reads_top_down(
    browser: Browser, name: str, tmp_path: Path
) -> None:
    report = golden_reports()[name]
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(report), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900}, java_script_enabled=False)
    page.goto(page_file.as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    headings = page.locator("h2").all_inner_texts()
    assert headings[-1] == "Run details"
    if report.score is not None:
        assert "In short" in headings[:2]  # after the review banner, when flagged
        counted = sum(1 for c in report.categories if c.total)
        assert page.locator("svg.chart:not(.cohort) rect").count() == 2 * counted
        bands = page.locator(".band").all_inner_texts()
        expected = 1 if report.outcome is Outcome.GRADED else 0  # a flagged score is provisional
        assert len(bands) == expected
        assert all(b.lower() in {"strong", "mixed", "weak"} for b in bands)
    if report.comparison is not None:
        assert page.locator("svg.cohort rect").count() == 10
        assert page.get_by_text("this candidate").count() == 1
    if report.history is not None:
        assert page.locator("svg.timeline circle").count() == len(report.history.commits)
    page.close()
    shutil.copy(page_file, ARTIFACTS / f"{name}.html")


@pytest.mark.parametrize("name", sorted(golden_reports()))
def test_the_report_fits_a_phone_without_scrolling_sideways(browser: Browser, name: str) -> None:
    report = golden_reports()[name]
    long_id = "test_persistence.py::test_an_existing_tasks_file_is_read_not_replaced_on_start"
    tests = tuple(dataclasses.replace(t, id=long_id) for t in report.tests)
    page = browser.new_page(viewport={"width": 390, "height": 800}, java_script_enabled=True)
    page.set_content(render_html(dataclasses.replace(report, tests=tests)))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
