"""Short URLs kept in a SQLite file in the folder the app runs in."""

import secrets
import sqlite3
import string
from datetime import datetime, timezone
from urllib.parse import urlsplit

DB = "shortener.sqlite3"
ALPHABET = string.ascii_letters + string.digits


def connect():
    con = sqlite3.connect(DB)
    con.row_factory = sqlite3.Row
    con.execute(
        "CREATE TABLE IF NOT EXISTS urls (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT,"
        " code TEXT UNIQUE, created TEXT, updated TEXT, hits INTEGER DEFAULT 0)"
    )
    return con


def now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def valid_url(body):
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or len(url) > 2048 or any(c.isspace() for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def as_json(row, stats=False):
    body = {
        "id": row["id"],
        "url": row["url"],
        "shortCode": row["code"],
        "createdAt": row["created"],
        "updatedAt": row["updated"],
    }
    if stats:
        body["accessCount"] = row["hits"]
    return body


def create(url):
    with connect() as con:
        code = "".join(secrets.choice(ALPHABET) for _ in range(7))
        stamp = now()
        con.execute(
            "INSERT INTO urls (url, code, created, updated) VALUES (?, ?, ?, ?)",
            (url, code, stamp, stamp),
        )
        return find(code, con)


def find(code, con=None):
    con = con or connect()
    return con.execute("SELECT * FROM urls WHERE code = ?", (code,)).fetchone()


def visit(code):
    with connect() as con:
        con.execute("UPDATE urls SET hits = hits + 1 WHERE code = ?", (code,))
        return find(code, con)


def change(code, url):
    with connect() as con:
        con.execute("UPDATE urls SET url = ?, updated = ? WHERE code = ?", (url, now(), code))
        return find(code, con)


def remove(code):
    with connect() as con:
        return con.execute("DELETE FROM urls WHERE code = ?", (code,)).rowcount > 0
