"""Stage report: a GradeReport -> HTML (recruiters), Markdown and JSON (machines, the store)."""

from grader.report.jsonio import from_json_dict, to_json_dict
from grader.report.render import render, render_html, render_json, render_markdown

__all__ = [
    "from_json_dict",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "to_json_dict",
]
