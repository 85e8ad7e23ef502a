"""Helpers the hidden URL shortener tests share: a small HTTP client (judge side, stdlib only).

No proxy is used: every answer is the candidate's own. Redirects within the app are followed
the way common HTTP clients (httpx, requests, curl -L) follow them: 307 and 308 repeat the
request with its method and body, 301, 302 and 303 turn it into a GET. So a framework's
trailing-slash redirect (`POST /shorten` -> 307 -> `POST /shorten/`) is not the candidate's
loss. A redirect to another host (the original URL) is never followed.
"""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from startup import NOT_FOUND, Startup

FIELDS = ("id", "url", "shortCode", "createdAt", "updatedAt")
TIMEOUT = 10
MAX_REDIRECTS = 5
KEEP_METHOD = (307, 308)
TO_GET = (301, 302, 303)
_numbers = itertools.count(1)
_NO_BODY = object()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


@dataclass(frozen=True)
class Response:
    method: str
    path: str
    status: int
    body: bytes

    def explain(self) -> str:
        text = self.body[:300].decode("utf-8", "replace")
        return f"{self.method} {self.path} answered {self.status}: {text or '(empty body)'}"

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            pytest.fail(f"{self.explain()} - expected a JSON body", pytrace=False)


class Api:
    """``api.post("/shorten", {"url": ...})`` against the candidate's running app."""

    def __init__(self, base: str) -> None:
        self.base = base

    def request(
        self, method: str, path: str, payload: Any = _NO_BODY, raw: bytes = b""
    ) -> Response:
        data = raw or (None if payload is _NO_BODY else json.dumps(payload).encode())
        url = self.base + path
        for _hop in range(MAX_REDIRECTS + 1):
            status, body, location = self._send(method, url, data)
            target = urljoin(url, location) if location else ""
            if not target.startswith(self.base + "/") or status not in (*KEEP_METHOD, *TO_GET):
                return Response(method, path, status, body)
            if status in TO_GET:
                method, data = "GET", None
            url = target
        return Response(method, path, status, body)

    def _send(self, method: str, url: str, data: bytes | None) -> tuple[int, bytes, str]:
        """One request, no redirects followed: (status, body, Location header or "")."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        request = urllib.request.Request(url, data, headers, method=method)
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as answer:
                return answer.status, answer.read(), answer.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.headers.get("Location", "")
        except (urllib.error.URLError, OSError) as exc:
            path = url.removeprefix(self.base)
            pytest.fail(f"{method} {path} got no answer from the app: {exc}", pytrace=False)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, payload: Any = _NO_BODY, raw: bytes = b"") -> Response:
        return self.request("POST", path, payload, raw)

    def put(self, path: str, payload: Any = _NO_BODY, raw: bytes = b"") -> Response:
        return self.request("PUT", path, payload, raw)

    def delete(self, path: str) -> Response:
        return self.request("DELETE", path)

    def create(self, url: str) -> dict[str, Any]:
        """Shorten ``url``; the answer must be 201 with a JSON object holding a shortCode."""
        answer = self.post("/shorten", {"url": url})
        assert answer.status == 201, answer.explain()
        body = answer.json()
        assert isinstance(body, dict) and body.get("shortCode"), f"{answer.explain()}: no shortCode"
        return body


def unique_url(label: str = "page") -> str:
    """A fresh, valid URL for one test (numbered, so runs are repeatable)."""
    return f"https://example.com/{label}/{next(_numbers)}?ref=grader"


def assert_fields(body: Any, *, also: tuple[str, ...] = ()) -> None:
    assert isinstance(body, dict), f"expected a JSON object, got {body!r:.200}"
    missing = [name for name in (*FIELDS, *also) if name not in body]
    assert not missing, f"the answer lacks {', '.join(missing)}: {body!r:.300}"


def timestamp(value: Any, name: str) -> datetime:
    """An ISO 8601 date-time, as the spec's createdAt / updatedAt; naive ones are read as UTC.

    Compared as instants, never as text: `...12:00:00Z` and `...12:00:00.000+00:00` agree.
    """
    assert isinstance(value, str), f"{name} should be an ISO 8601 string, got {value!r}"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pytest.fail(f"{name} is not an ISO 8601 date-time: {value!r}", pytrace=False)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def start_app(startup: Startup | None, folder: Path | None = None) -> AbstractContextManager[str]:
    """``with start_app(startup) as base:`` runs the app in ``folder``, else a new workspace.

    A restart passes the first run's folder again: a SQLite file or anything else the app
    keeps beside its code survives, as it would on the candidate's own machine.
    """
    if startup is None:
        pytest.fail(NOT_FOUND, pytrace=False)
    return startup.serve(folder)
