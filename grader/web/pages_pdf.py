"""PDF downloads for recruiters: one run's report, and a comparison of selected candidates.

The same organisation check as the pages: another organisation's submission is missing (404).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response

from grader.models import GradeReport
from grader.report import from_json_dict, render_comparison_pdf, render_pdf
from grader.web import listing
from grader.web.deps import Recruiter, Services, Svc, not_found
from grader.web.listing import Row

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
MAX_COMPARED = 6  # as many as the compare page shows


@router.get("/team/submissions/{submission_id}/report.pdf")
def report_pdf(submission_id: str, who: Recruiter, svc: Svc) -> Response:
    """The recruiter's report of the submission's current run, as a PDF download."""
    row = listing.one(svc.db, who.org_id, submission_id)
    if row is None or row.run_id is None:
        raise not_found("graded submission")
    return _download(render_pdf(_report(svc, row)), f"report-{submission_id}.pdf")


@router.get("/team/compare.pdf")
def compare_pdf(
    who: Recruiter,
    svc: Svc,
    ids: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies the default
) -> Response:
    """The compare page's candidates side by side on one PDF page."""
    rows = [r for r in listing.many(svc.db, who.org_id, ids[:MAX_COMPARED]) if r.run_id]
    if not rows:
        raise not_found("finished submissions to compare")
    if len(rows) < 2 or len({r.challenge_id for r in rows}) > 1:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            "Pick two or more finished submissions of the same challenge to compare.",
        )
    reports = [_report(svc, r) for r in rows]
    log.info("comparison PDF of %d submissions for org %s", len(reports), who.org_id)
    return _download(render_comparison_pdf(reports), "comparison.pdf")


def _report(svc: Services, row: Row) -> GradeReport:
    assert row.run_id is not None
    return from_json_dict(listing.report(svc.db, row.run_id))


def _download(pdf: bytes, name: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
