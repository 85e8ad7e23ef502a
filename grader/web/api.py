"""The app, and its REST intake: ``POST /submissions`` records and enqueues, ``GET
/submissions/{id}`` reports, both for an API token of the caller's organisation.

A thin adapter over :mod:`grader.queue.intake`, like the CLI. The web process never talks
to Docker: it only writes the database and publishes to the broker. The pages and the rest
of the API are in :mod:`grader.web.app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request, status
from pydantic import AwareDatetime, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from grader.errors import ChallengeError, GraderError, RejectedError
from grader.fetch import store_upload
from grader.queue import submit
from grader.settings import Settings, get_settings
from grader.store import SubmissionNotFoundError
from grader.store.web_tables import OrgSubmissionTable
from grader.web import app as web
from grader.web.accounts import Principal
from grader.web.deps import Services, Svc, api_scope


class SubmissionIn(BaseModel):
    repo_url: str = Field(min_length=1, max_length=2048)
    challenge: str = Field(min_length=3, max_length=255, examples=["devops/task-tracker"])
    ref: str | None = Field(default=None, max_length=255)
    deadline: AwareDatetime | None = None  # grade the last commit before it


class SubmissionOut(BaseModel):
    id: str
    state: str
    queue: str
    challenge: str
    repo_url: str
    commit: str
    attempt: int
    outcome: str | None = None
    score: float | None = None
    reason: str = ""
    phases: dict[str, datetime | None] = {}


class Accepted(BaseModel):
    id: str
    queue: str
    commit: str


READ = Annotated[Principal, api_scope("read", "submit", "admin")]
SUBMIT = Annotated[Principal, api_scope("submit", "admin")]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app, bound to ``settings`` (default: the environment's) when it starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services(settings or get_settings())
        sender = web.start(app, services)
        try:
            yield
        finally:
            await web.stop(sender)
            services.close()

    app = FastAPI(
        title="grader",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,  # the default pages load assets from a CDN; /api/docs is offline
        redoc_url=None,
    )
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route(
        "/submissions",
        create_submission,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=Accepted,
    )
    app.add_api_route(
        "/submissions/archive",
        create_archive_submission,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=Accepted,
    )
    app.add_api_route("/submissions/{submission_id}", read_submission, methods=["GET"])
    web.install(app)
    return app


def healthz(services: Svc) -> dict[str, object]:
    """Up, and the database answers."""
    return {"ok": True, "states": services.store.state_counts()}


def create_submission(body: SubmissionIn, who: SUBMIT, services: Svc) -> Accepted:
    """Record a submission (its commit pinned now) and queue it for grading."""
    try:
        done = submit(
            body.repo_url,
            body.challenge,
            services.settings,
            services.store,
            services.publisher,
            ref=body.ref,
            deadline=body.deadline,
        )
    except (RejectedError, ChallengeError) as exc:
        raise _http(status.HTTP_422_UNPROCESSABLE_CONTENT, exc) from exc
    _link(services, who, done.id)
    return Accepted(id=done.id, queue=done.queue, commit=done.commit)


async def create_archive_submission(
    request: Request,
    who: SUBMIT,
    services: Svc,
    challenge: Annotated[str, Query(min_length=3, max_length=255)],
    ref: Annotated[str | None, Query(max_length=255)] = None,
    deadline: AwareDatetime | None = None,
) -> Accepted:
    """A git bundle or zip of the repository as the request body; queued like a URL."""
    data = await _capped_body(request, services.settings.max_repo_mb * 1024 * 1024)
    try:
        source = store_upload(data, services.settings)
        done = await run_in_threadpool(
            submit,
            source,
            challenge,
            services.settings,
            services.store,
            services.publisher,
            ref=ref,
            deadline=deadline,
            uploaded=True,
        )
    except (RejectedError, ChallengeError) as exc:
        raise _http(status.HTTP_422_UNPROCESSABLE_CONTENT, exc) from exc
    await run_in_threadpool(_link, services, who, done.id)
    return Accepted(id=done.id, queue=done.queue, commit=done.commit)


async def _capped_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            toobig = RejectedError(
                f"the file is larger than the {limit // (1024 * 1024):,} MB repository limit",
                hint="leave build output and data sets out of it",
            )
            raise _http(status.HTTP_413_CONTENT_TOO_LARGE, toobig)
        chunks.append(chunk)
    return b"".join(chunks)


def _link(services: Services, who: Principal, submission_id: str) -> None:
    with services.db.begin() as session:
        session.add(
            OrgSubmissionTable(
                submission_id=submission_id,
                org_id=who.org_id,
                candidate_name="(API)",
                candidate_email="",
                decision="",
            )
        )


def read_submission(submission_id: str, who: READ, services: Svc) -> SubmissionOut:
    """State, per-phase timestamps, and the result once the current attempt is done."""
    with services.db() as session:
        link = session.get(OrgSubmissionTable, submission_id)
    if link is None or link.org_id != who.org_id:  # another organisation's: same as missing
        missing = SubmissionNotFoundError(
            f"no submission with id {submission_id!r}", hint="use the id POST /submissions returned"
        )
        raise _http(status.HTTP_404_NOT_FOUND, missing)
    try:
        found = services.store.status(submission_id)
    except SubmissionNotFoundError as exc:
        raise _http(status.HTTP_404_NOT_FOUND, exc) from exc
    return SubmissionOut(
        id=found.id,
        state=found.state,
        queue=found.queue,
        challenge=found.challenge_id,
        repo_url=found.repo_url,
        commit=found.commit_sha,
        attempt=found.attempt,
        outcome=found.outcome,
        score=found.score,
        reason=found.reason,
        phases=found.phases,
    )


def _http(code: int, exc: GraderError) -> HTTPException:
    return HTTPException(code, detail={"message": exc.message, "hint": exc.hint})
