"""Stage report: a GradeReport -> HTML (recruiters), Markdown and JSON (machines, the store),
and the candidate's own cut-down view (``candidate``)."""

from grader.report.candidate import CandidateView, candidate_view
from grader.report.compare import render_comparison_html
from grader.report.jsonio import from_json_dict, to_json_dict
from grader.report.pdf import render_comparison_pdf, render_pdf
from grader.report.render import (
    render,
    render_candidate_html,
    render_candidate_markdown,
    render_html,
    render_json,
    render_markdown,
)

__all__ = [
    "CandidateView",
    "candidate_view",
    "from_json_dict",
    "render",
    "render_candidate_html",
    "render_candidate_markdown",
    "render_comparison_html",
    "render_comparison_pdf",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
    "to_json_dict",
]
