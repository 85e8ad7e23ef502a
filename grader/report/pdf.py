"""PDF exports: the recruiter's report, and a one-page comparison of several candidates.

WeasyPrint lays the same HTML out for print (it needs Debian's Pango, see scripts/setup). The
HTML is self-contained; the URL fetcher refuses everything, so a PDF never makes a request.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NoReturn

from grader.errors import GraderError
from grader.models import GradeReport
from grader.report.compare import render_comparison_html
from grader.report.render import render_html

logger = logging.getLogger(__name__)


def render_pdf(report: GradeReport) -> bytes:
    """The recruiter's report as PDF bytes."""
    return _pdf(render_html(report))


def render_comparison_pdf(reports: Sequence[GradeReport]) -> bytes:
    """One page comparing several candidates of one challenge."""
    return _pdf(render_comparison_html(reports))


def _pdf(html: str) -> bytes:
    try:
        import weasyprint  # noqa: PLC0415 - loads Pango; only PDF exports need it
    except OSError as exc:  # the Python package is there, the Pango libraries are not
        raise GraderError(
            f"PDF export needs the Pango libraries: {exc}",
            hint="run scripts/setup (it installs libpango-1.0-0 and libpangoft2-1.0-0)",
        ) from exc
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf()
    logger.debug("rendered a PDF of %d bytes", len(pdf))
    return pdf


def _refuse(url: str, *args: object, **kwargs: object) -> NoReturn:
    raise ValueError(f"the report refers to {url[:80]!r}; reports never load anything")
