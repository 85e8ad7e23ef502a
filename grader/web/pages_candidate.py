"""The candidate's pages, reached only through an invitation link (no account).

The candidate sees the brief, the starter, their own submissions' progress and, at the end,
only what the challenge's feedback policy allows (:func:`grader.report.candidate_view`):
never a score reason, an integrity finding, a recruiter's note or another candidate.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup

from grader.challenge import Challenge, find_challenge
from grader.errors import ChallengeError, GraderError
from grader.fetch import check_url
from grader.models import Feedback
from grader.report import CandidateView, candidate_view, from_json_dict
from grader.store import SubmissionStatus
from grader.web import invites, listing
from grader.web.deps import Form, Services, Svc, not_found, render
from grader.web.invites import Invitation

router = APIRouter(include_in_schema=False)
STEPS = ("queued", "fetching", "testing", "done")
STEP_WORDS = {
    "queued": "Waiting for a grader",
    "fetching": "Fetching your repository",
    "testing": "Running the tests",
    "done": "Scoring and feedback",
}
MAX_STARTER_BYTES = 20 * 1024 * 1024


def _invitation(svc: Services, token: str) -> Invitation:
    found = invites.by_token(svc.db, token)
    if found is None:
        raise not_found("invitation: check the link in your email")
    return found


def _challenge(svc: Services, invitation: Invitation) -> Challenge | None:
    try:
        return find_challenge(invitation.challenge_id, svc.roots)
    except ChallengeError:
        return None


@router.get("/i/{token}")
def invitation_page(request: Request, token: str, svc: Svc, error: str = "") -> Response:
    invitation = _invitation(svc, token)
    challenge = _challenge(svc, invitation)
    return render(
        request,
        "candidate/invitation.html.j2",
        inv=invitation,
        token=token,
        title=challenge.spec.title if challenge else invitation.challenge_id,
        brief=_brief(challenge),
        has_starter=challenge is not None and (challenge.root / "starter").is_dir(),
        closed=invites.closed_because(svc.db, invitation),
        submissions=invites.submissions_of(svc.db, invitation.id),
        error=error,
        url="",
    )


def _brief(challenge: Challenge | None) -> Markup:
    if challenge is None or not (challenge.root / "brief.md").is_file():
        return Markup("<p>The brief is not available right now. Contact the hiring team.</p>")
    text = (challenge.root / "brief.md").read_text(encoding="utf-8")
    # Raw HTML in the brief is shown as text (html=False): the rendered brief is inert.
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    # The page has its own h1 and h2: the brief's heading levels become h3, h4, ... in order.
    levels = sorted({t.tag for t in tokens if t.type == "heading_open"})
    shift = {tag: f"h{min(3 + i, 6)}" for i, tag in enumerate(levels)}
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = shift[token.tag]
    return Markup(md.renderer.render(tokens, md.options, {}))  # noqa: S704


@router.get("/i/{token}/starter.zip")
def starter(token: str, svc: Svc) -> Response:
    invitation = _invitation(svc, token)
    challenge = _challenge(svc, invitation)
    if challenge is None or not (challenge.root / "starter").is_dir():
        raise not_found("starter for this challenge")
    data = _zip(challenge.root / "starter", challenge.id.replace("/", "-"))
    name = f"{challenge.id.replace('/', '-')}-starter.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type="application/zip", headers=headers)


def _zip(folder: Path, top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                archive.write(path, f"{top}/{path.relative_to(folder)}")
    return buffer.getvalue()[:MAX_STARTER_BYTES]


@router.get("/i/{token}/check")
def check(token: str, svc: Svc, url: str = "") -> JSONResponse:
    """The URL policy, as the candidate types (same ``check_url`` as intake)."""
    _invitation(svc, token)
    try:
        check_url(url, svc.settings)
    except GraderError as exc:
        return JSONResponse({"ok": False, "message": exc.message, "hint": exc.hint})
    return JSONResponse({"ok": True, "message": "This repository address can be graded."})


@router.post("/i/{token}/submit")
def submit(request: Request, token: str, form: Form, svc: Svc) -> Response:
    invitation = _invitation(svc, token)
    url = str(form.get("repo_url", "")).strip()
    try:
        submission_id = invites.submit_through(
            svc.db, invitation, url, (svc.settings, svc.store, svc.publisher)
        )
    except GraderError as exc:
        hint = f" {exc.hint[:1].upper()}{exc.hint[1:]}." if exc.hint else ""
        return _resubmit(request, svc, token, invitation, f"{exc.message}.{hint}", url)
    return RedirectResponse(f"/i/{token}/s/{submission_id}", status.HTTP_303_SEE_OTHER)


def _resubmit(
    request: Request, svc: Services, token: str, inv: Invitation, error: str, url: str
) -> Response:
    challenge = _challenge(svc, inv)
    return render(
        request,
        "candidate/invitation.html.j2",
        code=400,
        inv=inv,
        token=token,
        title=challenge.spec.title if challenge else inv.challenge_id,
        brief=_brief(challenge),
        has_starter=challenge is not None,
        closed=invites.closed_because(svc.db, inv),
        submissions=invites.submissions_of(svc.db, inv.id),
        error=error.replace("..", "."),
        url=url,
    )


def _own(svc: Services, invitation: Invitation, submission_id: str) -> SubmissionStatus:
    if submission_id not in {sid for sid, _ in invites.submissions_of(svc.db, invitation.id)}:
        raise not_found("submission for this invitation")
    return svc.store.status(submission_id)


@router.get("/i/{token}/s/{submission_id}")
def progress_page(request: Request, token: str, submission_id: str, svc: Svc) -> Response:
    invitation = _invitation(svc, token)
    found = _own(svc, invitation, submission_id)
    return render(
        request,
        "candidate/progress.html.j2",
        inv=invitation,
        token=token,
        sid=submission_id,
        step=step_of(found),
        step_index=STEPS.index(step_of(found)),
        steps=[(s, STEP_WORDS[s]) for s in STEPS],
        feedback=_feedback(svc, invitation, found),
    )


@router.get("/i/{token}/s/{submission_id}/progress")
def progress(token: str, submission_id: str, svc: Svc) -> JSONResponse:
    invitation = _invitation(svc, token)
    found = _own(svc, invitation, submission_id)
    step = step_of(found)
    return JSONResponse({"step": step, "words": STEP_WORDS[step], "done": found.state == "done"})


def step_of(found: SubmissionStatus) -> str:
    if found.state == "done":
        return "done"
    phases: dict[str, datetime | None] = found.phases
    if found.state == "running" and phases.get("cloned"):
        return "testing"
    return "fetching" if found.state == "running" else "queued"


def _feedback(
    svc: Services, invitation: Invitation, found: SubmissionStatus
) -> CandidateView | None:
    if found.state != "done" or found.run_id is None:
        return None
    report = from_json_dict(listing.report(svc.db, found.run_id))
    challenge = _challenge(svc, invitation)
    policy: Feedback | None = challenge.spec.feedback if challenge else None
    return candidate_view(report, policy)
