"""Sign in and out; ``/`` sends each person to where their work is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import RedirectResponse, Response

from grader.web import accounts
from grader.web.accounts import Principal, ThrottledError
from grader.web.deps import Form, Svc, render, viewer
from grader.web.security import fresh_session

router = APIRouter(include_in_schema=False)
HOME = {"admin": "/team/submissions", "recruiter": "/team/submissions", "reviewer": "/team/review"}


@router.get("/")
def home(who: Annotated[Principal | None, Depends(viewer)]) -> Response:
    target = HOME[who.role] if who else "/login"
    return RedirectResponse(target, status.HTTP_303_SEE_OTHER)


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    return render(request, "login.html.j2", next=_safe_next(next), error=None, email="")


@router.post("/login")
def login(request: Request, form: Form, svc: Svc) -> Response:
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    address = request.client.host if request.client else "unknown"
    try:
        who = accounts.authenticate(svc.db, email, password, address)
    except ThrottledError as exc:
        return _failed(request, email, target, f"{exc.message}: {exc.hint}", 429)
    if who is None:
        return _failed(request, email, target, "The email or password is not right.", 400)
    request.state.session = fresh_session(who.user_id)  # new session id: no fixation
    return RedirectResponse(target or HOME[who.role], status.HTTP_303_SEE_OTHER)


def _failed(request: Request, email: str, target: str, error: str, code: int) -> Response:
    return render(request, "login.html.j2", code=code, next=target, error=error, email=email)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    request.state.session = fresh_session()
    return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)


def _safe_next(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else ""
