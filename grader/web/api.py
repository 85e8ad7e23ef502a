"""REST intake: ``POST /submissions`` records and enqueues, ``GET /submissions/{id}`` reports.

A thin adapter over :mod:`grader.queue.intake`, like the CLI. The web process never talks
to Docker: it only writes the database and publishes to the broker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request, status
from pydantic import AwareDatetime, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from grader.errors import ChallengeError, GraderError, RejectedError
from grader.fetch import store_upload
from grader.queue import CeleryPublisher, submit
from grader.settings import Settings, get_settings
from grader.store import SubmissionNotFoundError, open_store


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


class _Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = open_store(settings.effective_database_url)
        self.publisher = CeleryPublisher(settings)

    def close(self) -> None:
        self.publisher.close()
        self.store.close()


def _services(request: Request) -> _Services:
    services: _Services = request.app.state.services
    return services


Services = Annotated[_Services, Depends(_services)]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app, bound to ``settings`` (default: the environment's) when it starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = _Services(settings or get_settings())
        try:
            yield
        finally:
            app.state.services.close()

    app = FastAPI(title="grader", lifespan=lifespan)
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
    return app


def healthz(services: Services) -> dict[str, object]:
    """Up, and the database answers."""
    return {"ok": True, "states": services.store.state_counts()}


def create_submission(body: SubmissionIn, services: Services) -> Accepted:
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
    return Accepted(id=done.id, queue=done.queue, commit=done.commit)


async def create_archive_submission(
    request: Request,
    services: Services,
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


def read_submission(submission_id: str, services: Services) -> SubmissionOut:
    """State, per-phase timestamps, and the result once the current attempt is done."""
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
