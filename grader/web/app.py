"""The web application: sessions, security headers, error pages, and every router.

``grader.web.api.create_app`` builds the FastAPI app and calls :func:`install` on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request, Response, status
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError

from grader.web import webhooks
from grader.web.deps import HERE, LoginRequired, Services, render
from grader.web.security import COOKIE, Signer, fresh_session, secret_key

log = logging.getLogger(__name__)

# Pages load only this site's own CSS and JS; nothing from elsewhere, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# Stored reports carry their own inline stylesheet.
REPORT_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def install(app: FastAPI) -> None:
    """Add the pages, the REST API, sessions and headers to ``app``."""
    from grader.web import (  # noqa: PLC0415
        pages_admin,
        pages_auth,
        pages_candidate,
        pages_pdf,
        pages_team,
        rest,
    )

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (pages_auth, pages_candidate, pages_team, pages_pdf, pages_admin, rest):
        app.include_router(module.router)
    app.include_router(rest.docs)
    app.middleware("http")(_sessions_and_headers)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(HTTPException, _http_error)


async def _sessions_and_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    signer: Signer = request.app.state.signer
    loaded = signer.load(request.cookies.get(COOKIE))
    request.state.session = loaded or fresh_session()
    response = await call_next(request)
    if request.state.session != loaded:
        settings = request.app.state.services.settings
        response.set_cookie(
            COOKIE,
            signer.dump(request.state.session),
            max_age=int(settings.session_hours * 3600),
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            path="/",
        )
    report = request.url.path.endswith("/report.html")
    response.headers.setdefault("Content-Security-Policy", REPORT_CSP if report else CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _to_login(request: Request, _exc: Exception) -> Response:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={target}", status.HTTP_303_SEE_OTHER)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    wants_json = request.url.path.startswith(("/api/", "/submissions")) and not _is_page(request)
    if wants_json or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
    return render(
        request, "error.html.j2", None, exc.status_code, code_=exc.status_code, detail=exc.detail
    )


def _is_page(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def start(app: FastAPI, services: Services) -> asyncio.Task[None]:
    """Bind the services and the cookie signer; start the webhook sender."""
    app.state.services = services
    settings = services.settings
    app.state.signer = Signer(secret_key(settings), settings.session_hours * 3600)
    return asyncio.create_task(_send_webhooks(services))


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _send_webhooks(services: Services) -> None:
    while True:
        try:
            await asyncio.to_thread(webhooks.collect, services.db)
            await asyncio.to_thread(webhooks.deliver_due, services.db)
        except SQLAlchemyError as exc:
            log.warning("webhook pass failed, trying again later: %s", exc)
        await asyncio.sleep(services.settings.webhook_interval_seconds)
