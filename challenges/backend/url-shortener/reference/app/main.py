"""URL Shortening Service: a REST API that shortens, looks up, changes and counts URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictStr, field_validator

from app.store import SessionLocal, ShortUrl, Store, create_tables

MAX_URL_LENGTH = 2048


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host, no whitespace, of a sane length."""
    if len(value) > MAX_URL_LENGTH or any(char.isspace() for char in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class UrlIn(BaseModel):
    url: StrictStr

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if not is_web_url(value):
            raise ValueError("must be an absolute http or https URL")
        return value


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    create_tables()
    yield


app = FastAPI(title="URL Shortening Service", lifespan=lifespan)


@app.exception_handler(RequestValidationError)
async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """The spec answers invalid input with 400 (FastAPI's default is 422)."""
    errors = [
        {"field": ".".join(str(part) for part in error["loc"][1:]), "message": error["msg"]}
        for error in exc.errors()
    ]
    return JSONResponse(status_code=400, content={"errors": errors})


def get_store() -> Iterator[Store]:
    with SessionLocal() as session:
        yield Store(session)


StoreDep = Annotated[Store, Depends(get_store)]


def found(item: ShortUrl | None) -> ShortUrl:
    if item is None:
        raise HTTPException(status_code=404, detail="short URL not found")
    return item


@app.post("/shorten", status_code=201)
def create_short_url(body: UrlIn, store: StoreDep) -> dict[str, Any]:
    return store.create(body.url).to_json()


@app.get("/shorten/{code}")
def retrieve_short_url(code: str, store: StoreDep) -> dict[str, Any]:
    return found(store.visit(code)).to_json()


@app.put("/shorten/{code}")
def update_short_url(code: str, body: UrlIn, store: StoreDep) -> dict[str, Any]:
    return found(store.change(code, body.url)).to_json()


@app.delete("/shorten/{code}", status_code=204)
def delete_short_url(code: str, store: StoreDep) -> Response:
    if not store.remove(code):
        raise HTTPException(status_code=404, detail="short URL not found")
    return Response(status_code=204)


@app.get("/shorten/{code}/stats")
def short_url_stats(code: str, store: StoreDep) -> dict[str, Any]:
    return found(store.find(code)).to_json(stats=True)
