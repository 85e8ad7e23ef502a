"""SQLite storage: one connection per request, the schema made on startup."""

from __future__ import annotations

import secrets
import sqlite3
import string
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g

CODE_CHARS = string.ascii_letters + string.digits
SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    access_count INTEGER NOT NULL DEFAULT 0
)
"""


def connection() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"], timeout=10)
        g.db.row_factory = sqlite3.Row
    return g.db


def close(_error: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        conn.execute(SCHEMA)
    app.teardown_appcontext(close)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_json(row: sqlite3.Row, stats: bool = False) -> dict[str, Any]:
    body = {"id": row["id"], "url": row["url"], "shortCode": row["code"],
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}
    if stats:
        body["accessCount"] = row["access_count"]
    return body


def find(code: str) -> sqlite3.Row | None:
    return connection().execute("SELECT * FROM urls WHERE code = ?", (code,)).fetchone()


def create(url: str) -> sqlite3.Row:
    conn = connection()
    while True:
        code = "".join(secrets.choice(CODE_CHARS) for _ in range(6))
        try:
            with conn:
                conn.execute(
                    "INSERT INTO urls (url, code, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    (url, code, now(), now()),
                )
        except sqlite3.IntegrityError:
            continue
        return find(code)  # type: ignore[return-value]


def count_access(code: str) -> sqlite3.Row | None:
    with connection() as conn:
        conn.execute("UPDATE urls SET access_count = access_count + 1 WHERE code = ?", (code,))
    return find(code)


def change(code: str, url: str) -> sqlite3.Row | None:
    with connection() as conn:
        conn.execute("UPDATE urls SET url = ?, updated_at = ? WHERE code = ?", (url, now(), code))
    return find(code)


def remove(code: str) -> bool:
    with connection() as conn:
        return conn.execute("DELETE FROM urls WHERE code = ?", (code,)).rowcount == 1
