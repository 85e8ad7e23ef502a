"""Judge-side helpers: how to start the candidate's app, an HTTP client, and a mail sink.

The mail sink is a tiny HTTP server in the judge: the app POSTs its confirmation mails to
``MAIL_SINK_URL``; the sink records each message when it arrives, then may hold its answer
until the test lets it go (``hold``) or fail (``fail``), to show whether the app's response
waits for the mail. Ids are whatever JSON the app chose (integers, UUID strings, ...).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

DEFAULT_START = "python3 -m uvicorn app.main:app --host 127.0.0.1 --port $PORT"
_numbers = itertools.count(1)


def start_command(submission: Path) -> tuple[str, str]:
    """The ``web:`` line of the Procfile, else the documented default; and how it was found."""
    procfile = submission / "Procfile"
    if procfile.is_file():
        for line in procfile.read_text(encoding="utf-8", errors="replace").splitlines():
            name, sep, command = line.partition(":")
            if sep and name.strip() == "web" and command.strip():
                return command.strip(), f"Procfile web: {command.strip()}"
    return DEFAULT_START, f"no Procfile web: line; default {DEFAULT_START}"


HOLD_SECONDS = 60.0  # a held answer is released by the test, or after this long


class MailSink:
    """Records every POSTed JSON message; answers when not held (500 if ``fail``)."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.released.set()
        self.fail = False
        self._messages: list[tuple[float, Any]] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    payload = json.loads(raw)
                except ValueError:
                    payload = {"unparsed": raw.decode("utf-8", "replace")}
                with sink._lock:
                    sink._messages.append((time.monotonic(), payload))
                    fail = sink.fail
                sink.released.wait(HOLD_SECONDS)
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mail"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self) -> None:
        """From now on, answer no mail until ``release``."""
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def to(self, email: str) -> list[tuple[float, dict[str, Any]]]:
        with self._lock:
            return [
                (t, m) for t, m in self._messages if isinstance(m, dict) and m.get("to") == email
            ]

    def wait_for(
        self, email: str, count: int = 1, seconds: float = 8.0
    ) -> list[tuple[float, dict[str, Any]]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = self.to(email)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.to(email)

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class User:
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """A thin client of the candidate's app; every test makes its own users and rooms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=15.0)

    def new_user(self) -> User:
        email = f"user{next(_numbers)}@example.com"
        creds = {"email": email, "password": "correct horse battery"}
        made = self.http.post("/auth/register", json=creds)
        assert made.status_code == 201, f"POST /auth/register: {made.status_code} {made.text[:300]}"
        got = self.http.post("/auth/token", json=creds)
        assert got.status_code == 200, f"POST /auth/token: {got.status_code} {got.text[:300]}"
        token = got.json().get("access_token")
        assert isinstance(token, str) and token, f"no access_token in {got.text[:300]}"
        return User(email, token)

    def new_room(self, user: User) -> Any:
        """A new room's id, as the app wrote it (an integer, a UUID string, ...)."""
        made = self.http.post(
            "/rooms", json={"name": f"Room {next(_numbers)}", "capacity": 8}, headers=user.headers
        )
        assert made.status_code == 201, f"POST /rooms: {made.status_code} {made.text[:300]}"
        room = made.json().get("id")
        assert isinstance(room, int | str) and room != "", f"no id in {made.text[:300]}"
        return room

    def book(
        self,
        user: User,
        room: Any,
        start: datetime,
        hours: float = 1.0,
        key: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {
            "room_id": room,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=hours)).isoformat(),
            **extra,
        }
        headers = {**user.headers, **({"Idempotency-Key": key} if key else {})}
        return self.http.post("/bookings", json=body, headers=headers)

    def close(self) -> None:
        self.http.close()


def unknown_id(known: Any) -> Any:
    """An id of the same kind as ``known`` that no row has: 987654321 or a fixed new UUID."""
    if isinstance(known, int) or (isinstance(known, str) and known.isdigit()):
        return type(known)(987654321)
    try:
        uuid.UUID(str(known))
    except ValueError:
        return f"{known}0"
    return str(uuid.UUID(int=0x5EED << 64 | 0xB00C))


def slot(day: int, hour: int, minute: int = 0, offset_hours: int = 0) -> datetime:
    """2031-01-01 plus ``day`` days at ``hour:minute`` UTC, written in UTC+``offset_hours``."""
    moment = datetime(2031, 1, 1, tzinfo=UTC) + timedelta(days=day, hours=hour, minutes=minute)
    return moment.astimezone(timezone(timedelta(hours=offset_hours)))


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, f"{text!r} has no time zone"
    return moment


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The documented error object, checked for shape."""
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"the error body is not JSON: {response.text[:200]!r}") from None
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f'errors look like {{"error": {{...}}}}, got {body!r:.300}'
    assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str), (
        f"an error has a string code and message, got {error!r:.300}"
    )
    return error
