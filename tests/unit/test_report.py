"""Stage report: golden HTML/Markdown/JSON, escaping of candidate text, JSON round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.errors import GraderError
from grader.models import (
    Comparison,
    Dependency,
    DependencyStatus,
    Feedback,
    Finding,
    GradeReport,
    IntegrityCheck,
    Outcome,
    RunFacts,
    Severity,
    TestResult,
    TestStatus,
)
from grader.report import from_json_dict, render, render_html, render_markdown, to_json_dict
from grader.report.markdown import md_escape
from grader.testing import golden_reports, graded_report, not_gradable_report

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("name", sorted(golden_reports()))
def test_rendered_reports_match_the_golden_files(name: str, tmp_path: Path) -> None:
    paths = render(golden_reports()[name], tmp_path)
    assert set(paths) == {"html", "md", "json", "candidate_html", "candidate_md"}
    for path in paths.values():
        golden = GOLDEN / name / path.name
        assert path.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8"), (
            f"{path.name} for {name} differs from {golden}; if the change is intended, "
            "run scripts/regen-golden and review the diff"
        )


def _hostile_report() -> GradeReport:
    base = graded_report()
    return graded_report(
        tests=(
            TestResult("test_api.py::test_x", TestStatus.FAILED, "core", 0.1, f"got {XSS}"),
            TestResult(
                "test_api.py::test_y", TestStatus.FAILED, "core", 0.1, "{{ 7*7 }} {% if 1 %}"
            ),
            *base.tests[1:],
        ),
        findings=(Finding("print-call", Severity.INFO, f"found {XSS}", f"{XSS}.py", 3),),
        dependencies=(Dependency(XSS, DependencyStatus.FAILED, XSS),),
        run_facts=RunFacts(recorded={"commit message": f"Fix {XSS}", XSS: "key"}),
        comparison=None,  # its "40-49" label would hide an evaluated {{ 7*7 }}
        repo_url=f"https://github.com/a/b{XSS}",
        reason=XSS,
    )


def test_candidate_text_is_escaped_in_html() -> None:
    html = render_html(_hostile_report())
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("&lt;img") >= 7  # message, finding, path, dependency x2, facts x2, repo


def test_candidate_text_is_escaped_in_markdown() -> None:
    md = render_markdown(_hostile_report())
    assert "<img" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md


def test_template_syntax_in_candidate_text_is_shown_not_evaluated() -> None:
    report = _hostile_report()
    assert "{{ 7*7 }} {% if 1 %}" in render_html(report)
    assert "{{ 7\\*7 }} {% if 1 %}" in render_markdown(report)
    assert "49" not in render_html(report)


def test_html_is_self_contained_without_scripts_or_external_requests() -> None:
    html = render_html(graded_report())
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
    ) in html
    for forbidden in ("<script", "<link", "<img", "src=", "href=", "@import", "url("):
        assert forbidden not in html


def test_a_not_gradable_report_never_shows_a_test_as_failed() -> None:
    report = not_gradable_report(tests=graded_report().tests, score=12.0)
    html = render_html(report)
    md = render_markdown(report)
    assert "Grading incomplete — not the candidate's fault" in html
    for text in (html, md):
        assert "gave a wrong result" not in text
        assert "12.0" not in text


def test_a_flagged_report_says_it_needs_review_and_shows_the_evidence() -> None:
    html = render_html(golden_reports()["flagged"])
    banner = html.split('<section class="banner flagged">', 1)[1].split("</section>", 1)[0]
    assert "Needs human review" in banner
    assert "pytest_runtest_makereport" in banner


def test_json_has_exactly_the_documented_keys_in_order() -> None:
    data = to_json_dict(graded_report())
    assert list(data) == [
        "run_id", "outcome", "score", "reason", "repo_url", "ref", "commit", "challenge",
        "tests", "categories", "findings", "dependencies", "timings", "started_at",
        "finished_at", "image", "image_digest", "limits", "feedback", "integrity",
        "comparison", "run_facts", "python", "code", "history", "fingerprints",
    ]  # fmt: skip
    assert data["integrity"][0] == {"name": "tamper scan", "found": data["integrity"][0]["found"]}
    assert data["run_facts"]["recorded"]["candidate started as"] == "cli: python -m todo"
    assert data["challenge"] == {
        "id": "backend/todo-api", "version": "1.2.0", "title": "Todo API",
        "strong": 80.0, "mixed": 50.0,
    }  # fmt: skip
    assert list(data["tests"][0]) == ["id", "status", "category", "duration", "message"]
    assert data["categories"][0] == {
        "name": "core", "weight": 3.0, "passed": 3, "total": 4,
        "description": "create, read, update and delete tasks through the API", "score": 75.0,
    }  # fmt: skip
    assert data["code"] == {"functions": 14, "annotated": 9, "with_any": 2}
    assert data["started_at"] == "2025-03-04T09:30:00+00:00"
    json.dumps(data)  # plain JSON types only


@pytest.mark.parametrize("outcome", [Outcome.NOT_GRADABLE, Outcome.REJECTED])
def test_json_score_is_null_unless_graded_or_flagged(outcome: Outcome) -> None:
    assert to_json_dict(graded_report(outcome=outcome))["score"] is None


@pytest.mark.parametrize("name", sorted(golden_reports()))
def test_json_round_trips_and_re_renders_identically(name: str) -> None:
    report = golden_reports()[name]
    back = from_json_dict(json.loads(json.dumps(to_json_dict(report))))
    assert back == report
    assert render_html(back) == render_html(report)
    assert render_markdown(back) == render_markdown(report)


def test_json_with_missing_or_unknown_keys_is_refused() -> None:
    data = to_json_dict(graded_report())
    del data["feedback"]
    data["surprise"] = 1
    with pytest.raises(
        GraderError, match=r"missing keys \['feedback'\] or unknown keys \['surprise'\]"
    ):
        from_json_dict(data)


def test_a_report_stored_before_code_signals_still_loads() -> None:
    data = to_json_dict(graded_report())
    del data["code"]
    del data["history"]
    for category in data["categories"]:
        del category["description"]
    for finding in data["findings"]:
        del finding["snippet"]
    report = from_json_dict(data)
    assert report.code is None
    assert report.history is None
    assert report.categories[0].description == ""


def test_a_report_stored_with_the_old_facts_object_is_read_into_typed_fields() -> None:
    data = to_json_dict(graded_report())
    for key in ("feedback", "integrity", "comparison", "run_facts"):
        del data[key]
    data["facts"] = {
        "candidate started as": "cli: python -m todo",
        "integrity: run nonce": "matched",
        "candidate feedback": "messages",
        "judge_exit_code": "None",
        "wall_clock": "the run hit the 600s wall-clock limit",
        "skipped_entries": "link: symlink, not followed",
        "compared with others": "scored above 2 of 4 earlier graded runs of this challenge "
        "(percentile 63); median 75.0",
    }
    report = from_json_dict(data)
    assert report.feedback is Feedback.MESSAGES
    assert report.integrity == (IntegrityCheck("run nonce", "matched"),)
    assert report.comparison == Comparison(earlier=4, below=2, percentile=63, median=75.0)
    assert report.run_facts == RunFacts(
        judge_exit_code=None,
        timed_out=True,
        skipped_entries="link: symlink, not followed",
        recorded={"candidate started as": "cli: python -m todo"},
    )


def test_json_with_a_bad_value_is_refused_with_its_location() -> None:
    data = to_json_dict(graded_report())
    data["tests"][0]["status"] = "brilliant"
    with pytest.raises(GraderError, match=r"invalid at tests\.0\.status"):
        from_json_dict(data)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("use `rm -rf`", "use \\`rm -rf\\`"),
        ("=HYPERLINK(1)", "\\=HYPERLINK(1)"),
        ("+1", "\\+1"),
        ("-x", "\\-x"),
        ("@SUM(A1)", "\\@SUM(A1)"),
        ("# heading", "\\# heading"),
        ("*bold* [link](x)", "\\*bold\\* \\[link\\](x)"),
        ("a\nb", "a<br>b"),
        ("x < y & z", "x &lt; y &amp; z"),
    ],
)
def test_markdown_escaping_neutralises_markup(raw: str, escaped: str) -> None:
    assert str(md_escape(raw)) == escaped


def test_render_writes_the_recruiter_reports_and_the_candidate_view(tmp_path: Path) -> None:
    paths = render(graded_report(), tmp_path / "new" / "dir")
    assert {kind: p.name for kind, p in paths.items()} == {
        "html": "report.html", "md": "report.md", "json": "report.json",
        "candidate_html": "candidate.html", "candidate_md": "candidate.md",
    }  # fmt: skip
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["run_id"] == "run-0001"


def test_control_and_bidi_characters_in_any_field_are_made_visible() -> None:
    facts = RunFacts(recorded={"commit message": "fix \u202eevil\x1b[2J"})
    report = graded_report(run_facts=facts, reason="a\u2066b")
    for text in (render_html(report), render_markdown(report)):
        assert "\u202e" not in text and "\x1b" not in text and "\u2066" not in text
        assert "fix \\u202eevil\\x1b" in text


def test_a_lone_surrogate_does_not_stop_the_report_being_written(tmp_path: Path) -> None:
    report = graded_report(repo_url="https://github.com/a/\ud800")
    paths = render(report, tmp_path)
    assert paths["json"].read_text(encoding="utf-8").count("https://github.com/a/") == 1


def test_the_integrity_section_lists_each_check_and_what_it_found() -> None:
    report = golden_reports()["flagged"]
    html = render_html(report)
    integrity = html.split("<h2>Integrity</h2>", 1)[1].split("</section>", 1)[0]
    for check in ("tamper scan", "test-ID manifest", "run nonce", "must-fail canary"):
        assert f"<th>{check}</th>" in integrity
    assert "1 finding, flagged" in integrity and "pytest_runtest_makereport" in integrity
    facts = html.split("<h2>Run details</h2>", 1)[1]
    assert "integrity:" not in facts and "must-fail canary" not in facts
    markdown = render_markdown(report)
    assert "| must-fail canary | failed, as it must |" in markdown


def test_a_run_without_recorded_checks_says_so() -> None:
    report = graded_report(integrity=())
    assert "No integrity checks were recorded for this run." in render_html(report)
