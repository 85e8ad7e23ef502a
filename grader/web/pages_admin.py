"""The admin's pages: people and roles, API tokens, webhooks, the challenge catalogue."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response

from grader.errors import GraderError
from grader.store.web_tables import ROLES, SCOPES
from grader.web import accounts, catalogue, tokens, webhooks
from grader.web.deps import Admin, Form, Svc, not_found, render

router = APIRouter(include_in_schema=False)


def _back(path: str) -> Response:
    return RedirectResponse(path, status.HTTP_303_SEE_OTHER)


@router.get("/admin/users")
def users(request: Request, who: Admin, svc: Svc, error: str = "") -> Response:
    people = accounts.list_users(svc.db, who.org_id)
    return render(
        request,
        "admin/users.html.j2",
        who,
        code=400 if error else 200,
        people=people,
        roles=ROLES,
        error=error,
    )


@router.post("/admin/users")
def add_user(request: Request, form: Form, who: Admin, svc: Svc) -> Response:
    try:
        accounts.create_user(
            svc.db,
            org_id=who.org_id,
            email=str(form.get("email", "")),
            name=str(form.get("name", "")),
            role=str(form.get("role", "")),
            password=str(form.get("password", "")),
        )
    except GraderError as exc:
        return users(request, who, svc, error=f"{exc.message}: {exc.hint}")
    return _back("/admin/users")


@router.post("/admin/users/{user_id}")
def change_user(request: Request, user_id: str, form: Form, who: Admin, svc: Svc) -> Response:
    active = form.get("active") == "1"
    if user_id == who.user_id and (not active or form.get("role") != "admin"):
        return users(
            request, who, svc, error="You cannot demote or disable yourself: ask another admin"
        )
    try:
        accounts.update_user(
            svc.db, who.org_id, user_id, role=str(form.get("role", "")), active=active
        )
    except GraderError:
        raise not_found("person") from None
    return _back("/admin/users")


@router.get("/admin/tokens")
def token_list(
    request: Request, who: Admin, svc: Svc, created: str = "", error: str = ""
) -> Response:
    return render(
        request,
        "admin/tokens.html.j2",
        who,
        code=400 if error else 200,
        tokens=tokens.list_for(svc.db, who.org_id),
        scopes=SCOPES,
        created=created,
        error=error,
    )


@router.post("/admin/tokens")
def add_token(request: Request, form: Form, who: Admin, svc: Svc) -> Response:
    try:
        secret = tokens.create(svc.db, who, str(form.get("name", "")), str(form.get("scope", "")))
    except GraderError as exc:
        return token_list(request, who, svc, error=f"{exc.message}: {exc.hint}")
    return token_list(request, who, svc, created=secret)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(token_id: str, form: Form, who: Admin, svc: Svc) -> Response:
    try:
        tokens.revoke(svc.db, who.org_id, token_id)
    except GraderError:
        raise not_found("token") from None
    return _back("/admin/tokens")


@router.get("/admin/webhooks")
def hook_list(
    request: Request, who: Admin, svc: Svc, created: str = "", error: str = ""
) -> Response:
    return render(
        request,
        "admin/webhooks.html.j2",
        who,
        code=400 if error else 200,
        hooks=webhooks.hooks(svc.db, who.org_id),
        created=created,
        error=error,
    )


@router.post("/admin/webhooks")
def add_hook(request: Request, form: Form, who: Admin, svc: Svc) -> Response:
    try:
        secret = webhooks.create(svc.db, who.org_id, str(form.get("url", "")).strip())
    except GraderError as exc:
        return hook_list(request, who, svc, error=f"{exc.message}: {exc.hint}")
    return hook_list(request, who, svc, created=secret)


@router.get("/admin/webhooks/{hook_id}")
def hook_log(request: Request, hook_id: str, who: Admin, svc: Svc) -> Response:
    hook = next((h for h in webhooks.hooks(svc.db, who.org_id) if h.id == hook_id), None)
    if hook is None:
        raise not_found("webhook")
    sent = webhooks.deliveries(svc.db, who.org_id, hook_id)
    return render(request, "admin/webhook.html.j2", who, hook=hook, deliveries=sent)


@router.post("/admin/webhooks/{hook_id}")
def toggle_hook(hook_id: str, form: Form, who: Admin, svc: Svc) -> Response:
    try:
        webhooks.set_active(svc.db, who.org_id, hook_id, form.get("active") == "1")
    except GraderError:
        raise not_found("webhook") from None
    return _back("/admin/webhooks")


@router.get("/admin/challenges")
def challenge_list(request: Request, who: Admin, svc: Svc) -> Response:
    found = catalogue.entries(svc.db, who.org_id, svc.roots, svc.settings.validations_dir)
    return render(request, "admin/challenges.html.j2", who, entries=found)


@router.get("/admin/challenges/{specialty}/{slug}")
def challenge_stats(request: Request, specialty: str, slug: str, who: Admin, svc: Svc) -> Response:
    challenge_id = f"{specialty}/{slug}"
    entry = next(
        (
            e
            for e in catalogue.entries(svc.db, who.org_id, svc.roots, svc.settings.validations_dir)
            if e.id == challenge_id
        ),
        None,
    )
    if entry is None:
        raise not_found("challenge")
    found = catalogue.stats(svc.db, who.org_id, challenge_id)
    checks = catalogue.validation_checks(challenge_id, svc.settings.validations_dir)
    return render(request, "admin/challenge.html.j2", who, entry=entry, stats=found, checks=checks)


@router.post("/admin/challenges/{specialty}/{slug}")
def toggle_challenge(specialty: str, slug: str, form: Form, who: Admin, svc: Svc) -> Response:
    challenge_id = f"{specialty}/{slug}"
    if challenge_id not in {c.id for c in catalogue.challenges(svc.roots)}:
        raise not_found("challenge")
    catalogue.set_enabled(svc.db, who.org_id, challenge_id, form.get("enabled") == "1")
    return _back("/admin/challenges")
