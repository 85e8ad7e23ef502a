"""A small world for the web app's tests: two organisations, one person per role, an
invitation, and finished submissions (graded and flagged) stored like a worker stores them."""

from __future__ import annotations

import asyncio
import re
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker

from grader.models import ChallengeRef, GradeReport
from grader.record import run_record
from grader.settings import get_settings
from grader.store import Store, open_store
from grader.store.tables import utcnow
from grader.store.web_tables import OrgSubmissionTable
from grader.testing import flagged_report, graded_report
from grader.web import accounts, create_app, invites, tokens
from grader.web.accounts import Principal

PASSWORD = "correct horse battery staple"
CHALLENGE = "devops/task-tracker"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class World:
    org: str
    other_org: str
    token: str  # the invitation link's secret
    invitation_id: str
    graded: str  # submission ids
    flagged: str
    other: str  # a submission of the other organisation
    emails: dict[str, str]  # role -> email; "other" is the other organisation's recruiter
    user_ids: dict[str, str]
    db_url: str


def build_world() -> World:
    db_url = get_settings().effective_database_url
    store = open_store(db_url)
    try:
        db = sessionmaker(store.engine, expire_on_commit=False)
        org = accounts.create_org(db, "Acme")
        other_org = accounts.create_org(db, "Globex")
        emails = {}
        ids = {}
        for role in ("admin", "recruiter", "reviewer"):
            emails[role] = f"{role}@acme.test"
            ids[role] = accounts.create_user(
                db,
                org_id=org,
                email=emails[role],
                name=f"Ann {role.title()}",
                role=role,
                password=PASSWORD,
            )
        emails["other"] = "recruiter@globex.test"
        accounts.create_user(
            db,
            org_id=other_org,
            email=emails["other"],
            name="Otto",
            role="recruiter",
            password=PASSWORD,
        )
        who = Principal(ids["recruiter"], org, "recruiter", "Ann Recruiter")
        new = invites.NewInvitation(
            "Cleo Candidate", "cleo@example.com", CHALLENGE, utcnow() + timedelta(days=3), 3
        )
        invitation_id, token = invites.create(db, who, new, {CHALLENGE})
        graded = finished(store, org, graded_report(), "Grace Graded", invitation_id)
        flagged = finished(store, org, flagged_report(), "Fred Flagged", None)
        other = finished(store, other_org, graded_report(), "Olga Other", None)
    finally:
        store.close()
    return World(org, other_org, token, invitation_id, graded, flagged, other, emails, ids, db_url)


def api_token(scope: str = "submit") -> str:
    """A new organisation with one admin, and an API token of ``scope`` for it."""
    with open_store(get_settings().effective_database_url) as store:
        db = sessionmaker(store.engine, expire_on_commit=False)
        org = accounts.create_org(db, "API")
        email = f"{uuid.uuid4().hex[:12]}@api.test"
        user = accounts.create_user(
            db, org_id=org, email=email, name="API", role="admin", password=PASSWORD
        )
        return tokens.create(db, Principal(user, org, "admin", "API"), "tests", scope)


def finished(
    store: Store, org_id: str, report: GradeReport, name: str, invitation_id: str | None
) -> str:
    """A submission graded to ``report``, linked to ``org_id``, as a worker would leave it."""
    ref = ChallengeRef(id=CHALLENGE, version="1.0.0", title="Task tracker")
    submission_id = store.enqueue(
        "https://github.com/a/b",
        None,
        "e" * 40,
        challenge_id=CHALLENGE,
        challenge_version="1.0.0",
        queue="devops",
        deadline_seconds=60,
    )
    claim = store.claim(submission_id, uuid.uuid4().hex, lease_seconds=60)
    assert claim is not None
    report = replace(report, run_id=claim.token, challenge=ref)
    store.finish(claim, run_record(report))
    db = sessionmaker(store.engine)
    with db.begin() as session:
        session.add(
            OrgSubmissionTable(
                submission_id=submission_id,
                org_id=org_id,
                invitation_id=invitation_id,
                candidate_name=name,
                candidate_email=f"{name.split(maxsplit=1)[0].lower()}@example.com",
                decision="",
            )
        )
    return submission_id


class WebClient:
    """Synchronous requests through ``httpx.ASGITransport``, inside the app's lifespan, with
    cookies kept between requests like a browser."""

    def __init__(self, app: FastAPI | None = None) -> None:
        self.app = app or create_app()
        self._runner = asyncio.Runner()
        self._stack = AsyncExitStack()
        self.http: httpx.AsyncClient = self._runner.run(self._open())

    async def _open(self) -> httpx.AsyncClient:
        await self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url="http://grader.test")
        return await self._stack.enter_async_context(client)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._runner.run(self.http.request(method, path, **kwargs))

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def close(self) -> None:
        self._runner.run(self._stack.aclose())
        self._runner.close()

    def __enter__(self) -> WebClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def csrf_of(client: WebClient, path: str = "/login") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: WebClient, email: str) -> None:
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
