"""The slow APIs the candidate's service calls, served by the judge on loopback.

``Suppliers`` answers ``GET /{supplier}/prices/{sku}`` after ``latency`` seconds and counts how
many calls were in flight at once: that peak is how the suite sees whether the service asks
suppliers concurrently, whatever its code looks like. ``MailSink`` records mails and can hold
them (answer only when released), to see whether an order's response waits for its mail.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SUPPLIERS = ("acme", "globex", "initech")


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Suppliers(_Server):
    """``prices[(supplier, sku)]`` is a price, or an HTTP status to answer with instead."""

    def __init__(self) -> None:
        self.prices: dict[tuple[str, str], float | int] = {}
        self.latency = 0.6
        self.calls = 0
        self.peak = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._enter()
                try:
                    time.sleep(fake.latency)
                    status, body = fake.answer(self.path)
                finally:
                    fake._leave()
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                return None

        super().__init__(Handler)

    def reset(self, prices: dict[tuple[str, str], float | int]) -> None:
        with self._lock:
            self.prices, self.calls, self.peak, self.latency = dict(prices), 0, 0, 0.6

    def answer(self, path: str) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[1] != "prices":
            return 400, {"detail": f"unknown path {path}"}
        found = self.prices.get((parts[0], parts[2]))
        if found is None:
            return 404, {"detail": "not sold here"}
        if isinstance(found, int) and found >= 500:
            return found, {"detail": "supplier error"}
        return 200, {"price": found}

    def _enter(self) -> None:
        with self._lock:
            self.calls += 1
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


class MailSink(_Server):
    """Records every POSTed mail; while ``held``, answers only after ``release()``."""

    def __init__(self) -> None:
        self.mails: list[dict[str, Any]] = []
        self.fail = False
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    mail = json.loads(raw)
                except ValueError:
                    mail = {"unparsed": raw.decode("utf-8", "replace")}
                with sink._lock:
                    sink.mails.append(mail)
                sink._open.wait(30)
                self.send_response(500 if sink.fail else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                return None

        super().__init__(Handler)

    def reset(self) -> None:
        self.release()
        with self._lock:
            self.mails, self.fail = [], False

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def wait_for(self, email: str, seconds: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while True:
            with self._lock:
                found = [m for m in self.mails if isinstance(m, dict) and m.get("to") == email]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)
