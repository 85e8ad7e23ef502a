"""The hiring team's pages: submissions, reports, comparison, invitations, the review queue.

Recruiters invite, export and regrade; reviewers decide on flagged runs; admins do both.
Every submission is looked up through the caller's organisation (404 otherwise).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from grader.errors import GraderError
from grader.models import GradeReport
from grader.queue import regrade as queue_regrade
from grader.report import from_json_dict, render_html
from grader.store.tables import utcnow
from grader.web import catalogue, invites, listing, reviews
from grader.web.app import REPORT_CSP
from grader.web.deps import (
    HERE,
    TEMPLATES,
    Form,
    Recruiter,
    Reviewer,
    Services,
    Svc,
    Team,
    not_found,
)
from grader.web.deps import render as page
from grader.web.listing import Filters, Row

router = APIRouter(include_in_schema=False)
PANEL_CSS = (HERE / "static" / "panel.css").read_text(encoding="utf-8")
OUTCOMES = ("graded", "flagged", "not_gradable", "rejected")
STATES = ("queued", "running", "done")
MAX_CSV_BYTES = 2 * 1024 * 1024


def _filters(
    challenge: str = "",
    outcome: str = "",
    state: str = "",
    flagged: str = "",
    since: str = "",
    until: str = "",
    sort: str = "newest",
    page: int = 1,
) -> Filters:
    return Filters(
        challenge=challenge,
        outcome=outcome if outcome in OUTCOMES else "",
        state=state if state in STATES else "",
        flagged=flagged == "1",
        since=_day(since),
        until=_day(until),
        sort=sort if sort in listing.SORTS else "newest",
        page=max(1, page),
    )


def filters_of(request: Request) -> Filters:
    q = request.query_params
    page_text = q.get("page", "1")
    return _filters(
        challenge=q.get("challenge", ""),
        outcome=q.get("outcome", ""),
        state=q.get("state", ""),
        flagged=q.get("flagged", ""),
        since=q.get("since", ""),
        until=q.get("until", ""),
        sort=q.get("sort", "newest"),
        page=int(page_text) if page_text.isdigit() else 1,
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/team/submissions")
def submissions(request: Request, who: Team, svc: Svc) -> Response:
    f = filters_of(request)
    found = listing.page(svc.db, who.org_id, f)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
    return page(
        request,
        "team/submissions.html.j2",
        who,
        page=found,
        f=f,
        challenges=[c.id for c in catalogue.challenges(svc.roots)],
        outcomes=OUTCOMES,
        states=STATES,
        sorts=tuple(listing.SORTS),
        query=query,
    )


@router.get("/team/submissions.csv")
def export(request: Request, who: Recruiter, svc: Svc) -> Response:
    f = filters_of(request)
    name = f"submissions-{utcnow():%Y%m%d-%H%M}.csv"
    return StreamingResponse(
        listing.export_csv(svc.db, who.org_id, f),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _row(svc: Services, org_id: str, submission_id: str) -> Row:
    found = listing.one(svc.db, org_id, submission_id)
    if found is None:
        raise not_found("submission")
    return found


@router.get("/team/submissions/{submission_id}")
def report_page(request: Request, submission_id: str, who: Team, svc: Svc) -> Response:
    """The stored run's report (from the database), framed with the review panel."""
    row = _row(svc, who.org_id, submission_id)
    context: dict[str, Any] = {
        "row": row,
        "trail": reviews.trail(svc.db, who.org_id, submission_id),
        "error": request.query_params.get("error", ""),
    }
    if row.run_id is None:
        return page(request, "team/pending.html.j2", who, **context)
    parts = [
        TEMPLATES.get_template(f"team/{name}.html.j2").render(
            who=who, csrf=request.state.session.csrf, **context
        )
        for name in ("bar", "panel")
    ]
    document = render_html(from_json_dict(listing.report(svc.db, row.run_id)))
    return Response(
        _framed(document, *parts),
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": REPORT_CSP},
    )


def _framed(document: str, bar: str, panel: str) -> str:
    """The report document with the app's bar at the top and the review panel at the end."""
    style = f"<style>{PANEL_CSS}</style>"
    document = document.replace("</head>", style + "</head>", 1)
    document = document.replace("<main>", f"<main>{bar}", 1)
    head, _, tail = document.rpartition("</main>")
    return f"{head}{panel}</main>{tail}" if head else document + panel


@router.post("/team/submissions/{submission_id}/regrade")
def regrade(request: Request, submission_id: str, form: Form, who: Recruiter, svc: Svc) -> Response:
    _row(svc, who.org_id, submission_id)
    target = f"/team/submissions/{submission_id}"
    try:
        queue_regrade(submission_id, svc.settings, svc.store, svc.publisher)
    except GraderError as exc:
        return RedirectResponse(f"{target}?error={quote(exc.message)}", status.HTTP_303_SEE_OTHER)
    return RedirectResponse(target, status.HTTP_303_SEE_OTHER)


