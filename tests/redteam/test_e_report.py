"""Class E: the report side. Hostile text is rendered inert in every report, for everyone."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from grader.models import Feedback, GradeReport, Outcome
from grader.report import render
from grader.report.render import FILES
from tests.redteam.conftest import Grader
from tests.redteam.crafted import MARKUP_BRANCH
from tests.redteam.support import integrity_rules

pytestmark = pytest.mark.docker

GRADER = Path(__file__).resolve().parents[2] / "grader"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
RAW_MARKUP = ("<img src=x", "<script>", "<svg", "<iframe", '<a href="javascript', "<b>")
OWN_CHART = re.compile(r'<svg class="chart" [^>]*>.*?</svg>', re.DOTALL)  # the report's own


def _rendered(report: GradeReport, folder: Path) -> dict[str, str]:
    """Every file the grader writes for this run (recruiter and candidate), by kind."""
    paths = render(report, folder)
    texts = {kind: path.read_text(encoding="utf-8") for kind, path in paths.items()}
    for policy in Feedback:  # every candidate policy, not only the challenge's own
        from grader.report import render_candidate_html  # noqa: PLC0415

        texts[f"candidate {policy.value}"] = render_candidate_html(report, policy)
    return texts


def _markup_files(texts: dict[str, str]) -> dict[str, str]:
    return {kind: text for kind, text in texts.items() if kind != "json"}


@pytest.mark.parametrize(
    ("repo", "ref"),
    [pytest.param("E1", None, id="E1"), pytest.param("E2-markup", MARKUP_BRANCH, id="E2")],
)
def test_markup_from_the_candidate_is_shown_as_text(
    grade_repo: Grader, tmp_path: Path, repo: str, ref: str | None
) -> None:
    report = grade_repo(repo, ref=ref)
    assert report.outcome is Outcome.GRADED, report.reason
    texts = _markup_files(_rendered(report, tmp_path))
    for kind, text in texts.items():
        assert not [m for m in RAW_MARKUP if m in OWN_CHART.sub("", text)], kind
    html = texts["html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    if repo == "E2-markup":
        assert "&lt;svg/onload=alert(1)&gt;" in html  # the branch name, as text
    assert not re.search(r"<a[\s>]", html) and 'href="' not in html  # E4: no links at all


def test_templates_never_turn_escaping_off() -> None:
    templates = list((GRADER / "report" / "templates").glob("*.j2"))
    assert templates
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, template
    sources = {p: p.read_text(encoding="utf-8") for p in GRADER.rglob("*.py")}
    markup = sorted(str(p.relative_to(GRADER)) for p, s in sources.items() if "Markup(" in s)
    # both escape first; the brief is rendered by markdown-it with raw HTML off
    assert markup == ["report/markdown.py", "report/render.py", "web/pages_candidate.py"]
    assert "autoescape=True" in sources[GRADER / "report" / "render.py"]
    assert not [p for p, s in sources.items() if "from_string(" in s or "Template(" in s]


def test_dangerous_url_schemes_never_become_links(grade_repo: Grader, tmp_path: Path) -> None:
    for url in ("javascript:alert(1)//github.com/a/b", "data:text/html,<script>x</script>"):
        report = grade_repo("E4", url=url)
        assert report.outcome is Outcome.REJECTED
        texts = _markup_files(_rendered(report, tmp_path / report.run_id))
        linked = [k for k, text in texts.items() if 'href="' in text or "<script>" in text]
        assert linked == []


def test_template_syntax_in_candidate_text_is_never_evaluated(
    grade_repo: Grader, tmp_path: Path
) -> None:
    report = grade_repo("E5")
    texts = _rendered(report, tmp_path)
    html = texts["html"]
    assert "{{ 7*7 }}" in html and "{{ config }}" in html
    assert "&lt;class" not in html  # no object traversal was evaluated either
    assert "{{ 6\\*7 }}" in texts["md"] and "{{ x }}{% endfor %}" in texts["md"]


def test_trojan_source_is_flagged_and_shown_visibly(grade_repo: Grader, tmp_path: Path) -> None:
    report = grade_repo("E6")
    assert report.outcome is Outcome.FLAGGED and "bidi-control" in integrity_rules(report)
    for kind, text in _markup_files(_rendered(report, tmp_path)).items():
        assert "\u202e" not in text and "\u2066" not in text, kind
    assert "U+202E" in _rendered(report, tmp_path / "again")["html"]


def test_control_characters_never_reach_a_report_or_a_log(
    grade_repo: Grader, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    report = grade_repo("E7")
    texts = _rendered(report, tmp_path)
    for kind, text in texts.items():
        assert not CONTROL.search(text.replace("\n", "").replace("\t", "")), kind
    assert "\\x1b[2J" in texts["html"] and "FAKE: all 6 tests passed" in texts["html"]
    assert not [r for r in caplog.records if CONTROL.search(r.getMessage())]


def test_oversized_output_is_cut_before_it_is_stored(grade_repo: Grader, tmp_path: Path) -> None:
    report = grade_repo("E8")
    sizes = {kind: len(text) for kind, text in _rendered(report, tmp_path).items()}
    assert max(sizes.values()) < 300_000, sizes
    assert max(len(t.message) for t in report.tests) <= 2100
    assert len(report.dependencies) == 101 and "2900 more" in report.dependencies[-1].requirement


def test_spreadsheet_formulas_are_neutralised_in_markdown(
    grade_repo: Grader, tmp_path: Path
) -> None:
    report = grade_repo("E9")
    markdown = _rendered(report, tmp_path)["md"]
    cells = [
        line.split("|")[1].strip()
        for line in markdown.splitlines()
        if line.startswith("|") and ("calc" in line or "HYPERLINK" in line)
    ]
    assert len(cells) == 4
    assert all(cell.startswith("\\") for cell in cells), cells
    assert set(FILES) == {"html", "md", "json", "candidate_html", "candidate_md"}
