"""Judge-side fixtures of the bookings suite: a mail sink and the candidate's running app.

One app process serves each test module (it starts in a few seconds, so once per module);
it runs in a folder of its own, so a SQLite file survives between the module's tests. With
the PostgreSQL and Redis services, their settings are passed on to the app.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from api import Api, MailSink, start_command
from grader_harness import record_fact, run_cli
from grader_harness.entry import Entry
from grader_harness.launch import Launcher
from grader_harness.workspace import new_workspace

SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
)


@pytest.fixture(scope="session")
def sink() -> Iterator[MailSink]:
    mail = MailSink()
    yield mail
    mail.close()


@pytest.fixture(scope="session")
def command(submission: Path) -> Entry:
    text, how = start_command(submission)
    record_fact("start_command", how)
    return Entry(100, how, text)


@pytest.fixture(scope="module")
def api(command: Entry, sink: MailSink) -> Iterator[Api]:
    folder = new_workspace()
    env = {name: os.environ[name] for name in SERVICE_VARIABLES if name in os.environ}
    env["MAIL_SINK_URL"] = sink.url
    launcher = Launcher([command], ready_timeout=40)
    with launcher.serve(folder, env) as base:  # every other Procfile process runs beside it
        client = Api(base)
        try:
            yield client
        finally:
            client.close()
    run_cli(["rm", "-rf", "--", str(folder)], cwd=folder.parent)


@pytest.fixture(autouse=True)
def calm_sink(sink: MailSink) -> Iterator[None]:
    yield
    sink.delay, sink.fail = 0.0, False
