"""Every route, called as anonymous, candidate, recruiter, reviewer, admin and as a member of
another organisation: only the intended callers get through (E10)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import sessionmaker

from grader.settings import get_settings
from grader.store import open_store
from grader.web import tokens
from grader.web.accounts import Principal
from tests.web_support import WebClient, World, build_world, csrf_of, sign_in

# kombu's SQLAlchemy transport (the embedded broker) still maps its tables with ``noload``.
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")

CALLERS = ("anonymous", "candidate", "recruiter", "reviewer", "admin", "other")
TEAM = {"recruiter", "reviewer", "admin"}
RECRUITERS = {"recruiter", "admin"}
REVIEWERS = {"reviewer", "admin"}
EVERYONE = set(CALLERS)

# (method, path, who gets through). {g} graded, {f} flagged, {t} invitation token.
# Object routes answer "missing" to another organisation; list routes show it its own rows.
PAGES = [
    ("GET", "/team/submissions", TEAM | {"other"}),
    ("GET", "/team/submissions.csv", RECRUITERS | {"other"}),
    ("GET", "/team/submissions/{g}", TEAM),
    ("GET", "/team/submissions/{g}/report.pdf", RECRUITERS),  # before the regrade below
    ("GET", "/team/compare.pdf?ids={g}&ids={f}", RECRUITERS),
    ("POST", "/team/submissions/{g}/regrade", RECRUITERS),
    ("POST", "/team/submissions/{f}/review", REVIEWERS),
    ("GET", "/team/compare?ids={g}&ids={f}", TEAM | {"other"}),
    ("GET", "/team/invitations", RECRUITERS | {"other"}),
    ("POST", "/team/invitations", RECRUITERS | {"other"}),
    ("POST", "/team/invitations/csv", RECRUITERS | {"other"}),
    ("GET", "/team/review", REVIEWERS),
    ("GET", "/admin/users", {"admin"}),
    ("POST", "/admin/users", {"admin"}),
    ("POST", "/admin/users/{admin_id}", {"admin"}),
    ("GET", "/admin/tokens", {"admin"}),
    ("POST", "/admin/tokens", {"admin"}),
    ("POST", "/admin/tokens/nope/revoke", set()),  # missing even for admins
    ("GET", "/admin/webhooks", {"admin"}),
    ("POST", "/admin/webhooks", {"admin"}),
    ("GET", "/admin/webhooks/nope", set()),
    ("POST", "/admin/webhooks/nope", set()),
    ("GET", "/admin/challenges", {"admin"}),
    ("GET", "/admin/challenges/devops/task-tracker", {"admin"}),
    ("POST", "/admin/challenges/devops/task-tracker", {"admin"}),
    ("GET", "/i/{t}", EVERYONE),
    ("GET", "/i/{t}/starter.zip", EVERYONE),
    ("GET", "/i/{t}/check?url=x", EVERYONE),
    ("POST", "/i/{t}/submit", EVERYONE),
    ("GET", "/i/{t}/s/{g}", EVERYONE),
    ("GET", "/i/{t}/s/{g}/progress", EVERYONE),
    ("GET", "/i/{t}/s/{f}", set()),  # not this invitation's submission
    ("GET", "/i/wrong-token", set()),
    ("GET", "/", EVERYONE),
    ("GET", "/login", EVERYONE),
    ("POST", "/login", EVERYONE),
    ("POST", "/logout", EVERYONE),
    ("GET", "/api/docs", EVERYONE),
    ("GET", "/healthz", EVERYONE),
]
API_ROUTES = {"/api/v1/", "/submissions"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, dict[str, WebClient]]]:
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADER_HOME", str(tmp_path_factory.mktemp("web-access")))
    get_settings.cache_clear()
    built = build_world()
    clients = {}
    for caller in CALLERS:
        clients[caller] = WebClient()
        if caller in TEAM | {"other"}:
            sign_in(clients[caller], built.emails[caller])
    yield built, clients
    for client in clients.values():
        client.close()
    mp.undo()
    get_settings.cache_clear()


def verdict(answer: httpx.Response) -> str:
    location = answer.headers.get("location", "")
    if answer.status_code in {401} or (
        answer.status_code == 303 and location.startswith("/login?")
    ):
        return "login"
    if answer.status_code == 403:
        return "forbidden"
    if answer.status_code == 404:
        return "missing"
    assert answer.status_code < 500, answer.text
    return "through"


def _path(template: str, w: World) -> str:
    return template.format(g=w.graded, f=w.flagged, t=w.token, admin_id=w.user_ids["admin"])


@pytest.mark.parametrize(
    ("method", "template", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_only_the_intended_callers_get_through(
    world: tuple[World, dict[str, WebClient]], method: str, template: str, allowed: set[str]
) -> None:
    w, clients = world
    for caller, client in clients.items():
        path = _path(template, w)
        data = {"csrf_token": csrf_of(client, "/login"), "role": "admin", "active": "1"}
        answer = client.request(
            method, path, data=data if method == "POST" else None, follow_redirects=False
        )
        got = verdict(answer)
        if template == "/logout" and caller in w.emails:
            sign_in(client, w.emails[caller])
        if caller in allowed:
            assert got == "through", (caller, method, path, answer.status_code)
        else:
            assert got != "through", (caller, method, path, answer.status_code)


def test_every_route_of_the_app_is_in_the_table(world: tuple[World, dict[str, WebClient]]) -> None:
    _w, clients = world
    listed = {p.split("?")[0] for _m, p, _a in PAGES}
    shapes = {
        p.replace("{g}", "{submission_id}")
        .replace("{f}", "{submission_id}")
        .replace("{t}", "{token}")
        .replace("{admin_id}", "{user_id}")
        .replace("nope/revoke", "{token_id}/revoke")
        .replace("webhooks/nope", "webhooks/{hook_id}")
        .replace("devops/task-tracker", "{specialty}/{slug}")
        .replace("wrong-token", "{token}")
        for p in listed
    }
    app = clients["admin"].app
    routes = {r.path for r in app.routes if isinstance(r, APIRoute)}
    pages = {r for r in routes if not r.startswith(tuple(API_ROUTES))}
    assert pages - shapes == set()


def test_another_organisations_submission_is_missing_not_forbidden(
    world: tuple[World, dict[str, WebClient]],
) -> None:
    w, clients = world
    for caller in ("recruiter", "reviewer", "admin"):
        answer = clients[caller].get(f"/team/submissions/{w.other}")
        assert answer.status_code == 404
    listing = clients["other"].get("/team/submissions").text
    assert "Grace Graded" not in listing and "Olga Other" in listing


def test_the_api_checks_token_scope_and_organisation(
    world: tuple[World, dict[str, WebClient]],
) -> None:
    w, clients = world
    client = clients["anonymous"]
    with open_store(w.db_url) as store:
        db = sessionmaker(store.engine)
        who = Principal(w.user_ids["admin"], w.org, "admin", "Ann")
        read = tokens.create(db, who, "reader", "read")
        admin = tokens.create(db, who, "admin", "admin")

    def auth(t: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {t}"}

    assert client.get("/api/v1/submissions").status_code == 401
    assert client.get("/api/v1/submissions", headers=auth("gr_forged")).status_code == 401
    listed = client.get("/api/v1/submissions", headers=auth(read)).json()
    assert {i["id"] for i in listed["items"]} == {w.graded, w.flagged}
    assert client.get(f"/api/v1/submissions/{w.other}", headers=auth(read)).status_code == 404
    assert client.get(f"/submissions/{w.other}", headers=auth(read)).status_code == 404
    assert client.get(f"/submissions/{w.graded}").status_code == 401
    assert (
        client.post(f"/api/v1/submissions/{w.graded}/regrade", headers=auth(read)).status_code
        == 403
    )
    off = {"json": {"enabled": False}}
    path = "/api/v1/challenges/devops/task-tracker/enabled"
    assert client.put(path, headers=auth(read), **off).status_code == 403
    assert client.put(path, headers=auth(admin), **off).json()["enabled"] is False
    client.put(path, headers=auth(admin), json={"enabled": True})
    report = client.get(f"/api/v1/submissions/{w.flagged}/report", headers=auth(admin))
    assert report.status_code == 200 and report.json()["report"]["outcome"] == "flagged"
