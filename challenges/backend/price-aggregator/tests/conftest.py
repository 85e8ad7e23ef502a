"""Judge-side fixtures: the slow supplier and mail APIs, and the candidate's running service.

The fakes live for the session; the service is started once per test module with the
command the brief gives, and every test resets the fakes' state.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fakes import SUPPLIERS, MailSink, Suppliers
from grader_harness import record_fact, serve_app

COMMAND = "exec python3 -m uvicorn app:app --host 127.0.0.1 --port $PORT"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, timeout: float = 15) -> Answer:
        return self._send(urllib.request.Request(self.base + path), timeout)

    def post(self, path: str, payload: object, timeout: float = 15) -> Answer:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        return self._send(request, timeout)

    @staticmethod
    def _send(request: urllib.request.Request, timeout: float) -> Answer:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return Answer(status, json.loads(raw))
        except ValueError:
            return Answer(status, raw.decode("utf-8", "replace"))


@pytest.fixture(scope="session")
def suppliers() -> Iterator[Suppliers]:
    fake = Suppliers()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def mail() -> Iterator[MailSink]:
    sink = MailSink()
    yield sink
    sink.close()


@pytest.fixture(scope="module")
def api(suppliers: Suppliers, mail: MailSink) -> Iterator[Api]:
    env = {
        "SUPPLIERS_URL": suppliers.url,
        "SUPPLIERS": ",".join(SUPPLIERS),
        "MAIL_URL": mail.url + "/mail",
    }
    record_fact("start_command", "python3 -m uvicorn app:app")
    with serve_app(COMMAND, env=env, ready_timeout=40) as base:
        yield Api(base)


@pytest.fixture(autouse=True)
def fresh_fakes(suppliers: Suppliers, mail: MailSink) -> Iterator[None]:
    suppliers.reset({})
    mail.reset()
    yield
    mail.release()
