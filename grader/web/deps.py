"""What every route depends on: the services, who is asking, CSRF-checked forms, templates.

Pages answer an anonymous visitor with a redirect to the sign-in page and a signed-in
person without the role with 403; an object of another organisation is 404, exactly like a
missing one, so ids cannot be probed.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from grader.queue import CeleryPublisher
from grader.settings import Settings
from grader.store import open_store
from grader.web import accounts, tokens
from grader.web.accounts import Principal
from grader.web.security import Session as WebSession

HERE = Path(__file__).resolve().parent
TEAM = ("admin", "recruiter", "reviewer")
RECRUITERS = ("admin", "recruiter")
REVIEWERS = ("admin", "reviewer")
ADMINS = ("admin",)


class Services:
    """One per app: settings, the store (and its sessions for the web tables), the broker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = open_store(settings.effective_database_url)
        self.db: sessionmaker[Session] = sessionmaker(self.store.engine, expire_on_commit=False)
        self.publisher = CeleryPublisher(settings)

    @property
    def roots(self) -> tuple[Path, ...]:
        return self.settings.challenge_roots

    def close(self) -> None:
        self.publisher.close()
        self.store.close()


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


Svc = Annotated[Services, Depends(services)]


class LoginRequired(Exception):
    """An anonymous visitor asked for a page that needs a signed-in person."""


def session_of(request: Request) -> WebSession:
    found: WebSession = request.state.session
    return found


def viewer(request: Request, svc: Svc) -> Principal | None:
    """The signed-in person, read fresh from the database on every request."""
    user_id = session_of(request).user_id
    return accounts.principal(svc.db, user_id) if user_id else None


def page_role(*roles: str) -> Any:
    """A dependency: the signed-in person if their role is one of ``roles``."""

    def check(who: Annotated[Principal | None, Depends(viewer)]) -> Principal:
        if who is None:
            raise LoginRequired
        if who.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role cannot open this page")
        return who

    return Depends(check)


Team = Annotated[Principal, page_role(*TEAM)]
Recruiter = Annotated[Principal, page_role(*RECRUITERS)]
Reviewer = Annotated[Principal, page_role(*REVIEWERS)]
Admin = Annotated[Principal, page_role(*ADMINS)]


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token matched the session's (E11)."""
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent.encode(), session_of(request).csrf.encode()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "this form has expired or did not come from this site; reload the page and try again",
        )
    return form


Form = Annotated[FormData, Depends(checked_form)]


def api_scope(*scopes: str) -> Any:
    """A dependency for the REST API: a bearer token whose scope is one of ``scopes``."""

    def check(request: Request, svc: Svc) -> Principal:
        header = request.headers.get("authorization", "")
        kind, _, secret = header.partition(" ")
        found = tokens.resolve(svc.db, secret.strip()) if kind.lower() == "bearer" else None
        if found is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "send a live API token as 'Authorization: Bearer gr_...' (admins create them)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        who, scope = found
        if scope not in scopes:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this token's scope is {scope}; this needs {scopes}"
            )
        return who

    return Depends(check)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda at: at.strftime("%d %b %Y %H:%M UTC") if at else ""
    env.filters["score"] = lambda s: "" if s is None else f"{s:.1f}"
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def render(
    request: Request, template: str, who: Principal | None = None, code: int = 200, **context: Any
) -> HTMLResponse:
    context = {"who": who, "csrf": session_of(request).csrf, "path": request.url.path, **context}
    return TEMPLATES.TemplateResponse(request, template, context, status_code=code)


def not_found(what: str = "page") -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no such {what}")
