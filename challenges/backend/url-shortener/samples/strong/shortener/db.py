"""PostgreSQL access: one connection per request, plain SQL."""

import os
import secrets
import string

import psycopg
from psycopg.rows import dict_row

ALPHABET = string.ascii_letters + string.digits
SCHEMA = """
CREATE TABLE IF NOT EXISTS short_urls (
    id SERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    short_code VARCHAR(12) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    access_count INTEGER NOT NULL DEFAULT 0
)
"""
COLUMNS = "id, url, short_code, created_at, updated_at, access_count"


def connect():
    return psycopg.connect(os.environ["DATABASE_URL"], row_factory=dict_row, autocommit=True)


def init_schema():
    with connect() as conn:
        conn.execute(SCHEMA)


def new_code(length=6):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def insert(url):
    with connect() as conn:
        while True:
            try:
                return conn.execute(
                    f"INSERT INTO short_urls (url, short_code) VALUES (%s, %s) RETURNING {COLUMNS}",
                    (url, new_code()),
                ).fetchone()
            except psycopg.errors.UniqueViolation:
                continue


def fetch(code, *, count_access=False):
    with connect() as conn:
        if count_access:
            return conn.execute(
                "UPDATE short_urls SET access_count = access_count + 1 WHERE short_code = %s "
                f"RETURNING {COLUMNS}",
                (code,),
            ).fetchone()
        return conn.execute(
            f"SELECT {COLUMNS} FROM short_urls WHERE short_code = %s", (code,)
        ).fetchone()


def change(code, url):
    with connect() as conn:
        return conn.execute(
            "UPDATE short_urls SET url = %s, updated_at = now() WHERE short_code = %s "
            f"RETURNING {COLUMNS}",
            (url, code),
        ).fetchone()


def remove(code):
    with connect() as conn:
        return conn.execute("DELETE FROM short_urls WHERE short_code = %s", (code,)).rowcount
