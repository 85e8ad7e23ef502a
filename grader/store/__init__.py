"""Persistence: submissions and runs in SQLite (embedded) or PostgreSQL (production).

``open_store(url)`` migrates the database to the newest schema and returns a :class:`Store`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, make_url

from grader.errors import ConfigError
from grader.store import web_tables  # noqa: F401 - registers the web app's tables
from grader.store.errors import RunNotFoundError, SubmissionBusyError, SubmissionNotFoundError
from grader.store.lifecycle import Claim, RunRecord, Stale, SubmissionStatus
from grader.store.migrate import upgrade
from grader.store.store import Overlap, RunDetail, RunRow, Store, SubmissionRow

__all__ = [
    "Claim",
    "Overlap",
    "RunDetail",
    "RunNotFoundError",
    "RunRecord",
    "RunRow",
    "Stale",
    "Store",
    "SubmissionBusyError",
    "SubmissionNotFoundError",
    "SubmissionRow",
    "SubmissionStatus",
    "open_store",
    "redacted_url",
]

log = logging.getLogger(__name__)

_HINT = "set GRADER_DATABASE_URL to a reachable database, e.g. sqlite:////var/lib/grader/grader.db"


def open_store(url: str) -> Store:
    """Open the database at ``url``, bring its schema up to date, and return a Store."""
    parsed = _parse(url)
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = _engine(parsed)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError, OSError) as error:
        raise ConfigError(f"cannot use database {shown}: {error}", hint=_HINT) from error
    try:
        upgrade(engine)
    except exc.DBAPIError as error:
        engine.dispose()
        raise ConfigError(f"cannot open database {shown}: {error.orig}", hint=_HINT) from error
    log.debug("store open at %s", shown)
    return Store(engine)


def redacted_url(url: str) -> str:
    """``url`` fit to print: its password masked (``***``)."""
    try:
        return _parse(url).render_as_string(hide_password=True)
    except ConfigError:
        return "(not a database URL)"


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except exc.ArgumentError as error:
        raise ConfigError(f"{url!r} is not a database URL", hint=_HINT) from error


def _engine(url: URL) -> sa.Engine:
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys are off by default in SQLite; WAL lets readers and one writer coexist."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()
