"""Judge-side fixtures of the bookings suite: a mail sink and the candidate's running app.

One app process serves each test module (it starts in a few seconds, so once per module);
it runs in a folder of its own, so a SQLite file survives between the module's tests. With
the PostgreSQL and Redis services, their settings are passed on to the app, and so is one
``SECRET_KEY`` for the whole run: the concurrency module runs two copies of the app side by
side, and the restart test starts the app again in the same folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
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
SECRET_KEY = secrets.token_urlsafe(32)  # one per run, shared by every copy of the app
READY_SECONDS = 60  # migrations in the start command, and a busy machine, slow a start


def app_env(sink: MailSink) -> dict[str, str]:
    """The environment the brief promises: services, the mail sink, the signing secret."""
    env = {name: os.environ[name] for name in SERVICE_VARIABLES if name in os.environ}
    return {**env, "MAIL_SINK_URL": sink.url, "SECRET_KEY": SECRET_KEY}


@contextmanager
def running_app(command: Entry, folder: Path, sink: MailSink) -> Iterator[Api]:
    """The candidate's app started in ``folder`` (with every other Procfile process beside
    it); a client of it; everything stopped on exit."""
    launcher = Launcher([command], ready_timeout=READY_SECONDS)
    with launcher.serve(folder, app_env(sink)) as base:
        client = Api(base)
        try:
            yield client
        finally:
            client.close()


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
    with running_app(command, folder, sink) as client:
        yield client
    run_cli(["rm", "-rf", "--", str(folder)], cwd=folder.parent)


@pytest.fixture(autouse=True)
def calm_sink(sink: MailSink) -> Iterator[None]:
    yield
    sink.release()
    sink.fail = False