@router.get("/team/compare")
def compare(
    request: Request,
    who: Team,
    svc: Svc,
    ids: Annotated[list[str], Query()] = [],  # noqa: B006
) -> Response:
    rows = listing.many(svc.db, who.org_id, ids[:6])
    reports = {r.submission_id: _report(svc, r) for r in rows if r.run_id}
    challenges = {r.challenge_id for r in rows}
    problem = ""
    if len(rows) < 2:
        problem = "Tick two or more submissions in the table, then press Compare."
    elif len(challenges) > 1:
        problem = "Only submissions of the same challenge can be compared side by side."
    tests = sorted({t.id for rep in reports.values() for t in rep.tests})
    return page(
        request,
        "team/compare.html.j2",
        who,
        rows=rows,
        reports=reports,
        tests=tests,
        problem=problem,
    )


def _report(svc: Services, row: Row) -> GradeReport:
    assert row.run_id is not None
    return from_json_dict(listing.report(svc.db, row.run_id))


@router.get("/team/invitations")
def invitations_page(request: Request, who: Recruiter, svc: Svc) -> Response:
    return _invitations(request, who, svc)


def _invitations(
    request: Request, who: Recruiter, svc: Services, *, error: str = "", created: str = ""
) -> Response:
    off = catalogue.disabled_ids(svc.db, who.org_id)
    enabled = [c for c in catalogue.challenges(svc.roots) if c.id not in off]
    return page(
        request,
        "team/invitations.html.j2",
        who,
        code=400 if error else 200,
        invitations=invites.list_for(svc.db, who.org_id),
        challenges=enabled,
        default_deadline=(utcnow() + timedelta(days=7)).date().isoformat(),
        error=error,
        created=created,
        base=str(request.base_url).rstrip("/"),
    )


@router.post("/team/invitations")
def invite(request: Request, form: Form, who: Recruiter, svc: Svc) -> Response:
    known = _enabled(svc, who.org_id)
    try:
        new = invites.NewInvitation(
            str(form.get("name", "")),
            str(form.get("email", "")),
            str(form.get("challenge", "")),
            invites.parse_deadline(str(form.get("deadline", ""))),
            int(str(form.get("attempts", "3")) or 3),
        )
        _id, token = invites.create(svc.db, who, new, known)
    except ValueError as exc:
        return _invitations(request, who, svc, error=f"Check the deadline and attempts: {exc}")
    except GraderError as exc:
        return _invitations(request, who, svc, error=f"{exc.message}: {exc.hint}")
    links = f"{new.candidate_name}: {request.base_url}i/{token}"
    return _invitations(request, who, svc, created=links)


@router.post("/team/invitations/csv")
def invite_many(request: Request, form: Form, who: Recruiter, svc: Svc) -> Response:
    text = ""
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str):
        with upload.file:  # a sync route: reading the spooled file directly does not block
            text = upload.file.read(MAX_CSV_BYTES).decode("utf-8", "replace")
    known = _enabled(svc, who.org_id)
    try:
        rows = invites.parse_csv(text)
        for new in rows:
            invites.check(new, known)
        made = [(new, invites.create(svc.db, who, new, known)[1]) for new in rows]
    except GraderError as exc:
        return _invitations(request, who, svc, error=f"{exc.message}: {exc.hint}")
    links = "\n".join(
        f"{n.candidate_name} <{n.candidate_email}>: {request.base_url}i/{t}" for n, t in made
    )
    return _invitations(request, who, svc, created=links)


def _enabled(svc: Services, org_id: str) -> set[str]:
    off = catalogue.disabled_ids(svc.db, org_id)
    return {c.id for c in catalogue.challenges(svc.roots)} - off


@router.get("/team/review")
def review_queue(request: Request, who: Reviewer, svc: Svc) -> Response:
    number = int(request.query_params.get("page", "1") or 1)
    found = listing.page(svc.db, who.org_id, Filters(flagged=True, sort="oldest", page=number))
    return page(request, "team/review.html.j2", who, page=found)


@router.post("/team/submissions/{submission_id}/review")
def decide(request: Request, submission_id: str, form: Form, who: Reviewer, svc: Svc) -> Response:
    row = _row(svc, who.org_id, submission_id)
    target = f"/team/submissions/{submission_id}"
    if row.run_id is None:
        raise not_found("finished run to review")
    try:
        reviews.decide(
            svc.db,
            who,
            submission_id,
            row.run_id,
            decision=str(form.get("decision", "")),
            note=str(form.get("note", "")),
            score=str(form.get("score", "")),
        )
    except GraderError as exc:
        error = quote(f"{exc.message}: {exc.hint}")
        return RedirectResponse(f"{target}?error={error}#review", status.HTTP_303_SEE_OTHER)
    return RedirectResponse(f"{target}#review", status.HTTP_303_SEE_OTHER)
