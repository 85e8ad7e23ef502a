"""The REST API (``/api/v1``) for what the pages do, behind scoped bearer tokens.

``read`` lists and reads; ``submit`` also invites and regrades; ``admin`` may do everything.
The OpenAPI schema is at ``/api/openapi.json``; ``/api/docs`` renders it on this server,
offline (no CDN).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from grader.errors import GraderError
from grader.queue import regrade as queue_regrade
from grader.web import catalogue, invites, listing, reviews, webhooks
from grader.web.accounts import Principal
from grader.web.deps import Svc, api_scope, not_found, render
from grader.web.listing import Filters, Row

router = APIRouter(prefix="/api/v1", tags=["api"])
READ = Annotated[Principal, api_scope("read", "submit", "admin")]
SUBMIT = Annotated[Principal, api_scope("submit", "admin")]
ADMIN = Annotated[Principal, api_scope("admin")]


class ChallengeOut(BaseModel):
    id: str
    title: str
    version: str
    specialty: str
    enabled: bool
    validation: str


class InvitationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    challenge: str = Field(examples=["devops/task-tracker"])
    deadline: datetime
    attempts: int = Field(default=3, ge=1, le=invites.MAX_ATTEMPTS)


class InvitationOut(BaseModel):
    id: str
    candidate_name: str
    candidate_email: str
    challenge: str
    deadline: datetime
    max_attempts: int
    attempts_used: int
    link: str = ""  # only in the answer to POST: the token is shown once


class SubmissionRow(BaseModel):
    id: str
    candidate_name: str
    candidate_email: str
    challenge: str
    repo_url: str
    state: str
    submitted_at: datetime
    run_id: str | None
    outcome: str | None
    score: float | None
    review: str


class SubmissionPage(BaseModel):
    items: list[SubmissionRow]
    total: int
    page: int
    pages: int


class DecisionIn(BaseModel):
    decision: str = Field(pattern="^(clear|confirm|override)$")
    note: str = ""
    score: float | None = None


def _row(r: Row) -> SubmissionRow:
    return SubmissionRow(
        id=r.submission_id,
        candidate_name=r.candidate_name,
        candidate_email=r.candidate_email,
        challenge=r.challenge_id,
        repo_url=r.repo_url,
        state=r.state,
        submitted_at=r.created_at,
        run_id=r.run_id,
        outcome=r.outcome,
        score=r.shown_score,
        review=r.decision,
    )


def _bad(exc: GraderError) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT, {"message": exc.message, "hint": exc.hint}
    )


@router.get("/challenges")
def list_challenges(who: READ, svc: Svc) -> list[ChallengeOut]:
    """The challenge catalogue as your organisation sees it (scope read)."""
    return [
        ChallengeOut(**vars_of(e))
        for e in catalogue.entries(svc.db, who.org_id, svc.roots, svc.settings.validations_dir)
    ]


def vars_of(entry: catalogue.Entry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in entry.__slots__}


@router.get("/invitations")
def list_invitations(who: READ, svc: Svc) -> list[InvitationOut]:
    """Your organisation's latest 100 invitations, newest first (scope read)."""
    return [_invitation(i) for i in invites.list_for(svc.db, who.org_id)]


@router.post("/invitations", status_code=status.HTTP_201_CREATED)
def create_invitation(body: InvitationIn, request: Request, who: SUBMIT, svc: Svc) -> InvitationOut:
    """Invite a candidate; the answer holds their link, shown once (scope submit)."""
    known = {
        e.id
        for e in catalogue.entries(svc.db, who.org_id, svc.roots, svc.settings.validations_dir)
        if e.enabled
    }
    new = invites.NewInvitation(body.name, body.email, body.challenge, body.deadline, body.attempts)
    try:
        invitation_id, token = invites.create(svc.db, who, new, known)
    except GraderError as exc:
        raise _bad(exc) from exc
    made = next(i for i in invites.list_for(svc.db, who.org_id) if i.id == invitation_id)
    return _invitation(made, f"{request.base_url}i/{token}")


def _invitation(i: invites.Invitation, link: str = "") -> InvitationOut:
    return InvitationOut(
        id=i.id,
        candidate_name=i.candidate_name,
        candidate_email=i.candidate_email,
        challenge=i.challenge_id,
        deadline=i.deadline_at,
        max_attempts=i.max_attempts,
        attempts_used=i.attempts_used,
        link=link,
    )


