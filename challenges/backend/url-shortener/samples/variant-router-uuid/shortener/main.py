"""The HTTP layer: one router under /shorten."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response

from shortener.repository import LinkRepository, as_json, make_engine

router = APIRouter(prefix="/shorten", tags=["short urls"])
repository = LinkRepository(make_engine())


async def url_from(request: Request) -> str:
    """The body's `url`, if it is an absolute http(s) URL; 400 otherwise."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise HTTPException(400, "the body must be JSON") from None
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str):
        raise HTTPException(400, "`url` must be a string")
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc or not parsed.hostname:
        raise HTTPException(400, "`url` must be an absolute http or https URL")
    if any(c.isspace() for c in url):
        raise HTTPException(400, "`url` must not contain spaces")
    return url


def or_404(row: Any) -> Any:
    if row is None:
        raise HTTPException(404, "no such short URL")
    return row


@router.post("/", status_code=201)
async def create(request: Request) -> dict[str, Any]:
    return as_json(repository.add(await url_from(request)))


@router.get("/{code}")
def retrieve(code: str) -> dict[str, Any]:
    return as_json(or_404(repository.hit(code)))


@router.put("/{code}")
async def change(code: str, request: Request) -> dict[str, Any]:
    url = await url_from(request)
    return as_json(or_404(repository.replace(code, url)))


@router.delete("/{code}", status_code=204)
def remove(code: str) -> Response:
    if not repository.remove(code):
        raise HTTPException(404, "no such short URL")
    return Response(status_code=204)


@router.get("/{code}/stats")
def stats(code: str) -> dict[str, Any]:
    return as_json(or_404(repository.get(code)), stats=True)


app = FastAPI(title="shortener")
app.include_router(router)
