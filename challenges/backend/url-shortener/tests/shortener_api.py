"""Helpers the hidden URL shortener tests share: a small HTTP client (judge side, stdlib only).

Redirects are never followed and no proxy is used: every answer is the candidate's own.
"""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from startup import NOT_FOUND, Startup

FIELDS = ("id", "url", "shortCode", "createdAt", "updatedAt")
TIMEOUT = 10
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
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as answer:
                return Response(method, path, answer.status, answer.read())
        except urllib.error.HTTPError as exc:
            return Response(method, path, exc.code, exc.read())
        except (urllib.error.URLError, OSError) as exc:
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
    """An ISO 8601 date-time, as the spec's createdAt / updatedAt."""
    assert isinstance(value, str), f"{name} should be an ISO 8601 string, got {value!r}"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pytest.fail(f"{name} is not an ISO 8601 date-time: {value!r}", pytrace=False)
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed


def start_app(startup: Startup | None, cwd: Path | None = None) -> AbstractContextManager[str]:
    """``with start_app(startup) as base:`` runs the app in ``cwd`` (default: a new workspace)."""
    if startup is None:
        pytest.fail(NOT_FOUND, pytrace=False)
    return startup.serve(cwd)