@router.get("/submissions")
def list_submissions(
    who: READ,
    svc: Svc,
    challenge: str = "",
    outcome: str = "",
    state: str = "",
    flagged: bool = False,
    sort: str = "newest",
    page: int = 1,
) -> SubmissionPage:
    """Your organisation's submissions, 50 a page, with the table's filters (scope read)."""
    f = Filters(challenge, outcome, state, flagged, sort=sort, page=page)
    found = listing.page(svc.db, who.org_id, f)
    return SubmissionPage(
        items=[_row(r) for r in found.rows], total=found.total, page=found.page, pages=found.pages
    )


def _one(svc: Svc, who: Principal, submission_id: str) -> Row:
    found = listing.one(svc.db, who.org_id, submission_id)
    if found is None:
        raise not_found("submission")
    return found


@router.get("/submissions/{submission_id}")
def read_submission(submission_id: str, who: READ, svc: Svc) -> SubmissionRow:
    """One submission: state, outcome, score (an override wins), review (scope read)."""
    return _row(_one(svc, who, submission_id))


@router.get("/submissions/{submission_id}/report")
def read_report(submission_id: str, who: READ, svc: Svc) -> dict[str, Any]:
    """The stored report of the current attempt (the JSON report format), with reviews."""
    row = _one(svc, who, submission_id)
    if row.run_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "not graded yet; poll the submission")
    trail = reviews.trail(svc.db, who.org_id, submission_id)
    return {
        "report": listing.report(svc.db, row.run_id),
        "reviews": [
            {
                "decision": d.decision,
                "note": d.note,
                "score": d.score_override,
                "by": d.user_name,
                "at": d.created_at.isoformat(),
            }
            for d in trail
        ],
    }


@router.post("/submissions/{submission_id}/regrade", status_code=status.HTTP_202_ACCEPTED)
def regrade(submission_id: str, who: SUBMIT, svc: Svc) -> dict[str, int]:
    """Queue the next attempt of a finished submission (scope submit)."""
    _one(svc, who, submission_id)
    try:
        attempt = queue_regrade(submission_id, svc.settings, svc.store, svc.publisher)
    except GraderError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, {"message": exc.message}) from exc
    return {"attempt": attempt}


@router.post("/submissions/{submission_id}/review", status_code=status.HTTP_201_CREATED)
def review(submission_id: str, body: DecisionIn, who: ADMIN, svc: Svc) -> dict[str, str]:
    """Record a decision on the current run: clear, confirm or override (scope admin)."""
    row = _one(svc, who, submission_id)
    if row.run_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "not graded yet")
    score = "" if body.score is None else str(body.score)
    try:
        reviews.decide(
            svc.db,
            who,
            submission_id,
            row.run_id,
            decision=body.decision,
            note=body.note,
            score=score,
        )
    except GraderError as exc:
        raise _bad(exc) from exc
    return {"decision": body.decision}


class EnabledIn(BaseModel):
    enabled: bool


class WebhookIn(BaseModel):
    url: str = Field(min_length=8, max_length=2048, examples=["https://ats.example.com/hooks"])


@router.put("/challenges/{specialty}/{slug}/enabled")
def set_enabled(specialty: str, slug: str, body: EnabledIn, who: ADMIN, svc: Svc) -> ChallengeOut:
    """Enable or disable a challenge for your organisation (its invitations follow)."""
    challenge_id = f"{specialty}/{slug}"
    if challenge_id not in {c.id for c in catalogue.challenges(svc.roots)}:
        raise not_found("challenge")
    catalogue.set_enabled(svc.db, who.org_id, challenge_id, body.enabled)
    entries = catalogue.entries(svc.db, who.org_id, svc.roots, svc.settings.validations_dir)
    entry = next(e for e in entries if e.id == challenge_id)
    return ChallengeOut(**vars_of(entry))


@router.post("/webhooks", status_code=status.HTTP_201_CREATED)
def create_webhook(body: WebhookIn, who: ADMIN, svc: Svc) -> dict[str, str]:
    """Add a webhook; the answer holds its signing secret, once."""
    try:
        secret = webhooks.create(svc.db, who.org_id, body.url)
    except GraderError as exc:
        raise _bad(exc) from exc
    return {"url": body.url, "secret": secret}


docs = APIRouter(include_in_schema=False)


@docs.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema: no CDN, works offline."""
    schema = request.app.openapi()
    operations = [
        (path, method.upper(), op.get("summary", ""), op.get("description", ""))
        for path, item in schema["paths"].items()
        for method, op in item.items()
    ]
    return render(request, "api_docs.html.j2", None, operations=operations)
