"""Render a :class:`~grader.models.GradeReport` as HTML (recruiters), Markdown and JSON (machines).

Templates come only from ``grader/report/templates``; autoescaping is on for every template and
candidate text is never marked safe, so a test message cannot inject markup or template code.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from grader.models import Feedback, GradeReport
from grader.report.candidate import candidate_view
from grader.report.jsonio import JsonDict, to_json_dict
from grader.report.markdown import md_escape
from grader.report.review import plain_test_name
from grader.report.view import build_view, seconds, when
from grader.text import neutralise

logger = logging.getLogger(__name__)

FILES = {
    "html": "report.html",
    "md": "report.md",
    "json": "report.json",
    "candidate_html": "candidate.html",
    "candidate_md": "candidate.md",
}


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("grader", "report/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible_text,
    )
    env.filters["md"] = md_escape
    env.filters["seconds"] = seconds
    env.filters["when"] = when
    env.filters["test_words"] = plain_test_name
    return env


def _visible_text(value: object) -> object:
    """Every ``{{ }}`` output: control and bidi characters made visible (defence in depth)."""
    if isinstance(value, Markup):  # already escaped by a filter; escapes stay inert text
        return Markup(neutralise(str(value)))  # noqa: S704 - input was escaped markup
    return neutralise(value) if isinstance(value, str) else value


def _render(template: str, report: GradeReport) -> str:
    return environment().get_template(template).render(r=report, v=build_view(report))


def render_html(report: GradeReport) -> str:
    """The recruiter's page: self-contained, no scripts, no external requests."""
    return _render("report.html.j2", report)


def render_markdown(report: GradeReport) -> str:
    return _render("report.md.j2", report)


def render_candidate_html(report: GradeReport, feedback: Feedback | None = None) -> str:
    """The candidate's page, cut down to the feedback policy (default: the run's own)."""
    view = candidate_view(report, feedback)
    return environment().get_template("candidate.html.j2").render(c=view)


def render_candidate_markdown(report: GradeReport, feedback: Feedback | None = None) -> str:
    view = candidate_view(report, feedback)
    return environment().get_template("candidate.md.j2").render(c=view)


def render_json(report: GradeReport, data: JsonDict | None = None) -> str:
    """``report`` as JSON; ``data`` is its :func:`to_json_dict` when the caller has it already."""
    return json.dumps(data or to_json_dict(report), indent=2, ensure_ascii=False) + "\n"


def render(report: GradeReport, out_dir: Path, *, data: JsonDict | None = None) -> dict[str, Path]:
    """Write the recruiter's ``report.html``, ``report.md`` and ``report.json`` and the
    candidate's ``candidate.html`` and ``candidate.md`` into ``out_dir`` (``data``: the
    report's :func:`to_json_dict`, when the caller has it already).

    Returns the paths keyed ``html``, ``md``, ``json``, ``candidate_html``, ``candidate_md``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {
        "html": render_html(report),
        "md": render_markdown(report),
        "json": render_json(report, data),
        "candidate_html": render_candidate_html(report),
        "candidate_md": render_candidate_markdown(report),
    }
    paths = {kind: out_dir / FILES[kind] for kind in texts}
    for kind, text in texts.items():
        # "replace": a lone surrogate that slipped past cleaning must not lose the report
        paths[kind].write_text(text, encoding="utf-8", errors="replace")
    logger.debug("rendered run %s into %s", report.run_id, out_dir)
    return paths
